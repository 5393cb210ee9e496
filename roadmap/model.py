"""The OZG roadmap as data: stages, each service's maturity and LeiKa key, rollout per jobcenter, SLOs.

roadmap.yaml is the reviewed plan; ``load_roadmap`` validates it with pydantic and turns every mistake into a
``RoadmapError`` that names the file, the place in it and what to fix, so a typo never reaches production as
a silently disabled (or silently enabled) service. Parsed roadmaps are cached per path (re-read when the file
changes), because the portal consults the roadmap on every filing.
"""

from __future__ import annotations

import re
import threading
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from roadmap.errors import RoadmapError, problems_from_validation

DEFAULT_PATH = Path(__file__).with_name("roadmap.yaml")
LEIKA_PATTERN = r"^urn:de:fim:leika:leistung:\d{14}$"
SERVICE_KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")


class RolloutState(StrEnum):
    """Where a service may be filed: nowhere (off), at pilot jobcenters (pilot), everywhere it is set live."""

    OFF = "off"
    PILOT = "pilot"
    LIVE = "live"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {RolloutState.OFF: 0, RolloutState.PILOT: 1, RolloutState.LIVE: 2}


def _yaml_off(value: Any) -> Any:
    """YAML 1.1 reads a bare ``off`` as false; accept it as the state it was meant to be."""
    return RolloutState.OFF if value is False else value


State = Annotated[RolloutState, BeforeValidator(_yaml_off)]


class StageStatus(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    PLANNED = "planned"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Slo(_Strict):
    """Service level objectives a load test must meet before a promotion (read by loadtests/)."""

    accept_p95_ms: float = Field(gt=0, description="95th percentile latency of the accept request (202), in ms.")
    error_rate: float = Field(ge=0, le=1, description="Share of failed requests, 0..1.")
    completion_p95_s: float = Field(gt=0, description="95th percentile of accept → receipt in the Postfach, in s.")


class Stage(_Strict):
    id: int = Field(ge=1)
    title: str = Field(min_length=1)
    status: StageStatus
    summary: str = ""
    features: tuple[str, ...] = ()


class Rollout(_Strict):
    """The start state per jobcenter before any recorded promotion: a default plus overrides."""

    default: State = RolloutState.OFF
    jobcenters: dict[str, State] = Field(default_factory=dict)

    def state_for(self, jobcenter_id: str) -> RolloutState:
        return self.jobcenters.get(jobcenter_id, self.default)


class ServiceEntry(_Strict):
    """One service on the roadmap; ``planned`` services have no connector yet and stay off."""

    stage: int = Field(ge=1)
    maturity: int = Field(ge=0, le=4, description="OZG-Reifegrad 0 (offline) … 4 (online transaction).")
    leika_key: str | None = Field(default=None, pattern=LEIKA_PATTERN)
    planned: bool = False
    title: str = ""
    slo: Slo
    rollout: Rollout = Field(default_factory=Rollout)

    @model_validator(mode="after")
    def _installed_need_leika_planned_stay_off(self) -> ServiceEntry:
        if not self.planned and self.leika_key is None:
            raise ValueError("leika_key is required for a service that is not planned (urn:de:fim:leika:leistung:…)")
        states = {self.rollout.default, *self.rollout.jobcenters.values()}
        if self.planned and states != {RolloutState.OFF}:
            raise ValueError("a planned service has no connector yet: its rollout must be off everywhere")
        return self


class Roadmap(_Strict):
    """The whole file. ``jobcenters`` lists the ids the rollout matrix covers (its columns)."""

    version: int = Field(ge=1, le=1)
    jobcenters: tuple[str, ...] = Field(min_length=1)
    stages: tuple[Stage, ...] = Field(min_length=1)
    services: dict[str, ServiceEntry]

    @model_validator(mode="before")
    @classmethod
    def _apply_defaults(cls, data: Any) -> Any:
        """``defaults: {slo, rollout}`` fill what a service leaves out, so 16 Anlagen need not repeat them."""
        if not isinstance(data, dict) or "defaults" not in data:
            return data
        data = dict(data)
        defaults = data.pop("defaults") or {}
        if not isinstance(defaults, dict) or set(defaults) - {"slo", "rollout"}:
            raise ValueError("defaults may only contain 'slo' and 'rollout'")
        services = data.get("services")
        if isinstance(services, dict):
            data["services"] = {
                key: ({k: v for k, v in defaults.items() if k not in entry} | entry)
                if isinstance(entry, dict)
                else entry
                for key, entry in services.items()
            }
        return data

    @model_validator(mode="after")
    def _cross_references(self) -> Roadmap:
        problems: list[str] = []
        stage_ids = [stage.id for stage in self.stages]
        if len(set(stage_ids)) != len(stage_ids):
            problems.append(f"stages: stage ids must be unique, got {stage_ids}")
        known_jobcenters = set(self.jobcenters)
        for key, entry in self.services.items():
            if not SERVICE_KEY_PATTERN.fullmatch(key):
                problems.append(
                    f"services.{key}: a service key is lower-case letters, digits and '_' (like anlage_kdu)"
                )
            if entry.stage not in stage_ids:
                problems.append(f"services.{key}.stage: stage {entry.stage} does not exist (stages: {stage_ids})")
            for jobcenter_id in entry.rollout.jobcenters:
                if jobcenter_id not in known_jobcenters:
                    problems.append(
                        f"services.{key}.rollout.jobcenters.{jobcenter_id}: unknown jobcenter "
                        f"(add it to 'jobcenters' or fix the id; known: {', '.join(self.jobcenters)})"
                    )
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def start_state(self, service: str, jobcenter_id: str, *, unlisted: RolloutState) -> RolloutState:
        """The state roadmap.yaml gives (before recorded promotions); ``unlisted`` for services it lacks."""
        entry = self.services.get(service)
        return unlisted if entry is None else entry.rollout.state_for(jobcenter_id)


_cache: dict[Path, tuple[int, Roadmap]] = {}
_lock = threading.Lock()


def load_roadmap(path: Path | None = None) -> Roadmap:
    """Read and validate roadmap.yaml (default: the one next to this module); cached per path and mtime."""
    resolved = (path or DEFAULT_PATH).resolve()
    try:
        mtime = resolved.stat().st_mtime_ns
    except OSError as exc:
        raise RoadmapError(resolved, [("", f"cannot read the roadmap: {exc.strerror}")]) from None
    with _lock:
        hit = _cache.get(resolved)
        if hit is not None and hit[0] == mtime:
            return hit[1]
    roadmap = parse_roadmap(resolved.read_text(encoding="utf-8"), source=resolved)
    with _lock:
        _cache[resolved] = (mtime, roadmap)
    return roadmap


def parse_roadmap(text: str, *, source: Path) -> Roadmap:
    """Validate YAML text; all field mistakes are reported at once, each with its place in the file.

    Cross-references (stage ids, jobcenters) are checked once the fields themselves are valid."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RoadmapError(source, [(where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    if not isinstance(data, dict):
        raise RoadmapError(source, [("", "the roadmap must be a mapping with version, jobcenters, stages, services")])
    try:
        return Roadmap.model_validate(data)
    except ValidationError as exc:
        raise RoadmapError(source, problems_from_validation(exc)) from None
