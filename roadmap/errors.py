"""Readable roadmap errors: file, place in the file (``services.wba.maturity``), what to fix.

pydantic's own messages name the type that failed; an operator editing YAML needs the path and the allowed
values instead, so the common mistakes get a hint of their own.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

Problem = tuple[str, str]
"""(place in the file, message) — the place is a dotted path like ``services.wba.rollout.default``."""

_HINTS = {
    "maturity": "the OZG maturity level is a whole number from 0 (offline) to 4 (online transaction)",
    "leika_key": "a Leistungsschlüssel looks like urn:de:fim:leika:leistung:99050012104000 (14 digits)",
    "error_rate": "the error rate is a share between 0 and 1 (0.01 = 1 %)",
}
_STATE_HINT = "a rollout state is one of off, pilot, live"
_STAGE_STATUS_HINT = "a stage status is one of done, in_progress, planned"


class RoadmapError(ValueError):
    """roadmap.yaml is invalid; ``problems`` lists every mistake found, ``str()`` is ready to print."""

    def __init__(self, source: Path, problems: list[Problem]) -> None:
        self.source, self.problems = source, problems
        lines = [f"{source}: {len(problems)} problem(s) in the roadmap:"]
        lines += [f"  {place or '(top level)'}: {message}" for place, message in problems]
        super().__init__("\n".join(lines))


def _hint(loc: tuple[str | int, ...], error_type: str, message: str, given: object) -> str:
    last = str(loc[-1]) if loc else ""
    if error_type == "enum" and "rollout" in (str(part) for part in loc):
        return f"{_STATE_HINT}, not {given!r}"
    if error_type == "enum" and last == "status":
        return f"{_STAGE_STATUS_HINT}, not {given!r}"
    if error_type == "extra_forbidden":
        return f"unknown field '{last}': remove it or fix its spelling"
    if error_type == "missing":
        return f"'{last}' is missing: add it"
    for field, hint in _HINTS.items():
        if field in (str(part) for part in loc):
            return f"{message} — {hint}"
    return message


def problems_from_validation(exc: ValidationError) -> list[Problem]:
    """Flatten pydantic's errors; a cross-reference error carries its own ``path: message`` lines."""
    problems: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in error["loc"] if not str(part).startswith("function-"))
        message = str(error["msg"]).removeprefix("Value error, ")
        if (error["type"] == "value_error" and "\n" in message) or (": " in message and not loc):
            for line in message.splitlines():
                place, _, text = line.partition(": ")
                problems.append((".".join(str(p) for p in loc + (place,)) if loc else place, text))
            continue
        problems.append((".".join(str(part) for part in loc), _hint(loc, error["type"], message, error.get("input"))))
    return problems
