"""SLOs from the roadmap and the verdict: measured vs target per SLO, nothing measured fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmap.errors import RoadmapError
from roadmap.model import load_roadmap
from services.loadtest.metrics import EndpointStats, completion_stats
from services.loadtest.slo import DEFAULT_SLO, FAIL, PASS, Slo, check_slos, slo_for, verdict

SLO = Slo(accept_p95_ms=300, error_rate=0.01, completion_p95_s=60, source="roadmap")


def accept(p95: float | None) -> EndpointStats:
    return EndpointStats("POST", "/api/v1/submissions/wba", 100, 0, p95, p95, p95)


def test_slos_come_from_the_roadmap() -> None:
    slo = slo_for("wba")
    expected = load_roadmap().services["wba"].slo
    assert slo.source == "roadmap"
    assert (slo.accept_p95_ms, slo.error_rate, slo.completion_p95_s) == (
        expected.accept_p95_ms,
        expected.error_rate,
        expected.completion_p95_s,
    )


def test_a_service_missing_from_the_roadmap_gets_the_defaults(tmp_path: Path) -> None:
    assert slo_for("not_on_the_roadmap") == DEFAULT_SLO
    broken = tmp_path / "roadmap.yaml"
    broken.write_text("version: 1\nservices: [", encoding="utf-8")
    with pytest.raises(RoadmapError):
        slo_for("wba", broken)


def test_all_met_passes_and_each_miss_fails_with_measured_and_target() -> None:
    good = check_slos(SLO, accept(120), 0.0, completion_stats([2.0] * 20))
    assert verdict(good) == PASS and all(c.passed for c in good)
    assert [(c.slo, c.measured, c.target) for c in good] == [
        ("accept_p95_ms", 120, 300),
        ("error_rate", 0.0, 0.01),
        ("completion_p95_s", 2.0, 60),
    ]
    slow = check_slos(SLO, accept(301), 0.0, completion_stats([2.0] * 20))
    assert verdict(slow) == FAIL and [c.passed for c in slow] == [False, True, True]
    errors = check_slos(SLO, accept(120), 0.02, completion_stats([2.0] * 20))
    assert [c.passed for c in errors] == [True, False, True]
    at_limit = check_slos(SLO, accept(300), 0.01, completion_stats([60.0]))
    assert verdict(at_limit) == PASS  # the targets are upper bounds, inclusive


def test_nothing_measured_is_a_fail_not_a_pass() -> None:
    checks = check_slos(SLO, accept(None), None, completion_stats([], unfinished=3))
    assert [c.passed for c in checks] == [False, False, False] and verdict(checks) == FAIL
    assert verdict([]) == FAIL
