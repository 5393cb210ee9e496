"""Latency percentiles and throughput, computed from what the database recorded.

Why from the database: ``submissions.created_at`` (accept time) and ``completed_at`` are written by the
code under test in every phase, so all three phases are measured by the same clock and the same rule,
whichever process did the work.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between closest ranks (numpy's default).

    Interpolation keeps small samples (a 10-submission test run) meaningful instead of jumping between
    neighbours; an empty sample has no percentile and gives NaN rather than a misleading zero.
    """
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def throughput(count: int, started: datetime, finished: datetime | None) -> float:
    """Items per second over the window in which the work ran; 0 when nothing finished."""
    if finished is None or count == 0:
        return 0.0
    seconds = (finished - started).total_seconds()
    if seconds <= 0:
        return math.inf
    return count / seconds


@dataclass(frozen=True)
class SubmissionTiming:
    """When one submission was accepted, first touched by a stage, and completed (None if not)."""

    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True)
class PhaseStats:
    """Throughput and latencies of one phase; latencies in seconds.

    ``e2e`` runs from accept to completion and so includes the time spent queued behind a burst of N;
    ``processing`` runs from the first stage's start to completion, i.e. what one submission costs once
    a worker has it — the two together separate queueing from per-item cost.
    """

    submissions: int
    completed: int
    seconds: float
    per_second: float
    e2e_p50: float
    e2e_p95: float
    processing_p50: float
    processing_p95: float

    def as_dict(self) -> dict[str, Any]:
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in asdict(self).items()}


def summarize(timings: Sequence[SubmissionTiming], started: datetime) -> PhaseStats:
    """Stats over the completed submissions of one phase whose work began at ``started``."""
    done = [t for t in timings if t.completed_at is not None]
    finished = max((t.completed_at for t in done if t.completed_at), default=None)
    e2e = [(t.completed_at - t.created_at).total_seconds() for t in done if t.completed_at]
    processing = [
        (t.completed_at - t.started_at).total_seconds() for t in done if t.completed_at and t.started_at is not None
    ]
    return PhaseStats(
        submissions=len(timings),
        completed=len(done),
        seconds=(finished - started).total_seconds() if finished else 0.0,
        per_second=throughput(len(done), started, finished),
        e2e_p50=percentile(e2e, 50),
        e2e_p95=percentile(e2e, 95),
        processing_p50=percentile(processing, 50),
        processing_p95=percentile(processing, 95),
    )
