"""Receipts and placement notices land in Postfach threads; where there is no Postfach the pipeline still succeeds."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from connectors.sdk.registry import ConnectorRegistry
from services.inbound.deadlines import run_deadlines
from services.mailbox.stage import MailboxStage
from services.pipeline.assembly import build_runner
from services.pipeline.job import load_job
from services.settings import Settings
from services.store import ledger
from services.store.db import Database
from services.store.models import EmailNotification, InboundItem, MailboxMessage, MailboxThread, utcnow
from services.transfer.simulator import SimulatorState
from tests.mailbox.conftest import set_email, set_postfach
from tests.placement.conftest import VERBIS_KEY, make_offer
from tests.support.pipeline import file_submission

Headers = Callable[[str], dict[str, str]]


def _file_and_run(
    client: TestClient, registry: ConnectorRegistry, settings: Settings, db: Database, headers: dict[str, str]
) -> str:
    form = copy.deepcopy(registry.get("wba").examples()[0])
    submission_id: str = file_submission(client, headers, "wba", form)["id"]
    build_runner(settings, db=db, registry=registry).run_all(submission_id)
    return submission_id


def test_the_receipt_goes_into_the_submissions_thread_once(
    client: TestClient,
    registry: ConnectorRegistry,
    settings: Settings,
    db: Database,
    token_for: Headers,
    simulator: SimulatorState,
) -> None:
    set_email(db, "kd-1001")
    submission_id = _file_and_run(client, registry, settings, db, token_for("kd-1001"))
    stage = MailboxStage()
    with db.session() as session:
        job = load_job(session, registry, submission_id)
    output = stage.perform(job)
    with db.session() as session:  # a rerun of the stage (e.g. after a crash before the ledger write)
        assert stage.record(session, job, output) is None
    with db.session() as session:
        [message] = session.scalars(select(MailboxMessage)).all()
        thread = session.get(MailboxThread, message.thread_id)
        assert thread is not None and thread.submission_id == submission_id
        assert (message.kind, message.dedup_key) == ("receipt", f"receipt:{submission_id}")
        assert (thread.jobcenter_id, thread.team_id) == ("jc-berlin-mitte", "jc-berlin-mitte/leistung-1")
        assert session.scalar(select(func.count()).select_from(EmailNotification)) == 1
        row = ledger.get(session, submission_id, "mailbox")
        assert row is not None and (row.status, row.reference) == ("succeeded", f"receipt:{submission_id}")
    threads = client.get("/api/v1/mailbox/threads", headers=token_for("kd-1001")).json()["threads"]
    assert [t["id"] for t in threads] == [thread.id]


def test_without_a_postfach_the_stage_succeeds_and_says_no_message_was_written(
    client: TestClient,
    registry: ConnectorRegistry,
    settings: Settings,
    db: Database,
    token_for: Headers,
    simulator: SimulatorState,
) -> None:
    """Documented choice: a customer known only from paper gets no Postfach messages (they get letters)."""
    set_postfach(db, "jc-leipzig", mailbox_state="off")
    off = _file_and_run(client, registry, settings, db, token_for("kd-2001"))
    paper_only = _file_and_run(client, registry, settings, db, token_for("kd-1003"))
    stage = MailboxStage()
    for submission_id in (off, paper_only):
        with db.session() as session:
            row = ledger.get(session, submission_id, "mailbox")
            assert row is not None and row.status == "succeeded"
            assert row.reference == f"no-postfach-message:receipt:{submission_id}"  # the ledger says so too
            job = load_job(session, registry, submission_id)
            assert stage.record(session, job, stage.perform(job)) == f"no-postfach-message:receipt:{submission_id}"
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(MailboxMessage)) == 0
        assert session.scalar(select(func.count()).select_from(MailboxThread)) == 0  # no empty threads either


def test_a_placement_offer_and_its_reminder_share_one_thread(
    client: TestClient, registry: ConnectorRegistry, db: Database, token_for: Headers
) -> None:
    set_email(db, "kd-1001")
    pushed = client.post("/api/v1/inbound/placement", json=make_offer(), headers={"X-API-Key": VERBIS_KEY})
    assert pushed.status_code == 201, pushed.text
    with db.session() as session:
        session.execute(update(InboundItem).values(remind_at=utcnow() - timedelta(minutes=1)))
    assert run_deadlines(db, registry).reminded == 1
    with db.session() as session:
        messages = session.scalars(select(MailboxMessage).order_by(MailboxMessage.created_at)).all()
        assert [m.kind for m in messages] == ["placement_offer", "placement_offer_reminder"]
        assert len({m.thread_id for m in messages}) == 1
        thread = session.get(MailboxThread, messages[0].thread_id)
        assert thread is not None and thread.team_id == "jc-berlin-mitte/leistung-1"
        assert session.scalar(select(func.count()).select_from(EmailNotification)) == 2
    [listed] = client.get("/api/v1/mailbox/threads", headers=token_for("kd-1001")).json()["threads"]
    assert (listed["messages"], listed["unread"]) == (2, 2)
