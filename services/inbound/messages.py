"""Postfach messages about inbound items: one helper so every sender writes them idempotently.

An item's notice, reminder and expiry notice go into one thread per item, through the Postfach's own
writer (services/mailbox/threads.py), which also queues the notification e-mail.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.sdk import InboundNoticeContext, ReceiptText
from services.intake.routing import RoutingFailed, route
from services.mailbox.availability import reaches_customer
from services.mailbox.threads import post_jobcenter_message, stable_thread_id, thread_for_key
from services.pipeline.job import customer_summary, jobcenter_summary
from services.store.models import Customer, InboundItem, Jobcenter, MailboxMessage, MailboxThread


def notice_dedup_key(item_id: str) -> str:
    return f"inbound:{item_id}"


def reminder_dedup_key(item_id: str) -> str:
    return f"inbound-reminder:{item_id}"


def expiry_dedup_key(item_id: str) -> str:
    return f"inbound-expired:{item_id}"


def notice_context(session: Session, item: InboundItem) -> InboundNoticeContext:
    customer = session.get(Customer, item.customer_id)
    jobcenter = session.get(Jobcenter, item.jobcenter_id)
    assert customer is not None and jobcenter is not None  # foreign keys
    return InboundNoticeContext(
        item_id=item.id,
        external_id=item.external_id,
        received_at=item.received_at,
        due_at=item.due_at,
        customer=customer_summary(customer),
        jobcenter=jobcenter_summary(jobcenter),
    )


def message_id_for(session: Session, dedup_key: str) -> str | None:
    return session.scalar(select(MailboxMessage.id).where(MailboxMessage.dedup_key == dedup_key))


def item_thread(session: Session, item: InboundItem, *, subject: str) -> MailboxThread:
    """The Postfach thread of an inbound item: its notice, reminder and expiry notice read as one conversation.

    The team is the one the jobcenter routes this service to (None if it routes none: the thread then waits
    in no team's inbox until staff assign it)."""
    key = f"inbound:{item.id}"
    known = session.get(MailboxThread, stable_thread_id(key))
    if known is not None:
        return known
    customer = session.get(Customer, item.customer_id)
    assert customer is not None  # foreign key
    team_id = None
    with contextlib.suppress(RoutingFailed):
        team_id = route(session, customer=customer, service=item.service).team.id
    return thread_for_key(
        session,
        key=key,
        customer_id=item.customer_id,
        jobcenter_id=item.jobcenter_id,
        team_id=team_id,
        subject=subject,
    )


def write_message(session: Session, item: InboundItem, *, kind: str, text: ReceiptText, dedup_key: str) -> str | None:
    """Post the message into the item's thread unless one with ``dedup_key`` exists; returns its id either way,
    None when the jobcenter's Postfach is off or the customer has no online account (they get a letter)."""
    existing = message_id_for(session, dedup_key)
    if existing is not None:
        return existing
    jobcenter = session.get(Jobcenter, item.jobcenter_id)
    customer = session.get(Customer, item.customer_id)
    assert jobcenter is not None and customer is not None  # foreign keys
    if not reaches_customer(jobcenter, customer):
        return None
    message = post_jobcenter_message(
        session,
        thread=item_thread(session, item, subject=text.subject),
        kind=kind,
        subject=text.subject,
        body=text.body,
        dedup_key=dedup_key,
    )
    return message.id if message is not None else None
