"""The threat model names code for every mitigation: those paths must exist, or the document has gone stale."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "docs" / "threat-model.md"
CODE_PATH = re.compile(r"`((?:services|connectors|flows|tests|infra)/[A-Za-z0-9_./-]+)`")


def test_every_code_path_the_threat_model_names_exists() -> None:
    text = MODEL.read_text(encoding="utf-8")
    named = set(CODE_PATH.findall(text))
    assert len(named) > 40, "the threat model should point at the code of its mitigations"
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert not missing, f"docs/threat-model.md names code that is not there (moved or renamed?): {missing}"


def test_every_boundary_has_threats_and_the_gaps_are_listed() -> None:
    text = MODEL.read_text(encoding="utf-8")
    for heading in ("## Assets", "## Actors", "## Trust boundaries", "## Not mitigated yet"):
        assert heading in text
    boundaries = re.findall(r"^### (TB\d+) ", text, flags=re.MULTILINE)
    assert boundaries == [f"TB{i}" for i in range(1, len(boundaries) + 1)] and len(boundaries) >= 10
    for boundary in boundaries:
        number = boundary.removeprefix("TB")
        assert re.search(rf"^\| {number}\.1 \| [STRIDE/]+ \|", text, flags=re.MULTILINE), boundary
    assert "docs/threat-model.md" in (ROOT / "README.md").read_text(encoding="utf-8")
