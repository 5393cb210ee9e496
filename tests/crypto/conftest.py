"""Encryption fixtures: the platform's database and portal *with* their keyring (the suite's shared ``db`` and
``client`` fixtures run without one), and helpers that read what is really stored."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from connectors.sdk.registry import ConnectorRegistry
from services.crypto.keyring import Keyring
from services.crypto.master import MasterKeys
from services.demo.seed import seed_demo_data
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database, database_from_settings
from services.store.migrate import upgrade
from tests.efile.conftest import raw_s3, s3  # noqa: F401 - the e-file tests' S3 fixtures, shared here

WBA_SECRET = "Krause"
"""In the WBA example (income from "Bäckerei Krause GmbH"): must never be stored readable."""


def masters(**keys: bytes) -> MasterKeys:
    """``masters(m1=key, m2=key)``: the last one named is active."""
    return MasterKeys(dict(keys), list(keys)[-1])


def new_key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def sealed_db(settings: Settings) -> Iterator[Database]:
    """The database as every component builds it from settings: with the keyring (development master key)."""
    database = database_from_settings(settings)
    with database.session() as session:
        seed_demo_data(session)
    yield database
    database.dispose()


@pytest.fixture
def sealed_client(settings: Settings, sealed_db: Database, registry: ConnectorRegistry) -> Iterator[TestClient]:
    """The portal built like production: encrypting database, encrypting e-file store from settings."""
    with TestClient(create_app(settings, db=sealed_db, registry=registry)) as client:
        yield client


@pytest.fixture
def sqlite_keyed(tmp_path: Path) -> Iterator[Database]:
    """A keyring on a SQLite database of its own, for tests about objects rather than databases."""
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    upgrade(url)
    database = keyed_db(url, masters(m1=new_key()))
    yield database
    database.dispose()


def keyed_db(url: str, keys: MasterKeys, **options: float | bool) -> Database:
    """A second process's view: its own engine and keyring (own caches) on the same database."""
    return Database(url, keyring=Keyring(keys, **options))  # type: ignore[arg-type]


def raw_texts(db: Database, table: str, column: str) -> list[str]:
    """What the database really holds in ``table.column``, as text, bypassing the ORM."""
    with db.engine.connect() as conn:
        return [str(v) for (v,) in conn.execute(text(f"SELECT CAST({column} AS TEXT) FROM {table} ORDER BY id"))]


def raw_rows(db: Database, table: str) -> str:
    """Every column of every row of ``table`` as one text (PostgreSQL: row-to-text; SQLite: each column)."""
    with db.engine.connect() as conn:
        if db.backend == "postgresql":
            return "\n".join(r[0] for r in conn.execute(text(f"SELECT CAST(t AS TEXT) FROM {table} t")))
        columns = [c[1] for c in conn.execute(text(f"PRAGMA table_info({table})"))]
        rows = conn.execute(text(f"SELECT {', '.join(f'CAST({c} AS TEXT)' for c in columns)} FROM {table}"))
        return "\n".join(" | ".join(str(v) for v in row) for row in rows)


def sqlite_files(db: Database) -> bytes:
    """The SQLite database file and its write-ahead log: every byte written, whatever table it went to."""
    path = Path(db.engine.url.database or "")
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
