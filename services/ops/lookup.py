"""One submission's timeline by receipt number (or id): stages from the ledger, what people did
(submission_events), and the outbox entry, with links into Prefect and the trace id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.ops.redact import mask, safe_stage_error
from services.ops.scope import FAILED
from services.pipeline.stages import STAGE_ORDER
from services.store import ledger, outbox
from services.store.models import Jobcenter, OutboxEntry, Submission, SubmissionEvent

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")
_QUERY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_DETAIL_VALUE_MAX = 120


class InvalidQuery(ValueError):
    """Not something a receipt number or submission id can look like."""


@dataclass(frozen=True)
class StageStep:
    stage: str
    status: str
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    reference: str | None
    error: str | None
    flow_run_url: str | None
    task_run_url: str | None


@dataclass(frozen=True)
class EventEntry:
    kind: str
    actor: str
    at: datetime
    detail: dict[str, str]


@dataclass(frozen=True)
class OutboxState:
    state: str
    attempts: int
    available_at: datetime
    lease_owner: str | None
    lease_expires_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class Timeline:
    submission_id: str
    receipt_number: str
    service: str
    service_version: str
    channel: str
    status: str
    jobcenter_id: str | None
    jobcenter_name: str | None
    team_id: str | None
    case_reference: str | None
    failure_reason: str | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    trace_id: str | None
    parent_submission_id: str | None
    stages: list[StageStep]
    events: list[EventEntry]
    outbox: OutboxState | None

    @property
    def retryable(self) -> bool:
        return self.status == FAILED and self.outbox is not None and self.outbox.state == outbox.DEAD


def trace_id_of(traceparent: str | None) -> str | None:
    """The 32-hex trace id of a W3C ``traceparent`` (None when absent, malformed or all zeros)."""
    match = _TRACEPARENT.fullmatch((traceparent or "").strip().lower())
    if match is None or set(match.group(1)) == {"0"}:
        return None
    return match.group(1)


def normalise_query(text: str) -> str:
    """What an operator typed, as a receipt number or id; ``InvalidQuery`` for anything else."""
    value = text.strip()
    if not _QUERY.fullmatch(value):
        raise InvalidQuery(value)
    return value


def _detail(detail: dict[str, Any] | None) -> dict[str, str]:
    """Scalar ids and codes of an event, masked and shortened (the detail's contract is ids and codes only)."""
    shown: dict[str, str] = {}
    for key, value in (detail or {}).items():
        if value is None:
            shown[str(key)] = "–"
        elif isinstance(value, str | int | float | bool):
            shown[str(key)] = (mask(str(value)) or "")[:_DETAIL_VALUE_MAX]
    return shown


def _steps(session: Session, submission_id: str, prefect_ui_url: str) -> list[StageStep]:
    rows = {r.stage: r for r in ledger.for_submission(session, submission_id)}
    ui = prefect_ui_url.rstrip("/")
    steps = []
    for name in (*STAGE_ORDER, *sorted(set(rows) - set(STAGE_ORDER))):
        row = rows.get(name)
        if row is None:
            steps.append(StageStep(name, ledger.PENDING, 0, None, None, None, None, None, None))
            continue
        steps.append(
            StageStep(
                stage=name,
                status=row.status,
                attempts=row.attempts,
                started_at=row.started_at,
                finished_at=row.finished_at,
                reference=mask(row.reference),
                error=safe_stage_error(row.error),
                flow_run_url=f"{ui}/runs/flow-run/{row.flow_run_id}" if row.flow_run_id else None,
                task_run_url=f"{ui}/runs/task-run/{row.task_run_id}" if row.task_run_id else None,
            )
        )
    return steps


def find_submission(session: Session, query: str) -> Submission | None:
    """By receipt number (case-insensitive, as read out on the phone) or by submission id (from Prefect)."""
    value = normalise_query(query)
    return session.scalar(
        select(Submission).where(or_(Submission.receipt_number == value.upper(), Submission.id == value.lower()))
    )


def build_timeline(session: Session, submission: Submission, *, prefect_ui_url: str) -> Timeline:
    jobcenter = session.get(Jobcenter, submission.jobcenter_id) if submission.jobcenter_id else None
    entry = session.scalar(select(OutboxEntry).where(OutboxEntry.submission_id == submission.id))
    events = session.scalars(
        select(SubmissionEvent)
        .where(SubmissionEvent.submission_id == submission.id)
        .order_by(SubmissionEvent.at, SubmissionEvent.id)
    )
    return Timeline(
        submission_id=submission.id,
        receipt_number=submission.receipt_number,
        service=submission.service,
        service_version=submission.service_version,
        channel=submission.channel,
        status=submission.status,
        jobcenter_id=submission.jobcenter_id,
        jobcenter_name=jobcenter.name if jobcenter else None,
        team_id=submission.team_id,
        case_reference=mask(submission.case_reference),
        failure_reason=mask(submission.failure_reason),
        created_at=submission.created_at,
        updated_at=submission.updated_at,
        completed_at=submission.completed_at,
        trace_id=trace_id_of(submission.traceparent),
        parent_submission_id=submission.parent_submission_id,
        stages=_steps(session, submission.id, prefect_ui_url),
        events=[EventEntry(e.kind, mask(e.actor) or "", e.at, _detail(e.detail)) for e in events],
        outbox=OutboxState(
            state=entry.state,
            attempts=entry.attempts,
            available_at=entry.available_at,
            lease_owner=entry.lease_owner,
            lease_expires_at=entry.lease_expires_at,
            last_error=mask(entry.last_error),
        )
        if entry
        else None,
    )
