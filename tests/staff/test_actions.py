"""Reassign, mark processed, reply: each changes what it should, is recorded in the case history, and the
reply reaches the customer's Postfach."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker
from services.efile.store import EFileStore
from services.mailbox.conversations import reply as customer_reply
from services.mailbox.conversations import start_thread
from services.pipeline.assembly import build_runner
from services.settings import Settings
from services.store.db import Database
from services.store.models import Customer, MailboxMessage, MailboxThread, Submission, SubmissionEvent
from services.transfer.simulator import SimulatorState
from tests.staff.support import (
    LEISTUNG_1,
    LEISTUNG_2,
    TokenFor,
    file_and_route,
    inbox,
    receipts,
    staff_headers,
    written,
)
from tests.support.pipeline import file_submission, run_worker_until, statuses


@pytest.fixture
def wba(
    client: TestClient,
    token_for: TokenFor,
    registry: ConnectorRegistry,
    db: Database,
    worker: PipelineWorker,
    simulator: SimulatorState,
) -> dict[str, Any]:
    """kd-1001's WBA, routed to Leistungsteam 1 and completed."""
    return file_and_route(client, token_for, registry, db, worker, [("kd-1001", "wba")])["kd-1001", "wba"]


def _events(db: Database, submission_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    with db.session() as session:
        rows = session.query(SubmissionEvent).filter_by(submission_id=submission_id).order_by(SubmissionEvent.id)
        return [(e.kind, e.actor, e.detail) for e in rows]


def test_reassign_moves_the_submission_to_another_team_of_the_same_jobcenter(
    client: TestClient, wba: dict[str, Any], db: Database
) -> None:
    sb1, sb2 = staff_headers(client, "sb-berlin-1"), staff_headers(client, "sb-berlin-2")
    url = f"/api/v1/staff/submissions/{wba['id']}"
    moved = client.post(f"{url}/reassign", headers=sb1, json={"team_id": LEISTUNG_2})
    assert moved.status_code == 200 and moved.json() == {
        "id": wba["id"],
        "kind": "submission",
        "changed": True,
        "state": "open",
        "team_id": LEISTUNG_2,
    }
    assert wba["receipt_number"] not in receipts(inbox(client, sb1))
    assert wba["receipt_number"] in receipts(inbox(client, sb2))
    assert client.post(f"{url}/reassign", headers=sb2, json={"team_id": LEISTUNG_2}).json()["changed"] is False

    for team, code in (("jc-bremen/leistung", "unknown_team"), ("nope", "unknown_team")):
        refused = client.post(f"{url}/reassign", headers=sb2, json={"team_id": team})
        assert refused.status_code == 422 and refused.json()["error"]["code"] == code
    assert client.post(f"{url}/reassign", headers=sb2, json={}).status_code == 422
    assert _events(db, wba["id"]) == [("reassigned", "sb-berlin-1", {"from_team": LEISTUNG_1, "to_team": LEISTUNG_2})]
    view = client.get(url, headers=sb2).json()
    assert view["team_id"] == LEISTUNG_2 and view["events"][0]["actor_name"].startswith("Sachbearbeitung Leistung 1")


def test_processed_and_reopen_are_recorded_once(client: TestClient, wba: dict[str, Any], db: Database) -> None:
    sb1 = staff_headers(client, "sb-berlin-1")
    url = f"/api/v1/staff/submissions/{wba['id']}"
    assert client.post(f"{url}/processed", headers=sb1).json()["changed"] is True
    assert client.post(f"{url}/processed", headers=sb1).json()["changed"] is False
    view = client.get(url, headers=sb1).json()
    assert view["work_state"] == "processed" and view["processed_by"] == "sb-berlin-1" and view["processed_at"]
    assert view["status"] == "completed"  # the pipeline's status is a different thing
    assert client.post(f"{url}/reopen", headers=sb1).json()["state"] == "open"
    assert [kind for kind, _, _ in _events(db, wba["id"])] == ["processed", "reopened"]
    with db.session() as session:
        sub = session.get(Submission, wba["id"])
        assert sub is not None and sub.processed_at is None and sub.processed_by is None


def test_reply_lands_in_the_customers_postfach_and_the_case_history(
    client: TestClient, wba: dict[str, Any], db: Database, token_for: TokenFor
) -> None:
    sb1 = staff_headers(client, "sb-berlin-1")
    body = "Bitte reichen Sie noch die Nebenkostenabrechnung 2025 nach."
    replied = client.post(f"/api/v1/staff/submissions/{wba['id']}/reply", headers=sb1, json={"body": body})
    assert replied.status_code == 201, replied.text
    message_id = replied.json()["message_id"]

    postfach = client.get("/api/v1/mailbox", headers=token_for("kd-1001")).json()
    [answer] = [m for m in postfach["messages"] if m["id"] == message_id]
    assert written(answer) == body and answer["submission_id"] == wba["id"]
    assert "Seydelstraße 2–5" in answer["body"]  # the jobcenter's closing follows what staff wrote
    assert answer["jobcenter_name"] == "Jobcenter Berlin Mitte"
    assert client.get("/api/v1/mailbox", headers=token_for("kd-1002")).json()["messages"] == []

    [(kind, actor, detail)] = _events(db, wba["id"])
    assert (kind, actor, detail["message_id"]) == ("replied", "sb-berlin-1", message_id)
    assert body not in json.dumps(detail)  # the history holds ids only
    view = client.get(f"/api/v1/staff/submissions/{wba['id']}", headers=sb1).json()
    assert [written(m) for m in view["messages"] if m["sender"] == "jobcenter" and m["author_id"]] == [body]

    empty = client.post(f"/api/v1/staff/submissions/{wba['id']}/reply", headers=sb1, json={"body": "   "})
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "empty_message"
    assert len(_events(db, wba["id"])) == 1


def test_pdf_json_and_stages_of_the_efile_view(client: TestClient, wba: dict[str, Any]) -> None:
    sb1 = staff_headers(client, "sb-berlin-1")
    view = client.get(f"/api/v1/staff/submissions/{wba['id']}", headers=sb1).json()
    assert [s["status"] for s in view["stages"]] == ["succeeded"] * 4
    assert view["customer"]["family_name"] == "Schmidt" and view["form_data"]["declarations"]
    pdf = client.get(view["pdf_url"], headers=sb1)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert wba["receipt_number"] in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    record = client.get(view["json_url"], headers=sb1).json()
    assert record["receipt_number"] == wba["receipt_number"] and record["channel"] == "online"


def test_a_customer_conversation_can_be_answered_reassigned_and_closed(
    client: TestClient, db: Database, token_for: TokenFor
) -> None:
    store: EFileStore = client.app.state.ozgflow.efile  # type: ignore[attr-defined]
    with db.session() as session:
        customer = session.get(Customer, "kd-1001")
        assert customer is not None
        thread, _ = start_thread(
            session, store, customer=customer, topic_key="geldleistungen", subject="Zahlung", body="Wann kommt es?"
        )
        thread_id = thread.id
    sb1 = staff_headers(client, "sb-berlin-1")
    url = f"/api/v1/staff/threads/{thread_id}"
    opened = client.get(url, headers=sb1).json()
    assert opened["customer_name"] == "Anna Schmidt" and opened["messages"][0]["body"] == "Wann kommt es?"
    with db.session() as session:
        first = session.query(MailboxMessage).filter_by(thread_id=thread_id, sender="customer").one()
        assert first.read_at is not None  # staff read it

    assert client.post(f"{url}/reply", headers=sb1, json={"body": "Am Monatsende."}).status_code == 201
    assert [i["awaiting_reply"] for i in inbox(client, sb1, kind="message")["items"]] == [False]
    postfach = client.get("/api/v1/mailbox", headers=token_for("kd-1001")).json()
    assert "Am Monatsende." in {written(m) for m in postfach["messages"]}

    assert client.post(f"{url}/reassign", headers=sb1, json={"team_id": LEISTUNG_2}).json()["team_id"] == LEISTUNG_2
    sb2 = staff_headers(client, "sb-berlin-2")
    assert client.post(f"{url}/processed", headers=sb2).json()["state"] == "processed"
    assert inbox(client, sb2, kind="message")["total"] == 0
    assert inbox(client, sb2, kind="message", state="processed")["total"] == 1

    with db.session() as session:  # a new customer message reopens it (the mailbox's rule)
        customer = session.get(Customer, "kd-1001")
        assert customer is not None
        customer_reply(session, store, customer=customer, thread_id=thread_id, body="Danke, und wie viel?")
    assert [i["awaiting_reply"] for i in inbox(client, sb2, kind="message")["items"]] == [True]
    assert client.get(url, headers=staff_headers(client, "sb-bremen-1")).status_code == 404
    with db.session() as session:
        assert session.get(MailboxThread, thread_id).status == "open"  # type: ignore[union-attr]


def test_no_reply_to_a_person_without_postfach(
    client: TestClient,
    registry: ConnectorRegistry,
    db: Database,
    worker: PipelineWorker,
    token_for: TokenFor,
    simulator: SimulatorState,
) -> None:
    # kd-1003 is known only from paper; a token is minted here only to file the form in the test
    filed = file_submission(client, token_for("kd-1003"), "wba", registry.get("wba").examples()[0])
    run_worker_until(worker, lambda: statuses(db, [filed["id"]])[filed["id"]] == "completed")
    admin = staff_headers(client, "admin-berlin")
    refused = client.post(f"/api/v1/staff/submissions/{filed['id']}/reply", headers=admin, json={"body": "Hallo"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "no_online_account"
    with db.session() as session:
        assert session.query(MailboxThread).filter_by(submission_id=filed["id"]).count() == 0
        assert session.query(SubmissionEvent).filter_by(submission_id=filed["id"]).count() == 0


def test_a_routed_submission_shows_before_its_efile_is_filed(
    client: TestClient, registry: ConnectorRegistry, db: Database, settings: Settings, token_for: TokenFor
) -> None:
    filed = file_submission(client, token_for("kd-1001"), "wba", registry.get("wba").examples()[0])
    sb1 = staff_headers(client, "sb-berlin-1")
    assert client.get(f"/api/v1/staff/submissions/{filed['id']}", headers=sb1).status_code == 404  # not routed yet
    build_runner(settings, db=db, registry=registry).run_stage("intake", filed["id"])
    view = client.get(f"/api/v1/staff/submissions/{filed['id']}", headers=sb1).json()
    assert view["pdf_url"] is None and [s["status"] for s in view["stages"]] == ["succeeded"] + ["pending"] * 3
    pending = client.get(f"/api/v1/staff/submissions/{filed['id']}/pdf", headers=sb1)
    assert pending.status_code == 404 and pending.json()["error"]["code"] == "efile_pending"
    assert receipts(inbox(client, sb1)) == {filed["receipt_number"]}
