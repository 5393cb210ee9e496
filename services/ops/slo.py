"""SLO status per service: the targets in roadmap.yaml against what our tables measured in the window.

Measured from our tables: completion p95 (accepted → completed), the processing failure rate (failed among
finished submissions accepted in the window) and how many open submissions are already older than the
completion target (a stuck pipeline completes nothing, so its p95 alone would look fine). Accept latency is
not in our tables; the newest load test's figure is shown for it, marked as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from roadmap.model import Roadmap
from services.loadtest.slo import DEFAULT_SLO
from services.ops.scope import COMPLETED, FAILED, OPEN_STATUSES, Scope
from services.ops.series import latency_percentiles
from services.rollout.evidence import latest_runs
from services.store.models import LoadTestRun, Submission

OK, BREACHED, NO_DATA = "ok", "breached", "no_data"


@dataclass(frozen=True)
class SloStatus:
    service: str
    source: str
    """``roadmap``, or ``default`` for an installed service roadmap.yaml does not list."""
    completion_target_s: float
    completion_p95_s: float | None
    error_rate_target: float
    error_rate: float | None
    completed: int
    failed: int
    overdue: int
    """Open submissions older than the completion target."""
    accept_target_ms: float
    accept_p95_ms: float | None
    accept_measured_at: datetime | None
    """When the load test that measured ``accept_p95_ms`` finished (None: no load test)."""

    @property
    def completion_ok(self) -> bool | None:
        return None if self.completion_p95_s is None else self.completion_p95_s <= self.completion_target_s

    @property
    def error_rate_ok(self) -> bool | None:
        return None if self.error_rate is None else self.error_rate <= self.error_rate_target

    @property
    def state(self) -> str:
        if self.overdue or self.completion_ok is False or self.error_rate_ok is False:
            return BREACHED
        return NO_DATA if self.completion_ok is None and self.error_rate_ok is None else OK


def _accept_p95(run: LoadTestRun | None) -> float | None:
    if run is None:
        return None
    metrics: dict[str, Any] = run.metrics or {}
    accept = metrics.get("accept")
    value = accept.get("p95_ms") if isinstance(accept, dict) else metrics.get("accept_p95_ms")
    return float(value) if isinstance(value, int | float) else None


def _overdue(session: Session, scope: Scope, targets: dict[str, float]) -> dict[str, int]:
    """One GROUP BY per distinct target (a handful), each over open submissions only (status index)."""
    result: dict[str, int] = {}
    by_target: dict[float, list[str]] = {}
    for service, target in targets.items():
        by_target.setdefault(target, []).append(service)
    for target, services in by_target.items():
        cutoff = scope.until - timedelta(seconds=target)
        query = scope.apply(
            select(Submission.service, func.count())
            .where(
                Submission.status.in_(OPEN_STATUSES),
                Submission.created_at < cutoff,
                Submission.service.in_(services),
            )
            .group_by(Submission.service)
        )
        result.update({service: int(n) for service, n in session.execute(query)})
    return result


def build_slo_status(session: Session, scope: Scope, *, roadmap: Roadmap, services: Iterable[str]) -> list[SloStatus]:
    wanted = sorted(s for s in services if scope.service is None or s == scope.service)
    slos = {s: roadmap.services[s].slo if s in roadmap.services else DEFAULT_SLO for s in wanted}
    finished = scope.apply(
        select(Submission.service, Submission.status, func.count())
        .where(Submission.created_at >= scope.since, Submission.status.in_((COMPLETED, FAILED)))
        .group_by(Submission.service, Submission.status)
    )
    counts: dict[tuple[str, str], int] = {(s, st): int(n) for s, st, n in session.execute(finished)}
    p95 = latency_percentiles(session, scope, partition=Submission.service, percents=(95,))
    overdue = _overdue(session, scope, {s: float(slo.completion_p95_s) for s, slo in slos.items()})
    runs = latest_runs(session)
    result = []
    for service in wanted:
        slo = slos[service]
        completed, failed = counts.get((service, COMPLETED), 0), counts.get((service, FAILED), 0)
        run = runs.get(service)
        result.append(
            SloStatus(
                service=service,
                source="roadmap" if service in roadmap.services else "default",
                completion_target_s=float(slo.completion_p95_s),
                completion_p95_s=p95.get(service, (0, {}))[1].get(95),
                error_rate_target=float(slo.error_rate),
                error_rate=failed / (completed + failed) if completed + failed else None,
                completed=completed,
                failed=failed,
                overdue=overdue.get(service, 0),
                accept_target_ms=float(slo.accept_p95_ms),
                accept_p95_ms=_accept_p95(run),
                accept_measured_at=(run.finished_at or run.started_at) if run else None,
            )
        )
    return result
