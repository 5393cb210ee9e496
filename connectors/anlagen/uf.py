"""Anlage UF – Unfall oder Schädigung durch Dritte (accident or injury, for recourse claims).

Modelled on the BA's questionnaire on accidents: if someone else caused the injury, claims for
damages pass to the jobcenter as far as it pays benefits (§ 116 SGB X), so it needs when and where it
happened, what kind of event, who caused it and their liability insurer, and whether the police took
a report (the reference number is optional; it helps to obtain the file). Work accidents also name
the employer, because the statutory accident insurance (Berufsgenossenschaft) may be liable instead.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import Field

from connectors.anlagen.base import AnlageConnector, Figure
from connectors.anlagen.common import (
    Declaration,
    Person,
    declaration_field,
    not_before,
    not_expected,
    not_in_future,
    person_field,
    required,
)
from connectors.sdk import FieldProblem, ServiceForm
from connectors.sdk.fields import Choice, LongText, ShortText, section_config


class AccidentKind(Choice):
    TRAFFIC = "traffic", "Verkehrsunfall"
    WORK = "work", "Arbeits- oder Wegeunfall"
    VIOLENCE = "violence", "Gewalttat / Körperverletzung"
    MEDICAL = "medical", "ärztlicher Behandlungsfehler"
    ANIMAL = "animal", "Verletzung durch ein Tier"
    HOME_LEISURE = "home_leisure", "Unfall im Haushalt oder in der Freizeit"
    OTHER = "other", "sonstiges Ereignis"


class ThirdParty(ServiceForm):
    model_config = section_config("Verursachende Person")

    name: ShortText = Field(title="Name der verursachenden Person bzw. Halter/in")
    address: ShortText | None = Field(default=None, title="Anschrift (falls bekannt)")
    liability_insurer: ShortText | None = Field(default=None, title="Haftpflichtversicherung (falls bekannt)")
    claim_number: ShortText | None = Field(default=None, title="Schadennummer der Versicherung")


class UfForm(ServiceForm):
    """Version 1.0.0 of the Anlage UF."""

    model_config = section_config("Anlage UF – Unfall oder Schädigung durch Dritte")

    person: Person = person_field("Verletzte Person")
    accident_date: date = Field(title="Datum des Unfalls bzw. Ereignisses")
    place: ShortText = Field(title="Ort des Unfalls")
    kind: AccidentKind = Field(title="Art des Ereignisses")
    course: LongText = Field(title="Hergang", description="Kurz: was ist passiert?")
    injuries: LongText = Field(title="Verletzungen und Behandlung")
    employer: ShortText | None = Field(default=None, title="Arbeitgeber (bei Arbeits- oder Wegeunfall)")
    caused_by_third_party: bool = Field(title="Wurde der Unfall durch eine andere Person verursacht?")
    third_party: ThirdParty | None = Field(default=None, title="Verursachende Person")
    police_report: bool = Field(title="Wurde der Unfall polizeilich aufgenommen?")
    police_reference: ShortText | None = Field(default=None, title="Aktenzeichen bzw. Tagebuchnummer der Polizei")
    declarations: Declaration = declaration_field()


def _rules(form: UfForm, today: date) -> list[FieldProblem]:
    problems = not_in_future("accident_date", form.accident_date, today, "Das Unfalldatum")
    problems += not_before("accident_date", form.accident_date, form.person.birth_date, "der Geburt")
    if form.kind is AccidentKind.WORK:
        problems += required("employer", form.employer, "Bitte geben Sie bei einem Arbeitsunfall den Arbeitgeber an.")
    if form.caused_by_third_party:
        message = "Bitte geben Sie an, wer den Unfall verursacht hat (mindestens den Namen)."
        problems += required("third_party", form.third_party, message)
    else:
        message = "Sie haben angegeben, dass niemand anderes den Unfall verursacht hat. Bitte entfernen oder ändern."
        problems += not_expected("third_party", form.third_party, message)
    if not form.police_report:
        message = "Ein Aktenzeichen gibt es nur, wenn die Polizei den Unfall aufgenommen hat. Bitte prüfen."
        problems += not_expected("police_reference", form.police_reference, message)
    return problems


def _examples(today: date) -> dict[str, dict[str, Any]]:
    traffic = {
        "person": {"given_name": "Lena", "family_name": "Schmidt", "birth_date": "1991-03-08"},
        "accident_date": (today - timedelta(days=40)).isoformat(),
        "place": "Leipzig, Kreuzung Karl-Liebknecht-Straße / Südplatz",
        "kind": "traffic",
        "course": "Ich wurde als Radfahrerin von einem abbiegenden Pkw erfasst.",
        "injuries": "Schlüsselbeinbruch, drei Wochen arbeitsunfähig, Physiotherapie.",
        "caused_by_third_party": True,
        "third_party": {
            "name": "Klaus Meier",
            "address": "Parkstraße 4, 04103 Leipzig",
            "liability_insurer": "HUK-COBURG",
            "claim_number": "KH-2025-0815-4711",
        },
        "police_report": True,
        "police_reference": "LE-VU-8812/25",
        "declarations": {"truthful_information": True},
    }
    fall = {
        "person": {"given_name": "Jonas", "family_name": "Becker", "birth_date": "1988-07-12"},
        "accident_date": (today - timedelta(days=12)).isoformat(),
        "place": "Lager der Spedition Nord GmbH, Leipzig",
        "kind": "work",
        "course": "Beim Abladen von der Laderampe gestürzt.",
        "injuries": "Verstauchung des rechten Knöchels, ambulant behandelt.",
        "employer": "Spedition Nord GmbH",
        "caused_by_third_party": False,
        "police_report": False,
        "declarations": {"truthful_information": True},
    }
    return {"cyclist_hit_by_car": traffic, "work_accident_without_third_party": fall}


class UfConnector(AnlageConnector[UfForm]):
    key = "anlage_uf"
    short = "UF"
    title = "Anlage UF – Unfall oder Schädigung durch Dritte"
    leika_key = "urn:de:fim:leika:leistung:99050012110160"  # placeholder, as for all Anlagen
    description = "Angaben zu einem Unfall oder einer Verletzung, besonders wenn eine andere Person sie verursacht hat."
    form = UfForm

    def rules(self, form: UfForm, today: date) -> list[FieldProblem]:
        return _rules(form, today)

    def overview(self, form: UfForm) -> list[Figure]:
        return [
            Figure("verletzte_person", "Verletzte Person", form.person.summary()),
            Figure("unfalldatum", "Unfalldatum", form.accident_date),
            Figure("durch_dritte", "Durch eine andere Person verursacht", form.caused_by_third_party),
            Figure("verursacher", "Verursacher/in", form.third_party.name if form.third_party else None),
        ]

    def evidence(self, form: UfForm) -> list[str]:
        items = ["ärztliche Unterlagen zu den Verletzungen (z. B. Arztbericht, Arbeitsunfähigkeitsbescheinigung)"]
        if form.police_report:
            items.append("polizeiliche Unfallmitteilung, falls vorhanden")
        if form.third_party is not None:
            items.append("Schriftverkehr mit der Versicherung der verursachenden Person")
        return items

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        return _examples(today)


connector = UfConnector()
