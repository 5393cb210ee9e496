"""Retrying what failed: dead-lettered submissions go back to the outbox with fresh attempts.

Only failed submissions whose outbox entry is dead qualify; anything else is still the pipeline's business.
The update is fenced on ``state = 'dead'`` so two operators retrying at once never queue a submission twice,
and every retried submission gets a ``retried`` event naming the operator — in the caller's one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from services.ops.scope import FAILED, WAITING
from services.store import ledger, outbox
from services.store.models import OutboxEntry, StageResult, Submission, SubmissionEvent, utcnow

RETRIED = "retried"
BULK_LIMIT = 1000
"""Most submissions one bulk request retries (one transaction); the answer says how many still match."""

FailureKind = Literal["any", "exhausted", "permanent"]
FAILURE_KINDS: tuple[str, ...] = ("any", "exhausted", "permanent")


@dataclass(frozen=True)
class RetryFilter:
    """Which failed submissions a bulk retry takes: ``kind`` ``exhausted`` = every attempt used up (transient
    trouble, e.g. a back-office outage), ``permanent`` = given up earlier (rejected, not routable)."""

    service: str | None = None
    jobcenter_id: str | None = None
    stage: str | None = None
    """The stage that failed."""
    kind: FailureKind = "any"


@dataclass(frozen=True)
class RetryOutcome:
    receipt_numbers: list[str]
    remaining: int
    """Submissions that still match the filter (beyond the bulk limit)."""

    @property
    def retried(self) -> int:
        return len(self.receipt_numbers)


def failed_stage_column() -> Any:
    """The stage the ledger records as failed for each submission of the outer query (None: none failed)."""
    return (
        select(StageResult.stage)
        .where(StageResult.submission_id == Submission.id, StageResult.status == ledger.FAILED)
        .order_by(StageResult.id)
        .limit(1)
        .correlate(Submission)
        .scalar_subquery()
    )


def _candidates(retry: RetryFilter, *, max_attempts: int) -> Any:
    query = (
        select(Submission.id, Submission.receipt_number, OutboxEntry.attempts, failed_stage_column())
        .join(OutboxEntry, OutboxEntry.submission_id == Submission.id)
        .where(Submission.status == FAILED, OutboxEntry.state == outbox.DEAD)
    )
    if retry.service is not None:
        query = query.where(Submission.service == retry.service)
    if retry.jobcenter_id is not None:
        query = query.where(Submission.jobcenter_id == retry.jobcenter_id)
    if retry.stage is not None:
        query = query.where(
            exists().where(
                StageResult.submission_id == Submission.id,
                StageResult.stage == retry.stage,
                StageResult.status == ledger.FAILED,
            )
        )
    if retry.kind == "exhausted":
        query = query.where(OutboxEntry.attempts >= max_attempts)
    elif retry.kind == "permanent":
        query = query.where(OutboxEntry.attempts < max_attempts)
    return query


def _requeue(session: Session, rows: list[Any], *, actor: str, mode: str) -> list[str]:
    if not rows:
        return []
    now = utcnow()
    ids = [r[0] for r in rows]
    requeued = set(
        session.scalars(
            update(OutboxEntry)
            .where(OutboxEntry.submission_id.in_(ids), OutboxEntry.state == outbox.DEAD)
            .values(state=outbox.READY, available_at=now, attempts=0, lease_owner=None, lease_expires_at=None)
            .returning(OutboxEntry.submission_id)
            .execution_options(synchronize_session=False)
        ).all()
    )
    if not requeued:
        return []
    session.execute(
        update(Submission)
        .where(Submission.id.in_(requeued))
        .values(status=WAITING, failure_reason=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    retried = [r for r in rows if r[0] in requeued]
    session.add_all(
        SubmissionEvent(
            submission_id=submission_id,
            kind=RETRIED,
            actor=actor,
            at=now,
            detail={"mode": mode, "previous_attempts": attempts, "failed_stage": stage},
        )
        for submission_id, _receipt, attempts, stage in retried
    )
    return [r[1] for r in retried]


def retry_submission(session: Session, *, submission_id: str, actor: str) -> bool:
    """Retry one submission; False when it is not (or no longer) failed and dead-lettered."""
    rows = list(
        session.execute(
            _candidates(RetryFilter(), max_attempts=1)
            .where(Submission.id == submission_id)
            .with_for_update(of=OutboxEntry)
        ).all()
    )
    return bool(_requeue(session, rows, actor=actor, mode="single"))


def retry_matching(session: Session, retry: RetryFilter, *, actor: str, max_attempts: int) -> RetryOutcome:
    """Retry up to ``BULK_LIMIT`` failed submissions matching the filter, oldest failure first."""
    query = _candidates(retry, max_attempts=max_attempts).order_by(Submission.updated_at, Submission.id)
    rows = list(session.execute(query.limit(BULK_LIMIT).with_for_update(of=OutboxEntry)).all())
    retried = _requeue(session, rows, actor=actor, mode="bulk")
    remaining = 0
    if len(rows) == BULK_LIMIT:
        remaining = (
            session.scalar(select(func.count()).select_from(_candidates(retry, max_attempts=max_attempts).subquery()))
            or 0
        )
    return RetryOutcome(receipt_numbers=retried, remaining=remaining)
