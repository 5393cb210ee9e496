"""Postfach threads and the jobcenter's messages in them: the one place that writes those messages.

Why one place: every sender (receipts of the pipeline, placement offers and reminders, staff replies,
auto-replies) must be idempotent by its dedup key, respect the jobcenter's Postfach state and the
customer's online account, and queue the notification e-mail in the same transaction. Threads of a
submission get a deterministic id, so two workers racing to create one end up with the same row.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.efile.store import EFileStore
from services.efile.uploads import CheckedUpload
from services.mailbox.attachments import attach_uploads
from services.mailbox.availability import is_open, reaches_customer
from services.mailbox.errors import MailboxError
from services.mailbox.notifications import queue_notification
from services.mailbox.signature import signed
from services.store.models import Customer, Jobcenter, MailboxMessage, MailboxThread, StaffMember, Submission, utcnow

__all__ = ["MailboxError", "post_jobcenter_message", "staff_reply", "submission_thread", "thread_for_key"]

OPEN, PROCESSED = "open", "processed"
MAX_BODY_CHARS = 10_000
_THREAD_NAMESPACE = uuid.UUID("5b0f4a52-7a43-4b8e-9a1c-6f1c0e3d2a71")


def stable_thread_id(key: str) -> str:
    """The id of the thread about one thing (``submission:<id>``, ``inbound:<id>``): same key, same thread."""
    return str(uuid.uuid5(_THREAD_NAMESPACE, key))


def thread_for_key(
    session: Session,
    *,
    key: str,
    customer_id: str,
    jobcenter_id: str,
    team_id: str | None,
    subject: str,
    submission_id: str | None = None,
) -> MailboxThread:
    """Get or create the thread about ``key``. It starts ``processed``: the jobcenter opened it, so
    nothing is waiting for staff until the customer writes."""
    thread_id = stable_thread_id(key)
    thread = session.get(MailboxThread, thread_id)
    if thread is not None:
        return thread
    now = utcnow()
    thread = MailboxThread(
        id=thread_id,
        customer_id=customer_id,
        jobcenter_id=jobcenter_id,
        team_id=team_id,
        submission_id=submission_id,
        subject=subject[:300],
        status=PROCESSED,
        created_at=now,
        last_message_at=now,
    )
    try:
        with session.begin_nested():
            session.add(thread)
            session.flush()
    except IntegrityError:
        thread = session.get(MailboxThread, thread_id)  # created concurrently by another worker
        if thread is None:
            raise
    return thread


def submission_thread(session: Session, submission: Submission) -> MailboxThread:
    """The thread of a submission (its receipt and everything said about it), routed like the submission."""
    if submission.jobcenter_id is None:
        raise MailboxError(409, "not_routed", "Der Vorgang ist noch keinem Jobcenter zugeordnet.")
    return thread_for_key(
        session,
        key=f"submission:{submission.id}",
        customer_id=submission.customer_id,
        jobcenter_id=submission.jobcenter_id,
        team_id=submission.team_id,
        subject=f"Vorgang {submission.receipt_number}",
        submission_id=submission.id,
    )


def message_by_key(session: Session, dedup_key: str) -> MailboxMessage | None:
    return session.scalar(select(MailboxMessage).where(MailboxMessage.dedup_key == dedup_key))


def post_jobcenter_message(
    session: Session,
    *,
    thread: MailboxThread,
    kind: str,
    subject: str,
    body: str,
    dedup_key: str,
    author_id: str | None = None,
    notify: bool = True,
) -> MailboxMessage | None:
    """Write a message from the jobcenter into ``thread`` once per ``dedup_key``.

    Returns the message written before under that key if there is one; None when nothing may be written
    (Postfach off, or a customer without online account). ``notify`` False skips the e-mail (auto-replies:
    the customer is online at that moment).
    """
    existing = message_by_key(session, dedup_key)
    if existing is not None:
        return existing
    jobcenter = session.get(Jobcenter, thread.jobcenter_id)
    customer = session.get(Customer, thread.customer_id)
    assert jobcenter is not None and customer is not None  # foreign keys
    if not reaches_customer(jobcenter, customer):
        return None
    now = utcnow()
    message = MailboxMessage(
        id=str(uuid.uuid4()),
        customer_id=thread.customer_id,
        jobcenter_id=thread.jobcenter_id,
        submission_id=thread.submission_id,
        thread_id=thread.id,
        dedup_key=dedup_key,
        kind=kind,
        subject=subject[:300],
        body=body,
        sender="jobcenter",
        author_id=author_id,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:
        written = message_by_key(session, dedup_key)  # the same message written concurrently
        if written is None:
            raise
        return written
    if notify:
        queue_notification(session, message=message, customer=customer)
    thread.last_message_at = max(thread.last_message_at, now)
    return message


def checked_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise MailboxError(422, "empty_message", "Die Nachricht ist leer. Bitte einen Text eingeben.")
    if len(text) > MAX_BODY_CHARS:
        raise MailboxError(
            422, "message_too_long", f"Die Nachricht ist zu lang. Erlaubt sind höchstens {MAX_BODY_CHARS} Zeichen."
        )
    return text


def staff_reply(
    session: Session,
    efile: EFileStore,
    *,
    staff: StaffMember,
    thread_id: str,
    body: str,
    attachments: Sequence[CheckedUpload] = (),
) -> MailboxMessage:
    """A staff member's answer in a thread of their own jobcenter, with attachments filed in the e-file."""
    thread = session.get(MailboxThread, thread_id)
    if thread is None or thread.jobcenter_id != staff.jobcenter_id:
        raise MailboxError(404, "thread_not_found", "Diesen Nachrichtenverlauf gibt es in Ihrem Jobcenter nicht.")
    text = checked_body(body)
    jobcenter = session.get(Jobcenter, thread.jobcenter_id)
    customer = session.get(Customer, thread.customer_id)
    assert jobcenter is not None and customer is not None  # foreign keys
    if not is_open(jobcenter):
        raise MailboxError(
            409, "mailbox_off", "Das Postfach Ihres Jobcenters ist abgeschaltet. Bitte antworten Sie per Brief."
        )
    if not customer.online_account:
        raise MailboxError(
            409, "no_online_account", "Diese Person hat kein Online-Konto und kein Postfach. Bitte per Brief antworten."
        )
    message = post_jobcenter_message(
        session,
        thread=thread,
        kind="reply",
        subject=thread.subject,
        body=signed(jobcenter, text),
        dedup_key=f"staff-reply:{uuid.uuid4()}",
        author_id=staff.id,
    )
    assert message is not None  # Postfach open and online account checked above
    attach_uploads(session, efile, message=message, thread=thread, customer=customer, uploads=attachments)
    return message
