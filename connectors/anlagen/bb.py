"""Anlage BB – besonderer Bedarf (one-off needs not covered by the standard rate, § 24 Abs. 3 SGB II).

Modelled on the BA's application for one-off benefits: first equipment of a flat including household
appliances, first clothing, pregnancy clothing and first equipment at birth, orthopaedic shoes, and the
repair or rental of therapeutic equipment. Each need is listed with an estimated amount; the occasion
explains why it arises now (first flat after separation, a fire). Pregnancy needs require the expected
date of birth, orthopaedic shoes a prescription — both as the jobcenter asks for them on paper.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pydantic import Field

from connectors.anlagen.base import AnlageConnector, Figure
from connectors.anlagen.common import (
    MAX_ENTRIES,
    Declaration,
    at_most_months_ahead,
    declaration_field,
    described_if_other,
    not_expected,
    not_in_future,
    required,
)
from connectors.sdk import FieldProblem, ServiceForm
from connectors.sdk.fields import Choice, LongText, Money, ShortText, section_config

DUE_DATE_MONTHS = 10


class NeedKind(Choice):
    HOME_EQUIPMENT = "home_equipment", "Erstausstattung der Wohnung einschließlich Haushaltsgeräten"
    CLOTHING = "clothing", "Erstausstattung für Bekleidung"
    PREGNANCY_CLOTHING = "pregnancy_clothing", "Schwangerschaftsbekleidung"
    BIRTH_EQUIPMENT = "birth_equipment", "Erstausstattung bei Geburt (z. B. Kinderwagen, Babybett)"
    ORTHOPAEDIC_SHOES = "orthopaedic_shoes", "Anschaffung oder Reparatur orthopädischer Schuhe"
    THERAPEUTIC_EQUIPMENT = "therapeutic_equipment", "Reparatur oder Miete therapeutischer Geräte"
    OTHER = "other", "sonstiger besonderer Bedarf"


PREGNANCY = {NeedKind.PREGNANCY_CLOTHING, NeedKind.BIRTH_EQUIPMENT}


class Need(ServiceForm):
    model_config = section_config("Bedarf")

    kind: NeedKind = Field(title="Art des Bedarfs")
    description: ShortText | None = Field(
        default=None, title="Was wird benötigt?", description="Z. B. 'Kühlschrank, Bett'."
    )
    estimated_amount: Money = Field(title="Geschätzte Kosten (€)")


class BbForm(ServiceForm):
    """Version 1.0.0 of the Anlage BB."""

    model_config = section_config("Anlage BB – besonderer Bedarf")

    needs: list[Need] = Field(min_length=1, max_length=MAX_ENTRIES, title="Bedarf")
    occasion: LongText = Field(
        title="Anlass", description="Warum entsteht der Bedarf jetzt? Z. B. Erstbezug nach Trennung."
    )
    expected_birth: date | None = Field(default=None, title="Voraussichtlicher Geburtstermin")
    prescription_date: date | None = Field(default=None, title="Datum der ärztlichen Verordnung (orthopädische Schuhe)")
    declarations: Declaration = declaration_field()

    def kinds(self) -> set[NeedKind]:
        return {need.kind for need in self.needs}


def _rules(form: BbForm, today: date) -> list[FieldProblem]:
    problems = [
        p
        for i, need in enumerate(form.needs)
        for p in described_if_other(f"needs.{i}.description", need.kind is NeedKind.OTHER, need.description)
    ]
    if form.kinds() & PREGNANCY:
        message = "Bitte geben Sie den voraussichtlichen Geburtstermin an (steht im Mutterpass)."
        problems += required("expected_birth", form.expected_birth, message)
        problems += at_most_months_ahead("expected_birth", form.expected_birth, today, DUE_DATE_MONTHS)
    else:
        message = "Ein Geburtstermin ist nur bei Schwangerschaft oder Geburt anzugeben. Bitte entfernen."
        problems += not_expected("expected_birth", form.expected_birth, message)
    if NeedKind.ORTHOPAEDIC_SHOES in form.kinds():
        message = "Orthopädische Schuhe werden nur mit ärztlicher Verordnung übernommen. Bitte Datum angeben."
        problems += required("prescription_date", form.prescription_date, message)
        problems += not_in_future("prescription_date", form.prescription_date, today, "Die Verordnung")
    return problems


def _examples(today: date) -> dict[str, dict[str, Any]]:
    first_flat = {
        "needs": [
            {
                "kind": "home_equipment",
                "description": "Bett, Kleiderschrank, Kühlschrank, Herd",
                "estimated_amount": "1150.00",
            },
        ],
        "occasion": "Erste eigene Wohnung nach der Trennung; die Möbel sind beim früheren Partner geblieben.",
        "declarations": {"truthful_information": True},
    }
    baby = {
        "needs": [
            {"kind": "pregnancy_clothing", "estimated_amount": "180.00"},
            {
                "kind": "birth_equipment",
                "description": "Kinderwagen, Babybett, Erstlingsausstattung",
                "estimated_amount": "520.00",
            },
        ],
        "occasion": "Schwangerschaft, erstes Kind.",
        "expected_birth": (today + timedelta(days=120)).isoformat(),
        "declarations": {"truthful_information": True},
    }
    return {"first_flat_after_separation": first_flat, "pregnancy_and_birth": baby}


class BbConnector(AnlageConnector[BbForm]):
    key = "anlage_bb"
    short = "BB"
    title = "Anlage BB – besonderer Bedarf"
    leika_key = "urn:de:fim:leika:leistung:99050012110110"  # placeholder, as for all Anlagen
    description = "Antrag auf einmalige Leistungen, z. B. Erstausstattung der Wohnung oder bei Schwangerschaft."
    form = BbForm

    def rules(self, form: BbForm, today: date) -> list[FieldProblem]:
        return _rules(form, today)

    def overview(self, form: BbForm) -> list[Figure]:
        total = sum((need.estimated_amount for need in form.needs), Decimal(0))
        return [
            Figure("bedarfe", "Beantragt", ", ".join(need.kind.label for need in form.needs)),
            Figure("geschaetzte_kosten", "Geschätzte Kosten insgesamt", total),
        ]

    def evidence(self, form: BbForm) -> list[str]:
        items = ["Kostenvoranschlag oder Preisangebote, falls vorhanden"]
        if form.kinds() & PREGNANCY:
            items.append("Kopie des Mutterpasses (Seite mit dem Geburtstermin)")
        if NeedKind.ORTHOPAEDIC_SHOES in form.kinds():
            items.append("ärztliche Verordnung der orthopädischen Schuhe")
        return items

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        return _examples(today)


connector = BbConnector()
