"""`ozgflow benchmark` end to end on a small scale: every phase through the real code path (outbox,
stages, simulator over HTTP, the session's Prefect server), asserting the report's shape and that
every submission completed exactly once in every phase. Timings and ratios are never asserted: the
machines are shared and noisy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.cli.main import app

SUBMISSIONS, NAIVE = 10, 5


def test_small_benchmark_completes_every_submission_exactly_once_in_each_phase(
    prefect_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    report_path = tmp_path / "bench.json"
    result = CliRunner().invoke(
        app,
        [
            "benchmark",
            *("--submissions", str(SUBMISSIONS), "--database", "sqlite", "--workers", "1,2"),
            *("--naive-limit", str(NAIVE), "--prefect-api-url", prefect_server, "--json", str(report_path)),
            *("--timeout", "240"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "(b)/(a)" in result.output and "(b)/(c)" in result.output

    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["ok"] is True
    assert {"nproc", "python", "prefect"} <= set(report["machine"])
    assert report["prefect_server"].startswith("given")
    assert [(r["phase"], r["workers"]) for r in report["results"]] == [
        ("raw", None),
        ("ozgflow", 1),
        ("ozgflow", 2),
        ("naive", None),
    ]
    for row in report["results"]:
        n = NAIVE if row["phase"] == "naive" else SUBMISSIONS
        checks = row["verification"]
        assert checks["submissions"] == checks["completed"] == checks["outbox_done"] == n, row
        assert checks["single_attempt"] == checks["receipts"] == checks["cases"] == checks["case_requests"] == n, row
        assert checks["failed"] == checks["cases_for_other_keys"] == 0, row
        assert checks["stages_succeeded"] == 4 * n, row
        assert row["stats"]["completed"] == n
        assert set(row["stats"]) >= {"per_second", "e2e_p50", "e2e_p95", "processing_p50", "processing_p95"}
    two = next(r for r in report["results"] if r["workers"] == 2)
    assert len(two["details"]["workers"]) == 2
    assert sum(w["claimed"] for w in two["details"]["workers"]) == SUBMISSIONS  # disjoint claims, none repeated
    assert [(r["database"], r["workers"]) for r in report["ratios"]] == [("sqlite", 1), ("sqlite", 2)]
    assert {"b_over_a", "b_over_c"} <= set(report["ratios"][0])
