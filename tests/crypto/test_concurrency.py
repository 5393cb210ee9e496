"""A jobcenter's first data key is created once, whoever needs it first and however many at the same moment."""

from __future__ import annotations

import base64
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.crypto.master import MasterKeys
from services.store.db import Database
from services.store.models import JobcenterKey, MailboxMessage
from tests.crypto.conftest import keyed_db, masters, new_key

PROCESSES = 3
ROOT = Path(__file__).resolve().parents[2]


def _message(jobcenter: str, body: str) -> MailboxMessage:
    mid = str(uuid.uuid4())
    return MailboxMessage(
        id=mid, customer_id="kd-1001", jobcenter_id=jobcenter, dedup_key=mid, kind="note", subject="s", body=body
    )


def _seed(database_url: str, keys: MasterKeys) -> None:
    from services.demo.seed import seed_demo_data

    db = keyed_db(database_url, keys)
    with db.session() as session:
        seed_demo_data(session)
    db.dispose()


def _key_rows(db: Database, scope: str) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(JobcenterKey).where(JobcenterKey.jobcenter_id == scope))


def test_processes_creating_a_jobcenters_first_key_at_once_end_with_one_key(database_url: str, tmp_path: Path) -> None:
    raw_key = new_key()
    _seed(database_url, masters(m1=raw_key))
    go = tmp_path / "go"
    args = [sys.executable, "-m", "tests.crypto.first_key_process", database_url, base64.b64encode(raw_key).decode()]
    procs = [subprocess.Popen([*args, str(go)], stdout=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(PROCESSES)]
    try:
        assert [p.stdout.readline().strip() for p in procs] == ["ready"] * PROCESSES  # type: ignore[union-attr]
        go.touch()  # all at once
        results = [p.stdout.readline().split() for p in procs]  # type: ignore[union-attr]
        assert [p.wait(timeout=60) for p in procs] == [0] * PROCESSES
    finally:
        for p in procs:
            p.kill()
    assert len({probe for _, probe in results}) == 1  # every process sealed with the same key
    reader = keyed_db(database_url, masters(m1=raw_key))
    assert _key_rows(reader, "jc-leipzig") == 1
    with reader.session() as session:
        bodies = [session.get(MailboxMessage, mid).body for mid, _ in results]  # type: ignore[union-attr]
    assert all(b.startswith("Nachricht aus Prozess") for b in bodies)
    reader.dispose()


def test_threads_with_separate_sessions_creating_the_first_key_at_once(database_url: str) -> None:
    """Two transactions that both need Bremen's first key: on PostgreSQL the second insert waits for the first
    transaction and then reads its key; on SQLite the second transaction waits for the write lock."""
    keys = masters(m1=new_key())
    _seed(database_url, keys)
    db = keyed_db(database_url, keys)
    ready = threading.Barrier(2, timeout=30)
    written: list[str] = []
    errors: list[BaseException] = []

    def store(n: int) -> None:
        try:
            message = _message("jc-bremen", f"Thread {n}")
            with db.session() as session:
                ready.wait()
                session.add(message)
                session.flush()
            written.append(message.id)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=store, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors and len(written) == 2
    assert _key_rows(db, "jc-bremen") == 1
    fresh = keyed_db(database_url, keys)
    with fresh.session() as session:
        assert sorted(session.get(MailboxMessage, m).body for m in written) == ["Thread 0", "Thread 1"]  # type: ignore[union-attr]
    for d in (db, fresh):
        d.dispose()


def test_a_key_created_in_a_rolled_back_transaction_is_never_used_again(database_url: str) -> None:
    keys = masters(m1=new_key())
    _seed(database_url, keys)
    first, second = keyed_db(database_url, keys), keyed_db(database_url, keys)
    with pytest.raises(RuntimeError), first.session() as session:
        session.add(_message("jc-dortmund", "verworfen"))
        session.flush()  # creates Dortmund's key inside this transaction ...
        raise RuntimeError("... which then rolls back")
    assert _key_rows(first, "jc-dortmund") == 0
    kept = _message("jc-dortmund", "von nebenan")
    with second.session() as session:  # another process creates Dortmund's real first key
        session.add(kept)
    later = _message("jc-dortmund", "später")
    with first.session() as session:  # must seal with that key, not the one that was rolled back
        session.add(later)
    fresh = keyed_db(database_url, keys)
    with fresh.session() as session:
        assert session.get(MailboxMessage, kept.id).body == "von nebenan"  # type: ignore[union-attr]
        assert session.get(MailboxMessage, later.id).body == "später"  # type: ignore[union-attr]
    for d in (first, second, fresh):
        d.dispose()
