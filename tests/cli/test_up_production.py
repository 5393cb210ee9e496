"""The same stack on production backends, chosen by options only: ozgflow and Prefect on PostgreSQL,
the e-file in S3, two workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from minio import Minio

from tests.cli.test_up import _listening, _read_until
from tests.conftest import PG_ADMIN_DSN
from tests.support.http_server import free_port

OZGFLOW = str(Path(sys.executable).with_name("ozgflow"))


@pytest.fixture
def fresh_databases() -> Iterator[tuple[str, str]]:
    """Two new PostgreSQL databases: one for ozgflow, one for the Prefect server."""
    psycopg = pytest.importorskip("psycopg")
    from psycopg import sql

    try:
        admin = psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_DSN}: {exc}".splitlines()[0])
    names = [f"ozgflow_up_{uuid.uuid4().hex[:8]}", f"prefect_up_{uuid.uuid4().hex[:8]}"]
    for name in names:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    for name in names:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    admin.close()


def test_up_runs_on_postgresql_and_s3_with_two_workers(
    tmp_path: Path, fresh_databases: tuple[str, str], s3_endpoint: str
) -> None:
    ozgflow_db, prefect_db = fresh_databases
    ports = {
        "OZGFLOW_PORTAL_PORT": free_port(),
        "OZGFLOW_PREFECT_PORT": free_port(),
        "OZGFLOW_SIMULATOR_PORT": free_port(),
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OZGFLOW_", "PREFECT_"))}
    env.update({k: str(v) for k, v in ports.items()})
    bucket = f"efile-{uuid.uuid4().hex[:8]}"
    efile_url = f"s3://testing:testing-secret@{s3_endpoint}/{bucket}?secure=false&create_bucket=true"
    command = [
        OZGFLOW,
        "up",
        "--database-url",
        ozgflow_db.replace("postgresql://", "postgresql+psycopg://"),
        "--prefect-database-url",
        prefect_db,
        "--efile-url",
        efile_url,
        "--workers",
        "2",
    ]
    proc = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        banner = _read_until(proc, "Press Ctrl-C")
        assert "configured backends" in banner
        assert "pipeline worker 1" in banner and "pipeline worker 2" in banner
        assert "testing-secret" not in banner and "postgresql+" not in banner  # no credentials on the console
        portal = f"http://127.0.0.1:{ports['OZGFLOW_PORTAL_PORT']}"
        token = httpx.post(f"{portal}/api/v1/dev/token", json={"customer_id": "kd-4001"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        form = httpx.get(f"{portal}/api/v1/services/wba").json()["examples"][0]
        accepted = [httpx.post(f"{portal}/api/v1/submissions/wba", json=form, headers=headers).json() for _ in range(6)]
        done: dict[str, str] = {}
        for _ in range(900):
            done = {
                a["id"]: httpx.get(f"{portal}{a['status_url']}", headers=headers).json()["status"] for a in accepted
            }
            if set(done.values()) <= {"completed", "failed"}:
                break
            time.sleep(0.2)
        assert set(done.values()) == {"completed"}, done

        objects = [
            o.object_name
            for o in Minio(s3_endpoint, access_key="testing", secret_key="testing-secret", secure=False).list_objects(
                bucket, recursive=True
            )
        ]
        assert len([o for o in objects if o.endswith("wba.pdf")]) == 6
        prefect_api = f"http://127.0.0.1:{ports['OZGFLOW_PREFECT_PORT']}/api"
        runs: list[dict[str, object]] = []
        for _ in range(300):  # our database says completed first; the flow run finishes a moment later
            runs = httpx.post(f"{prefect_api}/flow_runs/filter", json={"limit": 50}).json()
            if runs and all(r["state_name"] == "Completed" for r in runs):
                break
            time.sleep(0.2)
        assert runs and all(r["state_name"] == "Completed" for r in runs), [r["state_name"] for r in runs]
        psycopg = pytest.importorskip("psycopg")
        with psycopg.connect(prefect_db) as conn:  # Prefect keeps its own data in PostgreSQL now
            assert conn.execute("SELECT count(*) FROM flow_run").fetchone()[0] == len(runs)
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=90)
    assert proc.returncode == 0, out
    assert not any(_listening(p) for p in ports.values())
