"""Plausibility checks of the WBA beyond types.

Rule for the section switches: when a section says "no change" (``changed`` false, or assets not
above the protected amount), details are *refused*, not ignored. A customer who answers "nothing
changed" but enters a new rent contradicts themselves; silently dropping the rent would hide a
change the jobcenter must know about, so the customer is asked to resolve it.

All checks are pure functions of the form; ``today`` is injectable so tests are deterministic.
"""

from __future__ import annotations

from datetime import date

from connectors.sdk import FieldProblem
from connectors.sdk.fields import IncomeKind, add_months, format_date
from connectors.wba.form import (
    Assets,
    BankDetails,
    Declarations,
    HealthInsurance,
    HouseholdChanges,
    HouseholdMember,
    HousingChanges,
    IncomeChanges,
    IncomeEntry,
    WbaForm,
)

# Changes may be announced ahead (a signed lease, a job that starts next month), not further.
FUTURE_MONTHS = 3
MAX_AGE_YEARS = 120

_DETAILS_NOT_EXPECTED = (
    "Sie haben angegeben, dass sich hier nichts geändert hat. Bitte entfernen Sie diese Angabe "
    "oder geben Sie an, dass sich etwas geändert hat."
)
_DETAILS_MISSING = "Bitte ausfüllen: Sie haben eine Änderung angegeben, dazu fehlt diese Angabe."


def check_wba(form: WbaForm, today: date | None = None) -> list[FieldProblem]:
    """Every problem of the form at once, so the customer can fix all of them in one pass."""
    day = today or date.today()
    latest = add_months(day, FUTURE_MONTHS)
    return [
        *_household(form.household, day, latest),
        *_income(form.income, latest),
        *_housing(form.housing, latest),
        *_assets(form.assets),
        *_switch("bank_details", form.bank_details.changed, _values(form.bank_details)),
        *_switch("health_insurance", form.health_insurance.changed, _values(form.health_insurance)),
        *_declarations(form.declarations),
    ]


def _values(section: BankDetails | HealthInsurance | HousingChanges) -> dict[str, object]:
    return {name: getattr(section, name) for name in type(section).model_fields if name != "changed"}


def _switch(path: str, switched_on: bool, details: dict[str, object]) -> list[FieldProblem]:
    """All details required when on, none allowed when off."""
    problems = []
    for name, value in details.items():
        empty = value is None or value == []
        if switched_on and empty:
            problems.append(FieldProblem(f"{path}.{name}", "required_when_changed", _DETAILS_MISSING))
        elif not switched_on and not empty:
            problems.append(FieldProblem(f"{path}.{name}", "details_not_expected", _DETAILS_NOT_EXPECTED))
    return problems


def _not_after(path: str, value: date, latest: date) -> list[FieldProblem]:
    if value <= latest:
        return []
    message = (
        f"Das Datum darf höchstens {FUTURE_MONTHS} Monate in der Zukunft liegen (spätestens "
        f"{format_date(latest)}). Bitte prüfen Sie das Datum."
    )
    return [FieldProblem(path, "date_too_far_in_future", message)]


def _check_member(path: str, member: HouseholdMember, today: date, latest: date) -> list[FieldProblem]:
    problems = _not_after(f"{path}.moved_on", member.moved_on, latest)
    if member.birth_date < add_months(today, -12 * MAX_AGE_YEARS):
        message = f"Das Geburtsdatum liegt mehr als {MAX_AGE_YEARS} Jahre zurück. Bitte prüfen Sie das Datum."
        problems.append(FieldProblem(f"{path}.birth_date", "birth_date_implausible", message))
    if member.moved_on < member.birth_date:
        message = "Das Datum des Zu- oder Auszugs liegt vor dem Geburtsdatum. Bitte prüfen Sie beide Angaben."
        problems.append(FieldProblem(f"{path}.moved_on", "date_before_birth", message))
    return problems


def _same_person(a: HouseholdMember, b: HouseholdMember) -> bool:
    return (a.given_name.casefold(), a.family_name.casefold(), a.birth_date) == (
        b.given_name.casefold(),
        b.family_name.casefold(),
        b.birth_date,
    )


def _household(section: HouseholdChanges, today: date, latest: date) -> list[FieldProblem]:
    if not section.changed:
        return _switch("household", False, {"moved_in": section.moved_in, "moved_out": section.moved_out})
    if not section.moved_in and not section.moved_out:
        message = (
            "Bitte geben Sie mindestens eine zugezogene oder ausgezogene Person an – oder geben Sie an, "
            "dass sich nichts geändert hat."
        )
        return [FieldProblem("household.moved_in", "details_missing", message)]
    problems: list[FieldProblem] = []
    for direction in ("moved_in", "moved_out"):
        for i, member in enumerate(getattr(section, direction)):
            problems += _check_member(f"household.{direction}.{i}", member, today, latest)
    for j, leaving in enumerate(section.moved_out):
        for joining in section.moved_in:
            if _same_person(joining, leaving) and leaving.moved_on < joining.moved_on:
                message = (
                    f"{leaving.given_name} {leaving.family_name} kann nicht vor dem Zuzug "
                    f"({format_date(joining.moved_on)}) ausgezogen sein. Bitte prüfen Sie das Auszugsdatum."
                )
                problems.append(FieldProblem(f"household.moved_out.{j}.moved_on", "move_out_before_move_in", message))
    return problems


def _check_income_entry(path: str, entry: IncomeEntry, latest: date) -> list[FieldProblem]:
    problems = _not_after(f"{path}.since", entry.since, latest)
    if entry.net_monthly > entry.gross_monthly:
        message = "Der Nettobetrag kann nicht höher sein als der Bruttobetrag. Bitte prüfen Sie beide Beträge."
        problems.append(FieldProblem(f"{path}.net_monthly", "net_exceeds_gross", message))
    if entry.until is not None:
        problems += _not_after(f"{path}.until", entry.until, latest)
        if entry.until < entry.since:
            message = "Das Enddatum liegt vor dem Beginn. Bitte prüfen Sie die Angaben 'Seit' und 'Bis'."
            problems.append(FieldProblem(f"{path}.until", "end_before_start", message))
    if entry.kind is IncomeKind.OTHER and entry.description is None:
        message = "Bitte beschreiben Sie das sonstige Einkommen (z. B. 'Elterngeld' oder 'Krankengeld')."
        problems.append(FieldProblem(f"{path}.description", "description_required", message))
    return problems


def _income(section: IncomeChanges, latest: date) -> list[FieldProblem]:
    if not section.changed:
        return _switch("income", False, {"entries": section.entries})
    if not section.entries:
        message = "Bitte geben Sie mindestens ein Einkommen an – oder geben Sie an, dass sich nichts geändert hat."
        return [FieldProblem("income.entries", "details_missing", message)]
    problems: list[FieldProblem] = []
    for i, entry in enumerate(section.entries):
        problems += _check_income_entry(f"income.entries.{i}", entry, latest)
    return problems


def _housing(section: HousingChanges, latest: date) -> list[FieldProblem]:
    problems = _switch("housing", section.changed, _values(section))
    if section.changed and section.valid_from is not None:
        problems += _not_after("housing.valid_from", section.valid_from, latest)
    return problems


def _assets(section: Assets) -> list[FieldProblem]:
    details = {"description": section.description, "total_value": section.total_value}
    problems = _switch("assets", section.exceeds_protected_amount, details)
    if section.exceeds_protected_amount and section.total_value is not None and section.total_value == 0:
        message = "Bitte geben Sie den ungefähren Gesamtwert Ihres Vermögens an (größer als 0 €)."
        problems.append(FieldProblem("assets.total_value", "amount_must_be_positive", message))
    return problems


_DECLARATION_MESSAGES = {
    "truthful_information": "Bitte bestätigen Sie, dass Ihre Angaben richtig und vollständig sind.",
    "duty_to_report_changes": "Bitte bestätigen Sie, dass Sie Änderungen unverzüglich mitteilen.",
    "data_processing_acknowledged": ("Bitte bestätigen Sie, dass Sie die Hinweise zum Datenschutz gelesen haben."),
}


def _declarations(section: Declarations) -> list[FieldProblem]:
    """Without these the application cannot be processed (§ 60 SGB I), so they block submission."""
    return [
        FieldProblem(f"declarations.{name}", "declaration_required", message)
        for name, message in _DECLARATION_MESSAGES.items()
        if getattr(section, name) is not True
    ]
