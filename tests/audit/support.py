"""Helpers for the audit tests: write entries, read them back, tamper with them the way an attacker would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.audit import AuditActor, Purpose, record_access
from services.store.db import Database
from services.store.models import AuditEntry

STAFF = AuditActor(kind="staff", id="sb-berlin-1", jobcenter_id="jc-berlin-mitte", source="192.0.2.10")


def write(db: Database, count: int = 1, *, actor: AuditActor = STAFF, **fields: Any) -> None:
    """``count`` entries, each in its own committed transaction."""
    for n in range(count):
        with db.session() as session:
            record_access(
                session,
                actor=actor,
                action=fields.get("action", "read"),
                resource_type=fields.get("resource_type", "submission"),
                resource_id=fields.get("resource_id", f"sub-{n}"),
                purpose=fields.get("purpose", Purpose.CASEWORK),
                customer_id=fields.get("customer_id", "kd-1001"),
                jobcenter_id=fields.get("jobcenter_id", "jc-berlin-mitte"),
            )


def entries(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


@contextmanager
def raw(db: Database) -> Iterator[Any]:
    """A plain connection in one transaction, as someone with database access would use it."""
    with db.engine.begin() as connection:
        yield connection


def tamper(db: Database, sql: str, **params: Any) -> None:
    """Run ``sql`` past every guard: on PostgreSQL with the append-only trigger switched off for this
    transaction's statement (as the table owner can), on SQLite straight (it has no trigger)."""
    with raw(db) as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        connection.execute(text(sql), params)
        if postgres:
            connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))


def verified(db: Database) -> Any:
    from services.audit import check_chain

    with db.session() as session:
        return check_chain(session, batch=7)  # small pages: the keyset paging is exercised too


def session_of(db: Database) -> Session:
    return db.sessions()
