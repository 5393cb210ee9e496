"""The maths of the benchmark report: percentiles, throughput, per-phase stats and ratios."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from services.bench.measure import SubmissionTiming, percentile, summarize, throughput
from services.bench.report import ratio, ratios

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def test_percentile_interpolates_between_closest_ranks() -> None:
    values = [4.0, 1.0, 3.0, 2.0]  # unsorted on purpose
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile(values, 50) == pytest.approx(2.5)
    assert percentile(values, 95) == pytest.approx(3.85)
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)


def test_percentile_of_one_value_and_of_none() -> None:
    assert percentile([0.7], 50) == 0.7
    assert percentile([0.7], 95) == 0.7
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_throughput_is_items_over_the_window() -> None:
    assert throughput(200, T0, T0 + timedelta(seconds=4)) == 50.0
    assert throughput(0, T0, T0 + timedelta(seconds=4)) == 0.0
    assert throughput(5, T0, None) == 0.0
    assert throughput(5, T0, T0) == math.inf


def test_summarize_separates_queueing_from_processing_and_skips_unfinished() -> None:
    timings = [
        SubmissionTiming(created_at=T0, started_at=T0 + timedelta(seconds=1), completed_at=T0 + timedelta(seconds=2)),
        SubmissionTiming(created_at=T0, started_at=T0 + timedelta(seconds=3), completed_at=T0 + timedelta(seconds=4)),
        SubmissionTiming(created_at=T0, started_at=T0 + timedelta(seconds=5), completed_at=None),
    ]
    stats = summarize(timings, started=T0 + timedelta(seconds=0.5))
    assert (stats.submissions, stats.completed) == (3, 2)
    assert stats.seconds == pytest.approx(3.5)
    assert stats.per_second == pytest.approx(2 / 3.5)
    assert stats.e2e_p50 == pytest.approx(3.0)
    assert stats.e2e_p95 == pytest.approx(3.9)
    assert stats.processing_p50 == pytest.approx(1.0)
    assert stats.processing_p95 == pytest.approx(1.0)


def test_summarize_of_nothing_finished_reports_no_latency() -> None:
    stats = summarize([SubmissionTiming(T0, None, None)], started=T0)
    assert (stats.completed, stats.per_second, stats.seconds) == (0, 0.0, 0.0)
    assert stats.as_dict()["e2e_p50"] is None  # NaN is not valid JSON


def test_ratios_compare_each_worker_count_with_both_baselines_of_its_database() -> None:
    def row(database: str, phase: str, per_second: float, workers: int | None = None) -> dict[str, object]:
        return {"database": database, "phase": phase, "workers": workers, "stats": {"per_second": per_second}}

    results = [
        row("sqlite", "raw", 40.0),
        row("sqlite", "ozgflow", 30.0, 1),
        row("sqlite", "ozgflow", 36.0, 2),
        row("sqlite", "naive", 2.0),
        row("postgresql", "raw", 20.0),
        row("postgresql", "ozgflow", 10.0, 1),
        row("postgresql", "naive", 0.0),
    ]
    assert ratios(results) == [
        {"database": "sqlite", "workers": 1, "b_over_a": 0.75, "b_over_c": 15.0},
        {"database": "sqlite", "workers": 2, "b_over_a": 0.9, "b_over_c": 18.0},
        {"database": "postgresql", "workers": 1, "b_over_a": 0.5, "b_over_c": None},
    ]
    assert ratio(None, 1.0) is None
    assert ratio(1.0, math.inf) is None
