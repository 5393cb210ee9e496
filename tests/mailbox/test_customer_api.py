"""The customer's Postfach API: topics, threads, auto-reply, read state, attachments, tenancy, Postfach state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from services.store.db import Database
from services.store.models import Document, EmailNotification, MailboxMessage, MailboxThread
from tests.mailbox.conftest import PDF, PNG, set_email, set_postfach
from tests.mailbox.test_threads import _post, routed_submission

Headers = Callable[[str], dict[str, str]]


def _start(
    client: TestClient,
    headers: dict[str, str],
    *,
    topic: str = "geldleistungen",
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
    extra_headers: dict[str, str] | None = None,
) -> Any:
    data = {"topic": topic, "subject": "Frage zur Nachzahlung", "body": "Wann kommt die Nachzahlung?"}
    return client.post("/api/v1/mailbox/threads", data=data, files=files, headers={**headers, **(extra_headers or {})})


def test_topics_are_the_jobcenters_own_with_its_promise(client: TestClient, token_for: Headers) -> None:
    leipzig = client.get("/api/v1/mailbox/topics", headers=token_for("kd-2001"))
    assert leipzig.status_code == 200, leipzig.text
    body = leipzig.json()
    assert [t["key"] for t in body["topics"]] == ["allgemein", "nachweise"]
    assert body["postfach"]["jobcenter_name"] == "Jobcenter Leipzig"
    assert (body["postfach"]["response_days"], body["postfach"]["pilot"]) == (3, False)
    dortmund = client.get("/api/v1/mailbox/topics", headers=token_for("kd-3001")).json()
    assert dortmund["postfach"]["pilot"] is True and dortmund["postfach"]["state"] == "pilot"


def test_starting_a_thread_routes_it_to_the_topics_team_and_auto_replies_once(
    client: TestClient, token_for: Headers, db: Database
) -> None:
    set_email(db, "kd-1001")
    anna = token_for("kd-1001")
    started = _start(client, anna, topic="veraenderungen")
    assert started.status_code == 201, started.text
    thread = started.json()
    assert thread["topic"] == {"key": "veraenderungen", "title": "Veränderungen mitteilen"}
    assert (thread["jobcenter_name"], thread["response_days"], thread["pilot"]) == ("Jobcenter Berlin Mitte", 5, False)
    kinds = [(m["sender"], m["kind"]) for m in thread["message_list"]]
    assert kinds == [("customer", "customer_message"), ("jobcenter", "auto_reply")]
    auto_reply = thread["message_list"][1]["body"]
    assert "innerhalb von 5 Arbeitstagen" in auto_reply and "{response_days}" not in auto_reply
    assert auto_reply.rstrip().endswith("Mit freundlichen Grüßen\nJobcenter Berlin Mitte")  # the jobcenter's closing
    assert "030 5555 1000" in auto_reply
    with db.session() as session:
        stored = session.get(MailboxThread, thread["id"])
        assert stored is not None
        assert (stored.team_id, stored.status) == ("jc-berlin-mitte/veraenderungen", "open")
        # the customer is online: no e-mail for the auto-reply, none for their own message
        assert session.scalar(select(func.count()).select_from(EmailNotification)) == 0

    answered = client.post(
        f"/api/v1/mailbox/threads/{thread['id']}/messages", data={"body": "Noch eine Frage."}, headers=anna
    )
    assert answered.status_code == 201, answered.text
    detail = client.get(f"/api/v1/mailbox/threads/{thread['id']}", headers=anna).json()
    assert [m["kind"] for m in detail["message_list"]].count("auto_reply") == 1


def test_leipzig_sends_no_auto_reply(client: TestClient, token_for: Headers) -> None:
    started = _start(client, token_for("kd-2001"), topic="allgemein")
    assert started.status_code == 201, started.text
    assert [m["kind"] for m in started.json()["message_list"]] == ["customer_message"]


def test_unread_counts_and_reading_marks_the_jobcenters_messages_read(
    client: TestClient, token_for: Headers, db: Database
) -> None:
    submission_id = routed_submission(db)
    _post(db, submission_id, key="receipt:a")
    _post(db, submission_id, key="note:b")
    anna = token_for("kd-1001")
    listing = client.get("/api/v1/mailbox/threads", headers=anna).json()
    assert listing["unread"] == 2
    [thread] = listing["threads"]
    assert (thread["unread"], thread["messages"], thread["submission_id"]) == (2, 2, submission_id)
    assert thread["receipt_number"].startswith("T-")
    detail = client.get(f"/api/v1/mailbox/threads/{thread['id']}", headers=anna).json()
    assert all(m["read_at"] for m in detail["message_list"])
    assert client.get("/api/v1/mailbox/threads", headers=anna).json()["unread"] == 0
    assert client.get("/api/v1/mailbox", headers=anna).json()["unread"] == 0  # the flat view agrees


def test_customers_never_see_each_others_threads(client: TestClient, token_for: Headers) -> None:
    thread = _start(client, token_for("kd-1001")).json()
    jurgen = token_for("kd-1002")  # same jobcenter, other household
    assert client.get("/api/v1/mailbox/threads", headers=jurgen).json()["threads"] == []
    for response in (
        client.get(f"/api/v1/mailbox/threads/{thread['id']}", headers=jurgen),
        client.post(f"/api/v1/mailbox/threads/{thread['id']}/messages", data={"body": "x"}, headers=jurgen),
    ):
        assert response.status_code == 404 and response.json()["error"]["code"] == "thread_not_found"


def test_a_closed_postfach_names_the_jobcenter_and_how_to_reach_it(
    client: TestClient, token_for: Headers, db: Database
) -> None:
    thread = _start(client, token_for("kd-1001")).json()
    set_postfach(db, "jc-berlin-mitte", mailbox_state="off")
    anna = token_for("kd-1001")
    for response in (
        client.get("/api/v1/mailbox/threads", headers=anna),
        client.get("/api/v1/mailbox/topics", headers=anna),
        client.get(f"/api/v1/mailbox/threads/{thread['id']}", headers=anna),
        _start(client, anna),
        client.post(f"/api/v1/mailbox/threads/{thread['id']}/messages", data={"body": "Hallo?"}, headers=anna),
        client.get("/api/v1/mailbox", headers=anna),
    ):
        assert response.status_code == 403, response.text
        error = response.json()["error"]
        assert error["code"] == "mailbox_off"
        assert "Jobcenter Berlin Mitte" in error["message"] and "030 5555 1000" in error["message"]
        assert "Seydelstraße" in error["message"]
    assert client.get("/api/v1/mailbox/threads", headers=token_for("kd-2001")).status_code == 200  # others unaffected


def test_bad_input_is_refused_with_codes_and_nothing_is_stored(
    client: TestClient, token_for: Headers, db: Database
) -> None:
    anna = token_for("kd-1001")
    cases = {
        "unknown_topic": _start(client, anna, topic="steuern"),
        "empty_message": client.post(
            "/api/v1/mailbox/threads", data={"topic": "nachweise", "subject": "x", "body": "  "}, headers=anna
        ),
        "invalid_subject": client.post(
            "/api/v1/mailbox/threads", data={"topic": "nachweise", "subject": " ", "body": "x"}, headers=anna
        ),
        "unsupported_file_type": _start(
            client, anna, files=[("files", ("a.pdf", b"MZ\x90\x00exe", "application/pdf"))]
        ),
        "upload_too_large": _start(client, anna, files=[("files", ("big.pdf", PDF + b"0" * 5000, "application/pdf"))]),
        "validation_failed": client.post("/api/v1/mailbox/threads", data={"topic": "nachweise"}, headers=anna),
        "no_online_account": _start(client, token_for("kd-1003")),
    }
    statuses = {code: (r.status_code, r.json()["error"]["code"]) for code, r in cases.items()}
    assert statuses == {
        "unknown_topic": (422, "unknown_topic"),
        "empty_message": (422, "empty_message"),
        "invalid_subject": (422, "invalid_subject"),
        "unsupported_file_type": (415, "unsupported_file_type"),
        "upload_too_large": (413, "upload_too_large"),
        "validation_failed": (422, "validation_failed"),
        "no_online_account": (403, "no_online_account"),
    }
    assert "nachweise" in cases["unknown_topic"].json()["error"]["message"]  # says what to pick instead
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(MailboxThread)) == 0
        assert session.scalar(select(func.count()).select_from(MailboxMessage)) == 0
        assert session.scalar(select(func.count()).select_from(Document)) == 0


def test_attachments_are_stored_and_only_their_owner_or_jobcenter_can_download_them(
    client: TestClient, token_for: Headers, staff_token: Headers
) -> None:
    anna = token_for("kd-1001")
    started = _start(
        client,
        anna,
        topic="nachweise",
        files=[("files", ("../Lohn abrechnung.pdf", PDF, "image/gif")), ("files", ("foto.png", PNG, "image/png"))],
    )
    assert started.status_code == 201, started.text
    attachments = started.json()["message_list"][0]["attachments"]
    assert [(a["filename"], a["media_type"]) for a in attachments] == [
        ("Lohn_abrechnung.pdf", "application/pdf"),
        ("foto.png", "image/png"),
    ]
    url = attachments[0]["url"]
    own = client.get(url, headers=anna)
    assert own.status_code == 200 and own.content == PDF
    assert own.headers["content-type"] == "application/pdf" and "attachment" in own.headers["content-disposition"]
    assert client.get(url, headers=staff_token("sb-berlin-2")).content == PDF  # the jobcenter's staff
    for stranger in (token_for("kd-1002"), staff_token("sb-leipzig-1")):
        refused = client.get(url, headers=stranger)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "attachment_not_found"
    assert client.get(url).status_code == 401
    # signed in by the portal's sign-in cookie (a link in a page sends no header): the same answers
    cookie = {"Cookie": f"ozgflow_session={anna['Authorization'].removeprefix('Bearer ')}"}
    assert client.get(url, headers=cookie).content == PDF
    stranger = {"Cookie": f"ozgflow_session={token_for('kd-1002')['Authorization'].removeprefix('Bearer ')}"}
    assert client.get(url, headers=stranger).status_code == 404


def test_a_repeated_request_with_the_same_idempotency_key_writes_once(
    client: TestClient, token_for: Headers, db: Database
) -> None:
    anna = token_for("kd-1001")
    first = _start(client, anna, extra_headers={"Idempotency-Key": "k-1"}).json()
    again = _start(client, anna, extra_headers={"Idempotency-Key": "k-1"}).json()
    assert again["id"] == first["id"]
    url = f"/api/v1/mailbox/threads/{first['id']}/messages"
    one = client.post(url, data={"body": "Nachtrag"}, headers={**anna, "Idempotency-Key": "k-2"}).json()
    two = client.post(url, data={"body": "Nachtrag"}, headers={**anna, "Idempotency-Key": "k-2"}).json()
    assert one["id"] == two["id"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(MailboxThread)) == 1
        senders = session.scalars(select(MailboxMessage.sender)).all()
    assert sorted(senders) == ["customer", "customer", "jobcenter"]  # first message, Nachtrag, auto-reply


def test_the_flat_view_keeps_its_fields_and_lists_only_the_jobcenters_messages(
    client: TestClient, token_for: Headers, db: Database
) -> None:
    anna = token_for("kd-1001")
    _start(client, anna)  # the customer's own message is not "from the jobcenter"
    messages = client.get("/api/v1/mailbox", headers=anna).json()["messages"]
    assert [m["kind"] for m in messages] == ["auto_reply"]
    assert {
        "id",
        "kind",
        "subject",
        "body",
        "created_at",
        "read_at",
        "jobcenter_id",
        "jobcenter_name",
        "submission_id",
        "receipt_number",
        "thread_id",
    } == set(messages[0])
    opened = client.get(f"/api/v1/mailbox/{messages[0]['id']}", headers=anna)
    assert opened.status_code == 200 and opened.json()["read_at"]
