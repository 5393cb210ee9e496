"""What the Postfach API returns to customers (response models, also the OpenAPI schema clients read)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


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
    thread_id: str | None


class MailboxView(BaseModel):
    unread: int
    messages: list[MessageView]


class PostfachView(BaseModel):
    """The customer's jobcenter's Postfach as it presents itself."""

    jobcenter_id: str
    jobcenter_name: str
    state: str
    pilot: bool
    response_days: int
    contact: str


class TopicView(BaseModel):
    key: str
    title: str


class TopicListView(BaseModel):
    postfach: PostfachView
    topics: list[TopicView]


class AttachmentView(BaseModel):
    id: str
    filename: str
    media_type: str
    size: int
    url: str


class ThreadSummaryView(BaseModel):
    id: str
    subject: str
    status: str
    topic: TopicView | None
    submission_id: str | None
    receipt_number: str | None
    jobcenter_id: str
    jobcenter_name: str
    response_days: int
    pilot: bool
    unread: int
    messages: int
    created_at: datetime
    last_message_at: datetime


class ThreadListView(BaseModel):
    postfach: PostfachView | None
    unread: int
    threads: list[ThreadSummaryView]


class ThreadMessageView(BaseModel):
    id: str
    sender: str
    """``jobcenter`` or ``customer`` (the customer's own messages)."""
    kind: str
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None
    """For the jobcenter's messages when the customer read them; for the customer's when staff did."""
    attachments: list[AttachmentView]


class ThreadView(ThreadSummaryView):
    message_list: list[ThreadMessageView]
