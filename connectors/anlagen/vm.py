"""Anlage VM – Vermögen (assets of the benefit household).

Modelled on the BA's Anlage VM: every asset with its kind, owner and value (vehicles at their market
value, what they would fetch on sale), plus the facts that decide the protected amount (§ 12 SGB II
as of 2023): during the first year (Karenzzeit) 40,000 € for the first and 15,000 € for every further
person, afterwards 15,000 € per person. Assumption: the self-used home and one reasonable vehicle per
person able to work are also protected; the form records them, the clerk decides — the computed
comparison in the overview is a pointer for the clerk, never a refusal.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field

from connectors.anlagen.base import AnlageConnector, Figure
from connectors.anlagen.common import (
    MAX_ENTRIES,
    Declaration,
    declaration_field,
    described_if_other,
    not_expected,
    problem,
    required,
    same_sum,
)
from connectors.sdk import FieldProblem, ServiceForm
from connectors.sdk.fields import Choice, Money, PersonName, ShortText, section_config

FIRST_PERSON_WAITING = Decimal(40000)
PER_PERSON = Decimal(15000)
OLDEST_VEHICLE_YEAR = 1900


class AssetKind(Choice):
    CASH = "cash", "Bargeld"
    ACCOUNT = "account", "Giro- oder Tagesgeldkonto"
    SAVINGS = "savings", "Sparbuch, Festgeld, Sparbrief"
    SECURITIES = "securities", "Wertpapiere, Aktien, Fonds"
    LIFE_INSURANCE = "life_insurance", "Lebens- oder Rentenversicherung (Rückkaufswert)"
    BUILDING_SAVINGS = "building_savings", "Bausparvertrag"
    VEHICLE = "vehicle", "Kraftfahrzeug"
    REAL_ESTATE = "real_estate", "Haus, Wohnung, Grundstück"
    OTHER = "other", "sonstiges Vermögen (z. B. Schmuck, Kryptowerte)"


class Asset(ServiceForm):
    model_config = section_config("Vermögenswert")

    kind: AssetKind = Field(title="Art des Vermögens")
    owner: PersonName = Field(title="Inhaber/in bzw. Eigentümer/in")
    description: ShortText | None = Field(default=None, title="Bezeichnung (z. B. Bank, Fahrzeugtyp, Lage)")
    value: Money = Field(title="Wert bzw. Kontostand (€), bei Fahrzeugen der Verkehrswert")
    vehicle_year: int | None = Field(default=None, title="Baujahr (nur Fahrzeuge)")
    self_occupied: bool | None = Field(default=None, title="Selbst bewohnt? (nur Immobilien)")


class VmForm(ServiceForm):
    """Version 1.0.0 of the Anlage VM."""

    model_config = section_config("Anlage VM – Vermögen")

    household_size: int = Field(ge=1, le=30, title="Anzahl der Personen in der Bedarfsgemeinschaft")
    in_waiting_period: bool = Field(
        title="Sind Sie im ersten Jahr des Leistungsbezugs (Karenzzeit)?",
        description="Im ersten Jahr ist mehr Vermögen geschützt.",
    )
    assets: list[Asset] = Field(default_factory=list, max_length=MAX_ENTRIES, title="Vermögenswert")
    total_value: Money = Field(title="Gesamtwert aller Vermögenswerte (€)")
    declarations: Declaration = declaration_field()

    def protected_amount(self) -> Decimal:
        if self.in_waiting_period:
            return FIRST_PERSON_WAITING + PER_PERSON * (self.household_size - 1)
        return PER_PERSON * self.household_size

    def countable_value(self) -> Decimal:
        """Without the self-used home, which is protected regardless of the amount (assumption above)."""
        return sum(
            (a.value for a in self.assets if not (a.kind is AssetKind.REAL_ESTATE and a.self_occupied)), Decimal(0)
        )


def _asset_rules(path: str, asset: Asset, today: date) -> list[FieldProblem]:
    problems = described_if_other(f"{path}.description", asset.kind is AssetKind.OTHER, asset.description)
    if asset.kind is AssetKind.VEHICLE:
        problems += required(f"{path}.vehicle_year", asset.vehicle_year, "Bitte geben Sie das Baujahr an.")
        if asset.vehicle_year is not None and not OLDEST_VEHICLE_YEAR <= asset.vehicle_year <= today.year + 1:
            problems += problem(f"{path}.vehicle_year", "year_implausible", "Das Baujahr ist nicht plausibel.")
        if asset.value == 0:
            message = "Bitte geben Sie den Verkehrswert des Fahrzeugs an (z. B. laut Online-Bewertung)."
            problems += problem(f"{path}.value", "market_value_required", message)
    else:
        problems += not_expected(f"{path}.vehicle_year", asset.vehicle_year, "Ein Baujahr nur bei Fahrzeugen angeben.")
    if asset.kind is AssetKind.REAL_ESTATE:
        message = "Bitte geben Sie an, ob Sie die Immobilie selbst bewohnen."
        problems += required(f"{path}.self_occupied", asset.self_occupied, message)
    else:
        problems += not_expected(f"{path}.self_occupied", asset.self_occupied, "Nur bei Immobilien angeben.")
    return problems


def _rules(form: VmForm, today: date) -> list[FieldProblem]:
    problems = [p for i, asset in enumerate(form.assets) for p in _asset_rules(f"assets.{i}", asset, today)]
    return problems + same_sum("total_value", [a.value for a in form.assets], form.total_value, "Der Gesamtwert")


def _examples(today: date) -> dict[str, dict[str, Any]]:
    small = {
        "household_size": 2,
        "in_waiting_period": True,
        "assets": [
            {"kind": "account", "owner": "Lena Schmidt", "description": "Sparkasse Leipzig", "value": "842.17"},
            {
                "kind": "vehicle",
                "owner": "Lena Schmidt",
                "description": "VW Polo",
                "value": "3200.00",
                "vehicle_year": today.year - 12,
            },
        ],
        "total_value": "4042.17",
        "declarations": {"truthful_information": True},
    }
    larger = {
        "household_size": 3,
        "in_waiting_period": False,
        "assets": [
            {"kind": "building_savings", "owner": "Jonas Becker", "description": "LBS Ost", "value": "18500.00"},
            {"kind": "life_insurance", "owner": "Jonas Becker", "description": "Allianz", "value": "30000.00"},
            {
                "kind": "real_estate",
                "owner": "Jonas Becker",
                "description": "Eigentumswohnung Leipzig-Grünau",
                "value": "145000.00",
                "self_occupied": True,
            },
        ],
        "total_value": "193500.00",
        "declarations": {"truthful_information": True},
    }
    return {"account_and_small_car": small, "home_and_savings": larger}


class VmConnector(AnlageConnector[VmForm]):
    key = "anlage_vm"
    short = "VM"
    title = "Anlage VM – Vermögen"
    leika_key = "urn:de:fim:leika:leistung:99050012110060"  # placeholder, as for all Anlagen
    description = "Angaben zum Vermögen aller Personen der Bedarfsgemeinschaft."
    form = VmForm

    def rules(self, form: VmForm, today: date) -> list[FieldProblem]:
        return _rules(form, today)

    def overview(self, form: VmForm) -> list[Figure]:
        countable, protected = form.countable_value(), form.protected_amount()
        return [
            Figure("gesamtwert", "Gesamtwert", form.total_value),
            Figure("zu_beruecksichtigen", "Wert ohne selbst bewohnte Immobilie", countable),
            Figure("schonbetrag", "Geschützter Betrag (Schonvermögen)", protected),
            Figure("ueber_schonbetrag", "Übersteigt den geschützten Betrag", countable > protected),
        ]

    def evidence(self, form: VmForm) -> list[str]:
        items = {
            AssetKind.ACCOUNT: "Kontoauszüge der letzten drei Monate",
            AssetKind.SAVINGS: "aktueller Nachweis über das Sparguthaben",
            AssetKind.SECURITIES: "aktuelle Depotübersicht",
            AssetKind.LIFE_INSURANCE: "Bescheinigung über den Rückkaufswert der Versicherung",
            AssetKind.BUILDING_SAVINGS: "aktueller Kontoauszug des Bausparvertrags",
            AssetKind.VEHICLE: "Fahrzeugschein und Nachweis des Verkehrswerts",
            AssetKind.REAL_ESTATE: "Grundbuchauszug und Angaben zu Belastungen",
        }
        kinds = dict.fromkeys(asset.kind for asset in form.assets)
        return [items[kind] for kind in kinds if kind in items]

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        return _examples(today)


connector = VmConnector()
