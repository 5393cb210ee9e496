"""Report maths on Locust's JSON statistics and on completion times, kept pure so it is unit-tested.

Locust stores response times as a histogram ``{rounded ms: count}``; percentiles are taken from it with the
nearest-rank rule (the smallest value with at least p·n samples at or below it), as Locust's own table does.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

E2E = "E2E"
"""Request type of the scenarios' completion events: a measurement, not a request, so no error-rate share."""


def percentile(histogram: Mapping[float, int], p: float) -> float | None:
    """Nearest-rank percentile of a ``{value: count}`` histogram; None without samples. ``inf`` is a value too:
    a submission that never completed ranks above every finished one."""
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = math.ceil(p * total)
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return max(histogram)  # unreachable: seen reaches total


def _histogram(raw: Mapping[str, int] | Mapping[int, int]) -> dict[float, int]:
    return {float(k): int(v) for k, v in raw.items()}


@dataclass(frozen=True)
class EndpointStats:
    method: str
    name: str
    requests: int
    failures: int
    p50_ms: float | None
    p95_ms: float | None
    max_ms: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def endpoint_stats(entries: Iterable[Mapping[str, Any]]) -> list[EndpointStats]:
    """One row per (method, name) of Locust's serialised stats, completion events left out."""
    rows = []
    for e in entries:
        if e.get("method") == E2E:
            continue
        hist = _histogram(e.get("response_times") or {})
        rows.append(
            EndpointStats(
                method=str(e["method"]),
                name=str(e["name"]),
                requests=int(e.get("num_requests", 0)),
                failures=int(e.get("num_failures", 0)),
                p50_ms=percentile(hist, 0.5),
                p95_ms=percentile(hist, 0.95),
                max_ms=float(e["max_response_time"]) if e.get("num_requests") else None,
            )
        )
    return sorted(rows, key=lambda r: (r.name, r.method))


def accept_stats(entries: Iterable[Mapping[str, Any]], service: str) -> EndpointStats:
    """POST /api/v1/submissions/{service}, merged if Locust split it (the histogram adds up exactly)."""
    name = f"/api/v1/submissions/{service}"
    hist: Counter[float] = Counter()
    requests = failures = 0
    top: float | None = None
    for e in entries:
        if e.get("method") == "POST" and e.get("name") == name:
            hist.update(_histogram(e.get("response_times") or {}))
            requests += int(e.get("num_requests", 0))
            failures += int(e.get("num_failures", 0))
            if e.get("num_requests"):
                top = max(top or 0.0, float(e["max_response_time"]))
    return EndpointStats("POST", name, requests, failures, percentile(hist, 0.5), percentile(hist, 0.95), top)


def error_rate(entries: Iterable[Mapping[str, Any]]) -> tuple[int, int, float | None]:
    """(requests, failures, failures / requests) over every request of the run; None when nothing ran."""
    requests = failures = 0
    for e in entries:
        if e.get("method") != E2E:
            requests += int(e.get("num_requests", 0))
            failures += int(e.get("num_failures", 0))
    return requests, failures, (failures / requests if requests else None)


@dataclass(frozen=True)
class CompletionStats:
    """Accept → completed, per submission filed in the run, from the platform's own timestamps."""

    filed: int
    completed: int
    failed: int
    unfinished: int
    p50_s: float | None
    p95_s: float | None
    max_s: float | None
    samples_s: tuple[float, ...]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "samples_s": list(self.samples_s)}


def completion_stats(durations: Iterable[float], *, failed: int = 0, unfinished: int = 0) -> CompletionStats:
    """Failed and unfinished submissions rank as infinitely slow: a p95 that lands on one is None ("not
    completed"), so a gate can never pass on the fast few while the rest hangs."""
    samples = tuple(sorted(round(d, 3) for d in durations))
    hist: Counter[float] = Counter(samples)
    if failed + unfinished:
        hist[math.inf] += failed + unfinished

    def finite(value: float | None) -> float | None:
        return None if value is None or math.isinf(value) else value

    return CompletionStats(
        filed=len(samples) + failed + unfinished,
        completed=len(samples),
        failed=failed,
        unfinished=unfinished,
        p50_s=finite(percentile(hist, 0.5)),
        p95_s=finite(percentile(hist, 0.95)),
        max_s=samples[-1] if samples else None,
        samples_s=samples,
    )
