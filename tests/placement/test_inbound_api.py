"""The inbound API: per-system API keys, validation, idempotent storage, the notice in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select

from connectors.sdk.registry import ConnectorRegistry
from services.portal.app import create_app
from services.settings import DEV_INBOUND_API_KEYS, Settings
from services.store.db import Database
from services.store.models import InboundItem, Jobcenter, MailboxMessage
from tests.placement.conftest import VERBIS_KEY, make_offer
from tests.support.production import production_settings

URL = "/api/v1/inbound/placement"
KEY = {"X-API-Key": VERBIS_KEY}


def _counts(db: Database) -> tuple[int, int]:
    with db.session() as session:
        items = session.scalar(select(func.count()).select_from(InboundItem)) or 0
        messages = session.scalar(select(func.count()).select_from(MailboxMessage)) or 0
    return items, messages


def _error(response: Any) -> str:
    return str(response.json()["error"]["code"])


def test_offer_is_stored_routed_and_announced_in_the_postfach(
    client: TestClient, db: Database, token_for: Callable[[str], dict[str, str]]
) -> None:
    offer = make_offer()
    response = client.post(URL, json=offer, headers=KEY)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"item_id", "mailbox_message_id", "due_at"}
    with db.session() as session:
        item = session.get(InboundItem, body["item_id"])
        assert item is not None
        assert (item.customer_id, item.jobcenter_id, item.status) == ("kd-1001", "jc-berlin-mitte", "open")
        assert item.external_id == offer["offer_id"] and item.remind_at is not None
    mailbox = client.get("/api/v1/mailbox", headers=token_for("kd-1001")).json()["messages"]
    assert [m["id"] for m in mailbox] == [body["mailbox_message_id"]]
    message = mailbox[0]
    assert message["kind"] == "placement_offer" and message["jobcenter_name"] == "Jobcenter Berlin Mitte"
    assert "Rechtsfolgenbelehrung (§ 31 SGB II)" in message["body"] and "Rückmeldung bis" in message["body"]


def test_same_offer_twice_gives_the_same_item_and_one_message(client: TestClient, db: Database) -> None:
    offer = make_offer()
    first = client.post(URL, json=offer, headers=KEY)
    again = client.post(URL, json=offer, headers=KEY)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert _counts(db) == (1, 1)
    changed = client.post(URL, json={**offer, "job_title": "Koch (m/w/d)"}, headers=KEY)
    assert (changed.status_code, _error(changed)) == (409, "external_id_reused")
    assert _counts(db) == (1, 1)


def test_offer_without_postfach_is_stored_and_told_by_letter(client: TestClient, db: Database) -> None:
    """The jobcenter switched its Postfach off: the offer is still stored (deadline runs), no message written."""
    with db.session() as session:
        jobcenter = session.get(Jobcenter, "jc-berlin-mitte")
        assert jobcenter is not None
        jobcenter.mailbox_state = "off"
    offer = make_offer()
    first = client.post(URL, json=offer, headers=KEY)
    again = client.post(URL, json=offer, headers=KEY)
    assert (first.status_code, again.status_code) == (201, 200), first.text
    assert first.json()["mailbox_message_id"] is None and again.json() == first.json()
    assert _counts(db) == (1, 0)


def test_api_key_is_required_and_must_belong_to_the_services_system(
    client: TestClient, settings: Settings, db: Database, registry: ConnectorRegistry
) -> None:
    missing = client.post(URL, json=make_offer())
    wrong = client.post(URL, json=make_offer(), headers={"X-API-Key": "guessed"})
    assert (missing.status_code, _error(missing)) == (401, "unauthenticated")
    assert (wrong.status_code, _error(wrong)) == (401, "invalid_api_key")
    umlaut = client.post(URL, json=make_offer(), headers={"X-API-Key": "schlüssel".encode("latin-1")})
    assert (umlaut.status_code, _error(umlaut)) == (401, "invalid_api_key")  # a plain no, not a 500
    assert "message" in wrong.json()["error"]
    other = settings.model_copy(update={"inbound_api_keys": {"verbis": VERBIS_KEY, "allegro": "allegro-key"}})
    with TestClient(create_app(other, db=db, registry=registry)) as other_client:
        forbidden = other_client.post(URL, json=make_offer(), headers={"X-API-Key": "allegro-key"})
        not_two_way = other_client.post("/api/v1/inbound/wba", json={}, headers=KEY)
    assert (forbidden.status_code, _error(forbidden)) == (403, "forbidden")
    assert (not_two_way.status_code, _error(not_two_way)) == (404, "unknown_service")
    assert _counts(db) == (0, 0)


def test_unknown_customer_invalid_offer_and_past_deadline_are_refused(client: TestClient, db: Database) -> None:
    unknown = client.post(URL, json=make_offer("11111BG0000001"), headers=KEY)
    assert (unknown.status_code, _error(unknown)) == (422, "unknown_customer")
    invalid = client.post(URL, json=make_offer(bg_number="12345", job_title=""), headers=KEY)
    assert (invalid.status_code, _error(invalid)) == (422, "validation_failed")
    fields = {f["field"]: f["message"] for f in invalid.json()["error"]["fields"]}
    assert "BG-Nummer" in fields["bg_number"] and "mindestens 1 Zeichen" in fields["job_title"]
    late = client.post(URL, json=make_offer(respond_in_days=-1), headers=KEY)
    assert (late.status_code, _error(late)) == (422, "deadline_passed")
    nowhere = client.post(URL, json=make_offer("99999BG0000001"), headers=KEY)  # kd-9001: no jobcenter
    assert (nowhere.status_code, _error(nowhere)) == (422, "no_responsible_jobcenter")
    assert _counts(db) == (0, 0)


def test_invalid_answers_get_german_field_messages(
    client: TestClient, token_for: Callable[[str], dict[str, str]]
) -> None:
    assert client.post(URL, json=make_offer(), headers=KEY).status_code == 201  # an offer exists, but not VV-X
    headers = token_for("kd-1001")
    typed = client.post("/api/v1/submissions/placement", json={"outcome": "vielleicht"}, headers=headers)
    assert (typed.status_code, _error(typed)) == (422, "validation_failed")
    fields = {f["field"]: f["message"] for f in typed.json()["error"]["fields"]}
    assert "Pflichtfeld" in fields["offer_id"] and "zulässigen Werte" in fields["outcome"]
    contradictory = {"offer_id": "VV-X", "outcome": "not_applied", "applied_on": "2026-01-02"}
    checked = client.post("/api/v1/submissions/placement", json=contradictory, headers=headers)
    assert (checked.status_code, _error(checked)) == (422, "plausibility_failed")
    fields = {f["field"]: f["message"] for f in checked.json()["error"]["fields"]}
    assert set(fields) == {"applied_on", "reason"} and "Gründe" in fields["reason"]
    unknown = client.post(
        "/api/v1/submissions/placement",
        json={"offer_id": "VV-X", "outcome": "not_applied", "reason": "health"},
        headers=headers,
    )
    assert (unknown.status_code, _error(unknown)) == (422, "unknown_reference")


def test_production_requires_the_systems_own_api_keys() -> None:
    for refused in ({}, {"verbis": "short"}, DEV_INBOUND_API_KEYS):
        with pytest.raises(ValidationError, match="OZGFLOW_INBOUND_API_KEYS"):
            production_settings(inbound_api_keys=refused)
    production = production_settings(inbound_api_keys={"verbis": "a-long-random-production-key"})
    assert production.inbound_api_keys == {"verbis": "a-long-random-production-key"}
