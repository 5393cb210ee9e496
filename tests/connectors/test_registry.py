"""Discovery through entry points: broken or duplicate connectors are named and left out; the rest work."""

from __future__ import annotations

import logging
from importlib.metadata import EntryPoint, entry_points

import pytest

from connectors.sdk.registry import ENTRY_POINT_GROUP, ConnectorRegistry, UnknownService


def _ep(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


def test_built_in_connectors_register_through_the_entry_point_group() -> None:
    names = {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert {"wba", "vaem"} <= names
    registry = ConnectorRegistry.from_entry_points()
    assert {"wba", "vaem"} <= set(registry.keys()) and not registry.errors


def test_broken_duplicate_and_incompatible_connectors_are_reported_by_name(caplog: pytest.LogCaptureFixture) -> None:
    eps = [
        *entry_points(group=ENTRY_POINT_GROUP),
        _ep("broken", "tests.connectors.plugins.broken_import:connector"),
        _ep("not_a_connector", "tests.connectors.plugins.misc:not_a_connector"),
        _ep("future", "tests.connectors.plugins.misc:from_the_future"),
        _ep("second_wba", "tests.connectors.plugins.misc:second_wba"),
        _ep("missing_attr", "tests.connectors.plugins.misc:does_not_exist"),
    ]
    with caplog.at_level(logging.ERROR):
        registry = ConnectorRegistry.from_entry_points(eps)
    errors = {e.name: e.reason for e in registry.errors}
    assert set(errors) == {"broken", "not_a_connector", "future", "second_wba", "missing_attr"}
    assert "reportlab_typo" in errors["broken"]
    assert "Connector instance" in errors["not_a_connector"]
    assert "connector SDK 2" in errors["future"]
    assert "'wba'" in errors["second_wba"] and "already registered" in errors["second_wba"]
    assert "does_not_exist" in errors["missing_attr"]
    # the others keep working
    assert {"wba", "vaem"} <= set(registry.keys())
    assert "future_service" not in registry
    assert all(name in caplog.text for name in errors)


def test_unknown_service_lookup_raises_a_typed_error() -> None:
    with pytest.raises(UnknownService):
        ConnectorRegistry.from_entry_points().get("kindergeld")


def test_portal_starts_without_the_broken_connector_and_reports_it(settings, db) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from services.portal.app import create_app

    eps = [*entry_points(group=ENTRY_POINT_GROUP), _ep("broken", "tests.connectors.plugins.broken_import:connector")]
    with TestClient(create_app(settings, db=db, registry=ConnectorRegistry.from_entry_points(eps))) as client:
        ready = client.get("/readyz").json()
        assert ready["connector_errors"] == ["broken"]
        assert "wba" in {s["key"] for s in client.get("/api/v1/services").json()}
