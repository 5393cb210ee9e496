"""The service's SLOs (from roadmap.yaml) and the verdict of a run against them.

The roadmap is the reviewed place for SLOs; the defaults below only cover a service the roadmap does not
list yet (a freshly scaffolded connector), and the report says so (``source: default``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from services.loadtest.metrics import CompletionStats, EndpointStats

PASS, FAIL = "pass", "fail"


@dataclass(frozen=True)
class Slo:
    accept_p95_ms: float
    error_rate: float
    completion_p95_s: float
    source: str  # "roadmap" or "default"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT_SLO = Slo(accept_p95_ms=500.0, error_rate=0.01, completion_p95_s=120.0, source="default")


def slo_for(service: str, roadmap_path: Path | None = None) -> Slo:
    """The roadmap's SLO of SERVICE, else the defaults. An invalid roadmap raises (RoadmapError): a gate must
    not silently run against made-up targets."""
    from roadmap.model import load_roadmap

    entry = load_roadmap(roadmap_path).services.get(service)
    if entry is None:
        return DEFAULT_SLO
    slo = entry.slo
    return Slo(float(slo.accept_p95_ms), float(slo.error_rate), float(slo.completion_p95_s), source="roadmap")


@dataclass(frozen=True)
class Check:
    """One SLO: measured vs target; measured None means there was nothing to measure, which fails."""

    slo: str
    label: str
    unit: str
    target: float
    measured: float | None
    passed: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _at_most(slo: str, label: str, unit: str, target: float, measured: float | None) -> Check:
    return Check(slo, label, unit, target, measured, measured is not None and measured <= target)


def check_slos(slo: Slo, accept: EndpointStats, error_rate: float | None, completion: CompletionStats) -> list[Check]:
    return [
        _at_most(
            "accept_p95_ms",
            f"accept latency p95 ({accept.method} {accept.name})",
            "ms",
            slo.accept_p95_ms,
            accept.p95_ms,
        ),
        _at_most("error_rate", "error rate (all requests)", "", slo.error_rate, error_rate),
        _at_most(
            "completion_p95_s", "completion p95 (accepted → completed)", "s", slo.completion_p95_s, completion.p95_s
        ),
    ]


def verdict(checks: list[Check]) -> str:
    return PASS if checks and all(c.passed for c in checks) else FAIL
