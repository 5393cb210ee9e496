"""The keyring: each jobcenter's data keys, created on first use, unwrapped once and cached per process.

Data keys live in ``jobcenter_keys``, wrapped by a master key (services/crypto/master.py); a process holds
them unwrapped only in memory. Versions per scope (jobcenter): the newest ``active`` one seals new data,
every older one still opens what it sealed, so rotating needs no downtime.

Which connection: key rows are read and written on the connection of the transaction the caller is in —
given explicitly (the ORM events pass the session's) or, for the e-file store that has no session, the one
the keyring saw begin in the same thread and context, or anywhere in the same portal request
(``request_scope``: FastAPI runs a request's dependencies and handler in different threads). Why: SQLite has
one writer, and the caller's transaction already holds the lock (every transaction begins IMMEDIATE), so a
second connection creating a key would wait for the caller forever; on PostgreSQL it keeps a pool from
running dry. Only without a transaction does the keyring open its own short one.

The first key of a scope is inserted with ``ON CONFLICT DO NOTHING`` and read back, so processes creating it
at once end up with the same single key (PostgreSQL makes the second insert wait for the first transaction;
SQLite serialises writers anyway). A key created inside the caller's transaction is not cached before that
transaction committed: were it rolled back, a cached key would seal data under a key that never existed.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, event, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from services.crypto.envelope import DataKey, EnvelopeError, read_header
from services.crypto.master import KEY_BYTES, KeyUnavailable, MasterKeys
from services.store.models import JobcenterKey, utcnow

KEYS = JobcenterKey.__table__
ACTIVE, RETIRED = "active", "retired"
_CREATED_HERE = "ozgflow.keys_created_in_transaction"


class RotationConflict(Exception):
    """Another process rotated the same scope at the same moment; run the command again."""


@dataclass(frozen=True)
class KeyRecord:
    """What ``ozgflow keys status`` shows of a data key (never the key)."""

    scope: str
    version: int
    state: str
    master_key_id: str
    created_at: datetime


class Keyring:
    """Seals and opens values with the data key of their scope. One per ``Database`` (``bind``)."""

    def __init__(
        self, masters: MasterKeys, *, active_cache_seconds: float = 60.0, require_envelopes: bool = False
    ) -> None:
        self.masters = masters
        self.require_envelopes = require_envelopes
        """Refuse plaintext records and objects (set once ``ozgflow keys reencrypt`` sealed every old one)."""
        self._active_ttl = active_cache_seconds
        self._keys: dict[tuple[str, int], DataKey] = {}
        self._active: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._transactions: ContextVar[tuple[tuple[Connection, int], ...]] = ContextVar(
            f"ozgflow-keyring-{id(self)}", default=()
        )
        self._request: ContextVar[list[Connection] | None] = ContextVar(
            f"ozgflow-keyring-request-{id(self)}", default=None
        )

    def __repr__(self) -> str:
        return f"Keyring({self.masters!r}, cached={len(self._keys)})"

    # --- wiring -------------------------------------------------------------------------------------------

    def bind(self, engine: Engine) -> None:
        """Use ``engine``'s database for the key table and follow its transactions (see the module doc)."""
        if self._engine is engine:
            return
        if self._engine is not None:
            raise ValueError("a keyring serves one database; build another for a second engine")
        self._engine = engine
        event.listen(engine, "begin", self._on_begin)
        event.listen(engine, "commit", self._on_end)
        event.listen(engine, "rollback", self._on_end)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the keyring is not bound to a database (Database(url, keyring=...))")
        return self._engine

    @contextmanager
    def request_scope(self) -> Iterator[None]:
        """Transactions begun inside (in whatever thread) count as the caller's: one portal request."""
        token = self._request.set([])
        try:
            yield
        finally:
            self._request.reset(token)

    @staticmethod
    def _open(conn: Connection) -> bool:
        return not conn.closed and conn.in_transaction()

    def _on_begin(self, conn: Connection) -> None:
        request = self._request.get()
        if request is not None:
            request[:] = [c for c in request if self._open(c)] + [conn]
            return
        still_open = tuple(e for e in self._transactions.get() if self._open(e[0]))
        self._transactions.set((*still_open, (conn, threading.get_ident())))

    def _on_end(self, conn: Connection) -> None:
        conn.info.pop(_CREATED_HERE, None)
        request = self._request.get()
        if request is not None and any(c is conn for c in request):
            request[:] = [c for c in request if c is not conn]
        open_ = self._transactions.get()
        if any(c is conn for c, _ in open_):
            self._transactions.set(tuple(entry for entry in open_ if entry[0] is not conn))

    def _transaction_connection(self, explicit: Connection | None) -> Connection | None:
        if explicit is not None:
            return explicit
        for conn in reversed(self._request.get() or ()):
            if self._open(conn):
                return conn
        me = threading.get_ident()
        for conn, thread in reversed(self._transactions.get()):
            if thread == me and self._open(conn):
                return conn
        return None

    # --- sealing ------------------------------------------------------------------------------------------

    def seal(self, scope: str, plaintext: bytes, context: str, *, connection: Connection | None = None) -> bytes:
        """An envelope of ``plaintext`` under the scope's active data key, bound to ``context``."""
        return self.active_key(scope, connection=connection).seal(plaintext, context)

    def open(
        self,
        envelope: bytes,
        context: str,
        *,
        scopes: Collection[str] | None = None,
        connection: Connection | None = None,
    ) -> bytes:
        """The plaintext; ``EnvelopeError`` if it was altered, belongs to another context, or names a scope
        outside ``scopes`` (a ciphertext moved to another jobcenter); ``KeyUnavailable`` if its key cannot
        be had."""
        header, _ = read_header(envelope)
        if scopes is not None and header.scope not in scopes:
            raise EnvelopeError("the envelope belongs to another jobcenter")
        return self.key(header.scope, header.version, connection=connection).open(envelope, context)

    # --- keys -------------------------------------------------------------------------------------------

    def active_key(self, scope: str, *, connection: Connection | None = None) -> DataKey:
        """The data key that seals new data of ``scope``; the scope's first key is created here."""
        cached = self._active.get(scope)
        if cached is not None and time.monotonic() - cached[1] < self._active_ttl:
            key = self._keys.get((scope, cached[0]))
            if key is not None:
                return key
        conn = self._transaction_connection(connection)
        if conn is not None:
            key = self._read_or_create_active(conn, scope)
            if scope not in conn.info.get(_CREATED_HERE, ()):
                self._remember(key, active=True)
            return key
        with self.engine.begin() as own:
            key = self._read_or_create_active(own, scope)
        self._remember(key, active=True)
        return key

    def key(self, scope: str, version: int, *, connection: Connection | None = None) -> DataKey:
        """A given version (to open what it sealed); versions never change, so they are cached for good."""
        key = self._keys.get((scope, version))
        if key is not None:
            return key
        conn = self._transaction_connection(connection)
        if conn is not None:
            key = self._read(conn, scope, version)
            if scope not in conn.info.get(_CREATED_HERE, ()):
                self._remember(key)
            return key
        with self.engine.begin() as own:
            key = self._read(own, scope, version)
        self._remember(key)
        return key

    def _remember(self, key: DataKey, *, active: bool = False) -> None:
        with self._lock:
            self._keys[(key.scope, key.version)] = key
            if active:
                self._active[key.scope] = (key.version, time.monotonic())

    def _unwrap(self, row: Any) -> DataKey:
        raw = self.masters.unwrap(
            row.wrapped_key, master_key_id=row.master_key_id, scope=row.jobcenter_id, version=row.version
        )
        return DataKey.from_raw(row.jobcenter_id, row.version, raw)

    def _read(self, conn: Connection, scope: str, version: int) -> DataKey:
        row = conn.execute(select(KEYS).where(KEYS.c.jobcenter_id == scope, KEYS.c.version == version)).first()
        if row is None:
            raise KeyUnavailable(f"no data key {scope} v{version} in jobcenter_keys")
        return self._unwrap(row)

    def _read_active(self, conn: Connection, scope: str) -> Any:
        return conn.execute(
            select(KEYS)
            .where(KEYS.c.jobcenter_id == scope, KEYS.c.state == ACTIVE)
            .order_by(KEYS.c.version.desc())
            .limit(1)
        ).first()

    def _read_or_create_active(self, conn: Connection, scope: str) -> DataKey:
        row = self._read_active(conn, scope)
        if row is None:
            if self._insert_first(conn, scope):
                conn.info.setdefault(_CREATED_HERE, set()).add(scope)
            row = self._read_active(conn, scope)
            if row is None:
                raise KeyUnavailable(f"the data keys of {scope} are all retired; run `ozgflow keys rotate`")
        return self._unwrap(row)

    def _insert_first(self, conn: Connection, scope: str) -> bool:
        """Version 1 unless any version exists; True when this call inserted it."""
        if conn.execute(select(func.count()).select_from(KEYS).where(KEYS.c.jobcenter_id == scope)).scalar_one():
            return False
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        stmt = (
            insert(KEYS)
            .values(self._new_row(scope, 1))
            .on_conflict_do_nothing(index_elements=[KEYS.c.jobcenter_id, KEYS.c.version])
        )
        return bool(conn.execute(stmt).rowcount)

    def _new_row(self, scope: str, version: int) -> dict[str, Any]:
        wrapped, master_id = self.masters.wrap(os.urandom(KEY_BYTES), scope=scope, version=version)
        return {
            "jobcenter_id": scope,
            "version": version,
            "wrapped_key": wrapped,
            "master_key_id": master_id,
            "state": ACTIVE,
            "created_at": utcnow(),
        }

    def is_current(self, envelope: bytes, scope: str, *, connection: Connection | None = None) -> bool:
        """Whether ``envelope`` is sealed for ``scope`` with its active key (else reencrypting moves it)."""
        try:
            header, _ = read_header(envelope)
        except EnvelopeError:
            return False
        return header.scope == scope and header.version == self.active_key(scope, connection=connection).version

    # --- administration (own transactions; used by `ozgflow keys`) ------------------------------------------

    def rotate(self, scope: str) -> int:
        """A new active version for ``scope``; the previous ones are retired and keep opening their data."""
        try:
            with self.engine.begin() as conn:
                newest = conn.execute(select(func.max(KEYS.c.version)).where(KEYS.c.jobcenter_id == scope)).scalar()
                version = (newest or 0) + 1
                conn.execute(
                    update(KEYS).where(KEYS.c.jobcenter_id == scope, KEYS.c.state == ACTIVE).values(state=RETIRED)
                )
                conn.execute(KEYS.insert().values(self._new_row(scope, version)))
        except IntegrityError:
            raise RotationConflict(f"{scope} was rotated by someone else at the same moment; run it again") from None
        with self._lock:
            self._active.pop(scope, None)
        return version

    def rewrap(self) -> int:
        """Wrap every data key under the active master key (the keys themselves, and so all data, stay)."""
        moved = 0
        with self.engine.begin() as conn:
            rows = conn.execute(select(KEYS).where(KEYS.c.master_key_id != self.masters.active_id)).all()
            for row in rows:
                raw = self.masters.unwrap(
                    row.wrapped_key, master_key_id=row.master_key_id, scope=row.jobcenter_id, version=row.version
                )
                wrapped, master_id = self.masters.wrap(raw, scope=row.jobcenter_id, version=row.version)
                moved += conn.execute(
                    update(KEYS)
                    .where(
                        KEYS.c.jobcenter_id == row.jobcenter_id,
                        KEYS.c.version == row.version,
                        KEYS.c.master_key_id == row.master_key_id,
                    )
                    .values(wrapped_key=wrapped, master_key_id=master_id)
                ).rowcount
        return moved

    def records(self) -> list[KeyRecord]:
        with self.engine.begin() as conn:
            rows = conn.execute(select(KEYS).order_by(KEYS.c.jobcenter_id, KEYS.c.version)).all()
        return [KeyRecord(r.jobcenter_id, r.version, r.state, r.master_key_id, r.created_at) for r in rows]

    def unwraps(self, record: KeyRecord) -> bool:
        """Whether the configured master keys open this data key (check before removing a master key)."""
        try:
            self.key(record.scope, record.version)
        except KeyUnavailable:
            return False
        return True
