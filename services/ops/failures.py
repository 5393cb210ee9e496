"""The failed submissions an operator can act on: newest first, with the stage that failed and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.ops.redact import mask
from services.ops.retry import failed_stage_column
from services.ops.scope import FAILED, Scope
from services.store import outbox
from services.store.models import OutboxEntry, Submission

LIST_LIMIT = 50


@dataclass(frozen=True)
class FailedSubmission:
    submission_id: str
    receipt_number: str
    service: str
    jobcenter_id: str | None
    failed_stage: str | None
    reason: str | None
    attempts: int
    failed_at: datetime
    dead_lettered: bool


@dataclass(frozen=True)
class FailedList:
    items: list[FailedSubmission]
    total: int


def failed_submissions(session: Session, scope: Scope, *, limit: int = LIST_LIMIT) -> FailedList:
    """Failed submissions in scope (all time: they wait for an operator however old they are)."""
    base = scope.apply(
        select(
            Submission.id,
            Submission.receipt_number,
            Submission.service,
            Submission.jobcenter_id,
            failed_stage_column(),
            Submission.failure_reason,
            OutboxEntry.attempts,
            Submission.updated_at,
            OutboxEntry.state,
        )
        .outerjoin(OutboxEntry, OutboxEntry.submission_id == Submission.id)
        .where(Submission.status == FAILED)
    )
    total = session.scalar(scope.apply(select(func.count()).select_from(Submission).where(Submission.status == FAILED)))
    rows = session.execute(base.order_by(Submission.updated_at.desc(), Submission.id).limit(limit))
    items = [
        FailedSubmission(
            submission_id=sid,
            receipt_number=receipt,
            service=service,
            jobcenter_id=jobcenter_id,
            failed_stage=stage,
            reason=mask(reason),
            attempts=int(attempts or 0),
            failed_at=updated_at,
            dead_lettered=state == outbox.DEAD,
        )
        for sid, receipt, service, jobcenter_id, stage, reason, attempts, updated_at, state in rows
    ]
    return FailedList(items=items, total=int(total or 0))
