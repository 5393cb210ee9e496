"""Anlage EKS – Einkommen aus selbständiger Tätigkeit (self-employed income over the approval period).

Modelled on the BA's Anlage EKS: the business, then for each of the six months of the approval
period the operating income and the operating expenses by category; the profit is computed, not
asked (§ 3 Alg II-V: income is operating income minus necessary expenses, spread over the period).
A *provisional* sheet is a forecast filed with the application; the *final* one states the actual
figures after the period has ended, and the benefit is then settled against it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field

from connectors.anlagen.base import AnlageConnector, Figure
from connectors.anlagen.common import (
    Declaration,
    Person,
    at_most_months_ahead,
    declaration_field,
    person_field,
    problem,
)
from connectors.sdk import FieldProblem, ServiceForm
from connectors.sdk.fields import Choice, Money, ShortText, add_months, format_date, section_config

MONTHS = 6
FUTURE_MONTHS = 3


class StatementKind(Choice):
    PROVISIONAL = "provisional", "vorläufige Angaben (Prognose für den Bewilligungszeitraum)"
    FINAL = "final", "abschließende Angaben (nach Ende des Bewilligungszeitraums)"


class Business(ServiceForm):
    model_config = section_config("Angaben zur selbständigen Tätigkeit")

    description: ShortText = Field(title="Art der Tätigkeit bzw. des Betriebs")
    started_on: date = Field(title="Beginn der Tätigkeit")
    main_occupation: bool = Field(title="Wird die Tätigkeit hauptberuflich ausgeübt?")
    employees: int = Field(ge=0, le=500, title="Anzahl der Beschäftigten")


def _expense(title: str) -> Any:
    return Field(default=Decimal("0.00"), title=title)


class Expenses(ServiceForm):
    """The expense categories of the paper form, so the clerk can judge each one's necessity."""

    model_config = section_config("Betriebsausgaben")

    goods: Money = _expense("Wareneinkauf, Material")
    staff: Money = _expense("Personalkosten")
    premises: Money = _expense("Raumkosten (Miete für Betriebsräume)")
    vehicle: Money = _expense("betriebliche Kfz-Kosten")
    travel: Money = _expense("Reisekosten")
    communication: Money = _expense("Telefon, Internet, Porto")
    insurance: Money = _expense("betriebliche Versicherungen und Beiträge")
    advertising: Money = _expense("Werbung")
    accounting: Money = _expense("Buchführung, Steuerberatung")
    other: Money = _expense("sonstige Betriebsausgaben")
    other_description: ShortText | None = Field(default=None, title="Art der sonstigen Betriebsausgaben")

    def total(self) -> Decimal:
        return sum((getattr(self, name) for name in type(self).model_fields if name != "other_description"), Decimal(0))


class MonthFigures(ServiceForm):
    model_config = section_config("Monat")

    month: date = Field(title="Monat (erster Tag des Monats)")
    operating_income: Money = Field(title="Betriebseinnahmen (€)")
    expenses: Expenses = Field(title="Betriebsausgaben")

    def profit(self) -> Decimal:
        return self.operating_income - self.expenses.total()


class EksForm(ServiceForm):
    """Version 1.0.0 of the Anlage EKS: exactly six months, as the approval period has."""

    model_config = section_config("Anlage EKS – Einkommen aus selbständiger Tätigkeit")

    person: Person = person_field("Selbständig tätige Person")
    business: Business = Field(title="Angaben zur selbständigen Tätigkeit")
    statement: StatementKind = Field(title="Art der Angaben")
    period_start: date = Field(title="Beginn des Bewilligungszeitraums")
    months: list[MonthFigures] = Field(min_length=MONTHS, max_length=MONTHS, title="Monat")
    declarations: Declaration = declaration_field()

    def total(self, what: str) -> Decimal:
        values = {"income": lambda m: m.operating_income, "expenses": lambda m: m.expenses.total()}[what]
        return sum((values(month) for month in self.months), Decimal(0))


def _month_rules(i: int, figures: MonthFigures, expected: date, employees: int) -> list[FieldProblem]:
    path = f"months.{i}"
    problems: list[FieldProblem] = []
    if figures.month != expected:
        message = (
            f"Bitte geben Sie die sechs Monate lückenlos an: hier wird der Monat ab {format_date(expected)} erwartet."
        )
        problems += problem(f"{path}.month", "month_out_of_sequence", message)
    if figures.expenses.other > 0 and figures.expenses.other_description is None:
        message = "Bitte beschreiben Sie die sonstigen Betriebsausgaben (z. B. 'Fachliteratur')."
        problems += problem(f"{path}.expenses.other_description", "description_required", message)
    if figures.expenses.staff > 0 and employees == 0:
        message = "Sie haben Personalkosten, aber keine Beschäftigten angegeben. Bitte prüfen Sie beide Angaben."
        problems += problem(f"{path}.expenses.staff", "staff_without_employees", message)
    return problems


def _rules(form: EksForm, today: date) -> list[FieldProblem]:
    first = form.period_start.replace(day=1)
    end = add_months(first, MONTHS)
    problems: list[FieldProblem] = []
    if form.period_start.day != 1:
        message = "Ein Bewilligungszeitraum beginnt immer am Ersten eines Monats. Bitte prüfen Sie das Datum."
        problems += problem("period_start", "not_first_of_month", message)
    problems += at_most_months_ahead("period_start", form.period_start, today, FUTURE_MONTHS)
    if form.statement is StatementKind.FINAL and end > today:
        message = f"Abschließende Angaben sind erst nach Ende des Zeitraums möglich (ab {format_date(end)})."
        problems += problem("statement", "period_not_ended", message)
    if form.business.started_on >= end:
        message = "Die Tätigkeit beginnt erst nach dem Bewilligungszeitraum. Bitte prüfen Sie den Beginn."
        problems += problem("business.started_on", "starts_after_period", message)
    for i, figures in enumerate(form.months):
        problems += _month_rules(i, figures, add_months(first, i), form.business.employees)
    return problems


def _examples(today: date) -> dict[str, dict[str, Any]]:
    def months(start: date, incomes: list[str], expenses: dict[str, str]) -> list[dict[str, Any]]:
        return [
            {"month": add_months(start, i).isoformat(), "operating_income": amount, "expenses": dict(expenses)}
            for i, amount in enumerate(incomes)
        ]

    current = today.replace(day=1)
    hairdresser = {
        "person": {"given_name": "Lena", "family_name": "Schmidt", "birth_date": "1991-03-08"},
        "business": {
            "description": "Mobile Friseurin",
            "started_on": "2021-05-01",
            "main_occupation": True,
            "employees": 0,
        },
        "statement": "provisional",
        "period_start": current.isoformat(),
        "months": months(
            current,
            ["1450.00", "1380.00", "1520.00", "1610.00", "1490.00", "1700.00"],
            {"goods": "180.00", "vehicle": "210.00", "communication": "39.90", "insurance": "42.50"},
        ),
        "declarations": {"truthful_information": True},
    }
    past = add_months(current, -MONTHS - 1)
    shop = hairdresser | {
        "person": {"given_name": "Jonas", "family_name": "Becker", "birth_date": "1988-07-12"},
        "business": {
            "description": "Fahrradwerkstatt",
            "started_on": "2019-03-01",
            "main_occupation": True,
            "employees": 1,
        },
        "statement": "final",
        "period_start": past.isoformat(),
        "months": months(
            past,
            ["3900.00", "4250.00", "4810.00", "5020.00", "3600.00", "2950.00"],
            {
                "goods": "1350.00",
                "staff": "603.00",
                "premises": "650.00",
                "communication": "55.00",
                "insurance": "88.00",
                "accounting": "120.00",
                "other": "45.00",
                "other_description": "Werkzeugverschleiß",
            },
        ),
    }
    return {"provisional_mobile_hairdresser": hairdresser, "final_bicycle_workshop": shop}


class EksConnector(AnlageConnector[EksForm]):
    key = "anlage_eks"
    short = "EKS"
    title = "Anlage EKS – Einkommen aus selbständiger Tätigkeit"
    leika_key = "urn:de:fim:leika:leistung:99050012110050"  # placeholder, as for all Anlagen
    description = "Betriebseinnahmen und -ausgaben Ihrer selbständigen Tätigkeit für die sechs Monate des Zeitraums."
    form = EksForm

    def rules(self, form: EksForm, today: date) -> list[FieldProblem]:
        return _rules(form, today)

    def overview(self, form: EksForm) -> list[Figure]:
        income, expenses = form.total("income"), form.total("expenses")
        profit = income - expenses
        figures = [
            Figure("betriebseinnahmen_gesamt", "Betriebseinnahmen gesamt", income),
            Figure("betriebsausgaben_gesamt", "Betriebsausgaben gesamt", expenses),
            Figure("gewinn_gesamt", "Gewinn im Zeitraum", profit),
            Figure(
                "gewinn_durchschnitt_monatlich",
                "Gewinn durchschnittlich monatlich",
                (profit / MONTHS).quantize(Decimal("0.01")),
            ),
        ]
        figures += [Figure(f"gewinn_{m.month:%Y_%m}", f"Gewinn {m.month:%m/%Y}", m.profit()) for m in form.months]
        return figures

    def evidence(self, form: EksForm) -> list[str]:
        if form.statement is StatementKind.FINAL:
            return ["Belege über alle Betriebseinnahmen und -ausgaben des Zeitraums (z. B. Kontoauszüge, Rechnungen)"]
        return ["letzter Einkommensteuerbescheid", "betriebswirtschaftliche Auswertung (BWA) oder Einnahmenübersicht"]

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        return _examples(today)


connector = EksConnector()
