"""roadmap.yaml and the installed connectors tell the same story (LeiKa key, maturity, stage)."""

from __future__ import annotations

from importlib.metadata import EntryPoint

from connectors.sdk.registry import ConnectorRegistry
from roadmap.check import check_against
from roadmap.model import load_roadmap


def test_every_installed_connector_is_on_the_roadmap_and_agrees(registry: ConnectorRegistry) -> None:
    roadmap = load_roadmap()
    for connector in registry:
        key, entry = connector.key, roadmap.services[connector.key]
        assert entry.leika_key == connector.leika_key, key
        assert entry.maturity == int(connector.maturity), key
        assert entry.stage == connector.roadmap_stage, key
        assert not entry.planned, key
    report = check_against(roadmap, registry)
    assert report.errors == [] and report.warnings == []


def test_planned_services_have_no_connector_yet(registry: ConnectorRegistry) -> None:
    planned = {key for key, entry in load_roadmap().services.items() if entry.planned}
    assert planned == {"ha", "termine", "bescheide"}
    assert not planned & set(registry.keys())


def test_check_reports_disagreement_unknown_and_unlisted_services() -> None:
    only_wba = ConnectorRegistry.from_entry_points(
        [EntryPoint("wba", "connectors.wba:connector", "ozgflow.connectors")]
    )
    roadmap = load_roadmap()
    report = check_against(roadmap, only_wba, unlisted="off")
    assert any(e.startswith("services.vaem: no connector 'vaem' is installed") for e in report.errors)
    assert not any(e.startswith("services.ha") for e in report.errors)  # planned: fine without a connector

    changed = roadmap.model_copy(
        update={"services": {**roadmap.services, "wba": roadmap.services["wba"].model_copy(update={"maturity": 4})}}
    )
    assert any("services.wba.maturity" in e and "make them agree" in e for e in check_against(changed, only_wba).errors)

    without_wba = roadmap.model_copy(update={"services": {k: v for k, v in roadmap.services.items() if k != "wba"}})
    warnings = check_against(without_wba, only_wba, unlisted="off").warnings
    assert any(
        w.startswith("services.wba: installed but not on the roadmap") and "off everywhere" in w for w in warnings
    )
