"""Rollout over HTTP: a service switched off at the customer's jobcenter is refused; the catalogue tells."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from roadmap.model import DEFAULT_PATH, load_roadmap
from services.portal.app import create_app
from services.rollout import promote
from services.settings import Settings
from services.store.db import Database
from tests.placement.conftest import VERBIS_KEY, make_offer
from tests.support.production import production_settings

Headers = Callable[[str], dict[str, str]]


def test_placement_is_refused_in_leipzig_and_accepted_in_berlin(client: TestClient, token_for: Headers) -> None:
    offer = make_offer()
    assert client.post("/api/v1/inbound/placement", json=offer, headers={"X-API-Key": VERBIS_KEY}).status_code == 201
    answer = {"offer_id": offer["offer_id"], "outcome": "applied", "applied_on": offer["issued_on"]}

    leipzig = client.post("/api/v1/submissions/placement", json=answer, headers=token_for("kd-2001"))
    assert leipzig.status_code == 403
    error = leipzig.json()["error"]
    assert error["code"] == "service_not_available"
    assert "ist beim Jobcenter Leipzig noch nicht freigeschaltet" in error["message"]

    berlin = client.post("/api/v1/submissions/placement", json=answer, headers=token_for("kd-1001"))
    assert berlin.status_code == 202, berlin.text


def test_live_and_pilot_services_are_accepted_everywhere(
    client: TestClient, token_for: Headers, registry: ConnectorRegistry
) -> None:
    for customer in ("kd-1001", "kd-2001", "kd-3001", "kd-4001"):
        for service in ("wba", "vaem", "anlage_kdu", "demo_slow"):
            form = registry.get(service).examples()[0]
            response = client.post(f"/api/v1/submissions/{service}", json=form, headers=token_for(customer))
            assert response.status_code == 202, (customer, service, response.text)


def test_a_recorded_demotion_switches_a_service_off_for_filing_and_drafts(
    client: TestClient, token_for: Headers, registry: ConnectorRegistry, db: Database
) -> None:
    headers = token_for("kd-2001")
    wba = registry.get("wba").examples()[0]
    assert client.post("/api/v1/submissions/wba", json=wba, headers=headers).status_code == 202
    draft = client.post("/api/v1/drafts/wba", headers=headers).json()
    with db.session() as session:
        promote(
            session,
            roadmap=load_roadmap(),
            registry=registry,
            service="wba",
            jobcenter_id="jc-leipzig",
            to_state="off",
            changed_by="test",
        )
    for refused in (
        client.post("/api/v1/submissions/wba", json=wba, headers=headers),
        client.post(f"/api/v1/drafts/{draft['id']}/submit", headers=headers),
    ):
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "service_not_available"
    assert client.post("/api/v1/submissions/wba", json=wba, headers=token_for("kd-3001")).status_code == 202


def test_catalogue_shows_rollout_for_the_callers_jobcenter_only(client: TestClient, token_for: Headers) -> None:
    def rollout(headers: dict[str, str] | None = None) -> dict[str, str | None]:
        response = client.get("/api/v1/services", headers=headers or {})
        assert response.status_code == 200
        return {s["key"]: s["rollout"] for s in response.json()}

    anonymous = rollout()
    assert set(anonymous.values()) == {None}
    berlin, leipzig = rollout(token_for("kd-1001")), rollout(token_for("kd-2001"))
    assert (berlin["placement"], leipzig["placement"]) == ("pilot", "off")
    assert berlin["wba"] == leipzig["wba"] == "live"
    assert leipzig["demo_failing"] == "pilot"
    detail = client.get("/api/v1/services/placement", headers=token_for("kd-2001")).json()
    assert detail["rollout"] == "off" and detail["maturity"] == 3 and detail["roadmap_stage"] == 3
    bad = client.get("/api/v1/services", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401


@pytest.mark.parametrize(("unlisted", "expected"), [(None, 202), ("off", 403)])
def test_services_missing_from_the_roadmap_follow_the_setting(
    settings: Settings,
    db: Database,
    registry: ConnectorRegistry,
    token_for: Headers,
    tmp_path: Path,
    unlisted: str | None,
    expected: int,
) -> None:
    """A freshly scaffolded connector works in development; production (default off) needs the roadmap."""
    trimmed = tmp_path / "roadmap.yaml"
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    start = text.index("  vaem:\n")
    trimmed.write_text(text[:start] + text[text.index("  anlage_wep:\n") :], encoding="utf-8")
    configured = settings.model_copy(update={"roadmap_path": trimmed, "rollout_default_unlisted": unlisted})
    with TestClient(create_app(configured, db=db, registry=registry)) as client:
        response = client.post(
            "/api/v1/submissions/vaem", json=registry.get("vaem").examples()[0], headers=token_for("kd-1001")
        )
        assert response.status_code == expected, response.text


def test_production_refuses_unlisted_live() -> None:
    with pytest.raises(ValueError, match="OZGFLOW_ROLLOUT_DEFAULT_UNLISTED=live is refused in production"):
        production_settings(rollout_default_unlisted="live")
    assert production_settings().resolved_rollout_default_unlisted == "off"
    assert Settings(_env_file=None, environment="development").resolved_rollout_default_unlisted == "live"  # type: ignore[call-arg]
