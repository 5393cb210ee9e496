"""The schema comes from migrations: one head, models and migrations agree, and the way back works."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from services.store.db import Database
from services.store.migrate import alembic_config, downgrade, upgrade
from services.store.models import Base

EXPECTED_TABLES = {t.name for t in Base.metadata.sorted_tables}


def _heads(database_url: str) -> list[str]:
    return list(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


def _current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _schema_differences(db: Database) -> list[object]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def _tables(db: Database) -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_migrations_have_exactly_one_head(database_url: str) -> None:
    assert len(_heads(database_url)) == 1


def test_head_schema_matches_the_models(database_url: str) -> None:
    upgrade(database_url)  # idempotent: the fixture has already migrated
    db = Database(database_url)
    try:
        assert _current_revision(db) == _heads(database_url)[0]
        assert _tables(db) == EXPECTED_TABLES
        assert _schema_differences(db) == []
    finally:
        db.dispose()


def test_downgrade_to_base_and_upgrade_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    db = Database(url)
    try:
        upgrade(url)
        assert _tables(db) == EXPECTED_TABLES

        downgrade(url, "base")
        assert _tables(db) == set()
        assert _current_revision(db) is None

        upgrade(url)
        assert _tables(db) == EXPECTED_TABLES
        assert _current_revision(db) == _heads(url)[0]
        assert _schema_differences(db) == []
    finally:
        db.dispose()
