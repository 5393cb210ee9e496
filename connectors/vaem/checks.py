"""Plausibility checks of the VÄM beyond types.

Evidence is matched by kind, not per change: any pay slip satisfies every income change, because
the customer often proves two changes with one document. A missing piece of evidence is reported
on ``evidence`` (that is where the customer adds it) and names the change it belongs to.

Amounts for an ended income are refused rather than ignored, so a customer who picks "ended" by
mistake for a changed income notices it. All checks are pure; ``today`` is injectable.
"""

from __future__ import annotations

from datetime import date

from connectors.sdk import FieldProblem
from connectors.sdk.fields import IncomeKind, add_months, format_date
from connectors.vaem.form import (
    Change,
    EvidenceKind,
    HouseholdChange,
    IncomeChange,
    IncomeEvent,
    Movement,
    VaemForm,
)

FUTURE_MONTHS = 3
MAX_AGE_YEARS = 120
_ONCE_PER_NOTIFICATION = {"address": "Umzug", "bank_details": "Bankverbindung"}

# Which evidence proves which kind of change; kinds missing here need none (bank confirmation is optional).
REQUIRED_EVIDENCE: dict[str, frozenset[EvidenceKind]] = {
    "address": frozenset({EvidenceKind.RENT_CONTRACT, EvidenceKind.REGISTRATION_CERTIFICATE}),
    "housing_costs": frozenset({EvidenceKind.RENT_CONTRACT, EvidenceKind.OTHER}),
    "income": frozenset({EvidenceKind.PAY_SLIP, EvidenceKind.EMPLOYMENT_CONTRACT}),
}
# An ended job is proven by the termination letter as well.
_ENDED_INCOME_EVIDENCE = REQUIRED_EVIDENCE["income"] | {EvidenceKind.OTHER}
CHANGE_LABELS = {
    "address": "Umzug",
    "housing_costs": "Kosten der Unterkunft",
    "income": "Einkommen",
    "household": "Personen im Haushalt",
    "bank_details": "Bankverbindung",
    "other": "Sonstiges",
}


def check_vaem(form: VaemForm, today: date | None = None) -> list[FieldProblem]:
    """Every problem at once, so the customer can fix all of them in one pass."""
    day = today or date.today()
    latest = add_months(day, FUTURE_MONTHS)
    problems: list[FieldProblem] = []
    if not form.changes:
        message = "Bitte geben Sie mindestens eine Änderung an (z. B. Umzug, neues Einkommen)."
        problems.append(FieldProblem("changes", "changes_missing", message))
    seen: dict[str, int] = {}
    for i, change in enumerate(form.changes):
        path = f"changes.{i}"
        if change.effective_date > latest:
            message = (
                f"Das Datum darf höchstens {FUTURE_MONTHS} Monate in der Zukunft liegen (spätestens "
                f"{format_date(latest)}). Bitte prüfen Sie das Datum."
            )
            problems.append(FieldProblem(f"{path}.effective_date", "date_too_far_in_future", message))
        if change.type in _ONCE_PER_NOTIFICATION and change.type in seen:
            message = (
                f"Die Änderung '{_ONCE_PER_NOTIFICATION[change.type]}' ist schon als Änderung "
                f"{seen[change.type] + 1} angegeben. Bitte fassen Sie beide Angaben zusammen."
            )
            problems.append(FieldProblem(f"{path}.type", "duplicate_change", message))
        seen.setdefault(change.type, i)
        if isinstance(change, IncomeChange):
            problems += _income(path, change)
        elif isinstance(change, HouseholdChange):
            problems += _household(path, change, day, form.changes)
    problems += _evidence(form)
    if form.declarations.truthful_information is not True:
        message = "Bitte bestätigen Sie, dass Ihre Angaben richtig und vollständig sind."
        problems.append(FieldProblem("declarations.truthful_information", "declaration_required", message))
    return problems


def _income(path: str, change: IncomeChange) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    amounts = {"gross_monthly": change.gross_monthly, "net_monthly": change.net_monthly}
    if change.event is IncomeEvent.INCOME_ENDED:
        message = "Bei einem weggefallenen Einkommen bitte keinen Betrag angeben. Bitte entfernen Sie den Betrag."
        problems += [
            FieldProblem(f"{path}.{name}", "amount_not_expected", message)
            for name, value in amounts.items()
            if value is not None
        ]
    else:
        message = "Bitte geben Sie den monatlichen Betrag an (bei schwankendem Lohn den voraussichtlichen)."
        problems += [
            FieldProblem(f"{path}.{name}", "amount_required", message)
            for name, value in amounts.items()
            if value is None
        ]
        if (
            change.gross_monthly is not None
            and change.net_monthly is not None
            and change.net_monthly > change.gross_monthly
        ):
            message = "Der Nettobetrag kann nicht höher sein als der Bruttobetrag. Bitte prüfen Sie beide Beträge."
            problems.append(FieldProblem(f"{path}.net_monthly", "net_exceeds_gross", message))
    needs_employer = change.event is IncomeEvent.NEW_JOB or change.income_kind is IncomeKind.OTHER
    if needs_employer and change.employer is None:
        message = "Bitte geben Sie den Arbeitgeber bzw. die zahlende Stelle an."
        problems.append(FieldProblem(f"{path}.employer", "employer_required", message))
    return problems


def _household(path: str, change: HouseholdChange, today: date, changes: list[Change]) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if change.birth_date < add_months(today, -12 * MAX_AGE_YEARS):
        message = f"Das Geburtsdatum liegt mehr als {MAX_AGE_YEARS} Jahre zurück. Bitte prüfen Sie das Datum."
        problems.append(FieldProblem(f"{path}.birth_date", "birth_date_implausible", message))
    if change.effective_date < change.birth_date:
        message = "Das Datum des Zu- oder Auszugs liegt vor dem Geburtsdatum. Bitte prüfen Sie beide Angaben."
        problems.append(FieldProblem(f"{path}.effective_date", "date_before_birth", message))
    if change.movement is Movement.MOVED_OUT:
        for other in changes:
            if (
                isinstance(other, HouseholdChange)
                and other.movement is Movement.MOVED_IN
                and _same_person(other, change)
                and change.effective_date < other.effective_date
            ):
                message = (
                    f"{change.given_name} {change.family_name} kann nicht vor dem Zuzug "
                    f"({format_date(other.effective_date)}) ausgezogen sein. "
                    "Bitte prüfen Sie das Auszugsdatum."
                )
                problems.append(FieldProblem(f"{path}.effective_date", "move_out_before_move_in", message))
    return problems


def _same_person(a: HouseholdChange, b: HouseholdChange) -> bool:
    def key(c: HouseholdChange) -> tuple[str, str, date]:
        return c.given_name.casefold(), c.family_name.casefold(), c.birth_date

    return key(a) == key(b)


def accepted_evidence(change: Change) -> frozenset[EvidenceKind]:
    """The evidence kinds that prove ``change``; empty when none is required."""
    if isinstance(change, IncomeChange) and change.event is IncomeEvent.INCOME_ENDED:
        return _ENDED_INCOME_EVIDENCE
    return REQUIRED_EVIDENCE.get(change.type, frozenset())


def _evidence(form: VaemForm) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    offered = {item.kind for item in form.evidence}
    for i, change in enumerate(form.changes):
        accepted = accepted_evidence(change)
        if accepted and not accepted & offered:
            choices = " oder ".join(sorted(kind.label for kind in accepted))
            message = (
                f"Zur Änderung {i + 1} ({CHANGE_LABELS[change.type]}) fehlt ein Nachweis. "
                f"Bitte fügen Sie einen hinzu: {choices}."
            )
            problems.append(FieldProblem("evidence", "evidence_missing", message))
    for i, item in enumerate(form.evidence):
        if item.kind is EvidenceKind.OTHER and item.description is None:
            message = "Bitte beschreiben Sie den sonstigen Nachweis (z. B. 'Kündigungsschreiben')."
            problems.append(FieldProblem(f"evidence.{i}.description", "description_required", message))
    return problems
