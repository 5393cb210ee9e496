"""What every Anlage shares: the person it concerns, the declaration, and the small check helpers.

The BA's paper Anlagen all start by naming the person the sheet is about and end with the same
signature block ("Ich versichere ..."). Online both become form parts defined once here, so a
customer sees the same wording on every Anlage and the checks answer with the same German messages.
All helpers are pure functions; the day they compare against is passed in, so tests are deterministic.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field

from connectors.sdk import FieldProblem, ServiceForm
from connectors.sdk.fields import PastDate, PersonName, add_months, format_date, format_money, section_config

FORM_VERSION = "1.0.0"
MAX_ENTRIES = 20
MAX_AGE_YEARS = 120
AMOUNT_TOLERANCE = Decimal("0.01")


class Person(ServiceForm):
    """The person an Anlage is about, identified as on the paper form: name and birth date."""

    model_config = section_config("Person")

    given_name: PersonName = Field(title="Vorname")
    family_name: PersonName = Field(title="Familienname")
    birth_date: PastDate = Field(title="Geburtsdatum")

    def summary(self) -> str:
        return f"{self.given_name} {self.family_name}, geb. {format_date(self.birth_date)}"


def person_field(title: str = "Person, um die es geht") -> Any:
    # A fresh FieldInfo per model: pydantic may adapt a FieldInfo to the model it is used in.
    return Field(title=title)


class Declaration(ServiceForm):
    """§ 60 SGB I: without it the jobcenter may not rely on the sheet; a plain bool so a 'no' can be explained."""

    model_config = section_config("Erklärung")

    truthful_information: bool = Field(
        title="Ich versichere, dass meine Angaben richtig und vollständig sind. Änderungen teile ich unverzüglich mit."
    )


def declaration_field() -> Any:
    return Field(title="Ihre Erklärung")


# --- check helpers -----------------------------------------------------------------------------


def problem(path: str, code: str, message: str) -> list[FieldProblem]:
    """One problem as a list, so rules compose with ``+``."""
    return [FieldProblem(path, code, message)]


def age_on(birth_date: date, day: date) -> int:
    """Completed years of life on ``day`` (a birthday counts from its own day on)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def years_ago(day: date, years: int) -> date:
    return add_months(day, -12 * years)


def not_in_future(path: str, value: date | None, today: date, what: str = "Das Datum") -> list[FieldProblem]:
    if value is None or value <= today:
        return []
    return problem(path, "date_in_future", f"{what} darf nicht in der Zukunft liegen. Bitte prüfen Sie das Datum.")


def at_most_months_ahead(path: str, value: date | None, today: date, months: int) -> list[FieldProblem]:
    """Announced facts (a move, a due date) may lie ahead, but not further than the paper forms allow."""
    latest = add_months(today, months)
    if value is None or value <= latest:
        return []
    message = f"Das Datum darf höchstens {months} Monate in der Zukunft liegen (spätestens {format_date(latest)})."
    return problem(path, "date_too_far_in_future", message + " Bitte prüfen Sie das Datum.")


def not_before(path: str, value: date | None, earliest: date | None, what: str) -> list[FieldProblem]:
    """``value`` must not lie before ``earliest``; ``what`` names the earlier date in the message."""
    if value is None or earliest is None or value >= earliest:
        return []
    message = f"Das Datum liegt vor {what} ({format_date(earliest)}). Bitte prüfen Sie beide Angaben."
    return problem(path, "date_order", message)


def birth_date_plausible(path: str, birth_date: date, today: date) -> list[FieldProblem]:
    if birth_date >= years_ago(today, MAX_AGE_YEARS):
        return []
    message = f"Das Geburtsdatum liegt mehr als {MAX_AGE_YEARS} Jahre zurück. Bitte prüfen Sie das Datum."
    return problem(path, "birth_date_implausible", message)


def required(path: str, value: object, message: str) -> list[FieldProblem]:
    """A detail the customer's own answer calls for (``message`` says which answer)."""
    return problem(path, "required", message) if value is None or value == [] else []


def not_expected(path: str, value: object, message: str) -> list[FieldProblem]:
    """A detail that contradicts the customer's own answer: asked to resolve, never silently dropped."""
    return [] if value is None or value == [] else problem(path, "details_not_expected", message)


def described_if_other(path: str, is_other: bool, description: str | None) -> list[FieldProblem]:
    message = "Sie haben 'sonstige' gewählt. Bitte beschreiben Sie kurz, worum es sich handelt."
    return required(path, description, message) if is_other else []


def same_sum(path: str, parts: list[Decimal], total: Decimal, what: str) -> list[FieldProblem]:
    """A stated total must match its parts, so a typo in either is caught before a clerk computes with it."""
    computed = sum(parts, Decimal(0))
    if abs(computed - total) < AMOUNT_TOLERANCE:
        return []
    message = (
        f"{what} ({format_money(total)}) stimmt nicht mit der Summe der Einzelbeträge ({format_money(computed)}) "
        "überein. Bitte prüfen Sie die Beträge."
    )
    return problem(path, "sum_mismatch", message)


def declaration_problems(declaration: Declaration, path: str = "declarations") -> list[FieldProblem]:
    if declaration.truthful_information:
        return []
    message = "Bitte bestätigen Sie, dass Ihre Angaben richtig und vollständig sind."
    return problem(f"{path}.truthful_information", "declaration_required", message)
