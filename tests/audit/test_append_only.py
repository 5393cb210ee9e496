"""Append-only: the ORM refuses to change or delete entries (both backends), PostgreSQL refuses it by trigger
(raw SQL too), and retention removes only a prefix that verifies, leaving a chain that still verifies."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from services.audit import AppendOnlyViolation, ChainBrokenError, check_chain, prune_before
from services.audit.guard import allow_prune
from services.store.db import Database
from services.store.models import AuditEntry, utcnow
from tests.audit.support import entries, raw, tamper, verified, write


@pytest.fixture
def bare_db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def pg_db(database_url: str) -> Iterator[Database]:
    if not database_url.startswith("postgresql"):
        pytest.skip("the trigger is PostgreSQL's; SQLite relies on the ORM guard and the chain")
    database = Database(database_url)
    yield database
    database.dispose()


def test_the_orm_refuses_to_change_an_entry(bare_db: Database) -> None:
    write(bare_db, 1)
    with pytest.raises(AppendOnlyViolation, match="UPDATE"), bare_db.session() as session:
        entry = session.scalars(select(AuditEntry)).one()
        entry.purpose = "Datenschutzkontrolle"
        session.flush()
    assert entries(bare_db)[0].purpose == "Bearbeitung des Antrags"


def test_the_orm_refuses_to_delete_an_entry(bare_db: Database) -> None:
    write(bare_db, 1)
    with pytest.raises(AppendOnlyViolation, match="DELETE"), bare_db.session() as session:
        session.delete(session.scalars(select(AuditEntry)).one())
        session.flush()
    assert len(entries(bare_db)) == 1


@pytest.mark.parametrize(
    "statement",
    [update(AuditEntry).values(purpose="x"), delete(AuditEntry), delete(AuditEntry.__table__)],
    ids=["orm-update", "orm-delete", "core-delete"],
)
def test_the_orm_refuses_bulk_statements_on_the_log(bare_db: Database, statement: object) -> None:
    write(bare_db, 2)
    with pytest.raises(AppendOnlyViolation), bare_db.session() as session:
        session.execute(statement)  # type: ignore[call-overload]
    assert len(entries(bare_db)) == 2


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET purpose = 'x'", "DELETE FROM audit_log"])
def test_postgresql_refuses_update_and_delete_by_trigger(pg_db: Database, sql: str) -> None:
    write(pg_db, 2)
    with pytest.raises(DBAPIError, match="append-only"), raw(pg_db) as connection:
        connection.execute(text(sql))
    assert len(entries(pg_db)) == 2 and verified(pg_db).intact


def test_postgresql_allows_delete_only_while_the_transaction_local_flag_is_on(pg_db: Database) -> None:
    write(pg_db, 3)
    first = entries(pg_db)[0].id
    with raw(pg_db) as connection:
        connection.execute(text("SET LOCAL ozgflow.audit_prune = 'on'"))
        connection.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": first})
        with pytest.raises(DBAPIError, match="append-only"), connection.begin_nested():
            connection.execute(text("UPDATE audit_log SET purpose = 'x'"))  # the flag never admits UPDATE
    assert len(entries(pg_db)) == 2
    with pytest.raises(DBAPIError, match="append-only"), raw(pg_db) as connection:
        connection.execute(text("DELETE FROM audit_log"))  # a new transaction: the flag is gone
    with pg_db.session() as session, allow_prune(session):
        pass  # the block switches the flag off again at its end
    with pytest.raises(DBAPIError, match="append-only"), pg_db.session() as session:
        with allow_prune(session):
            pass
        session.execute(text("DELETE FROM audit_log"))


def test_prune_removes_the_oldest_entries_and_the_rest_still_verifies(bare_db: Database) -> None:
    old = utcnow() - timedelta(days=400)
    with bare_db.session() as session:
        from services.audit import Purpose, record_access
        from tests.audit.support import STAFF

        for n in range(5):
            record_access(session, actor=STAFF, action="read", resource_type="submission", resource_id=f"old-{n}",
                          purpose=Purpose.CASEWORK, at=old + timedelta(minutes=n))  # fmt: skip
    write(bare_db, 3)
    cutoff = utcnow() - timedelta(days=365)
    with bare_db.session() as session:
        assert prune_before(session, cutoff, limit=2) == 2  # batches, as the retention pass runs them
    with bare_db.session() as session:
        assert prune_before(session, cutoff) == 3
    with bare_db.session() as session:
        assert prune_before(session, cutoff) == 0  # nothing older left
    rows = entries(bare_db)
    assert [r.resource_id for r in rows[:3]] == ["sub-0", "sub-1", "sub-2"]
    markers = [r for r in rows if r.action == "prune"]
    assert len(markers) == 2 and all(m.actor_kind == "system" and m.resource_type == "audit_log" for m in markers)
    report = verified(bare_db)
    assert report.intact and report.pruned and report.checked == 5


def test_prune_keeps_the_newest_entry_as_the_chains_head(bare_db: Database) -> None:
    write(bare_db, 3)
    with bare_db.session() as session:
        assert prune_before(session, utcnow() + timedelta(days=1)) == 2
    assert verified(bare_db).intact


def test_after_pruning_a_removal_in_the_middle_is_still_found(bare_db: Database) -> None:
    write(bare_db, 6)
    with bare_db.session() as session:
        boundary = entries(bare_db)[2].at
        prune_before(session, boundary)
    rows = entries(bare_db)
    tamper(bare_db, "DELETE FROM audit_log WHERE id = :id", id=rows[1].id)
    broken = verified(bare_db).broken
    assert broken is not None and broken.entry_id == rows[2].id


def test_removing_more_than_retention_did_is_found(bare_db: Database) -> None:
    write(bare_db, 6)
    with bare_db.session() as session:
        prune_before(session, entries(bare_db)[2].at)
    first = entries(bare_db)[0]
    tamper(bare_db, "DELETE FROM audit_log WHERE id = :id", id=first.id)  # beyond the marker's boundary
    broken = verified(bare_db).broken
    assert broken is not None and "retention marker" in broken.reason


def test_prune_refuses_to_erase_tampered_entries(bare_db: Database) -> None:
    write(bare_db, 5)
    victim = entries(bare_db)[1]
    tamper(bare_db, "UPDATE audit_log SET customer_id = 'kd-9999' WHERE id = :id", id=victim.id)
    with pytest.raises(ChainBrokenError) as refused, bare_db.session() as session:
        prune_before(session, utcnow() + timedelta(days=1))
    assert refused.value.broken.entry_id == victim.id
    assert len(entries(bare_db)) == 5


def test_the_trigger_comes_and_goes_with_migration_0005() -> None:
    """On a database of its own: downgrading below 0005 drops trigger and function, upgrading restores them."""
    psycopg = pytest.importorskip("psycopg")
    from psycopg import sql

    from services.store.migrate import downgrade, upgrade
    from tests.conftest import PG_ADMIN_DSN

    try:
        admin = psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable: {exc}".splitlines()[0])
    name = f"ozgflow_audit_{uuid.uuid4().hex[:10]}"
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = f"{PG_ADMIN_DSN.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    db = Database(url)
    try:
        upgrade(url)

        def present() -> tuple[int, int]:
            with db.engine.connect() as connection:
                triggers = connection.scalar(
                    text("SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_log_append_only'")
                )
                functions = connection.scalar(
                    text("SELECT count(*) FROM pg_proc WHERE proname = 'audit_log_append_only'")
                )
            return int(triggers or 0), int(functions or 0)

        assert present() == (1, 1)
        downgrade(url, "0004")
        assert present() == (0, 0)
        upgrade(url)
        assert present() == (1, 1)
        write(db, 2)
        with pytest.raises(DBAPIError, match="append-only"), raw(db) as connection:
            connection.execute(text("DELETE FROM audit_log"))
        with db.session() as session:
            assert check_chain(session).intact
    finally:
        db.dispose()
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()
