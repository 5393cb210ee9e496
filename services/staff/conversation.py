"""A Postfach conversation as staff see it: every message, its attachments, the submission it is about.

Opening it marks the customer's messages read (``read_at`` is the recipient's: staff for the customer's).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.store.models import Customer, Document, MailboxMessage, MailboxThread, Submission, Team, utcnow


@dataclass(frozen=True)
class Conversation:
    thread: MailboxThread
    customer: Customer
    team: Team | None
    submission: Submission | None
    messages: list[MailboxMessage]
    documents: list[Document]


def open_conversation(session: Session, thread: MailboxThread) -> Conversation:
    session.execute(
        update(MailboxMessage)
        .where(
            MailboxMessage.thread_id == thread.id,
            MailboxMessage.sender == "customer",
            MailboxMessage.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    messages = list(
        session.scalars(
            select(MailboxMessage)
            .where(MailboxMessage.thread_id == thread.id)
            .order_by(MailboxMessage.created_at, MailboxMessage.id)
        )
    )
    documents = (
        list(
            session.scalars(
                select(Document)
                .where(Document.message_id.in_([m.id for m in messages]))
                .order_by(Document.created_at, Document.id)
            )
        )
        if messages
        else []
    )
    customer = session.get(Customer, thread.customer_id)
    assert customer is not None  # foreign key
    return Conversation(
        thread=thread,
        customer=customer,
        team=session.get(Team, thread.team_id) if thread.team_id else None,
        submission=session.get(Submission, thread.submission_id) if thread.submission_id else None,
        messages=messages,
        documents=documents,
    )
