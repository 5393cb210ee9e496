"""roadmap.yaml: the shipped file loads; each kind of mistake is reported with its place and what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmap.errors import RoadmapError
from roadmap.model import DEFAULT_PATH, RolloutState, load_roadmap, parse_roadmap

SHIPPED = DEFAULT_PATH.read_text(encoding="utf-8")


def test_shipped_roadmap_loads_with_stages_slos_and_demo_rollout() -> None:
    roadmap = load_roadmap()
    assert [stage.id for stage in roadmap.stages] == [1, 2, 3, 4, 5]
    assert load_roadmap() is roadmap  # cached per path
    assert roadmap.services["wba"].slo.accept_p95_ms > 0
    assert 0 <= roadmap.services["anlage_kdu"].slo.error_rate <= 1  # defaults fill what a service leaves out
    assert roadmap.services["placement"].slo.completion_p95_s > 0
    for planned in ("ha", "termine", "bescheide"):
        assert roadmap.services[planned].planned
    for jobcenter in roadmap.jobcenters:
        for key in ("wba", "vaem", "anlage_kdu", "anlage_uf"):
            assert roadmap.start_state(key, jobcenter, unlisted=RolloutState.OFF) is RolloutState.LIVE
        for key in ("demo_failing", "demo_slow"):
            assert roadmap.start_state(key, jobcenter, unlisted=RolloutState.OFF) is RolloutState.PILOT
    placement = {jc: roadmap.start_state("placement", jc, unlisted=RolloutState.OFF) for jc in roadmap.jobcenters}
    assert placement == {
        "jc-berlin-mitte": RolloutState.PILOT,
        "jc-leipzig": RolloutState.OFF,
        "jc-dortmund": RolloutState.OFF,
        "jc-bremen": RolloutState.OFF,
    }
    assert roadmap.start_state("not_listed", "jc-leipzig", unlisted=RolloutState.LIVE) is RolloutState.LIVE


def _problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(RoadmapError) as caught:
        parse_roadmap(text, source=Path("roadmap/roadmap.yaml"))
    assert str(caught.value).startswith("roadmap/roadmap.yaml: ")
    return caught.value.problems


@pytest.mark.parametrize(
    ("old", "new", "place", "says"),
    [
        ("    stage: 3\n", "    stage: 9\n", "services.placement.stage", "stage 9 does not exist"),
        ("    maturity: 4\n", "    maturity: 5\n", "services.ha.maturity", "0 (offline) to 4"),
        ("99050012104000", "9905001210", "services.wba.leika_key", "urn:de:fim:leika:leistung:"),
        (
            "{jc-berlin-mitte: pilot}",
            "{jc-berlin-mitte: beta}",
            "services.placement.rollout.jobcenters.jc-berlin-mitte",
            "one of off, pilot, live, not 'beta'",
        ),
        (
            "{jc-berlin-mitte: pilot}",
            "{jc-hamburg: pilot}",
            "services.placement.rollout.jobcenters.jc-hamburg",
            "unknown jobcenter",
        ),
        ("  demo_slow:\n", "  Demo-Slow:\n", "services.Demo-Slow", "lower-case letters"),
        ("    stage: 3\n", "    stage: 3\n    stufe: 3\n", "services.placement.stufe", "unknown field 'stufe'"),
        ("    status: planned\n", "    status: someday\n", "stages.3.status", "done, in_progress, planned"),
        (
            "    planned: true\n",
            "    planned: true\n    rollout: {default: live}\n",
            "services.ha",
            "rollout must be off everywhere",
        ),
    ],
)
def test_each_mistake_names_its_place_and_the_fix(old: str, new: str, place: str, says: str) -> None:
    assert old in SHIPPED
    problems = _problems(SHIPPED.replace(old, new, 1))
    assert any(where == place and says in message for where, message in problems), problems


def test_all_field_mistakes_are_reported_at_once() -> None:
    text = SHIPPED.replace("    maturity: 4\n", "    maturity: -1\n", 1).replace("99050012104000", "1", 1)
    places = {place for place, _ in _problems(text)}
    assert {"services.ha.maturity", "services.wba.leika_key"} <= places


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "roadmap.yaml"
    path.write_text(SHIPPED + "\n  : [\n", encoding="utf-8")
    with pytest.raises(RoadmapError) as caught:
        load_roadmap(path)
    [(place, message)] = caught.value.problems
    assert place.startswith("line ") and "not valid YAML" in message
    assert str(path) in str(caught.value)


def test_missing_file_is_a_roadmap_error(tmp_path: Path) -> None:
    with pytest.raises(RoadmapError, match="cannot read the roadmap"):
        load_roadmap(tmp_path / "nope.yaml")


def test_cache_follows_edits(tmp_path: Path) -> None:
    path = tmp_path / "roadmap.yaml"
    path.write_text(SHIPPED, encoding="utf-8")
    first = load_roadmap(path)
    edited = SHIPPED.replace("{jc-berlin-mitte: pilot}", "{jc-berlin-mitte: pilot, jc-bremen: pilot}")
    path.write_text(edited, encoding="utf-8")
    import os

    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    second = load_roadmap(path)
    assert second is not first
    assert second.start_state("placement", "jc-bremen", unlisted=RolloutState.OFF) is RolloutState.PILOT
