"""Scale-out: three worker processes against PostgreSQL claim disjoint work (FOR UPDATE SKIP LOCKED);
one is killed mid-way; every submission completes exactly once with exactly one case."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from connectors.sdk.registry import ConnectorRegistry
from services.intake.acceptance import accept_submission
from services.settings import Settings
from services.store.db import Database
from services.store.models import MailboxMessage, OutboxEntry, StageResult, Submission
from services.transfer.simulator import Faults, SimulatorState

SUBMISSIONS = 240
CUSTOMERS = ("kd-1001", "kd-1002", "kd-2001", "kd-3001", "kd-4001")


def _count(db: Database, query) -> int:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return session.scalar(query) or 0


def _start_worker(n: int, env: dict[str, str], logs: Path) -> subprocess.Popen[bytes]:
    log = open(logs / f"worker-{n}.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "services.cli.main", "worker"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_three_workers_one_killed_every_submission_exactly_once(
    db: Database,
    settings: Settings,
    registry: ConnectorRegistry,
    simulator: SimulatorState,
    prefect_server: str,
    tmp_path: Path,
) -> None:
    if db.backend != "postgresql":
        pytest.skip("several worker processes are the PostgreSQL deployment (FOR UPDATE SKIP LOCKED)")
    forms = {key: registry.get(key).examples() for key in ("wba", "vaem")}
    ids = []
    with db.session() as session:
        for i in range(SUBMISSIONS):
            service = "wba" if i % 3 else "vaem"
            connector = registry.get(service)
            accepted = accept_submission(
                session,
                connector=connector,
                customer_id=CUSTOMERS[i % len(CUSTOMERS)],
                payload=forms[service][i % len(forms[service])],
                idempotency_key=None,
            )
            ids.append(accepted.submission.id)
    simulator.set_faults(Faults(latency_ms=50))

    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_server,
        "OZGFLOW_DATABASE_URL": settings.resolved_database_url,
        "OZGFLOW_EFILE_URL": settings.resolved_efile_url,
        "OZGFLOW_ALLEGRO_URL": settings.resolved_allegro_url,
        "OZGFLOW_DATA_DIR": str(tmp_path / "data"),
        "OZGFLOW_LEASE_SECONDS": "3",
        "OZGFLOW_WORKER_BATCH_SIZE": "20",
        "OZGFLOW_WORKER_CONCURRENCY": "4",
        "OZGFLOW_WORKER_POLL_SECONDS": "0.2",
    }
    workers = [_start_worker(n, env, tmp_path) for n in (1, 2, 3)]
    completed = select(func.count()).select_from(Submission).where(Submission.status == "completed")
    try:
        for _ in range(900):  # bounded: kill worker 1 once the pipeline is well under way
            if _count(db, completed) >= SUBMISSIONS // 5:
                break
            time.sleep(0.1)
        os.killpg(workers[0].pid, signal.SIGKILL)
        killed_at = _count(db, completed)
        assert killed_at < SUBMISSIONS, "all work was done before a worker could be killed"
        for _ in range(3000):
            if _count(db, completed) == SUBMISSIONS:
                break
            assert any(w.poll() is None for w in workers[1:]), "the surviving workers died"
            time.sleep(0.1)
    finally:
        for w in workers:
            if w.poll() is None:
                os.killpg(w.pid, signal.SIGTERM)
        for w in workers:
            w.wait(timeout=60)
    logs = "\n".join((tmp_path / f"worker-{n}.log").read_text()[-1500:] for n in (1, 2, 3))
    assert _count(db, completed) == SUBMISSIONS, logs

    keys = sorted(c["idempotency_key"] for c in simulator.cases())
    assert keys == sorted(f"ozgflow-{i}" for i in ids)  # exactly one case per submission, none extra
    assert _count(db, select(func.count(func.distinct(MailboxMessage.submission_id)))) == SUBMISSIONS
    assert _count(db, select(func.count()).select_from(MailboxMessage)) == SUBMISSIONS
    efile = Path(settings.resolved_efile_url.removeprefix("file://"))
    assert len([p for p in efile.rglob("*.pdf")]) == SUBMISSIONS
    with db.session() as session:
        attempts = [e.attempts for e in session.scalars(select(OutboxEntry))]
        succeeded = session.scalar(
            select(func.count()).select_from(StageResult).where(StageResult.status == "succeeded")
        )
    assert set(attempts) <= {1, 2} and attempts.count(2) <= 20 + 1  # only the killed worker's batch ran twice
    assert succeeded == 4 * SUBMISSIONS
