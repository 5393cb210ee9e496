"""The pipeline at a glance: per service and jobcenter, how many submissions wait, sit in which stage, completed
recently, failed — and how long the oldest one has been waiting.

Three GROUP BY queries, none of which loads submissions into Python: counts per status (open and failed ones
over all time, through the status index), completions within the window, and the current stage of open
submissions (the number of stages the ledger records as succeeded; stages run in order).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.ops.scope import COMPLETED, FAILED, OPEN_STATUSES, PROCESSING, RETRY_SCHEDULED, WAITING, Scope
from services.pipeline.stages import STAGE_ORDER
from services.store import ledger, outbox
from services.store.models import Jobcenter, OutboxEntry, StageResult, Submission

Key = tuple[str, str | None]


@dataclass(frozen=True)
class OverviewRow:
    """Counts for one service at one jobcenter (``jobcenter_id`` None: not routed yet, or unroutable)."""

    service: str
    jobcenter_id: str | None
    jobcenter_name: str | None = None
    waiting: int = 0
    """Accepted, not yet claimed by a worker."""
    in_stage: dict[str, int] = field(default_factory=dict)
    """Being processed or waiting for a retry, by the stage they are at."""
    retry_scheduled: int = 0
    completed: int = 0
    """Completed within the window."""
    failed: int = 0
    """Failed for good: the outbox entry is dead-lettered until an operator retries it."""
    oldest_open_at: datetime | None = None

    @property
    def in_progress(self) -> int:
        return sum(self.in_stage.values())

    def age_seconds(self, now: datetime) -> float | None:
        return None if self.oldest_open_at is None else max(0.0, (now - self.oldest_open_at).total_seconds())


@dataclass(frozen=True)
class Overview:
    scope: Scope
    stages: tuple[str, ...]
    rows: list[OverviewRow]
    totals: OverviewRow
    expired_leases: int
    """Leases whose worker stopped renewing them (crashed?); the next claim takes the work over."""


def _add(a: OverviewRow, b: OverviewRow) -> OverviewRow:
    oldest = [t for t in (a.oldest_open_at, b.oldest_open_at) if t is not None]
    stages = {s: a.in_stage.get(s, 0) + b.in_stage.get(s, 0) for s in {*a.in_stage, *b.in_stage}}
    return replace(
        a,
        waiting=a.waiting + b.waiting,
        in_stage=stages,
        retry_scheduled=a.retry_scheduled + b.retry_scheduled,
        completed=a.completed + b.completed,
        failed=a.failed + b.failed,
        oldest_open_at=min(oldest) if oldest else None,
    )


def _status_counts(session: Session, scope: Scope) -> dict[Key, OverviewRow]:
    rows: dict[Key, OverviewRow] = {}
    by_status = scope.apply(
        select(
            Submission.service,
            Submission.jobcenter_id,
            Submission.status,
            func.count(),
            func.min(Submission.created_at),
        )
        .where(Submission.status.in_((*OPEN_STATUSES, FAILED)))
        .group_by(Submission.service, Submission.jobcenter_id, Submission.status)
    )
    for service, jobcenter_id, status, count, oldest in session.execute(by_status):
        row = OverviewRow(
            service,
            jobcenter_id,
            waiting=count if status == WAITING else 0,
            retry_scheduled=count if status == RETRY_SCHEDULED else 0,
            failed=count if status == FAILED else 0,
            oldest_open_at=oldest if status in OPEN_STATUSES else None,
        )
        key = (service, jobcenter_id)
        rows[key] = _add(rows[key], row) if key in rows else row
    completed = scope.apply(
        select(Submission.service, Submission.jobcenter_id, func.count())
        .where(Submission.status == COMPLETED, Submission.completed_at >= scope.since)
        .group_by(Submission.service, Submission.jobcenter_id)
    )
    for service, jobcenter_id, count in session.execute(completed):
        row = OverviewRow(service, jobcenter_id, completed=count)
        key = (service, jobcenter_id)
        rows[key] = _add(rows[key], row) if key in rows else row
    return rows


def _stage_counts(session: Session, scope: Scope) -> dict[Key, dict[str, int]]:
    succeeded = (
        select(func.count())
        .where(StageResult.submission_id == Submission.id, StageResult.status == ledger.SUCCEEDED)
        .correlate(Submission)
        .scalar_subquery()
    )
    open_work = scope.apply(
        select(Submission.service, Submission.jobcenter_id, succeeded.label("done")).where(
            Submission.status.in_((PROCESSING, RETRY_SCHEDULED))
        )
    ).subquery()
    grouped = select(open_work.c.service, open_work.c.jobcenter_id, open_work.c.done, func.count()).group_by(
        open_work.c.service, open_work.c.jobcenter_id, open_work.c.done
    )
    result: dict[Key, dict[str, int]] = {}
    for service, jobcenter_id, done, count in session.execute(grouped):
        stage = STAGE_ORDER[min(int(done), len(STAGE_ORDER) - 1)]  # all done: concluding, shown at the last stage
        per_stage = result.setdefault((service, jobcenter_id), {})
        per_stage[stage] = per_stage.get(stage, 0) + count
    return result


def build_overview(session: Session, scope: Scope) -> Overview:
    rows = _status_counts(session, scope)
    for key, per_stage in _stage_counts(session, scope).items():
        row = rows.get(key) or OverviewRow(*key)
        rows[key] = replace(row, in_stage=per_stage)
    names = dict(session.execute(select(Jobcenter.id, Jobcenter.name)).tuples().all())
    ordered = sorted(
        (replace(r, jobcenter_name=names.get(r.jobcenter_id or "")) for r in rows.values()),
        key=lambda r: (r.service, r.jobcenter_name or "~"),
    )
    totals = OverviewRow("", None)
    for row in ordered:
        totals = _add(totals, row)
    expired = session.scalar(
        select(func.count())
        .select_from(OutboxEntry)
        .where(OutboxEntry.state == outbox.LEASED, OutboxEntry.lease_expires_at < scope.until)
    )
    return Overview(scope=scope, stages=STAGE_ORDER, rows=ordered, totals=totals, expired_leases=int(expired or 0))
