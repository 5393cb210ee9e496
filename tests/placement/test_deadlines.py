"""Response deadlines: one reminder before the deadline, expiry (and a notice) after it, late answers welcome."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import worker_from_settings
from services.inbound.deadlines import DeadlineReport, run_deadlines
from services.pipeline.assembly import build_runner
from services.settings import Settings
from services.store.db import Database
from services.store.models import InboundItem, MailboxMessage
from tests.placement.conftest import VERBIS_KEY, make_offer


def _push(client: TestClient, **changes: object) -> str:
    """The new item's id."""
    response = client.post("/api/v1/inbound/placement", json=make_offer(**changes), headers={"X-API-Key": VERBIS_KEY})
    assert response.status_code == 201, response.text
    return str(response.json()["item_id"])


def _state(db: Database, item_id: str) -> tuple[InboundItem, list[str]]:
    with db.session() as session:
        item = session.get(InboundItem, item_id)
        assert item is not None
        kinds = session.scalars(
            select(MailboxMessage.kind)
            .where(MailboxMessage.dedup_key.like(f"%{item_id}"))
            .order_by(MailboxMessage.kind)
        ).all()
    return item, list(kinds)


def test_reminder_once_before_the_deadline_then_expiry(
    client: TestClient, db: Database, registry: ConnectorRegistry, token_for: Callable[[str], dict[str, str]]
) -> None:
    item_id = _push(client)
    item, _ = _state(db, item_id)
    assert item.remind_at is not None and item.due_at is not None

    assert run_deadlines(db, registry, now=item.remind_at - timedelta(minutes=1)) == DeadlineReport(0, 0)
    assert run_deadlines(db, registry, now=item.remind_at + timedelta(minutes=1)) == DeadlineReport(1, 0)
    assert run_deadlines(db, registry, now=item.remind_at + timedelta(hours=1)) == DeadlineReport(0, 0)
    reminded, kinds = _state(db, item_id)
    assert reminded.reminded_at is not None and reminded.status == "open"
    assert kinds == ["placement_offer", "placement_offer_reminder"]

    assert run_deadlines(db, registry, now=item.due_at + timedelta(seconds=1)) == DeadlineReport(0, 1)
    assert run_deadlines(db, registry, now=item.due_at + timedelta(days=1)) == DeadlineReport(0, 0)
    expired, kinds = _state(db, item_id)
    assert expired.status == "expired"
    assert kinds == ["placement_offer", "placement_offer_expired", "placement_offer_reminder"]
    mailbox = client.get("/api/v1/mailbox", headers=token_for("kd-1001")).json()["messages"]
    texts = {m["kind"]: m for m in mailbox}
    assert "Erinnerung" in texts["placement_offer_reminder"]["subject"]
    assert "Rechtsfolgenbelehrung" in texts["placement_offer_reminder"]["body"]
    assert "abgelaufen" in texts["placement_offer_expired"]["body"]
    assert {m["jobcenter_name"] for m in mailbox} == {"Jobcenter Berlin Mitte"}

    # A late answer is still taken (the jobcenter wants it); a second answer is not.
    headers = token_for("kd-1001")
    answer = {"offer_id": expired.external_id, "outcome": "not_applied", "reason": "position_filled"}
    assert client.post("/api/v1/submissions/placement", json=answer, headers=headers).status_code == 202
    again = client.post("/api/v1/submissions/placement", json=answer, headers=headers)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_answered")


def test_answered_items_get_neither_reminder_nor_expiry(
    client: TestClient, db: Database, registry: ConnectorRegistry, token_for: Callable[[str], dict[str, str]]
) -> None:
    item_id = _push(client)
    item, _ = _state(db, item_id)
    answer = {"offer_id": item.external_id, "outcome": "not_applied", "reason": "health"}
    assert client.post("/api/v1/submissions/placement", json=answer, headers=token_for("kd-1001")).status_code == 202
    assert item.due_at is not None
    assert run_deadlines(db, registry, now=item.due_at + timedelta(days=1)) == DeadlineReport(0, 0)
    assert _state(db, item_id)[0].status == "answered"


def test_short_deadlines_get_no_reminder_and_the_worker_runs_the_deadlines(
    client: TestClient, settings: Settings, db: Database, registry: ConnectorRegistry
) -> None:
    item_id = _push(client, respond_in_days=1)
    item, _ = _state(db, item_id)
    assert item.remind_at is None  # due in about a day: a reminder would only repeat the notice
    with db.session() as session:
        stored = session.get(InboundItem, item_id)
        assert stored is not None and stored.due_at is not None
        stored.due_at = stored.received_at + timedelta(microseconds=1)  # the deadline has just passed
    worker = worker_from_settings(settings, runner=build_runner(settings, db=db, registry=registry))
    asyncio.run(worker.run_maintenance())
    assert _state(db, item_id)[0].status == "expired"
