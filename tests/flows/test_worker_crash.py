"""A worker killed mid-batch: its lease expires and another worker finishes the work with no second
side effect (one case per submission in the back-office system, one receipt per submission)."""

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
from flows.worker import worker_from_settings
from services.pipeline.assembly import build_runner
from services.settings import Settings
from services.store.db import Database, database_from_settings
from services.store.models import MailboxMessage, OutboxEntry, StageResult
from services.transfer.simulator import Faults, SimulatorState
from tests.support.pipeline import file_submission, run_worker_until, statuses

BATCH = 8


def _transfers_done(db: Database) -> int:
    with db.session() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(StageResult)
                .where(StageResult.stage == "transfer", StageResult.status == "succeeded")
            )
            or 0
        )


def test_killed_worker_leaves_no_duplicate_and_no_lost_submission(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for,
    db: Database,
    simulator: SimulatorState,
    settings: Settings,
    prefect_server: str,
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    simulator.set_faults(Faults(latency_ms=400))  # slow enough to kill the worker in the middle of its batch
    example = registry.get("wba").examples()[0]
    ids = [
        file_submission(client, token_for(cid), "wba", example)["id"]
        for cid in ("kd-1001", "kd-1002", "kd-2001", "kd-3001") * (BATCH // 4)
    ]

    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_server,
        "OZGFLOW_DATABASE_URL": settings.resolved_database_url,
        "OZGFLOW_EFILE_URL": settings.resolved_efile_url,
        "OZGFLOW_ALLEGRO_URL": settings.resolved_allegro_url,
        "OZGFLOW_DATA_DIR": str(settings.data_dir),  # the same dev master key as the successor below
        "OZGFLOW_LEASE_SECONDS": "2",
        "OZGFLOW_WORKER_BATCH_SIZE": str(BATCH),
        "OZGFLOW_WORKER_CONCURRENCY": "2",
        "OZGFLOW_TRANSFER_TIMEOUT_SECONDS": "5",
    }
    log = open(tmp_path / "doomed-worker.log", "wb")  # noqa: SIM115
    doomed = subprocess.Popen(
        [sys.executable, "-m", "services.cli.main", "worker"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for _ in range(600):  # bounded wait until the worker is demonstrably in the middle of its batch
            if _transfers_done(db) >= 2 or doomed.poll() is not None:
                break
            time.sleep(0.1)
        assert doomed.poll() is None, (tmp_path / "doomed-worker.log").read_text()[-2000:]
    finally:
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait()
        log.close()

    before = statuses(db, ids)
    assert set(before.values()) != {"completed"}, "the worker finished before it could be killed"
    done_before = _transfers_done(db)
    assert 2 <= done_before < BATCH

    simulator.set_faults(Faults())
    successor = worker_from_settings(
        settings,
        runner=build_runner(settings, db=database_from_settings(settings), registry=registry),
        worker_id="successor",
    )
    run_worker_until(successor, lambda: set(statuses(db, ids).values()) == {"completed"}, max_rounds=400, pause=0.2)

    cases = simulator.cases()
    keys = [c["idempotency_key"] for c in cases]
    assert len(cases) == BATCH and len(set(keys)) == BATCH  # exactly one case per submission
    assert sorted(keys) == sorted(f"ozgflow-{i}" for i in ids)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(MailboxMessage)) == BATCH
        entries = session.scalars(select(OutboxEntry)).all()
        assert {e.state for e in entries} == {"done"}
        attempts = {e.submission_id: e.attempts for e in entries}
    # finished by the doomed worker: one attempt; the rest: the killed attempt counted, the successor's finished
    assert attempts == {i: 1 if before[i] == "completed" else 2 for i in ids}
