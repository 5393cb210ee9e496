"""The customer's Postfach: messages from their jobcenter, newest first."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from services.portal.deps import CurrentCustomer, SessionDep
from services.portal.errors import ApiError
from services.store.models import Jobcenter, MailboxMessage, Submission, utcnow

router = APIRouter(prefix="/api/v1/mailbox", tags=["mailbox"])


class MessageView(BaseModel):
    id: str
    kind: str
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None
    jobcenter_id: str
    jobcenter_name: str
    submission_id: str | None
    receipt_number: str | None


class MailboxView(BaseModel):
    unread: int
    messages: list[MessageView]


def _query(customer_id: str):  # type: ignore[no-untyped-def]
    return (
        select(MailboxMessage, Jobcenter.name, Submission.receipt_number)
        .join(Jobcenter, Jobcenter.id == MailboxMessage.jobcenter_id)
        .outerjoin(Submission, Submission.id == MailboxMessage.submission_id)
        .where(MailboxMessage.customer_id == customer_id)
    )


def _view(message: MailboxMessage, jobcenter_name: str, receipt_number: str | None) -> MessageView:
    return MessageView(
        id=message.id,
        kind=message.kind,
        subject=message.subject,
        body=message.body,
        created_at=message.created_at,
        read_at=message.read_at,
        jobcenter_id=message.jobcenter_id,
        jobcenter_name=jobcenter_name,
        submission_id=message.submission_id,
        receipt_number=receipt_number,
    )


@router.get("", response_model=MailboxView)
def list_messages(customer: CurrentCustomer, session: SessionDep) -> MailboxView:
    rows = session.execute(_query(customer.id).order_by(MailboxMessage.created_at.desc())).all()
    messages = [_view(*row) for row in rows]
    return MailboxView(unread=sum(1 for m in messages if m.read_at is None), messages=messages)


@router.get("/{message_id}", response_model=MessageView)
def read_message(message_id: str, customer: CurrentCustomer, session: SessionDep) -> MessageView:
    """Opening a message marks it read."""
    row = session.execute(_query(customer.id).where(MailboxMessage.id == message_id)).first()
    if row is None:
        raise ApiError(404, "message_not_found", "Diese Nachricht gibt es in Ihrem Postfach nicht.")
    message = row[0]
    if message.read_at is None:
        message.read_at = utcnow()
    return _view(*row)
