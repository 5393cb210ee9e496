"""`ozgflow connector new`: the package installs, passes its own tests, appears in the catalogue after a
restart and completes the whole pipeline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from typer.testing import CliRunner

from services.cli.main import app

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=240)


def test_scaffolded_connector_works_end_to_end(tmp_path: Path, prefect_server: str) -> None:
    key = f"scaffold_{uuid.uuid4().hex[:6]}"
    target = tmp_path / "pkg"
    created = CliRunner().invoke(app, ["connector", "new", key, "--path", str(target), "--title", "Testdienst"])
    assert created.exit_code == 0, created.output
    assert (target / "loadtests" / "locustfile.py").exists()
    compile((target / "loadtests" / "locustfile.py").read_text(), "locustfile.py", "exec")

    distribution = f"ozgflow-connector-{key.replace('_', '-')}"
    installed = _run(
        sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "-e", str(target)
    )
    assert installed.returncode == 0, installed.stderr
    try:
        own_tests = _run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=target)
        assert own_tests.returncode == 0, own_tests.stdout + own_tests.stderr
        assert " passed" in own_tests.stdout

        env = {**os.environ, "PREFECT_API_URL": prefect_server, "PYTHONPATH": str(ROOT)}
        smoke = _run(sys.executable, str(ROOT / "tests" / "support" / "pipeline_smoke.py"), key, cwd=ROOT, env=env)
        assert smoke.returncode == 0, smoke.stderr[-3000:]
        summary = json.loads(smoke.stdout.strip().splitlines()[-1])
        assert key in summary["catalogue"]
        assert summary["status"] == "completed", summary
        assert summary["stages"] == ["succeeded"] * 4
        assert summary["cases"] == 1 and summary["receipts"] == 1
    finally:
        _run(sys.executable, "-m", "pip", "uninstall", "-y", "-q", distribution)


def test_scaffold_refuses_bad_names_taken_keys_and_existing_folders(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["connector", "new", "9lives", "--path", str(tmp_path / "a")])
    assert bad.exit_code == 2 and "not a usable service key" in bad.output
    taken = runner.invoke(app, ["connector", "new", "wba", "--path", str(tmp_path / "b")])
    assert taken.exit_code == 2 and "already used" in taken.output
    (tmp_path / "c").mkdir()
    exists = runner.invoke(app, ["connector", "new", "neu", "--path", str(tmp_path / "c")])
    assert exists.exit_code == 2 and "already exists" in exists.output
