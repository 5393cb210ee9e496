"""Moving what is stored to the newest data keys: after a rotation, and to seal plaintext from before.

Records are read raw (Core) in keyset batches to find those not sealed with their scope's active key;
only those are loaded through the ORM — which opens them — and flagged modified, so the flush seals them
again. One transaction per batch: the platform keeps running, and an interrupted run resumes where it is
started again (it skips what is already current). Objects in the e-file store are read and rewritten one
by one through the encrypting wrapper.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from services.crypto.envelope import PLATFORM_SCOPE, EnvelopeError, from_text, is_sealed_text
from services.crypto.keyring import Keyring
from services.crypto.orm import SEALED_FIELDS, SealedField
from services.efile.encrypted import EncryptedEFileStore
from services.store.db import Database

Progress = Callable[[int], None]


@dataclass
class FieldCounts:
    """Records of one sealed column: all of them, those still in plaintext, those on an older key."""

    name: str
    total: int = 0
    plaintext: int = 0
    stale: int = 0


def _columns(field: SealedField) -> list[Any]:
    table = field.model.__table__
    cols = [table.c.id, table.c[field.attr]]
    if field.scope_attr:
        cols.append(table.c[field.scope_attr])
    return cols


def _state(keyring: Keyring, session: Session, field: SealedField, row: Any) -> str:
    """``plaintext``, ``stale`` or ``current``."""
    value = row[1]
    if value is None:
        return "current"
    if not is_sealed_text(value):
        return "plaintext"
    scope = (row[2] if field.scope_attr else None) or PLATFORM_SCOPE
    try:
        envelope = from_text(value)
    except EnvelopeError:
        return "stale"
    return "current" if keyring.is_current(envelope, scope, connection=session.connection()) else "stale"


def _batches(db: Database, field: SealedField, batch_size: int) -> Iterator[tuple[Session, list[Any]]]:
    last = ""
    table = field.model.__table__
    while True:
        with db.session() as session:
            rows = list(
                session.execute(
                    select(*_columns(field)).where(table.c.id > last).order_by(table.c.id).limit(batch_size)
                )
            )
            if not rows:
                return
            yield session, rows
        last = rows[-1][0]


def _keyring(db: Database) -> Keyring:
    if db.keyring is None:
        raise ValueError("the database has no keyring (build it with database_from_settings)")
    return db.keyring


def count_records(db: Database, *, batch_size: int = 500) -> list[FieldCounts]:
    keyring = _keyring(db)
    result = []
    for field in SEALED_FIELDS:
        counts = FieldCounts(f"{field.model.__tablename__}.{field.attr}")
        for session, rows in _batches(db, field, batch_size):
            for row in rows:
                counts.total += 1
                state = _state(keyring, session, field, row)
                counts.plaintext += state == "plaintext"
                counts.stale += state == "stale"
        result.append(counts)
    return result


def total_records(db: Database) -> int:
    with db.session() as session:
        return sum(session.scalar(select(func.count()).select_from(f.model.__table__)) or 0 for f in SEALED_FIELDS)


def reencrypt_records(db: Database, *, batch_size: int = 200, progress: Progress | None = None) -> int:
    """Seal every record not yet on its scope's active key; returns how many were sealed anew."""
    keyring = _keyring(db)
    moved = 0
    for field in SEALED_FIELDS:
        for session, rows in _batches(db, field, batch_size):
            ids = [row[0] for row in rows if _state(keyring, session, field, row) != "current"]
            if ids:
                for obj in session.scalars(select(field.model).where(field.model.id.in_(ids))):
                    flag_modified(obj, field.attr)
                    moved += 1
            if progress:
                progress(len(rows))
    return moved


def reencrypt_objects(store: EncryptedEFileStore, keys: list[str], *, progress: Progress | None = None) -> int:
    """Seal every listed object anew that is not on its jobcenter's active key; returns how many."""
    moved = 0
    for key in keys:
        moved += store.reseal(key)
        if progress:
            progress(1)
    return moved
