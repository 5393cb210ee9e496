"""The LoadTestRun row: the evidence `ozgflow roadmap promote` looks up (service, version, verdict)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.store.db import Database
from services.store.models import LoadTestRun


def _without_samples(metrics: dict[str, Any]) -> dict[str, Any]:
    """Every figure but the raw completion samples, which stay in report.json (they grow with the run)."""
    completion = {k: v for k, v in metrics["completion"].items() if k != "samples_s"}
    return {**metrics, "completion": completion}


def record_run(database_url: str, report: dict[str, Any]) -> None:
    """One row per run, pass or fail: a failed run is evidence too (the status matrix shows the latest)."""
    db = Database(database_url)
    try:
        with db.session() as session:
            session.add(
                LoadTestRun(
                    id=report["run_id"],
                    service=report["service"],
                    service_version=report["service_version"],
                    started_at=datetime.fromisoformat(report["started_at"]),
                    finished_at=datetime.fromisoformat(report["finished_at"]),
                    verdict=report["verdict"],
                    target=report["target"][:300],
                    metrics=_without_samples(report["metrics"]),
                    slo=report["slo"],
                    report_json=report["files"]["json"][:500],
                    report_html=report["files"]["html"][:500],
                )
            )
    finally:
        db.dispose()
