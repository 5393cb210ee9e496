"""Plausibility checks of the answer: which dates an outcome needs, and that they fit together.

Rule: what an outcome needs is required, what it cannot have is refused (not ignored). "Not applied" with
an application date contradicts itself, and silently dropping the date would hide what the customer meant.
``today`` is injectable so tests are deterministic.
"""

from __future__ import annotations

from datetime import date

from connectors.placement.form import NotAppliedReason, Outcome, PlacementForm
from connectors.sdk import FieldProblem
from connectors.sdk.fields import add_months, format_date

INTERVIEW_MONTHS_AHEAD = 6
START_MONTHS_AHEAD = 12

_NEEDED: dict[Outcome, frozenset[str]] = {
    Outcome.APPLIED: frozenset({"applied_on"}),
    Outcome.INVITED_TO_INTERVIEW: frozenset({"applied_on", "interview_on"}),
    Outcome.HIRED: frozenset({"applied_on", "start_date"}),
    Outcome.NOT_APPLIED: frozenset({"reason"}),
}
_ALLOWED: dict[Outcome, frozenset[str]] = {
    Outcome.APPLIED: _NEEDED[Outcome.APPLIED],
    Outcome.INVITED_TO_INTERVIEW: _NEEDED[Outcome.INVITED_TO_INTERVIEW],
    Outcome.HIRED: _NEEDED[Outcome.HIRED] | {"interview_on"},
    Outcome.NOT_APPLIED: _NEEDED[Outcome.NOT_APPLIED],
}
_MISSING = {
    "applied_on": "Bitte geben Sie an, wann Sie sich beworben haben.",
    "interview_on": "Bitte geben Sie das Datum des Vorstellungsgesprächs an.",
    "start_date": "Bitte geben Sie an, ab wann Sie dort arbeiten.",
    "reason": "Bitte geben Sie an, warum Sie sich nicht beworben haben. Das Jobcenter berücksichtigt wichtige Gründe.",
}
_NOT_EXPECTED = (
    "Diese Angabe passt nicht zu Ihrer Auswahl bei 'Was ist passiert?'. Bitte entfernen oder Auswahl ändern."
)


def check_placement(form: PlacementForm, today: date | None = None) -> list[FieldProblem]:
    """Every problem at once, so the customer can fix all of them in one pass."""
    day = today or date.today()
    problems = _fields_for_outcome(form)
    if form.reason is NotAppliedReason.OTHER and form.reason_details is None:
        message = "Bitte erläutern Sie kurz Ihren Grund."
        problems.append(FieldProblem("reason_details", "reason_details_required", message))
    if form.applied_on is not None and form.applied_on > day:
        message = "Das Datum der Bewerbung darf nicht in der Zukunft liegen. Bitte prüfen."
        problems.append(FieldProblem("applied_on", "date_in_future", message))
    problems += _not_before_application(form, "interview_on", "Das Vorstellungsgespräch")
    problems += _not_before_application(form, "start_date", "Der Beginn der Arbeit")
    problems += _not_too_far("interview_on", form.interview_on, add_months(day, INTERVIEW_MONTHS_AHEAD))
    problems += _not_too_far("start_date", form.start_date, add_months(day, START_MONTHS_AHEAD))
    if form.interview_on and form.start_date and form.start_date < form.interview_on:
        message = "Der Beginn der Arbeit liegt vor dem Vorstellungsgespräch. Bitte prüfen Sie beide Daten."
        problems.append(FieldProblem("start_date", "start_before_interview", message))
    return problems


def _fields_for_outcome(form: PlacementForm) -> list[FieldProblem]:
    problems = []
    for name in ("applied_on", "interview_on", "start_date", "reason"):
        value = getattr(form, name)
        if value is None and name in _NEEDED[form.outcome]:
            problems.append(FieldProblem(name, "required_for_outcome", _MISSING[name]))
        elif value is not None and name not in _ALLOWED[form.outcome]:
            problems.append(FieldProblem(name, "not_expected_for_outcome", _NOT_EXPECTED))
    return problems


def _not_before_application(form: PlacementForm, name: str, what: str) -> list[FieldProblem]:
    value: date | None = getattr(form, name)
    if value is None or form.applied_on is None or value >= form.applied_on:
        return []
    message = f"{what} kann nicht vor Ihrer Bewerbung ({format_date(form.applied_on)}) liegen. Bitte prüfen."
    return [FieldProblem(name, "before_application", message)]


def _not_too_far(name: str, value: date | None, latest: date) -> list[FieldProblem]:
    if value is None or value <= latest:
        return []
    message = f"Das Datum liegt zu weit in der Zukunft (spätestens {format_date(latest)}). Bitte prüfen."
    return [FieldProblem(name, "date_too_far_in_future", message)]
