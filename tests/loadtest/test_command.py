"""`ozgflow loadtest`: usage errors exit 2 with a clear message, and a REAL short Locust run end to end.

Locust is never imported here (gevent would patch pytest's process): the real run is a subprocess."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from connectors.sdk.registry import ConnectorRegistry
from services.cli.main import app
from services.store.models import LoadTestRun
from tests.support.http_server import free_port

OZGFLOW = str(Path(sys.executable).with_name("ozgflow"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["loadtest", "no_such_service", "--host", "http://127.0.0.1:1"], "Unknown service 'no_such_service'"),
        (["loadtest", "wba", "--host", "http://127.0.0.1:1", "--start"], "either --host URL"),
        (["loadtest", "wba", "--duration", "soon"], "--duration"),
        (["loadtest", "wba", "--think-time", "9-1"], "--think-time"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_no_portal_at_host_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["loadtest", "wba", "--host", f"http://127.0.0.1:{free_port()}", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and "No ozgflow portal answers" in result.output


@pytest.mark.timeout(240)
def test_real_short_run_reports_judges_and_records(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OZGFLOW_", "PREFECT_"))}
    args = ["loadtest", "wba", "--start", "--users", "3", "--spawn-rate", "3", "--duration", "8s"]
    done = subprocess.run(
        [OZGFLOW, *args, "--think-time", "0.5-1", "--out", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=200,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout + done.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["service"] == "wba" and report["slo"]["source"] == "roadmap"
    metrics = report["metrics"]
    assert metrics["accept"]["name"] == "/api/v1/submissions/wba" and metrics["accept"]["requests"] > 0
    assert metrics["requests"] >= metrics["accept"]["requests"]
    completion = metrics["completion"]
    assert completion["filed"] > 0 and completion["completed"] > 0
    assert len(completion["samples_s"]) == completion["completed"] and all(s >= 0 for s in completion["samples_s"])

    measured = {
        "accept_p95_ms": metrics["accept"]["p95_ms"],
        "error_rate": metrics["error_rate"],
        "completion_p95_s": completion["p95_s"],
    }
    for check in report["checks"]:  # each check is the comparison of the reported figure with the SLO
        assert check["measured"] == measured[check["slo"]] and check["target"] == report["slo"][check["slo"]]
        assert check["passed"] == (check["measured"] is not None and check["measured"] <= check["target"])
    assert report["verdict"] in ("pass", "fail")
    assert report["verdict"] == ("pass" if all(c["passed"] for c in report["checks"]) else "fail")
    assert done.returncode == (0 if report["verdict"] == "pass" else 1)
    assert "verdict:" in done.stdout and (out / "report.html").exists() and (out / "locust.html").exists()
    with (out / "locust_stats.csv").open(encoding="utf-8") as stats:  # staff worked their inbox meanwhile
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    inbox = rows["/api/v1/staff/inbox"]
    assert int(inbox["Request Count"]) > 0 and int(inbox["Failure Count"]) == 0

    engine = create_engine(f"sqlite:///{out / 'stack' / 'ozgflow.db'}")
    with Session(engine) as session:
        runs = list(session.scalars(select(LoadTestRun)))
    engine.dispose()
    assert len(runs) == 1
    run = runs[0]
    assert (run.service, run.service_version) == ("wba", ConnectorRegistry.from_entry_points().get("wba").version)
    assert run.verdict == report["verdict"] and run.id == report["run_id"]
    assert run.report_json == str(out / "report.json") and run.metrics["accept"]["requests"] > 0
