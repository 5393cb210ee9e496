"""The `ozgflow` commands a user types: token, db upgrade, demo seed, examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from typer.testing import CliRunner

from services.cli.main import app
from services.store.db import Database
from tests.support.production import production_env

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OZGFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OZGFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("OZGFLOW_ENVIRONMENT", "development")
    return tmp_path


def test_db_upgrade_and_demo_seed_create_schema_and_data(cli_env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    tables = set(inspect(Database(f"sqlite:///{cli_env / 'cli.db'}").engine).get_table_names())
    assert {"submissions", "outbox", "stage_results", "mailbox_messages", "alembic_version"} <= tables
    first = runner.invoke(app, ["demo", "seed"])
    again = runner.invoke(app, ["demo", "seed"])  # idempotent
    assert first.exit_code == again.exit_code == 0
    assert "4 jobcenters, 7 customers, 16 staff members" in again.output


def test_token_command_mints_a_token_the_portal_accepts(cli_env: Path) -> None:
    from services.portal.app import create_app
    from services.settings import Settings

    runner.invoke(app, ["db", "upgrade"])
    runner.invoke(app, ["demo", "seed"])
    result = runner.invoke(app, ["token", "kd-2001"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    with TestClient(create_app(Settings())) as client:
        response = client.get("/api/v1/mailbox", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert response.json() == {"unread": 0, "messages": []}


def test_token_command_explains_unknown_customers_and_production(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner.invoke(app, ["db", "upgrade"])
    runner.invoke(app, ["demo", "seed"])
    unknown = runner.invoke(app, ["token", "kd-0"])
    assert unknown.exit_code == 1
    assert "Unknown customer 'kd-0'" in unknown.output
    for name, value in production_env().items():
        if name != "OZGFLOW_DATABASE_URL":  # keep the test's own database
            monkeypatch.setenv(name, value)
    refused = runner.invoke(app, ["token", "kd-1001"])
    assert refused.exit_code == 2
    assert "development mode" in refused.output


def test_invalid_configuration_is_reported_not_a_traceback(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OZGFLOW_ENVIRONMENT", "production")
    monkeypatch.delenv("OZGFLOW_AUTH_JWKS_URL", raising=False)
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "Invalid configuration" in result.output and "OZGFLOW_AUTH_JWKS_URL" in result.output


def test_examples_command_prints_valid_json(cli_env: Path) -> None:
    result = runner.invoke(app, ["examples", "vaem"])
    assert result.exit_code == 0
    assert isinstance(json.loads(result.output), list)
    assert runner.invoke(app, ["examples", "nope"]).exit_code == 1
