"""Engine and session factory, tuned per backend.

SQLite (the embedded default) is shared by the portal and the worker processes, so it runs in
WAL mode with a generous busy timeout; PostgreSQL gets a pool sized for the thread pools.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from services.crypto.keyring import Keyring
    from services.settings import Settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from pysqlite so SAVEPOINTs work and every transaction
    # starts with BEGIN IMMEDIATE (see _begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    """Take the write lock up front: several processes share the file, and a deferred transaction
    that later upgrades to a writer fails at once with SQLITE_BUSY instead of waiting."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


class Database:
    """One engine plus its session factory; passed to whatever needs the database.

    With a ``keyring``, personal data in its sessions is encrypted at rest (services/crypto/orm.py) and the
    keyring follows this engine's transactions. Without one (tests, migrations) values are stored as given;
    rows sealed by others still load, but reading a sealed attribute fails loudly. Components built from settings
    use ``database_from_settings``.
    """

    def __init__(self, url: str, *, engine: Engine | None = None, keyring: Keyring | None = None) -> None:
        from services.crypto.orm import install, install_load_listeners

        self.url = url
        self.engine = engine or make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.keyring = keyring
        if keyring is not None:
            keyring.bind(self.engine)
            install(self.sessions, keyring)
        else:
            install_load_listeners()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def database_from_settings(settings: Settings) -> Database:
    """The platform's database with its keyring: what every component built from settings uses."""
    from services.crypto import keyring_from_settings

    return Database(settings.resolved_database_url, keyring=keyring_from_settings(settings))
