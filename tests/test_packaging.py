"""The distribution a container image installs (non-editable) carries everything the platform reads
from disk: Alembic migrations, scaffold templates, every connector package."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _source_copy(target: Path) -> Path:
    """Build from a copy: building in place leaves an ozgflow.egg-info in the checkout, whose entry points
    would then shadow the installed ones for every process started there."""
    skip = shutil.ignore_patterns(".venv", ".git", ".ozgflow", "__pycache__", "*.egg-info", ".*cache")

    def ignore(folder: str, names: list[str]) -> set[str]:
        return set(skip(folder, names)) | ({"tests"} if Path(folder) == ROOT else set())

    return Path(shutil.copytree(ROOT, target / "src", ignore=ignore))


def test_wheel_contains_migrations_templates_and_connectors(tmp_path: Path) -> None:
    source = _source_copy(tmp_path)
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("ozgflow-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = sorted(p.name for p in (ROOT / "services/store/migrations/versions").glob("*.py"))
    assert migrations and all(f"services/store/migrations/versions/{m}" in names for m in migrations)
    assert "services/store/migrations/env.py" in names and "services/store/migrations/script.py.mako" in names
    templates = [p.relative_to(ROOT).as_posix() for p in (ROOT / "services/cli/templates").rglob("*.tmpl")]
    assert templates and set(templates) <= names
    assert {"connectors/wba/connector.py", "connectors/vaem/connector.py", "connectors/sdk/testkit.py"} <= names
    assert {"roadmap/roadmap.yaml", "services/portal/templates/ops_roadmap.html.j2"} <= names  # the portal needs both
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[ozgflow.connectors]" in text and "wba = connectors.wba:connector" in text
