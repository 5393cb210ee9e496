"""Leasing work from the outbox.

Claiming is one UPDATE over a sub-select: on PostgreSQL the sub-select takes row locks with
``FOR UPDATE SKIP LOCKED`` so concurrent workers claim disjoint rows; SQLite serialises writers,
which gives the same guarantee. Every later write is fenced on the lease owner, so a worker that
lost its lease cannot overwrite the outcome of the worker that took over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from services.store.models import OutboxEntry, Submission, utcnow

READY, LEASED, DONE, DEAD = "ready", "leased", "done", "dead"


@dataclass(frozen=True)
class Claim:
    submission_id: str
    attempt: int


def claim(
    session: Session, *, worker_id: str, limit: int, lease_seconds: float, now: datetime | None = None
) -> list[Claim]:
    now = now or utcnow()
    claimable = (
        select(OutboxEntry.id)
        .where(
            OutboxEntry.available_at <= now,
            or_(
                OutboxEntry.state == READY,
                and_(OutboxEntry.state == LEASED, OutboxEntry.lease_expires_at < now),
            ),
        )
        .order_by(OutboxEntry.available_at, OutboxEntry.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id.in_(claimable.scalar_subquery()))
        .values(
            state=LEASED,
            lease_owner=worker_id,
            lease_expires_at=now + timedelta(seconds=lease_seconds),
            attempts=OutboxEntry.attempts + 1,
        )
        .returning(OutboxEntry.submission_id, OutboxEntry.attempts)
        .execution_options(synchronize_session=False)
    ).all()
    claims = [Claim(submission_id=r[0], attempt=r[1]) for r in rows]
    if claims:
        session.execute(
            update(Submission)
            .where(Submission.id.in_([c.submission_id for c in claims]))
            .values(status="processing", updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return claims


def _owned(worker_id: str, submission_ids: list[str]):  # type: ignore[no-untyped-def]
    return and_(
        OutboxEntry.submission_id.in_(submission_ids),
        OutboxEntry.state == LEASED,
        OutboxEntry.lease_owner == worker_id,
    )


def renew(session: Session, *, worker_id: str, submission_ids: list[str], lease_seconds: float) -> int:
    """Extend the leases still held; returns how many were extended."""
    result = session.execute(
        update(OutboxEntry)
        .where(_owned(worker_id, submission_ids))
        .values(lease_expires_at=utcnow() + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def release(session: Session, *, worker_id: str, submission_ids: list[str]) -> int:
    """Give work back without counting the attempt (the infrastructure failed, not the submission)."""
    released = session.scalars(
        update(OutboxEntry)
        .where(_owned(worker_id, submission_ids))
        .values(state=READY, lease_owner=None, lease_expires_at=None, attempts=OutboxEntry.attempts - 1)
        .returning(OutboxEntry.submission_id)
        .execution_options(synchronize_session=False)
    ).all()
    if released:  # only what we still held: another worker may be processing the rest
        session.execute(
            update(Submission)
            .where(Submission.id.in_(released), Submission.status == "processing")
            .values(status="accepted")
            .execution_options(synchronize_session=False)
        )
    return len(released)


def finish(session: Session, *, worker_id: str, submission_id: str, state: str, error: str | None = None) -> bool:
    """Mark an entry done or dead; False when the lease was lost to another worker."""
    result = session.execute(
        update(OutboxEntry)
        .where(_owned(worker_id, [submission_id]))
        .values(state=state, lease_owner=None, lease_expires_at=None, last_error=error)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def reschedule(session: Session, *, worker_id: str, submission_id: str, at: datetime, error: str) -> bool:
    result = session.execute(
        update(OutboxEntry)
        .where(_owned(worker_id, [submission_id]))
        .values(state=READY, available_at=at, lease_owner=None, lease_expires_at=None, last_error=error)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def enqueue(session: Session, *, submission_id: str) -> None:
    session.add(OutboxEntry(submission_id=submission_id, state=READY, available_at=utcnow(), attempts=0))


def entry_for(session: Session, submission_id: str) -> OutboxEntry | None:
    return session.scalar(select(OutboxEntry).where(OutboxEntry.submission_id == submission_id))
