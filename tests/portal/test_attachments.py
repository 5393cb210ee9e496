"""Anlagen attached to a WBA: allowed parents only, the customer's own only, named in documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from services.pipeline.assembly import build_runner
from services.settings import Settings
from services.store.db import Database


def _file(
    client: TestClient, registry: ConnectorRegistry, headers: dict[str, str], service: str, attach_to: str | None = None
):  # type: ignore[no-untyped-def]
    form = copy.deepcopy(registry.get(service).examples()[0])
    params = {"attach_to": attach_to} if attach_to else None
    return client.post(f"/api/v1/submissions/{service}", json=form, headers=headers, params=params)


@pytest.fixture
def anlage(registry: ConnectorRegistry) -> str:
    if "anlage_kdu" not in registry:
        pytest.skip("the Anlagen connectors are not installed")
    return "anlage_kdu"


def test_anlage_attached_to_a_wba_runs_through_the_pipeline_and_names_it(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for,
    db: Database,
    settings: Settings,  # type: ignore[no-untyped-def]
    simulator,
    anlage: str,
) -> None:
    headers = token_for("kd-1001")
    wba = _file(client, registry, headers, "wba").json()
    attached = _file(client, registry, headers, anlage, attach_to=wba["id"])
    assert attached.status_code == 202, attached.text
    status = client.get(attached.json()["status_url"], headers=headers).json()
    assert status["attached_to"] == wba["id"]
    assert client.get(wba["status_url"], headers=headers).json()["attachments"] == [attached.json()["id"]]

    runner = build_runner(settings, db=db, registry=registry)
    runner.run_all(wba["id"])
    runner.run_all(attached.json()["id"])
    efile_root = Path(settings.resolved_efile_url.removeprefix("file://"))
    record = json.loads(next(efile_root.rglob(f"{anlage}.json")).read_text())
    assert record["attached_to_receipt_number"] == wba["receipt_number"]
    [case] = [c for c in simulator.cases() if c["eingangsnummer"] == attached.json()["receipt_number"]]
    assert case


def test_attachments_are_refused_where_the_domain_does_not_allow_them(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for,
    anlage: str,  # type: ignore[no-untyped-def]
) -> None:
    mine = token_for("kd-1001")
    wba = _file(client, registry, mine, "wba").json()
    vaem = _file(client, registry, mine, "vaem").json()

    foreign = _file(client, registry, token_for("kd-1002"), anlage, attach_to=wba["id"])
    assert foreign.status_code == 422 and foreign.json()["error"]["code"] == "unknown_parent"
    to_vaem = _file(client, registry, mine, anlage, attach_to=vaem["id"])
    assert to_vaem.status_code == 422 and to_vaem.json()["error"]["code"] == "not_attachable_to"
    wba_to_wba = _file(client, registry, mine, "wba", attach_to=wba["id"])
    assert wba_to_wba.status_code == 422 and wba_to_wba.json()["error"]["code"] == "not_attachable"
    standalone = _file(client, registry, mine, anlage)
    assert standalone.status_code == 202  # an Anlage asked for by the jobcenter is filed on its own
