"""Retention from the maintenance pass: once per ``retention_interval_seconds`` (daily), whoever runs first.

The pass runs on every worker every minute and in the scheduled Prefect flow, in processes that share nothing
but the database, so the last completed run is recorded there: as an audit entry of the system (a deletion run
is worth showing to a data-protection officer anyway), found through the audit log's index on the resource
type without scanning the customers' entries. A pass that runs out of batches before everything due is gone
records nothing, so the next pass (a minute later) carries on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.audit import record_access
from services.audit.purposes import Action, Purpose
from services.efile.store import EFileStore
from services.privacy.retention import SYSTEM, RetentionPolicy, RetentionReport, apply_retention
from services.settings import Settings
from services.store.db import Database
from services.store.models import AuditEntry, utcnow

RUN_RESOURCE = "retention_run"


def last_run(session: Session) -> datetime | None:
    """When the last retention run finished everything that was due."""
    return session.scalar(
        select(AuditEntry.at)
        .where(
            AuditEntry.resource_type == RUN_RESOURCE,
            AuditEntry.customer_id.is_(None),
            AuditEntry.actor_kind == SYSTEM.kind,
            AuditEntry.actor_id == SYSTEM.id,
        )
        .order_by(AuditEntry.at.desc())
        .limit(1)
    )


def _record_run(session: Session, now: datetime) -> None:
    record_access(
        session,
        actor=SYSTEM,
        action=Action.DELETE,
        resource_type=RUN_RESOURCE,
        resource_id=now.date().isoformat(),
        purpose=Purpose.RETENTION,
        at=now,
    )


def run_retention(
    db: Database, open_efile: Callable[[], EFileStore], settings: Settings, *, now: datetime | None = None
) -> RetentionReport | None:
    """Delete what is due if the interval has passed since the last completed run; None when not due.

    ``open_efile`` builds the e-file store only when a run is due (an S3 client per minute would be waste)."""
    now = now or utcnow()
    with db.session() as session:
        previous = last_run(session)
    if previous is not None and now - previous < timedelta(seconds=settings.retention_interval_seconds):
        return None
    efile, policy, total = open_efile(), RetentionPolicy.from_settings(settings), RetentionReport()
    for _ in range(settings.retention_batches_per_pass):
        with db.session() as session:
            report = apply_retention(session, efile, now, policy=policy, limit=settings.retention_batch_size)
            if not report.more:
                _record_run(session, now)
        total = total + report
        if not report.more:
            break
    return total
