"""Throughput and latency over time, per fixed-width bucket of the window.

Counts are GROUP BY bucket. Latency percentiles use window functions (``row_number`` over each bucket's
latencies, nearest-rank method), which both SQLite and PostgreSQL have, so the database returns two rows per
bucket instead of every completion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from services.ops.scope import BUCKETS, COMPLETED, Scope
from services.ops.sqltime import bucket_index, dialect_of, nearest_rank, seconds_between
from services.store.models import Submission


@dataclass(frozen=True)
class Bucket:
    start: datetime
    accepted: int = 0
    completed: int = 0
    latency_p50_s: float | None = None
    latency_p95_s: float | None = None
    """Accepted → completed, of the submissions completed in this bucket."""


@dataclass(frozen=True)
class Series:
    scope: Scope
    bucket_seconds: float
    buckets: list[Bucket]


def _counts(session: Session, scope: Scope, dialect: str, column: Any, *conditions: Any) -> dict[int, int]:
    bucket = bucket_index(dialect, column, since=scope.since, bucket_seconds=scope.bucket_seconds).label("bucket")
    query = scope.apply(
        select(bucket, func.count()).where(column >= scope.since, column < scope.until, *conditions).group_by(bucket)
    )
    return {int(b): int(n) for b, n in session.execute(query)}


def latency_percentiles(
    session: Session, scope: Scope, *, partition: Any, percents: tuple[int, ...] = (50, 95)
) -> dict[Any, tuple[int, dict[int, float]]]:
    """``{partition value: (completions, {percent: seconds})}`` for submissions completed in the window."""
    dialect = dialect_of(session)
    latency = seconds_between(dialect, Submission.created_at, Submission.completed_at)
    ranked = scope.apply(
        select(
            partition.label("part"),
            latency.label("latency"),
            func.row_number().over(partition_by=partition, order_by=latency).label("rank"),
            func.count().over(partition_by=partition).label("total"),
        ).where(
            Submission.status == COMPLETED,
            Submission.completed_at >= scope.since,
            Submission.completed_at < scope.until,
        )
    ).subquery()
    wanted = or_(*(ranked.c.rank == nearest_rank(ranked.c.total, p) for p in percents))
    result: dict[Any, tuple[int, dict[int, float]]] = {}
    for part, value, rank, total in session.execute(
        select(ranked.c.part, ranked.c.latency, ranked.c.rank, ranked.c.total).where(wanted)
    ):
        _, values = result.setdefault(part, (int(total), {}))
        for p in percents:
            if int(rank) == (int(total) * p + 99) // 100:
                values[p] = max(0.0, float(value))
    return result


def build_series(session: Session, scope: Scope) -> Series:
    dialect = dialect_of(session)
    accepted = _counts(session, scope, dialect, Submission.created_at)
    completed = _counts(session, scope, dialect, Submission.completed_at, Submission.status == COMPLETED)
    bucket = bucket_index(dialect, Submission.completed_at, since=scope.since, bucket_seconds=scope.bucket_seconds)
    latencies = latency_percentiles(session, scope, partition=bucket)
    buckets = []
    for i in range(BUCKETS):
        _, values = latencies.get(i, (0, {}))
        buckets.append(
            Bucket(
                start=scope.since + timedelta(seconds=i * scope.bucket_seconds),
                accepted=accepted.get(i, 0),
                completed=completed.get(i, 0),
                latency_p50_s=values.get(50),
                latency_p95_s=values.get(95),
            )
        )
    return Series(scope=scope, bucket_seconds=scope.bucket_seconds, buckets=buckets)
