"""Anlage KDU – Kosten der Unterkunft und Heizung (§ 22 SGB II).

Modelled on the BA's Anlage KDU: kind of housing, size, persons, the rent split into basic rent,
service charges and heating (each is assessed separately: heating against its own reasonableness
limit, hot water depending on how it is produced), the landlord (rent paid to relatives is checked
more closely), and income from subletting, which reduces the need. Owners state the debt interest
instead of a basic rent (assumption: repayments are not asked, as they are not a need in principle).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field

from connectors.anlagen.base import AnlageConnector, Figure
from connectors.anlagen.common import (
    Declaration,
    declaration_field,
    not_expected,
    not_in_future,
    problem,
    required,
    same_sum,
)
from connectors.sdk import FieldProblem, ServiceForm
from connectors.sdk.fields import Choice, HeatingType, Money, ShortText, format_money, section_config


class HousingKind(Choice):
    RENTED = "rented", "Mietwohnung"
    OWNED = "owned", "selbst genutztes Wohneigentum"
    SUBLET = "sublet", "Untermiete (Zimmer)"
    OTHER = "other", "sonstige Unterkunft (z. B. Wohnheim)"


class KduForm(ServiceForm):
    """Version 1.0.0 of the Anlage KDU; amounts are monthly, as on the rent contract."""

    model_config = section_config("Anlage KDU – Kosten der Unterkunft und Heizung")

    housing_kind: HousingKind = Field(title="Art der Unterkunft")
    moved_in_on: date = Field(title="Einzug bzw. Mietbeginn")
    living_space_sqm: int = Field(ge=1, le=1000, title="Wohnfläche (m², gerundet)")
    rooms: int = Field(ge=1, le=20, title="Anzahl der Zimmer")
    persons_in_home: int = Field(ge=1, le=30, title="Anzahl der Personen in der Wohnung")
    landlord: ShortText | None = Field(default=None, title="Vermieter/in (Name)")
    landlord_is_relative: bool = Field(default=False, title="Ist die vermietende Person mit Ihnen verwandt?")
    basic_rent: Money = Field(title="Grundmiete (kalt) bzw. Schuldzinsen bei Eigentum monatlich (€)")
    service_charges: Money = Field(title="Nebenkosten (ohne Heizung) monatlich (€)")
    heating_costs: Money = Field(title="Heizkosten monatlich (€)")
    total_monthly: Money = Field(title="Gesamtbetrag monatlich laut Mietvertrag (€)")
    heating_type: HeatingType = Field(title="Art der Heizung")
    hot_water_by_heating: bool = Field(title="Wird das Warmwasser über die Heizung erzeugt?")
    subletting: bool = Field(title="Vermieten Sie einen Teil der Wohnung unter?")
    subletting_income: Money | None = Field(default=None, title="Einnahmen aus Untervermietung monatlich (€)")
    declarations: Declaration = declaration_field()


_BILLED_WITH_RENT = {HeatingType.CENTRAL, HeatingType.DISTRICT}


def _rules(form: KduForm, today: date) -> list[FieldProblem]:
    problems = not_in_future("moved_in_on", form.moved_in_on, today, "Der Einzug")
    parts = [form.basic_rent, form.service_charges, form.heating_costs]
    problems += same_sum("total_monthly", parts, form.total_monthly, "Der Gesamtbetrag")
    if form.heating_type in _BILLED_WITH_RENT and form.heating_costs == 0:
        message = (
            f"Bei {form.heating_type.label} werden Heizkosten in der Regel mit der Miete gezahlt. Bitte geben Sie "
            "die Heizkosten an (Betrag aus Mietvertrag oder Heizkostenabrechnung)."
        )
        problems += problem("heating_costs", "heating_costs_missing", message)
    if form.housing_kind is not HousingKind.OWNED:
        problems += required("landlord", form.landlord, "Bitte geben Sie an, an wen Sie die Miete zahlen.")
    if form.subletting:
        problems += required("subletting_income", form.subletting_income, "Bitte geben Sie die Untermiete an.")
        if form.subletting_income is not None and form.subletting_income > form.total_monthly:
            message = (
                f"Die Einnahmen aus Untervermietung sind höher als Ihre eigenen Kosten "
                f"({format_money(form.total_monthly)}). Bitte prüfen Sie beide Beträge."
            )
            problems += problem("subletting_income", "subletting_exceeds_rent", message)
    else:
        message = (
            "Sie haben angegeben, nicht unterzuvermieten. Bitte entfernen Sie den Betrag oder ändern Sie die Angabe."
        )
        problems += not_expected("subletting_income", form.subletting_income, message)
    return problems


def _examples(today: date) -> dict[str, dict[str, Any]]:
    flat = {
        "housing_kind": "rented",
        "moved_in_on": date(today.year - 3, 4, 1).isoformat(),
        "living_space_sqm": 58,
        "rooms": 2,
        "persons_in_home": 2,
        "landlord": "Wohnungsbaugesellschaft Leipzig-West AG",
        "basic_rent": "412.50",
        "service_charges": "118.00",
        "heating_costs": "76.00",
        "total_monthly": "606.50",
        "heating_type": "district",
        "hot_water_by_heating": True,
        "subletting": False,
        "declarations": {"truthful_information": True},
    }
    shared = flat | {
        "moved_in_on": date(today.year - 8, 10, 1).isoformat(),
        "living_space_sqm": 92,
        "rooms": 4,
        "persons_in_home": 3,
        "landlord": "Helga Brandt",
        "basic_rent": "690.00",
        "service_charges": "165.00",
        "heating_costs": "0.00",
        "total_monthly": "855.00",
        "heating_type": "floor_gas",
        "hot_water_by_heating": False,
        "subletting": True,
        "subletting_income": "250.00",
    }
    return {"rented_flat": flat, "family_flat_with_subtenant": shared}


class KduConnector(AnlageConnector[KduForm]):
    key = "anlage_kdu"
    short = "KDU"
    title = "Anlage KDU – Kosten der Unterkunft und Heizung"
    leika_key = "urn:de:fim:leika:leistung:99050012110030"  # placeholder, as for all Anlagen
    description = "Angaben zu Miete, Nebenkosten und Heizung Ihrer Wohnung."
    form = KduForm

    def rules(self, form: KduForm, today: date) -> list[FieldProblem]:
        return _rules(form, today)

    def overview(self, form: KduForm) -> list[Figure]:
        own_share = form.total_monthly - (form.subletting_income or Decimal(0))
        return [
            Figure("gesamtkosten_monatlich", "Gesamtkosten monatlich", form.total_monthly),
            Figure("eigene_kosten_monatlich", "Kosten abzüglich Untermiete", max(own_share, Decimal(0))),
            Figure("heizungsart", "Art der Heizung", form.heating_type.label),
        ]

    def evidence(self, form: KduForm) -> list[str]:
        if form.housing_kind is HousingKind.OWNED:
            items = ["Grundsteuerbescheid und Nachweis der Schuldzinsen (Darlehensvertrag, Kontoauszug der Bank)"]
        else:
            items = ["Mietvertrag bzw. Untermietvertrag"]
        items.append("letzte Neben- und Heizkostenabrechnung")
        if form.subletting:
            items.append("Untermietvertrag mit Ihrer Untermieterin bzw. Ihrem Untermieter")
        return items

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        return _examples(today)


connector = KduConnector()
