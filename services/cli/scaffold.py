"""`ozgflow connector new NAME`: an installable connector package that passes its own tests as generated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

TEMPLATES = Path(__file__).parent / "templates" / "connector"
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


class ScaffoldError(ValueError):
    """The name or target cannot be used; the message says what to do instead."""


@dataclass(frozen=True)
class ConnectorNames:
    key: str
    title: str

    @property
    def package(self) -> str:
        return f"ozgflow_{self.key}"

    @property
    def distribution(self) -> str:
        return f"ozgflow-connector-{self.key.replace('_', '-')}"

    @property
    def cls(self) -> str:
        return "".join(part.capitalize() for part in self.key.split("_"))

    def substitutions(self) -> dict[str, str]:
        return {
            "key": self.key,
            "title": self.title,
            "package": self.package,
            "distribution": self.distribution,
            "cls": self.cls,
            "procedure": self.key.upper(),
        }


def names_for(name: str, title: str | None = None) -> ConnectorNames:
    key = name.strip().lower().replace("-", "_")
    if not _KEY.fullmatch(key):
        raise ScaffoldError(
            f"'{name}' is not a usable service key: use 2–41 lower-case letters, digits or "
            "underscores, starting with a letter (e.g. 'heizkostenzuschuss')"
        )
    return ConnectorNames(key=key, title=title or key.replace("_", " ").title())


def scaffold(names: ConnectorNames, target: Path, *, taken: set[str] = frozenset()) -> list[Path]:  # type: ignore[assignment]
    """Write the package into ``target`` (which must not exist yet); returns the files written."""
    if names.key in taken:
        raise ScaffoldError(f"the service key '{names.key}' is already used by an installed connector; choose another")
    if target.exists():
        raise ScaffoldError(f"{target} already exists; choose another --path or remove it")
    written: list[Path] = []
    for template in sorted(TEMPLATES.rglob("*.tmpl")):
        relative = template.relative_to(TEMPLATES).with_suffix("")
        parts = [names.package if part == "package" else part for part in relative.parts]
        destination = target.joinpath(*parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(
            Template(template.read_text(encoding="utf-8")).substitute(names.substitutions()), encoding="utf-8"
        )
        written.append(destination)
    return written
