"""The team inbox: routing decides who sees what, filters narrow it, and no jobcenter sees another's."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker
from services.efile.store import EFileStore
from services.mailbox.conversations import start_thread
from services.store.db import Database
from services.store.models import Customer
from services.transfer.simulator import SimulatorState
from tests.staff.support import (
    LEISTUNG_1,
    LEISTUNG_2,
    VAEM_TEAM,
    TokenFor,
    file_and_route,
    inbox,
    receipts,
    staff_headers,
)

PLAN = [("kd-1001", "wba"), ("kd-1001", "vaem"), ("kd-1002", "wba"), ("kd-1002", "vaem")]


@pytest.fixture
def routed(
    client: TestClient,
    token_for: TokenFor,
    registry: ConnectorRegistry,
    db: Database,
    worker: PipelineWorker,
    simulator: SimulatorState,
) -> dict[tuple[str, str], dict[str, Any]]:
    return file_and_route(client, token_for, registry, db, worker, PLAN)


def test_each_team_sees_what_was_routed_to_it_and_other_jobcenters_see_nothing(
    client: TestClient, routed: dict[tuple[str, str], dict[str, Any]]
) -> None:
    number = {key: f["receipt_number"] for key, f in routed.items()}
    everything = set(number.values())

    # kd-1001's BG number ends in 2 (Leistungsteam 1), kd-1002's in 7 (Leistungsteam 2); VÄM has its own team.
    sb1 = inbox(client, staff_headers(client, "sb-berlin-1"))
    assert receipts(sb1) == {number["kd-1001", "wba"]}
    assert sb1["filters"]["team"] == LEISTUNG_1 and sb1["total"] == 1
    assert receipts(inbox(client, staff_headers(client, "sb-berlin-2"))) == {number["kd-1002", "wba"]}
    assert receipts(inbox(client, staff_headers(client, "sb-berlin-vm"))) == {
        number["kd-1001", "vaem"],
        number["kd-1002", "vaem"],
    }
    for without_team in ("admin-berlin", "ez-berlin"):
        listing = inbox(client, staff_headers(client, without_team))
        assert receipts(listing) == everything and listing["filters"]["team"] == "all"
    # staff with a team can look at the whole jobcenter or another team of it
    assert receipts(inbox(client, staff_headers(client, "sb-berlin-1"), team="all")) == everything
    assert receipts(inbox(client, staff_headers(client, "sb-berlin-1"), team=LEISTUNG_2)) == {number["kd-1002", "wba"]}

    item = sb1["items"][0]
    assert item["customer_id"] == "kd-1001" and item["bg_number"] == "96101BG0012342"
    assert item["team_name"].startswith("Leistungsteam 1") and item["pipeline_status"] == "completed"
    assert item["state"] == "open" and item["channel"] == "online"

    bremen = staff_headers(client, "sb-bremen-1")
    assert inbox(client, bremen, team="all")["total"] == 0
    some_id = routed["kd-1001", "wba"]["id"]
    for path in ("", "/pdf", "/json"):
        response = client.get(f"/api/v1/staff/submissions/{some_id}{path}", headers=bremen)
        assert response.status_code == 404 and response.json()["error"]["code"] == "submission_not_found"
    attempts = (("processed", None), ("reassign", {"team_id": "jc-bremen/leistung"}), ("reply", {"body": "x"}))
    for action, body in attempts:
        response = client.post(f"/api/v1/staff/submissions/{some_id}/{action}", headers=bremen, json=body)
        assert response.status_code == 404, (action, response.text)
    # another jobcenter's team is as unknown as a made-up one
    response = inbox_status(client, bremen, team=LEISTUNG_1)
    assert response.status_code == 422 and response.json()["error"]["code"] == "unknown_team"


def inbox_status(client: TestClient, headers: dict[str, str], **params: str) -> Any:
    return client.get("/api/v1/staff/inbox", headers=headers, params=params)


def test_filters_by_kind_service_state_search_and_pages(
    client: TestClient, routed: dict[tuple[str, str], dict[str, Any]], db: Database, settings: Any
) -> None:
    admin = staff_headers(client, "admin-berlin")
    wba_1002 = routed["kd-1002", "wba"]["receipt_number"]
    assert receipts(inbox(client, admin, service="vaem")) == {
        routed["kd-1001", "vaem"]["receipt_number"],
        routed["kd-1002", "vaem"]["receipt_number"],
    }
    assert receipts(inbox(client, admin, q=wba_1002[-5:].lower())) == {wba_1002}
    assert receipts(inbox(client, admin, q="96101BG0048817")) == {
        wba_1002,
        routed["kd-1002", "vaem"]["receipt_number"],
    }
    assert inbox(client, admin, q="%")["total"] == 0  # wildcards are searched for literally

    first, second = inbox(client, admin, per_page="3"), inbox(client, admin, per_page="3", page="2")
    assert (first["total"], first["pages"], len(first["items"]), len(second["items"])) == (4, 2, 3, 1)
    assert not receipts(first) & receipts(second)
    newest_first = [i["at"] for i in first["items"] + second["items"]]
    assert newest_first == sorted(newest_first, reverse=True)

    done = client.post(f"/api/v1/staff/submissions/{routed['kd-1002', 'wba']['id']}/processed", headers=admin)
    assert done.status_code == 200 and done.json()["state"] == "processed"
    assert wba_1002 not in receipts(inbox(client, admin))  # default: open items only
    assert receipts(inbox(client, admin, state="processed")) == {wba_1002}
    assert len(receipts(inbox(client, admin, state="all"))) == 4

    # a customer's message appears as a message, routed by the Postfach topic's team
    with db.session() as session:
        customer = session.get(Customer, "kd-1002")
        assert customer is not None
        store: EFileStore = client.app.state.ozgflow.efile  # type: ignore[attr-defined]
        thread, _ = start_thread(
            session, store, customer=customer, topic_key="veraenderungen", subject="Neue Adresse", body="Ich ziehe um."
        )
        thread_id = thread.id
    messages = inbox(client, admin, kind="message")
    assert [(i["id"], i["subject"], i["team_id"], i["awaiting_reply"]) for i in messages["items"]] == [
        (thread_id, "Neue Adresse", VAEM_TEAM, True)
    ]
    assert inbox(client, admin, kind="submission")["total"] == 3
    assert thread_id in {i["id"] for i in inbox(client, staff_headers(client, "sb-berlin-vm"))["items"]}
    assert thread_id not in {i["id"] for i in inbox(client, staff_headers(client, "sb-berlin-1"))["items"]}


def test_inbox_needs_a_staff_token(client: TestClient, token_for: TokenFor) -> None:
    assert client.get("/api/v1/staff/inbox").status_code == 401
    response = client.get("/api/v1/staff/inbox", headers=token_for("kd-1001"))
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert inbox_status(client, staff_headers(client, "sb-berlin-1"), state="done").status_code == 422
