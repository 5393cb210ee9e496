"""Anlage EK – Einkommen (income of one person, except self-employment).

Modelled on the BA's Anlage EK: one sheet per person with income, each income with its kind, the
employer or paying office, gross and net per month and since/until when. Income from self-employment
is computed differently (operating income minus expenses over the period) and belongs on the
Anlage EKS, so it is refused here with a pointer to that sheet.
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
    Person,
    at_most_months_ahead,
    declaration_field,
    described_if_other,
    not_before,
    person_field,
    problem,
    required,
)
from connectors.sdk import FieldProblem, ServiceForm
from connectors.sdk.fields import IncomeKind, Money, ShortText, add_months, section_config

FUTURE_MONTHS = 3


class Income(ServiceForm):
    """One income; amounts are monthly because the benefit is computed per month."""

    model_config = section_config("Einkommen")

    kind: IncomeKind = Field(title="Art des Einkommens")
    payer: ShortText | None = Field(
        default=None,
        title="Arbeitgeber bzw. zahlende Stelle",
        description="Pflicht bei Erwerbstätigkeit; bei 'sonstiges Einkommen' bitte die Art angeben.",
    )
    gross_monthly: Money = Field(title="Brutto monatlich (€)")
    net_monthly: Money = Field(title="Netto monatlich (€)")
    since: date = Field(title="Seit")
    until: date | None = Field(default=None, title="Bis", description="Nur bei befristetem oder beendetem Einkommen.")


class EkForm(ServiceForm):
    """Version 1.0.0 of the Anlage EK."""

    model_config = section_config("Anlage EK – Einkommen")

    person: Person = person_field("Person, die das Einkommen erhält")
    incomes: list[Income] = Field(min_length=1, max_length=MAX_ENTRIES, title="Einkommen")
    declarations: Declaration = declaration_field()

    def current(self) -> list[Income]:
        return [income for income in self.incomes if income.until is None]


def _income_rules(path: str, income: Income, today: date) -> list[FieldProblem]:
    problems = at_most_months_ahead(f"{path}.since", income.since, today, FUTURE_MONTHS)
    problems += not_before(f"{path}.until", income.until, income.since, "dem Beginn des Einkommens")
    if income.kind is IncomeKind.SELF_EMPLOYMENT:
        message = "Einkommen aus selbständiger Tätigkeit geben Sie bitte in der Anlage EKS an, nicht hier."
        problems += problem(f"{path}.kind", "use_anlage_eks", message)
    if income.net_monthly > income.gross_monthly:
        message = "Der Nettobetrag kann nicht höher sein als der Bruttobetrag. Bitte prüfen Sie beide Beträge."
        problems += problem(f"{path}.net_monthly", "net_exceeds_gross", message)
    if income.kind is IncomeKind.EMPLOYMENT:
        message = "Bitte geben Sie den Arbeitgeber an (Name der Firma)."
        problems += required(f"{path}.payer", income.payer, message)
    problems += described_if_other(f"{path}.payer", income.kind is IncomeKind.OTHER, income.payer)
    return problems


def _examples(today: date) -> dict[str, dict[str, Any]]:
    def months_ago(months: int) -> str:
        return add_months(today.replace(day=1), -months).isoformat()

    employee = {
        "person": {"given_name": "Lena", "family_name": "Schmidt", "birth_date": "1991-03-08"},
        "incomes": [
            {
                "kind": "employment",
                "payer": "Bäckerei Krause GmbH",
                "gross_monthly": "1200.00",
                "net_monthly": "948.37",
                "since": months_ago(12),
            }
        ],
        "declarations": {"truthful_information": True},
    }
    pensioner = employee | {
        "person": {"given_name": "Jonas", "family_name": "Becker", "birth_date": "1962-11-23"},
        "incomes": [
            {
                "kind": "pension",
                "payer": "Deutsche Rentenversicherung Mitteldeutschland",
                "gross_monthly": "812.40",
                "net_monthly": "722.85",
                "since": months_ago(24),
            },
            {
                "kind": "employment",
                "payer": "Getränkemarkt Hoffmann (Minijob)",
                "gross_monthly": "556.00",
                "net_monthly": "556.00",
                "since": months_ago(24),
                "until": months_ago(0),
            },
        ],
    }
    return {"part_time_employee": employee, "pension_and_ended_minijob": pensioner}


class EkConnector(AnlageConnector[EkForm]):
    key = "anlage_ek"
    short = "EK"
    title = "Anlage EK – Einkommen"
    leika_key = "urn:de:fim:leika:leistung:99050012110040"  # placeholder, as for all Anlagen
    description = "Angaben zum Einkommen einer Person (Lohn, Rente, Kindergeld, Unterhalt und anderes)."
    form = EkForm

    def rules(self, form: EkForm, today: date) -> list[FieldProblem]:
        return [p for i, income in enumerate(form.incomes) for p in _income_rules(f"incomes.{i}", income, today)]

    def overview(self, form: EkForm) -> list[Figure]:
        current = form.current()
        return [
            Figure("person", "Person", form.person.summary()),
            Figure(
                "brutto_laufend",
                "Laufendes Einkommen brutto monatlich",
                sum((i.gross_monthly for i in current), Decimal(0)),
            ),
            Figure(
                "netto_laufend",
                "Laufendes Einkommen netto monatlich",
                sum((i.net_monthly for i in current), Decimal(0)),
            ),
        ]

    def evidence(self, form: EkForm) -> list[str]:
        wanted = {
            IncomeKind.EMPLOYMENT: "Lohn- oder Gehaltsabrechnungen der letzten sechs Monate und der Arbeitsvertrag",
            IncomeKind.PENSION: "aktueller Rentenbescheid",
            IncomeKind.CHILD_BENEFIT: "Kindergeldbescheid",
            IncomeKind.MAINTENANCE: "Nachweis über Unterhalt oder Unterhaltsvorschuss",
            IncomeKind.UNEMPLOYMENT_BENEFIT: "Bescheid über das Arbeitslosengeld",
            IncomeKind.OTHER: "Bescheid oder Nachweis über das sonstige Einkommen",
        }
        kinds = dict.fromkeys(income.kind for income in form.incomes)
        return [wanted[kind] for kind in kinds if kind in wanted]

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        return _examples(today)


connector = EkConnector()
