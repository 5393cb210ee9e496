"""SIGTERM to `ozgflow worker` in the middle of a batch (Kubernetes scaling down, `ozgflow up` stopping): the
worker finishes what it claimed, claims nothing new and exits by itself — Prefect's own SIGTERM handling,
active while a flow runs, must not swallow the signal or break the batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from connectors.sdk.registry import ConnectorRegistry
from services.settings import Settings
from services.store.db import Database
from services.store.models import OutboxEntry, StageResult
from services.transfer.simulator import Faults, SimulatorState
from tests.support.pipeline import file_submission, statuses

BATCH = 4


def _transfers_started(db: Database) -> int:
    with db.session() as session:
        query = select(func.count()).select_from(StageResult).where(StageResult.stage == "transfer")
        return session.scalar(query) or 0


def test_sigterm_mid_batch_finishes_the_batch_and_exits(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for,  # type: ignore[no-untyped-def]
    db: Database,
    simulator: SimulatorState,
    settings: Settings,
    prefect_server: str,
    tmp_path: Path,
) -> None:
    simulator.set_faults(Faults(latency_ms=400))  # a batch takes seconds: the signal lands inside the flow
    example = registry.get("wba").examples()[0]
    ids = [file_submission(client, token_for(c), "wba", example)["id"] for c in ("kd-1001", "kd-1002") * BATCH]
    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_server,
        "OZGFLOW_DATABASE_URL": settings.resolved_database_url,
        "OZGFLOW_EFILE_URL": settings.resolved_efile_url,
        "OZGFLOW_ALLEGRO_URL": settings.resolved_allegro_url,
        "OZGFLOW_DATA_DIR": str(tmp_path / "data"),
        "OZGFLOW_WORKER_BATCH_SIZE": str(BATCH),
        "OZGFLOW_WORKER_CONCURRENCY": "1",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            for _ in range(1200):  # bounded: until the first batch is demonstrably under way
                if _transfers_started(db) >= 1 or worker.poll() is not None:
                    break
                time.sleep(0.05)
            assert worker.poll() is None, log_path.read_text()
            worker.send_signal(signal.SIGTERM)
            exit_code = worker.wait(timeout=90)
        finally:
            if worker.poll() is None:
                worker.kill()
    output = log_path.read_text()
    assert exit_code == 0, output
    done = statuses(db, ids)
    assert sorted(done.values()).count("completed") == BATCH, (done, output)  # the claimed batch, whole
    with db.session() as session:
        untouched = session.scalar(
            select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == "ready", OutboxEntry.attempts == 0)
        )
    assert untouched == len(ids) - BATCH  # nothing new was claimed after the signal
