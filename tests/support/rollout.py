"""Load-test evidence for rollout tests: a `LoadTestRun` row as `ozgflow loadtest` would write it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from services.store.models import LoadTestRun


def add_load_test_run(
    session: Session, *, service: str, version: str = "1.0.0", verdict: str = "pass", age_minutes: int = 5
) -> LoadTestRun:
    finished = datetime.now(UTC) - timedelta(minutes=age_minutes)
    run = LoadTestRun(
        id=str(uuid.uuid4()),
        service=service,
        service_version=version,
        started_at=finished - timedelta(minutes=2),
        finished_at=finished,
        verdict=verdict,
        target="http://127.0.0.1:8000",
        metrics={"accept_p95_ms": 120.0, "error_rate": 0.0, "completion_p95_s": 8.0},
        slo={"accept_p95_ms": 400.0, "error_rate": 0.01, "completion_p95_s": 90.0},
    )
    session.add(run)
    session.flush()
    return run
