"""Anlage MEB – Mehrbedarf für kostenaufwändige Ernährung (§ 21 Abs. 5 SGB II), with the medical certificate.

Modelled on the BA's Anlage MEB and the physician's certificate that goes with it. Jobcenters assess
the extra need by the recommendations of the Deutscher Verein (4th edition, 2020). Assumption: the
illnesses listed there (coeliac disease, renal insufficiency with a protein-defined or dialysis diet,
cystic fibrosis, and consumptive illnesses with impaired nutrient intake such as advanced cancer,
HIV/AIDS, multiple sclerosis, Crohn's disease, ulcerative colitis) are offered as choices; anything
else is 'other' and needs a description, because the jobcenter then asks its medical service. The
amounts of the recommendations are deliberately not computed here: that is the clerk's decision.
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
    described_if_other,
    not_before,
    not_expected,
    not_in_future,
    person_field,
    problem,
    required,
)
from connectors.sdk import FieldProblem, ServiceForm
from connectors.sdk.fields import Choice, LongText, ShortText, format_date, section_config


class DietIllness(Choice):
    COELIAC = "coeliac", "Zöliakie / Sprue"
    RENAL = "renal_insufficiency", "Niereninsuffizienz (eiweißdefinierte Kost)"
    DIALYSIS = "dialysis", "Niereninsuffizienz mit Dialyse (Dialysediät)"
    CYSTIC_FIBROSIS = "cystic_fibrosis", "Mukoviszidose / zystische Fibrose"
    CANCER = "cancer", "konsumierende Erkrankung: fortgeschrittene Krebserkrankung"
    HIV_AIDS = "hiv_aids", "konsumierende Erkrankung: HIV / AIDS"
    MULTIPLE_SCLEROSIS = "multiple_sclerosis", "konsumierende Erkrankung: Multiple Sklerose"
    CROHN = "crohn", "konsumierende Erkrankung: Morbus Crohn"
    COLITIS = "colitis", "konsumierende Erkrankung: Colitis ulcerosa"
    OTHER = "other", "sonstige Erkrankung"


CONSUMPTIVE = {
    DietIllness.CANCER,
    DietIllness.HIV_AIDS,
    DietIllness.MULTIPLE_SCLEROSIS,
    DietIllness.CROHN,
    DietIllness.COLITIS,
}


class MebForm(ServiceForm):
    """Version 1.0.0 of the Anlage MEB; the certificate part is filled in from the physician's form."""

    model_config = section_config("Anlage MEB – Mehrbedarf für kostenaufwändige Ernährung")

    person: Person = person_field("Erkrankte Person")
    illness: DietIllness = Field(title="Erkrankung laut ärztlicher Bescheinigung")
    illness_description: LongText | None = Field(default=None, title="Beschreibung der Erkrankung (bei 'sonstige')")
    diet: ShortText = Field(title="Ärztlich verordnete Kostform", description="Z. B. glutenfreie Kost.")
    impaired_nutrient_intake: bool | None = Field(
        default=None,
        title="Bescheinigt die Ärztin bzw. der Arzt eine gestörte Nährstoffaufnahme oder erheblichen Gewichtsverlust?",
        description="Nur bei konsumierenden Erkrankungen.",
    )
    physician: ShortText = Field(title="Ausstellende Ärztin bzw. ausstellender Arzt (Name, Praxis)")
    certificate_date: date = Field(title="Datum der ärztlichen Bescheinigung")
    expected_until: date | None = Field(
        default=None, title="Kostform voraussichtlich erforderlich bis", description="Leer lassen, wenn dauerhaft."
    )
    declarations: Declaration = declaration_field()


def _rules(form: MebForm, today: date) -> list[FieldProblem]:
    problems = described_if_other("illness_description", form.illness is DietIllness.OTHER, form.illness_description)
    problems += not_in_future("certificate_date", form.certificate_date, today, "Das Datum der Bescheinigung")
    problems += not_before("certificate_date", form.certificate_date, form.person.birth_date, "der Geburt")
    if form.illness in CONSUMPTIVE:
        message = "Bitte geben Sie an, ob eine gestörte Nährstoffaufnahme oder ein Gewichtsverlust bescheinigt ist."
        problems += required("impaired_nutrient_intake", form.impaired_nutrient_intake, message)
    else:
        message = "Diese Angabe ist nur bei konsumierenden Erkrankungen vorgesehen. Bitte entfernen."
        problems += not_expected("impaired_nutrient_intake", form.impaired_nutrient_intake, message)
    if form.expected_until is not None and form.expected_until < today:
        message = (
            f"Die bescheinigte Dauer ist am {format_date(form.expected_until)} abgelaufen. Bitte lassen Sie sich "
            "eine aktuelle Bescheinigung ausstellen."
        )
        problems += problem("expected_until", "certificate_expired", message)
    return problems


def _examples(today: date) -> dict[str, dict[str, Any]]:
    coeliac = {
        "person": {"given_name": "Emil", "family_name": "Schmidt", "birth_date": "2016-09-19"},
        "illness": "coeliac",
        "diet": "glutenfreie Kost",
        "physician": "Dr. med. Sabine Vogel, Kinderarztpraxis am Markt, Leipzig",
        "certificate_date": (today - timedelta(days=21)).isoformat(),
        "declarations": {"truthful_information": True},
    }
    crohn = {
        "person": {"given_name": "Lena", "family_name": "Schmidt", "birth_date": "1991-03-08"},
        "illness": "crohn",
        "diet": "hochkalorische, ballaststoffarme Kost",
        "impaired_nutrient_intake": True,
        "physician": "Dr. med. Ahmet Yilmaz, Gastroenterologie Leipzig-Süd",
        "certificate_date": (today - timedelta(days=10)).isoformat(),
        "expected_until": (today + timedelta(days=180)).isoformat(),
        "declarations": {"truthful_information": True},
    }
    return {"child_with_coeliac_disease": coeliac, "crohn_with_weight_loss": crohn}


class MebConnector(AnlageConnector[MebForm]):
    key = "anlage_meb"
    short = "MEB"
    title = "Anlage MEB – Mehrbedarf für kostenaufwändige Ernährung"
    leika_key = "urn:de:fim:leika:leistung:99050012110100"  # placeholder, as for all Anlagen
    description = (
        "Antrag auf Mehrbedarf, wenn eine Erkrankung eine teurere Ernährung erfordert (mit ärztlicher Bescheinigung)."
    )
    form = MebForm

    def rules(self, form: MebForm, today: date) -> list[FieldProblem]:
        return _rules(form, today)

    def overview(self, form: MebForm) -> list[Figure]:
        return [
            Figure("person", "Erkrankte Person", form.person.summary()),
            Figure("erkrankung", "Erkrankung", form.illness.label),
            Figure(
                "in_dv_empfehlungen",
                "In den Empfehlungen des Deutschen Vereins genannt",
                form.illness is not DietIllness.OTHER,
            ),
            Figure("bescheinigung_vom", "Ärztliche Bescheinigung vom", form.certificate_date),
        ]

    def evidence(self, form: MebForm) -> list[str]:
        return [f"ärztliche Bescheinigung vom {format_date(form.certificate_date)} (Vordruck zur Anlage MEB)"]

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        return _examples(today)


connector = MebConnector()
