"""The report files and the console verdict, and the command-line parsing of duration and think time."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from services.loadtest.cli import parse_think_time
from services.loadtest.locust_process import parse_duration
from services.loadtest.metrics import EndpointStats, completion_stats
from services.loadtest.report import FORMAT, build_report, print_verdict, write_report
from services.loadtest.slo import Slo, check_slos, verdict


def report(accept_p95: float) -> dict[str, object]:
    slo = Slo(300, 0.01, 60, "roadmap")
    accept = EndpointStats("POST", "/api/v1/submissions/wba", 10, 0, 20, accept_p95, accept_p95)
    done = completion_stats([1.5, 2.5])
    checks = check_slos(slo, accept, 0.0, done)
    now = datetime.now(UTC)
    return build_report(
        run_id="r-1", service="wba", version="1.0.0", target="http://127.0.0.1:8000", started_at=now,
        finished_at=now, parameters={"users": 3}, totals=(40, 0, 0.0), accept=accept, completion=done,
        endpoints=[accept], slo=slo, checks=checks, verdict=verdict(checks),
        files={"json": "out/report.json", "html": "out/report.html"},
    )  # fmt: skip


def test_report_json_and_html_carry_metrics_slos_and_verdict(tmp_path: Path) -> None:
    data = report(accept_p95=450)
    write_report(data, tmp_path)
    stored = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert stored["format"] == FORMAT and stored["verdict"] == "fail"
    assert stored["metrics"]["accept"]["p95_ms"] == 450 and stored["metrics"]["completion"]["samples_s"] == [1.5, 2.5]
    assert [c["passed"] for c in stored["checks"]] == [False, True, True]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "FAIL" in page and "450 ms" in page and 'href="locust.html"' in page


def test_verdict_table_shows_measured_against_target() -> None:
    buffer = StringIO()
    print_verdict(report(accept_p95=120), Console(file=buffer, width=200))
    text = buffer.getvalue()
    assert "120 ms" in text and "300 ms" in text and "0.00 %" in text and "1.00 %" in text
    assert "verdict: PASS" in text


def test_durations_and_think_times() -> None:
    assert [parse_duration(t) for t in ("8s", "60", "2m", "1h30m")] == [8, 60, 120, 5400]
    for bad in ("", "soon", "0s"):
        with pytest.raises(ValueError):
            parse_duration(bad)
    assert parse_think_time("2-10") == (2.0, 10.0) and parse_think_time("1") == (1.0, 1.0)
    with pytest.raises(ValueError):
        parse_think_time("5-1")
