"""Postfach messages about inbound items: one helper so every sender writes them idempotently."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.sdk import InboundNoticeContext, ReceiptText
from services.pipeline.job import customer_summary, jobcenter_summary
from services.store.models import Customer, InboundItem, Jobcenter, MailboxMessage


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


def write_message(session: Session, item: InboundItem, *, kind: str, text: ReceiptText, dedup_key: str) -> str:
    """Add the message unless one with ``dedup_key`` exists; returns its id either way."""
    existing = message_id_for(session, dedup_key)
    if existing is not None:
        return existing
    message = MailboxMessage(
        id=str(uuid.uuid4()),
        customer_id=item.customer_id,
        jobcenter_id=item.jobcenter_id,
        dedup_key=dedup_key,
        kind=kind,
        subject=text.subject,
        body=text.body,
    )
    session.add(message)
    return message.id
