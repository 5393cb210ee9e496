"""Changing address or bank details needs a sign-in of trust level "substantial" (eID), as on the BA's portal;
everything else works with a plain sign-in ("low")."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from connectors.sdk.registry import ConnectorRegistry
from connectors.vaem.examples import named_examples
from services.store.db import Database
from services.store.models import Submission


def _count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Submission)) or 0)


def _refused_for_trust(response: Any) -> None:
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert error["code"] == "trust_level_insufficient"
    assert "Online-Ausweis" in error["message"] and "substanziell" in error["message"]


@pytest.mark.parametrize("example", ["moved_to_new_flat", "several_changes"])  # address; bank details among others
def test_vaem_address_or_bank_change_needs_substantial(
    client: TestClient, token_for: Any, db: Database, example: str
) -> None:
    form = named_examples()[example]
    _refused_for_trust(client.post("/api/v1/submissions/vaem", json=form, headers=token_for("kd-1001", "low")))
    assert _count(db) == 0  # nothing half-stored
    for level in ("substantial", "high"):
        accepted = client.post("/api/v1/submissions/vaem", json=form, headers=token_for("kd-1001", level))
        assert accepted.status_code == 202, accepted.text
    assert _count(db) == 2


@pytest.mark.parametrize("example", ["new_job", "rent_increase"])
def test_other_vaem_changes_need_only_a_plain_sign_in(client: TestClient, token_for: Any, example: str) -> None:
    form = named_examples()[example]
    response = client.post("/api/v1/submissions/vaem", json=form, headers=token_for("kd-1001", "low"))
    assert response.status_code == 202, response.text


def test_a_wba_with_new_bank_details_needs_substantial(
    client: TestClient, token_for: Any, registry: ConnectorRegistry
) -> None:
    form = copy.deepcopy(registry.get("wba").examples()[0])
    assert not form["bank_details"]["changed"]
    low = token_for("kd-1001", "low")
    assert client.post("/api/v1/submissions/wba", json=form, headers=low).status_code == 202
    form["bank_details"] = {"changed": True, "iban": "DE02 1203 0000 0000 2020 51", "account_holder": "Anna Schmidt"}
    _refused_for_trust(client.post("/api/v1/submissions/wba", json=form, headers=low))
    assert client.post("/api/v1/submissions/wba", json=form, headers=token_for("kd-1001")).status_code == 202


def test_an_invalid_form_is_told_what_to_fix_whatever_the_trust_level(client: TestClient, token_for: Any) -> None:
    form = copy.deepcopy(named_examples()["moved_to_new_flat"])
    form["changes"][0]["new_address"]["postal_code"] = "1234"
    response = client.post("/api/v1/submissions/vaem", json=form, headers=token_for("kd-1001", "low"))
    assert response.status_code == 422 and response.json()["error"]["code"] == "validation_failed"


def test_a_draft_with_new_bank_details_is_filed_only_with_substantial(
    client: TestClient, token_for: Any, registry: ConnectorRegistry
) -> None:
    low, eid = token_for("kd-1002", "low"), token_for("kd-1002")
    first = copy.deepcopy(registry.get("wba").examples()[-1])
    assert client.post("/api/v1/submissions/wba", json=first, headers=low).status_code == 202
    draft = client.post("/api/v1/drafts/wba", headers=low).json()  # starting and editing a draft: low is enough
    for section in ("household", "income", "housing", "assets", "health_insurance"):
        put = client.put(f"/api/v1/drafts/{draft['id']}/sections/{section}", json={"confirm": True}, headers=low)
        assert put.status_code == 200
    bank = {"changed": True, "iban": "DE02 1203 0000 0000 2020 51", "account_holder": "Jürgen Weiß"}
    declarations = {"truthful_information": True, "duty_to_report_changes": True, "data_processing_acknowledged": True}
    for section, value in (("bank_details", bank), ("declarations", declarations)):
        put = client.put(f"/api/v1/drafts/{draft['id']}/sections/{section}", json={"value": value}, headers=low)
        assert put.status_code == 200, put.text

    _refused_for_trust(client.post(f"/api/v1/drafts/{draft['id']}/submit", headers=low))
    assert client.get(f"/api/v1/drafts/{draft['id']}", headers=low).json()["submission_id"] is None
    assert client.post(f"/api/v1/drafts/{draft['id']}/submit", headers=eid).status_code == 202


def test_reading_the_postfach_and_status_works_at_low(client: TestClient, token_for: Any) -> None:
    low = token_for("kd-1001", "low")
    filed = client.post("/api/v1/submissions/vaem", json=named_examples()["new_job"], headers=low).json()
    assert client.get(filed["status_url"], headers=low).status_code == 200
    assert client.get("/api/v1/mailbox", headers=low).status_code == 200
    assert client.get("/api/v1/mailbox/threads", headers=low).status_code == 200


def test_the_dev_token_endpoint_mints_the_requested_trust_level(client: TestClient) -> None:
    low = client.post("/api/v1/dev/token", json={"customer_id": "kd-1001", "trust_level": "low"}).json()
    headers = {"Authorization": f"Bearer {low['access_token']}"}
    _refused_for_trust(
        client.post("/api/v1/submissions/vaem", json=named_examples()["moved_to_new_flat"], headers=headers)
    )
    default = client.post("/api/v1/dev/token", json={"customer_id": "kd-1001"}).json()  # substantial
    headers = {"Authorization": f"Bearer {default['access_token']}"}
    moved = client.post("/api/v1/submissions/vaem", json=named_examples()["moved_to_new_flat"], headers=headers)
    assert moved.status_code == 202
    bad = client.post("/api/v1/dev/token", json={"customer_id": "kd-1001", "trust_level": "medium"})
    assert bad.status_code == 422
