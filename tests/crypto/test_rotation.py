"""Key rotation without downtime: data key rotation with re-encryption, master key rotation with re-wrapping.

Runs on SQLite and PostgreSQL; a "process" is a Database with its own engine and keyring (own caches).
"""

from __future__ import annotations

import base64
import copy
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from connectors.sdk.registry import ConnectorRegistry
from services.cli.main import app
from services.crypto.envelope import from_text, read_header
from services.crypto.master import KeyUnavailable, MasterKeys
from services.crypto.reencrypt import count_records, reencrypt_objects, reencrypt_records
from services.efile.encrypted import EncryptedEFileStore
from services.efile.store import FilesystemEFileStore
from services.intake.acceptance import accept_submission
from services.store.db import Database
from services.store.models import Submission
from tests.crypto.conftest import keyed_db, masters, new_key, raw_rows

BERLIN = "jc-berlin-mitte"
PDF = b"%PDF-1.7 Lena Schmidt Krause %%EOF"


def _routed_submission(db: Database, registry: ConnectorRegistry, marker: str) -> str:
    """A submission of Berlin with ``marker`` in its form data (what routing would have set)."""
    connector = registry.get("wba")
    form = copy.deepcopy(connector.examples()[1])
    form["income"]["entries"][0]["description"] = marker
    with db.session() as session:
        sub = accept_submission(session, connector=connector, customer_id="kd-1001", payload=form, idempotency_key=None)
        sub.submission.jobcenter_id = BERLIN
        return sub.submission.id


def _version(db: Database, sid: str) -> int:
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT CAST(form_data AS TEXT) FROM submissions WHERE id = :i"), {"i": sid})
        return read_header(from_text(str(stored.scalar_one()).strip('"')))[0].version


def _description(db: Database, sid: str) -> str:
    with db.session() as session:
        sub = session.get(Submission, sid)
        assert sub is not None
        return str(sub.form_data["income"]["entries"][0]["description"])


def _seeded(database_url: str, keys: MasterKeys) -> Database:
    from services.demo.seed import seed_demo_data

    db = keyed_db(database_url, keys, active_cache_seconds=0)
    with db.session() as session:
        seed_demo_data(session)
    return db


def test_data_from_before_and_after_a_rotation_reads_and_reencrypt_moves_it(
    database_url: str, registry: ConnectorRegistry, tmp_path: Path
) -> None:
    keys = masters(m1=new_key())
    portal = _seeded(database_url, keys)
    worker = keyed_db(database_url, keys, active_cache_seconds=0)  # another process, running throughout
    store = EncryptedEFileStore(FilesystemEFileStore(tmp_path / "efile"), portal.keyring)  # type: ignore[arg-type]
    before = _routed_submission(portal, registry, "vorher")
    store.put(f"{BERLIN}/96101BG0012342/R-1/wba.pdf", PDF, "application/pdf")

    assert portal.keyring.rotate(BERLIN) == 2  # type: ignore[union-attr]

    after = _routed_submission(worker, registry, "nachher")  # the other process seals with the new key at once
    store.put(f"{BERLIN}/96101BG0012342/R-2/wba.pdf", PDF, "application/pdf")
    assert (_version(portal, before), _version(portal, after)) == (1, 2)
    for db in (portal, worker):
        assert (_description(db, before), _description(db, after)) == ("vorher", "nachher")
    assert {c.name: c.stale for c in count_records(portal)}["submissions.form_data"] == 1

    assert reencrypt_records(portal) == 1
    assert reencrypt_objects(store, store.list()) == 1
    assert (_version(portal, before), _version(portal, after)) == (2, 2)
    assert all(store.is_current(key) for key in store.list())
    fresh = keyed_db(database_url, keys)
    assert (_description(fresh, before), _description(fresh, after)) == ("vorher", "nachher")
    for db in (portal, worker, fresh):
        db.dispose()


def test_rewrap_under_a_new_master_key_then_the_old_one_can_go(
    database_url: str, registry: ConnectorRegistry, tmp_path: Path
) -> None:
    old_key, next_key = new_key(), new_key()
    before = _seeded(database_url, masters(old=old_key))
    sid = _routed_submission(before, registry, "geheim")
    pdf_key = f"{BERLIN}/96101BG0012342/R-1/wba.pdf"
    EncryptedEFileStore(FilesystemEFileStore(tmp_path / "efile"), before.keyring).put(pdf_key, PDF, "x")  # type: ignore[arg-type]
    before.dispose()

    only_new = masters(next=next_key)
    too_early = keyed_db(database_url, only_new)
    with pytest.raises(KeyUnavailable, match="'old', which is not configured"):
        _description(too_early, sid)
    too_early.dispose()

    during = keyed_db(database_url, masters(old=old_key, next=next_key))  # both configured, the new one active
    assert during.keyring.rewrap() >= 2  # type: ignore[union-attr]  # Berlin's key and the platform key
    assert during.keyring.rewrap() == 0  # type: ignore[union-attr]
    assert {r.master_key_id for r in during.keyring.records()} == {"next"}  # type: ignore[union-attr]
    during.dispose()

    after = keyed_db(database_url, only_new)  # the old master key removed from settings
    assert _description(after, sid) == "geheim"
    store = EncryptedEFileStore(FilesystemEFileStore(tmp_path / "efile"), after.keyring)  # type: ignore[arg-type]
    assert store.get(pdf_key) == PDF
    assert "geheim" not in raw_rows(after, "submissions")
    after.dispose()


def test_the_keys_commands(
    database_url: str, registry: ConnectorRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ozgflow keys status|rotate|reencrypt|rewrap` as an operator runs them, configured by environment only."""
    old_key, next_key = new_key(), new_key()
    db = _seeded(database_url, masters(old=old_key))
    sid = _routed_submission(db, registry, "vorher")
    db.dispose()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OZGFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OZGFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("OZGFLOW_EFILE_URL", f"file://{tmp_path / 'efile'}")
    monkeypatch.setenv("OZGFLOW_ENCRYPTION_MASTER_KEYS", json.dumps({"old": base64.b64encode(old_key).decode()}))
    cli = CliRunner()

    def run(*args: str) -> str:
        result = cli.invoke(app, ["keys", *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert re.search(r"jc-berlin-mitte\s+1\s+active\s+old", run("status"))
    assert "jc-leipzig: data key version 1 is active" in run("rotate", "--jobcenter", "jc-leipzig")
    assert "jc-berlin-mitte: data key version 2 is active" in run("rotate", "--all")
    status = run("status", "--records")
    assert re.search(r"jc-berlin-mitte\s+1\s+retired", status) and re.search(r"jc-berlin-mitte\s+2\s+active", status)
    assert re.search(r"submissions.form_data\s+1 records, 0 in plaintext, 1 on an older key", status)
    assert "1 record(s) sealed with the newest data key" in run("reencrypt")
    check = keyed_db(database_url, masters(old=old_key))
    assert _version(check, sid) == 2
    check.dispose()
    assert cli.invoke(app, ["keys", "rotate"]).exit_code == 2
    assert cli.invoke(app, ["keys", "rotate", "--jobcenter", "jc-nowhere"]).exit_code == 1

    monkeypatch.setenv(
        "OZGFLOW_ENCRYPTION_MASTER_KEYS",
        json.dumps({"old": base64.b64encode(old_key).decode(), "next": base64.b64encode(next_key).decode()}),
    )
    monkeypatch.setenv("OZGFLOW_ENCRYPTION_ACTIVE_MASTER_KEY", "next")
    assert "wrapped with a master key that is not active" in run("status")
    assert "re-wrapped under master key 'next'" in run("rewrap")
    monkeypatch.setenv("OZGFLOW_ENCRYPTION_MASTER_KEYS", json.dumps({"next": base64.b64encode(next_key).decode()}))
    assert "not active" not in run("status")
    check = keyed_db(database_url, masters(next=next_key))
    assert _description(check, sid) == "vorher"
    check.dispose()
