"""`ozgflow roadmap check|status|promote` and `ozgflow token --operator`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from roadmap.model import DEFAULT_PATH
from services.cli.main import app
from services.store.db import Database
from services.store.models import RolloutChange
from tests.support.rollout import add_load_test_run

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("OZGFLOW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OZGFLOW_DATABASE_URL", url)
    monkeypatch.setenv("OZGFLOW_ENVIRONMENT", "development")
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["demo", "seed"]).exit_code == 0
    return Database(url)


def test_check_passes_on_the_shipped_roadmap_and_fails_with_readable_errors(
    cli_env: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok = runner.invoke(app, ["roadmap", "check"])
    assert ok.exit_code == 0, ok.output
    assert "roadmap ok: 5 stages" in ok.output

    broken = tmp_path / "roadmap.yaml"
    broken.write_text(DEFAULT_PATH.read_text(encoding="utf-8").replace("    stage: 3\n", "    stage: 8\n"))
    monkeypatch.setenv("OZGFLOW_ROADMAP_PATH", str(broken))
    result = runner.invoke(app, ["roadmap", "check"])
    assert result.exit_code == 2
    assert f"{broken}: 1 problem(s)" in result.output
    assert "services.placement.stage: stage 8 does not exist" in result.output

    unknown = DEFAULT_PATH.read_text(encoding="utf-8").replace(
        "  termine:\n",
        "  kindergeld:\n    leika_key: urn:de:fim:leika:leistung:99000000000000\n"
        "    stage: 1\n    maturity: 3\n  termine:\n",
    )
    broken.write_text(unknown)
    result = runner.invoke(app, ["roadmap", "check"])
    assert result.exit_code == 2
    assert "services.kindergeld: no connector 'kindergeld' is installed" in result.output


def test_status_prints_the_matrix_with_the_last_load_test(cli_env: Database) -> None:
    with cli_env.session() as session:
        add_load_test_run(session, service="placement", verdict="fail")
    result = runner.invoke(app, ["roadmap", "status"])
    assert result.exit_code == 0, result.output
    assert "Jobcenter Leipzig" in result.output and "Jobcenter Berlin Mitte" in result.output
    placement = next(line for line in result.output.splitlines() if " placement " in line)
    assert "pilot" in placement and "off" in placement and "fail 1.0.0" in placement
    assert "planned" in next(line for line in result.output.splitlines() if " ha " in line)


def test_promote_refuses_without_evidence_then_records_with_it(cli_env: Database) -> None:
    args = ["roadmap", "promote", "placement", "--jobcenter", "jc-leipzig", "--to", "pilot"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2
    assert "run `ozgflow loadtest placement` first" in refused.output
    with cli_env.session() as session:
        run = add_load_test_run(session, service="placement")
    done = runner.invoke(app, [*args, "--by", "ops.krause", "--reason", "Pilot Leipzig"])
    assert done.exit_code == 0, done.output
    assert "off → pilot by ops.krause" in done.output and run.id in done.output
    with cli_env.session() as session:
        [change] = session.query(RolloutChange).all()
        assert (change.jobcenter_id, change.load_test_run_id, change.reason) == ("jc-leipzig", run.id, "Pilot Leipzig")
    skipping = runner.invoke(app, ["roadmap", "promote", "placement", "--jobcenter", "jc-bremen", "--to", "live"])
    assert skipping.exit_code == 2 and "pilot_required" in skipping.output
    invalid = runner.invoke(app, ["roadmap", "promote", "placement", "--jobcenter", "jc-bremen", "--to", "beta"])
    assert invalid.exit_code == 2


def test_token_operator(cli_env: Database) -> None:
    result = runner.invoke(app, ["token", "--operator"])
    assert result.exit_code == 0, result.output
    assert result.output.count(".") == 2  # a JWT
    assert runner.invoke(app, ["token"]).exit_code == 2
