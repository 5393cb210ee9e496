"""The customer's side of the Postfach: their threads, reading them, writing to their jobcenter.

Tenancy: every lookup is by the customer's own id, so another customer's thread is simply not found
(404). Writing needs the jobcenter's Postfach to be open and an online account; reading a thread marks
the jobcenter's messages in it read. A thread started on a topic goes to the team that topic routes to,
and gets the jobcenter's auto-reply once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.orm import Session

from services.efile.store import EFileStore
from services.efile.uploads import CheckedUpload
from services.intake.routing import RoutingFailed, responsible_jobcenter
from services.mailbox.attachments import attach_uploads, check_count
from services.mailbox.availability import closed_message, is_open
from services.mailbox.errors import MailboxError
from services.mailbox.jobcenter_config import render_auto_reply
from services.mailbox.threads import OPEN, checked_body, message_by_key, post_jobcenter_message, stable_thread_id
from services.mailbox.topics import active_topic
from services.store.models import Customer, Jobcenter, MailboxMessage, MailboxThread, utcnow

MAX_SUBJECT = 200
MAX_IDEMPOTENCY_KEY = 100


@dataclass(frozen=True)
class ThreadCounts:
    messages: int
    unread: int


def customer_jobcenter(session: Session, customer: Customer) -> Jobcenter:
    """The jobcenter responsible for the customer now (by postal code)."""
    try:
        return responsible_jobcenter(session, customer=customer)
    except RoutingFailed:
        raise MailboxError(
            409, "no_responsible_jobcenter", "Für Ihre Anschrift ist kein Jobcenter mit Online-Postfach zuständig."
        ) from None


def require_open(jobcenter: Jobcenter) -> None:
    if not is_open(jobcenter):
        raise MailboxError(403, "mailbox_off", closed_message(jobcenter))


def _require_account(customer: Customer) -> None:
    if not customer.online_account:
        raise MailboxError(
            403,
            "no_online_account",
            "Für Sie ist noch kein Online-Postfach eingerichtet. Ihr Jobcenter schreibt Ihnen per Brief.",
        )


def thread_counts(session: Session, thread_ids: Sequence[str]) -> dict[str, ThreadCounts]:
    """Messages and unread jobcenter messages per thread, in one query."""
    if not thread_ids:
        return {}
    unread = func.sum(case((and_(MailboxMessage.sender == "jobcenter", MailboxMessage.read_at.is_(None)), 1), else_=0))
    rows = session.execute(
        select(MailboxMessage.thread_id, func.count(), unread)
        .where(MailboxMessage.thread_id.in_(list(thread_ids)))
        .group_by(MailboxMessage.thread_id)
    ).all()
    return {
        str(thread_id): ThreadCounts(messages=int(total), unread=int(fresh or 0)) for thread_id, total, fresh in rows
    }


def threads_of(session: Session, customer: Customer) -> list[MailboxThread]:
    """The customer's threads that hold at least one message, most recent first."""
    has_messages = select(MailboxMessage.id).where(MailboxMessage.thread_id == MailboxThread.id).exists()
    return list(
        session.scalars(
            select(MailboxThread)
            .where(MailboxThread.customer_id == customer.id, has_messages)
            .order_by(MailboxThread.last_message_at.desc(), MailboxThread.id)
        )
    )


def own_thread(session: Session, customer: Customer, thread_id: str) -> MailboxThread:
    thread = session.get(MailboxThread, thread_id)
    if thread is None or thread.customer_id != customer.id:
        raise MailboxError(404, "thread_not_found", "Diesen Nachrichtenverlauf gibt es in Ihrem Postfach nicht.")
    return thread


def read_thread(session: Session, customer: Customer, thread_id: str) -> tuple[MailboxThread, list[MailboxMessage]]:
    """The thread's messages, oldest first; the jobcenter's unread ones are marked read now."""
    thread = own_thread(session, customer, thread_id)
    jobcenter = session.get(Jobcenter, thread.jobcenter_id)
    assert jobcenter is not None  # foreign key
    require_open(jobcenter)
    session.execute(
        update(MailboxMessage)
        .where(
            MailboxMessage.thread_id == thread.id,
            MailboxMessage.sender == "jobcenter",
            MailboxMessage.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    messages = session.scalars(
        select(MailboxMessage)
        .where(MailboxMessage.thread_id == thread.id)
        .order_by(MailboxMessage.created_at, MailboxMessage.id)
    )
    return thread, list(messages)


def _dedup_key(customer: Customer, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return f"customer:{uuid.uuid4()}"
    if not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY:
        raise MailboxError(
            422, "invalid_idempotency_key", f"Der Idempotency-Key muss 1 bis {MAX_IDEMPOTENCY_KEY} Zeichen haben."
        )
    return f"customer:{customer.id}:{idempotency_key}"


def _customer_message(
    session: Session,
    efile: EFileStore,
    *,
    customer: Customer,
    thread: MailboxThread,
    body: str,
    dedup_key: str,
    uploads: Sequence[CheckedUpload],
) -> MailboxMessage:
    now = utcnow()
    message = MailboxMessage(
        id=str(uuid.uuid4()),
        customer_id=customer.id,
        jobcenter_id=thread.jobcenter_id,
        submission_id=thread.submission_id,
        thread_id=thread.id,
        dedup_key=dedup_key,
        kind="customer_message",
        subject=thread.subject,
        body=body,
        sender="customer",
        created_at=now,
    )
    session.add(message)
    session.flush()
    attach_uploads(session, efile, message=message, thread=thread, customer=customer, uploads=uploads)
    thread.status = OPEN  # something for the jobcenter to do
    thread.last_message_at = max(thread.last_message_at, now)
    return message


def start_thread(
    session: Session,
    efile: EFileStore,
    *,
    customer: Customer,
    topic_key: str,
    subject: str,
    body: str,
    uploads: Sequence[CheckedUpload] = (),
    idempotency_key: str | None = None,
) -> tuple[MailboxThread, MailboxMessage]:
    """A new conversation on one of the jobcenter's topics, routed to the topic's team."""
    _require_account(customer)
    jobcenter = customer_jobcenter(session, customer)
    require_open(jobcenter)
    dedup_key = _dedup_key(customer, idempotency_key)
    repeated = message_by_key(session, dedup_key)
    if repeated is not None and repeated.thread_id is not None:
        return own_thread(session, customer, repeated.thread_id), repeated
    topic = active_topic(session, jobcenter.id, topic_key)
    title = subject.strip()
    if not title or len(title) > MAX_SUBJECT:
        raise MailboxError(422, "invalid_subject", f"Bitte einen Betreff mit 1 bis {MAX_SUBJECT} Zeichen angeben.")
    text = checked_body(body)
    check_count(uploads)
    now = utcnow()
    thread = MailboxThread(
        id=stable_thread_id(dedup_key),
        customer_id=customer.id,
        jobcenter_id=jobcenter.id,
        topic_id=topic.id,
        team_id=topic.team_id,
        subject=title,
        status=OPEN,
        created_at=now,
        last_message_at=now,
    )
    session.add(thread)
    session.flush()
    message = _customer_message(
        session, efile, customer=customer, thread=thread, body=text, dedup_key=dedup_key, uploads=uploads
    )
    auto_reply = render_auto_reply(jobcenter)
    if auto_reply is not None:
        post_jobcenter_message(
            session,
            thread=thread,
            kind="auto_reply",
            subject=f"Eingangsbestätigung: {title}",
            body=auto_reply,
            dedup_key=f"auto-reply:{thread.id}",
            notify=False,  # the customer is online right now
        )
    return thread, message


def reply(
    session: Session,
    efile: EFileStore,
    *,
    customer: Customer,
    thread_id: str,
    body: str,
    uploads: Sequence[CheckedUpload] = (),
    idempotency_key: str | None = None,
) -> MailboxMessage:
    """The customer's answer in one of their threads; it reopens the thread for the jobcenter."""
    _require_account(customer)
    thread = own_thread(session, customer, thread_id)
    jobcenter = session.get(Jobcenter, thread.jobcenter_id)
    assert jobcenter is not None  # foreign key
    require_open(jobcenter)
    dedup_key = _dedup_key(customer, idempotency_key)
    repeated = message_by_key(session, dedup_key)
    if repeated is not None:
        if repeated.thread_id != thread.id:
            raise MailboxError(
                409, "idempotency_key_reused", "Dieser Idempotency-Key wurde schon für eine andere Nachricht benutzt."
            )
        return repeated
    text = checked_body(body)
    return _customer_message(
        session, efile, customer=customer, thread=thread, body=text, dedup_key=dedup_key, uploads=uploads
    )
