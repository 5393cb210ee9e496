"""`ozgflow audit verify`: 0 and the head on a good log, 1 and the first broken entry on a tampered one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.cli.main import app
from services.store.db import Database
from tests.audit.support import entries, tamper, write

runner = CliRunner()


@pytest.fixture
def audit_db(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("OZGFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OZGFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("OZGFLOW_ENVIRONMENT", "development")
    database = Database(database_url)
    yield database
    database.dispose()


def test_verify_on_a_good_log_prints_the_head_and_exits_0(audit_db: Database) -> None:
    write(audit_db, 12)
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    head = entries(audit_db)[-1]
    assert "audit log intact: 12 entries" in result.stdout
    assert f"{head.id}:{head.entry_hash}" in result.stdout
    assert "12/12 entries checked (100 %)" in result.stderr  # progress goes to stderr
    anchored = runner.invoke(app, ["audit", "verify", "--anchor", f"{head.id}:{head.entry_hash}", "-q"])
    assert anchored.exit_code == 0 and anchored.stderr == ""


def test_verify_on_an_empty_log(audit_db: Database) -> None:
    result = runner.invoke(app, ["audit", "verify", "--quiet"])
    assert result.exit_code == 0 and "no entries" in result.stdout


def test_verify_on_a_tampered_log_names_the_first_broken_entry_and_exits_1(audit_db: Database) -> None:
    write(audit_db, 8)
    rows = entries(audit_db)
    tamper(audit_db, "UPDATE audit_log SET resource_id = 'sub-x' WHERE id = :id", id=rows[5].id)
    tamper(audit_db, "DELETE FROM audit_log WHERE id = :id", id=rows[2].id)
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN at entry {rows[3].id}" in result.stderr and "2 entries before it verified" in result.stderr


def test_verify_with_an_anchor_catches_a_cut_off_end(audit_db: Database) -> None:
    write(audit_db, 4)
    head = entries(audit_db)[-1]
    tamper(audit_db, "DELETE FROM audit_log WHERE id = :id", id=head.id)
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0  # what is left is consistent ...
    result = runner.invoke(app, ["audit", "verify", "--anchor", f"{head.id}:{head.entry_hash}"])
    assert result.exit_code == 1 and "anchor entry noted earlier is missing" in result.stderr  # ... but shorter
    assert runner.invoke(app, ["audit", "verify", "--anchor", "nonsense"]).exit_code == 2
