"""The Postfach's one writer of jobcenter messages: threads, idempotency, Postfach state, staff replies."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.efile.store import efile_store_from_url
from services.efile.uploads import check_upload
from services.mailbox.threads import MailboxError, post_jobcenter_message, staff_reply, submission_thread
from services.settings import Settings
from services.store.db import Database
from services.store.models import (
    Document,
    EmailNotification,
    MailboxMessage,
    MailboxThread,
    StaffMember,
    Submission,
)
from tests.mailbox.conftest import PDF, set_email, set_postfach


def routed_submission(db: Database, customer_id: str = "kd-1001", jobcenter_id: str = "jc-berlin-mitte") -> str:
    submission_id = str(uuid.uuid4())
    with db.session() as session:
        session.add(
            Submission(
                id=submission_id,
                receipt_number=f"T-{submission_id[:8]}",
                service="wba",
                service_version="1",
                customer_id=customer_id,
                status="completed",
                form_data={},
                request_hash="0" * 64,
                jobcenter_id=jobcenter_id,
                team_id=f"{jobcenter_id}/leistung-1" if jobcenter_id != "jc-leipzig" else "jc-leipzig/eingangszone",
            )
        )
    return submission_id


def _post(db: Database, submission_id: str, key: str = "receipt:x") -> str | None:
    with db.session() as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        thread = submission_thread(session, submission)
        message = post_jobcenter_message(
            session, thread=thread, kind="receipt", subject="Eingang", body="Ist da.", dedup_key=key
        )
        return message.id if message else None


def _count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_submission_has_one_thread_and_each_dedup_key_one_message(db: Database) -> None:
    set_email(db, "kd-1001")
    submission_id = routed_submission(db)
    first = _post(db, submission_id)
    assert first is not None
    assert _post(db, submission_id) == first  # rerun of the same sender: same message
    other = _post(db, submission_id, key="note:2")
    assert other not in (None, first)
    with db.session() as session:
        [thread] = session.scalars(select(MailboxThread)).all()
        assert thread.submission_id == submission_id and thread.customer_id == "kd-1001"
        assert (thread.jobcenter_id, thread.team_id) == ("jc-berlin-mitte", "jc-berlin-mitte/leistung-1")
        assert thread.status == "processed"  # the jobcenter wrote; nothing waits for staff
        messages = session.scalars(select(MailboxMessage).order_by(MailboxMessage.created_at)).all()
        assert [m.thread_id for m in messages] == [thread.id, thread.id]
        assert thread.last_message_at == messages[-1].created_at
        notified = session.scalars(select(EmailNotification.message_id)).all()
    assert sorted(notified) == sorted([first, other])  # one notice per message, none for the rerun


def test_no_notification_without_an_email_address(db: Database) -> None:
    set_email(db, "kd-1001", None)
    assert _post(db, routed_submission(db)) is not None
    assert _count(db, EmailNotification) == 0


@pytest.mark.parametrize("case", ["postfach_off", "paper_only_customer"])
def test_nothing_is_written_where_no_postfach_is(db: Database, case: str) -> None:
    if case == "postfach_off":
        set_postfach(db, "jc-berlin-mitte", mailbox_state="off")
        submission_id = routed_submission(db)
    else:
        submission_id = routed_submission(db, customer_id="kd-1003")  # online_account False
    assert _post(db, submission_id) is None
    assert _count(db, MailboxMessage) == 0
    assert _count(db, EmailNotification) == 0


def test_pilot_postfach_works_like_a_live_one(db: Database) -> None:
    submission_id = routed_submission(db, customer_id="kd-3001", jobcenter_id="jc-dortmund")
    assert _post(db, submission_id) is not None


def _staff(session: Session, staff_id: str) -> StaffMember:
    member = session.get(StaffMember, staff_id)
    assert member is not None
    return member


def test_staff_reply_files_attachments_in_the_efile(db: Database, settings: Settings) -> None:
    efile = efile_store_from_url(settings.resolved_efile_url)
    submission_id = routed_submission(db)
    _post(db, submission_id)
    upload = check_upload(PDF, "Bescheid.pdf", max_bytes=settings.upload_max_bytes)
    with db.session() as session:
        thread = session.scalars(select(MailboxThread)).one()
        message = staff_reply(
            session,
            efile,
            staff=_staff(session, "sb-berlin-1"),
            thread_id=thread.id,
            body="  Bitte reichen Sie den Mietvertrag nach.  ",
            attachments=[upload],
        )
        message_id = message.id
    with db.session() as session:
        stored = session.get(MailboxMessage, message_id)
        assert stored is not None
        assert (stored.sender, stored.kind, stored.author_id) == ("jobcenter", "reply", "sb-berlin-1")
        text, closing = stored.body.split("\n\n", 1)
        assert text == "Bitte reichen Sie den Mietvertrag nach."  # what staff wrote, then the jobcenter's closing
        assert "Jobcenter Berlin Mitte" in closing and "Seydelstraße 2–5" in closing and "030 5555 1000" in closing
        [document] = session.scalars(select(Document).where(Document.message_id == message_id)).all()
        assert (document.kind, document.media_type, document.filename) == (
            "mailbox_attachment",
            "application/pdf",
            "Bescheid.pdf",
        )
        assert document.customer_id == "kd-1001" and document.submission_id == submission_id
    assert efile.get(document.storage_key) == PDF
    assert document.storage_key.startswith("jc-berlin-mitte/96101BG0012342/postfach/")
    assert Path(settings.resolved_efile_url.removeprefix("file://")).joinpath(document.storage_key).exists()


def test_staff_reply_refuses_other_jobcenters_a_closed_postfach_and_empty_text(
    db: Database, settings: Settings
) -> None:
    efile = efile_store_from_url(settings.resolved_efile_url)
    submission_id = routed_submission(db)
    _post(db, submission_id)
    with db.session() as session:
        thread_id = session.scalars(select(MailboxThread.id)).one()

    def reply(staff_id: str, body: str = "Danke.") -> None:
        with db.session() as session:
            staff_reply(session, efile, staff=_staff(session, staff_id), thread_id=thread_id, body=body)

    with pytest.raises(MailboxError) as foreign:
        reply("sb-leipzig-1")
    assert (foreign.value.status, foreign.value.code) == (404, "thread_not_found")
    with pytest.raises(MailboxError) as empty:
        reply("sb-berlin-1", "   ")
    assert (empty.value.status, empty.value.code) == (422, "empty_message")
    set_postfach(db, "jc-berlin-mitte", mailbox_state="off")
    with pytest.raises(MailboxError) as off:
        reply("sb-berlin-1")
    assert (off.value.status, off.value.code) == (409, "mailbox_off")
    assert _count(db, MailboxMessage) == 1  # only the receipt
