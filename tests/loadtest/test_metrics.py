"""Report maths on synthetic Locust output: percentiles, error rate, completion times."""

from __future__ import annotations

import math

import pytest

from services.loadtest.metrics import accept_stats, completion_stats, endpoint_stats, error_rate, percentile


def entry(method: str, name: str, times: dict[int, int], failures: int = 0) -> dict[str, object]:
    """A stats entry as Locust's --json-file writes it (histogram keys become strings in JSON)."""
    return {
        "method": method,
        "name": name,
        "num_requests": sum(times.values()),
        "num_failures": failures,
        "response_times": {str(k): v for k, v in times.items()},
        "max_response_time": max(times, default=0),
    }


def test_percentile_is_nearest_rank_over_the_histogram() -> None:
    hist = {float(v): 1 for v in range(1, 101)}  # 1..100 ms once each
    assert percentile(hist, 0.95) == 95
    assert percentile(hist, 0.5) == 50
    assert percentile(hist, 1.0) == 100
    assert percentile({10.0: 19, 900.0: 1}, 0.95) == 10  # 19 of 20 at 10 ms: the 95th is still 10
    assert percentile({10.0: 18, 900.0: 2}, 0.95) == 900
    assert percentile({}, 0.95) is None
    with pytest.raises(ValueError):
        percentile({1.0: 1}, 0)


def test_accept_latency_merges_the_submit_endpoint_only() -> None:
    entries = [
        entry("POST", "/api/v1/submissions/wba", {20: 90, 400: 10}),
        entry("POST", "/api/v1/submissions/wba", {20: 0, 30: 0}),  # an empty split entry changes nothing
        entry("GET", "/api/v1/submissions/[id]", {5000: 50}),
        entry("POST", "/api/v1/submissions/vaem", {9000: 50}),
    ]
    accept = accept_stats(entries, "wba")
    assert (accept.method, accept.name, accept.requests) == ("POST", "/api/v1/submissions/wba", 100)
    assert accept.p95_ms == 400 and accept.p50_ms == 20 and accept.max_ms == 400
    assert accept_stats(entries, "anlage_kdu").p95_ms is None


def test_error_rate_counts_every_request_but_not_completion_events() -> None:
    entries = [
        entry("POST", "/api/v1/submissions/wba", {20: 100}, failures=2),
        entry("GET", "/api/v1/mailbox", {10: 300}, failures=1),
        entry("E2E", "completion wba", {3000: 100}, failures=100),
    ]
    assert error_rate(entries) == (400, 3, 3 / 400)
    assert error_rate([]) == (0, 0, None)
    assert [e.name for e in endpoint_stats(entries)] == ["/api/v1/mailbox", "/api/v1/submissions/wba"]


def test_completion_p95_counts_failed_and_unfinished_as_too_slow() -> None:
    fine = completion_stats([1.0 + i / 10 for i in range(20)])
    assert (fine.filed, fine.completed, fine.p95_s, fine.max_s) == (20, 20, 2.8, 2.9)
    one_open = completion_stats([1.0] * 19, unfinished=1)  # 1 of 20 open: the 95th is still a finished one
    assert one_open.p95_s == 1.0 and one_open.filed == 20
    two_bad = completion_stats([1.0] * 18, failed=1, unfinished=1)
    assert two_bad.p95_s is None and two_bad.p50_s == 1.0 and (two_bad.failed, two_bad.unfinished) == (1, 1)
    nothing = completion_stats([])
    assert nothing.filed == 0 and nothing.p95_s is None
    assert not any(isinstance(v, float) and math.isinf(v) for v in nothing.as_dict().values())
