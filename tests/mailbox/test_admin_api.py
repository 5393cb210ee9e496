"""Jobcenter admins configure their own Postfach: state, response time, auto-reply, topics and their teams."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from services.store.db import Database
from services.store.models import Jobcenter

Headers = Callable[[str], dict[str, str]]
ADMIN = "/api/v1/admin/mailbox"


def test_only_admins_reach_the_configuration(client: TestClient, staff_token: Headers, token_for: Headers) -> None:
    assert client.get(ADMIN, headers=staff_token("sb-berlin-1")).status_code == 403
    assert client.get(ADMIN, headers=token_for("kd-1001")).status_code == 403
    assert client.get(ADMIN).status_code == 401
    own = client.get(ADMIN, headers=staff_token("admin-leipzig")).json()
    assert (own["jobcenter_id"], own["state"], own["response_days"]) == ("jc-leipzig", "live", 3)
    assert [t["id"] for t in own["teams"]] == ["jc-leipzig/eingangszone"]


def test_state_response_time_and_auto_reply_change_what_customers_get(
    client: TestClient, staff_token: Headers, token_for: Headers, db: Database
) -> None:
    admin = staff_token("admin-leipzig")
    changed = client.patch(
        ADMIN,
        json={"state": "pilot", "response_days": 7, "auto_reply": "Danke! Antwort binnen {response_days} Tagen."},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    preview = changed.json()["auto_reply_preview"]  # what customers get: the text, then the jobcenter's closing
    assert preview.startswith("Danke! Antwort binnen 7 Tagen.\n\n") and preview.endswith("Jobcenter Leipzig")
    sabine = token_for("kd-2001")
    started = client.post(
        "/api/v1/mailbox/threads", data={"topic": "allgemein", "subject": "Frage", "body": "Hallo"}, headers=sabine
    ).json()
    assert (started["pilot"], started["response_days"]) == (True, 7)
    assert started["message_list"][-1]["body"] == preview

    assert client.patch(ADMIN, json={"auto_reply": ""}, headers=admin).json()["auto_reply"] is None
    assert client.patch(ADMIN, json={"state": "off"}, headers=admin).json()["state"] == "off"
    assert client.get("/api/v1/mailbox/topics", headers=sabine).json()["error"]["code"] == "mailbox_off"
    with db.session() as session:
        jobcenter = session.get(Jobcenter, "jc-leipzig")
        assert jobcenter is not None and jobcenter.mailbox_state == "off"
        berlin = session.get(Jobcenter, "jc-berlin-mitte")
        assert berlin is not None and berlin.mailbox_state == "live"  # nobody else's


def test_invalid_settings_are_refused_and_nothing_changes(client: TestClient, staff_token: Headers) -> None:
    admin = staff_token("admin-bremen")
    refused = {
        "unknown_placeholder": client.patch(ADMIN, json={"auto_reply": "Antwort in {days} Tagen"}, headers=admin),
        "invalid_response_days": client.patch(ADMIN, json={"response_days": 0}, headers=admin),
        "validation_failed": client.patch(ADMIN, json={"state": "maybe"}, headers=admin),
    }
    assert {code: (r.status_code, r.json()["error"]["code"]) for code, r in refused.items()} == {
        "unknown_placeholder": (422, "unknown_placeholder"),
        "invalid_response_days": (422, "invalid_response_days"),
        "validation_failed": (422, "validation_failed"),
    }
    mixed = client.patch(ADMIN, json={"state": "off", "response_days": 99}, headers=admin)
    assert mixed.status_code == 422
    assert client.get(ADMIN, headers=admin).json()["state"] == "live"  # one transaction: nothing half-stored


def test_topics_crud_routes_to_own_teams_only(client: TestClient, staff_token: Headers, token_for: Headers) -> None:
    admin = staff_token("admin-bremen")
    created = client.post(
        f"{ADMIN}/topics",
        json={"key": "wohnung", "title": "Miete und Wohnung", "team_id": "jc-bremen/leistung", "position": 1},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    topic = created.json()
    keys = [t["key"] for t in client.get("/api/v1/mailbox/topics", headers=token_for("kd-4001")).json()["topics"]]
    assert keys == ["geldleistungen", "wohnung", "veraenderungen"]  # by position, then title

    assert client.post(f"{ADMIN}/topics", json={**topic, "key": "wohnung"}, headers=admin).status_code == 409
    foreign_team = client.post(
        f"{ADMIN}/topics", json={"key": "x", "title": "X", "team_id": "jc-berlin-mitte/leistung-1"}, headers=admin
    )
    assert (foreign_team.status_code, foreign_team.json()["error"]["code"]) == (422, "unknown_team")
    bad_key = client.post(
        f"{ADMIN}/topics", json={"key": "Miete!", "title": "X", "team_id": topic["team_id"]}, headers=admin
    )
    assert bad_key.json()["error"]["code"] == "invalid_topic_key"

    rerouted = client.patch(
        f"{ADMIN}/topics/{topic['id']}", json={"team_id": "jc-bremen/veraenderungen"}, headers=admin
    )
    assert rerouted.status_code == 200 and rerouted.json()["team_id"] == "jc-bremen/veraenderungen"
    lena = token_for("kd-4001")
    thread = client.post(
        "/api/v1/mailbox/threads", data={"topic": "wohnung", "subject": "Miete", "body": "Neue Miete"}, headers=lena
    )
    assert thread.status_code == 201

    other_admin = staff_token("admin-berlin")
    assert client.patch(f"{ADMIN}/topics/{topic['id']}", json={"title": "x"}, headers=other_admin).status_code == 404
    assert client.delete(f"{ADMIN}/topics/{topic['id']}", headers=other_admin).status_code == 404
    in_use = client.delete(f"{ADMIN}/topics/{topic['id']}", headers=admin)
    assert (in_use.status_code, in_use.json()["error"]["code"]) == (409, "topic_in_use")
    assert (
        client.patch(f"{ADMIN}/topics/{topic['id']}", json={"active": False}, headers=admin).json()["active"] is False
    )
    keys = [t["key"] for t in client.get("/api/v1/mailbox/topics", headers=lena).json()["topics"]]
    assert "wohnung" not in keys
    still_listed = client.get(f"/api/v1/mailbox/threads/{thread.json()['id']}", headers=lena).json()
    assert still_listed["topic"]["key"] == "wohnung"  # old threads keep their topic

    spare = client.post(
        f"{ADMIN}/topics", json={"key": "spare", "title": "Ungenutzt", "team_id": "jc-bremen/leistung"}, headers=admin
    ).json()
    assert client.delete(f"{ADMIN}/topics/{spare['id']}", headers=admin).status_code == 204
    assert "spare" not in [t["key"] for t in client.get(f"{ADMIN}/topics", headers=admin).json()]
