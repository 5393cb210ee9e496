"""Append-only in the ORM: no session may change or delete an audit entry.

The same rule holds in PostgreSQL by a trigger (migration 0005), which also covers raw SQL; this guard makes a
mistake in our own code fail loudly on SQLite too, before any statement is sent. Retention's removal of the
oldest entries (services/audit/retention.py) is the one exception and says so through ``allow_prune``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import ORMExecuteState, Session

from services.store.models import AuditEntry

_PRUNE = "ozgflow.audit.prune"
AUDIT_TABLE = AuditEntry.__table__


class AppendOnlyViolation(RuntimeError):
    """Someone tried to change or delete an audit entry."""


def _refuse_update(*_: Any) -> None:
    raise AppendOnlyViolation("audit entries are append-only: UPDATE refused")


def _refuse_delete(*_: Any) -> None:
    raise AppendOnlyViolation("audit entries are append-only: DELETE refused (retention uses prune_before)")


def _targets_audit_log(state: ORMExecuteState) -> bool:
    table = getattr(state.statement, "table", None)
    return table is AUDIT_TABLE or getattr(table, "name", None) == AUDIT_TABLE.name  # type: ignore[attr-defined]


def _guard_statements(state: ORMExecuteState) -> None:
    """Bulk ``update(AuditEntry)`` / ``delete(AuditEntry)`` through a session."""
    if not (state.is_update or state.is_delete) or not _targets_audit_log(state):
        return
    if state.is_delete and state.session.info.get(_PRUNE):
        return
    if state.is_update:
        _refuse_update()
    _refuse_delete()


@contextmanager
def allow_prune(session: Session) -> Iterator[None]:
    """Within this block (and only here) a DELETE of audit entries passes the ORM guard; in PostgreSQL the
    transaction-local flag the trigger checks is switched on for the block and off again after it."""
    postgres = session.get_bind().dialect.name == "postgresql"
    session.info[_PRUNE] = True
    try:
        if postgres:
            session.execute(text("SET LOCAL ozgflow.audit_prune = 'on'"))
        yield
        if postgres:  # after a failure the transaction rolls back, and the flag with it
            session.execute(text("SET LOCAL ozgflow.audit_prune = 'off'"))
    finally:
        session.info.pop(_PRUNE, None)


event.listen(AuditEntry, "before_update", _refuse_update)
event.listen(AuditEntry, "before_delete", _refuse_delete)
event.listen(Session, "do_orm_execute", _guard_statements)
