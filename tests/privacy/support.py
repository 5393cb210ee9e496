"""Seeding a customer with one of everything through the portal's API, and ageing records in the database.

``seed`` files a WBA, prefills a draft from it, starts a Postfach conversation with a PDF attachment and has
VerBIS push a placement offer (its notice queues an e-mail notification). ``complete`` stands in for the
pipeline where a test needs no Prefect: the submission's e-file folder (PDF, JSON), its stage ledger row, an
event, and the receipt in its Postfach thread — written by the same functions the stages use.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from connectors.sdk.registry import ConnectorRegistry
from services.efile.store import EFileStore
from services.intake.routing import route
from services.mailbox.threads import post_jobcenter_message, submission_thread
from services.store.db import Database
from services.store.models import (
    Customer,
    Document,
    Draft,
    EmailNotification,
    InboundItem,
    MailboxMessage,
    MailboxThread,
    StageResult,
    Submission,
    SubmissionEvent,
    utcnow,
)
from tests.placement.conftest import VERBIS_KEY, make_offer
from tests.staff.support import scan_pdf

Headers = dict[str, str]
TokenFor = Callable[[str], Headers]
ANNA, JURGEN = "kd-1001", "kd-1002"
OF_A_CUSTOMER = (Submission, Draft, MailboxThread, MailboxMessage, Document, EmailNotification, InboundItem)
"""Every record type that belongs to one customer: what an export lists and an erasure removes."""
BGS = {"kd-1001": "96101BG0012342", "kd-1002": "96101BG0048817", "kd-2001": "07301BG0003150"}
TOPICS = {"kd-1001": "geldleistungen", "kd-1002": "geldleistungen", "kd-2001": "allgemein"}


@dataclass
class Seeded:
    customer_id: str
    submission_id: str
    receipt_number: str
    draft_id: str
    thread_id: str
    message_id: str
    document_id: str
    attachment: bytes
    inbound_item_id: str


def seed(client: TestClient, headers: Headers, registry: ConnectorRegistry, customer_id: str) -> Seeded:
    form = copy.deepcopy(registry.get("wba").examples()[0])
    filed = client.post("/api/v1/submissions/wba", json=form, headers=headers)
    assert filed.status_code == 202, filed.text
    draft = client.post("/api/v1/drafts/wba", headers=headers)
    assert draft.status_code == 201, draft.text
    attachment = scan_pdf(f"Mietvertrag von {customer_id}")
    thread = client.post(
        "/api/v1/mailbox/threads",
        data={"topic": TOPICS[customer_id], "subject": "Frage zur Miete", "body": f"Nachricht von {customer_id}"},
        files=[("files", ("mietvertrag.pdf", attachment, "application/pdf"))],
        headers=headers,
    )
    assert thread.status_code == 201, thread.text
    [message] = [m for m in thread.json()["message_list"] if m["sender"] == "customer"]
    offer = client.post(
        "/api/v1/inbound/placement", json=make_offer(BGS[customer_id]), headers={"X-API-Key": VERBIS_KEY}
    )
    assert offer.status_code == 201, offer.text
    return Seeded(
        customer_id=customer_id,
        submission_id=filed.json()["id"],
        receipt_number=filed.json()["receipt_number"],
        draft_id=draft.json()["id"],
        thread_id=thread.json()["id"],
        message_id=message["id"],
        document_id=message["attachments"][0]["id"],
        attachment=attachment,
        inbound_item_id=offer.json()["item_id"],
    )


def complete(db: Database, efile: EFileStore, submission_id: str) -> list[str]:
    """Finish a submission as the pipeline would; returns the e-file keys written."""
    with db.session() as session:
        sub = session.get(Submission, submission_id)
        customer = session.get(Customer, sub.customer_id) if sub else None
        assert sub is not None and customer is not None
        decision = route(session, customer=customer, service=sub.service)
        sub.jobcenter_id, sub.team_id = decision.jobcenter.id, decision.team.id
        sub.status, sub.completed_at = "completed", utcnow()
        prefix = f"{sub.jobcenter_id}/{customer.bg_number}/{sub.receipt_number}"
        keys = [f"{prefix}/wba.pdf", f"{prefix}/wba.json"]
        efile.put(keys[0], scan_pdf(f"WBA {sub.receipt_number}"), "application/pdf")
        efile.put(keys[1], json.dumps(sub.form_data).encode(), "application/json")
        session.add(StageResult(submission_id=sub.id, stage="efile", status="succeeded", attempts=1, reference=keys[0]))
        session.add(SubmissionEvent(submission_id=sub.id, kind="processed", actor="sb-test", detail={}))
        if not customer.online_account:
            return keys  # a letter, no Postfach thread (as the mailbox stage does it)
        post_jobcenter_message(
            session,
            thread=submission_thread(session, sub),
            kind="receipt",
            subject=f"Eingangsbestätigung {sub.receipt_number}",
            body="Ihr Antrag ist eingegangen.",
            dedup_key=f"receipt:{sub.id}",
        )
    return keys


def age(db: Database, model: Any, record_id: object, days: float, **extra: Any) -> None:
    """Move every timestamp of one row ``days`` into the past (and set ``extra`` columns)."""
    columns = {
        Submission: ("created_at", "updated_at", "completed_at"),
        Draft: ("created_at", "updated_at"),
        MailboxThread: ("created_at", "last_message_at"),
        MailboxMessage: ("created_at",),
        EmailNotification: ("created_at", "available_at", "sent_at"),
        InboundItem: ("received_at", "due_at", "remind_at", "answered_at"),
        Document: ("created_at",),
    }[model]
    then = utcnow() - timedelta(days=days)
    with db.session() as session:
        session.execute(update(model).where(model.id == record_id).values(**{c: then for c in columns}, **extra))


def age_customer(db: Database, customer_id: str, days: float) -> None:
    """Everything of one customer ``days`` old, finished: the due case for every record type at once."""
    with db.session() as session:
        ids = {
            model: list(session.scalars(select(model.id).where(model.customer_id == customer_id)))
            for model in (Submission, Draft, MailboxThread, MailboxMessage, EmailNotification, InboundItem, Document)
        }
    for model, record_ids in ids.items():
        extra: dict[str, Any] = {}
        if model is EmailNotification:
            extra = {"state": "sent"}
        if model is InboundItem:
            extra = {"status": "expired"}
        for record_id in record_ids:
            age(db, model, record_id, days, **extra)


def count(db: Database, model: Any, customer_id: str) -> int:
    with db.session() as session:
        return len(list(session.scalars(select(model.id).where(model.customer_id == customer_id))))


def now() -> datetime:
    return utcnow()
