"""The outbox backlog as metrics see it: per service and jobcenter, how many submissions wait to be claimed
and how long the oldest of them has waited.

Why "claimable" and not just ``state = ready``: an entry whose lease expired (its worker died) waits exactly
like a ready one; both are what the workers have not got to yet. Entries scheduled for a later retry are not
waiting yet and are left out until their time comes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, func, or_, select

from services.store import outbox
from services.store.db import Database
from services.store.models import OutboxEntry, Submission, utcnow


@dataclass(frozen=True)
class BacklogGroup:
    service: str
    jobcenter: str | None
    size: int
    oldest_age_seconds: float


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def backlog(db: Database, *, now: datetime | None = None) -> list[BacklogGroup]:
    """Claimable outbox entries grouped by service and jobcenter (jobcenter None before routing)."""
    now = now or utcnow()
    claimable = and_(
        OutboxEntry.available_at <= now,
        or_(
            OutboxEntry.state == outbox.READY,
            and_(OutboxEntry.state == outbox.LEASED, OutboxEntry.lease_expires_at < now),
        ),
    )
    query = (
        select(Submission.service, Submission.jobcenter_id, func.count(), func.min(OutboxEntry.available_at))
        .join(Submission, Submission.id == OutboxEntry.submission_id)
        .where(claimable)
        .group_by(Submission.service, Submission.jobcenter_id)
    )
    with db.session() as session:
        rows = session.execute(query).all()
    return [
        BacklogGroup(
            service=service,
            jobcenter=jobcenter,
            size=int(size),
            oldest_age_seconds=max(0.0, (now - _aware(oldest)).total_seconds()),
        )
        for service, jobcenter, size, oldest in rows
    ]
