"""The JSON the staff API answers with: flat, paged, ids and links — cheap to produce and to load-test."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from services.intake.paper import PaperIntake
from services.pipeline.stages import STAGE_ORDER
from services.staff.conversation import Conversation
from services.staff.efile_view import EFileView, event_summary
from services.staff.inbox import InboxFilter, InboxItem, InboxPage
from services.store.models import Document, MailboxMessage, Submission

API = "/api/v1/staff"


class TeamOut(BaseModel):
    id: str
    name: str


class MeOut(BaseModel):
    id: str
    display_name: str
    roles: list[str]
    jobcenter_id: str
    jobcenter_name: str
    team_id: str | None
    teams: list[TeamOut]


class ReassignIn(BaseModel):
    team_id: str = Field(min_length=1, max_length=100)


class ReplyIn(BaseModel):
    body: str = Field(min_length=1, max_length=20_000)


class PaperAccepted(BaseModel):
    id: str
    receipt_number: str
    status: str
    channel: str
    customer_id: str
    customer_created: bool
    document_id: str | None
    status_url: str


class InboxItemOut(InboxItem):
    url: str


class InboxOut(BaseModel):
    items: list[InboxItemOut]
    total: int
    page: int
    per_page: int
    pages: int
    filters: dict[str, Any]


class SubmissionRef(BaseModel):
    id: str
    receipt_number: str
    service: str
    url: str


class DocumentOut(BaseModel):
    id: str
    kind: str
    filename: str
    media_type: str
    size: int
    created_at: datetime
    message_id: str | None
    url: str


class StageOut(BaseModel):
    stage: str
    status: str
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None


class EventOut(BaseModel):
    kind: str
    actor: str
    actor_name: str | None
    at: datetime
    detail: dict[str, Any]


class MessageOut(BaseModel):
    id: str
    thread_id: str | None
    sender: str
    author_id: str | None
    kind: str
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None
    attachments: list[DocumentOut]


class EFileOut(BaseModel):
    id: str
    receipt_number: str
    service: str
    service_version: str
    channel: str
    status: str
    work_state: str
    processed_at: datetime | None
    processed_by: str | None
    created_at: datetime
    completed_at: datetime | None
    jobcenter_id: str | None
    team_id: str | None
    team_name: str | None
    case_reference: str | None
    failure_reason: str | None
    customer: dict[str, Any]
    form_data: dict[str, Any]
    pdf_url: str | None
    json_url: str | None
    documents: list[DocumentOut]
    stages: list[StageOut]
    events: list[EventOut]
    parent: SubmissionRef | None
    attachments: list[SubmissionRef]
    thread_ids: list[str]
    messages: list[MessageOut]


class ThreadOut(BaseModel):
    id: str
    subject: str
    status: str
    team_id: str | None
    customer_id: str
    customer_name: str
    created_at: datetime
    last_message_at: datetime
    submission: SubmissionRef | None
    messages: list[MessageOut]


class ActionOut(BaseModel):
    """The state after an action; ``changed`` False when it was already in effect."""

    id: str
    kind: str
    changed: bool
    state: str
    team_id: str | None


class ReplyOut(BaseModel):
    message_id: str
    thread_id: str
    attachments: int


def inbox_out(page: InboxPage, f: InboxFilter) -> InboxOut:
    return InboxOut(
        items=[item_out(i) for i in page.items],
        total=page.total,
        page=page.page,
        per_page=page.per_page,
        pages=page.pages,
        filters={k: v or None for k, v in f.as_query().items()},
    )


def paper_accepted(intake: PaperIntake) -> PaperAccepted:
    sub = intake.submission
    return PaperAccepted(
        id=sub.id,
        receipt_number=sub.receipt_number,
        status=sub.status,
        channel=sub.channel,
        customer_id=intake.customer.id,
        customer_created=intake.customer_created,
        document_id=intake.document.id if intake.document else None,
        status_url=f"{API}/submissions/{sub.id}",
    )


def item_out(i: InboxItem) -> InboxItemOut:
    path = "submissions" if i.kind == "submission" else "threads"
    return InboxItemOut(url=f"{API}/{path}/{i.id}", **i.model_dump())


def ref_out(sub: Submission) -> SubmissionRef:
    return SubmissionRef(
        id=sub.id, receipt_number=sub.receipt_number, service=sub.service, url=f"{API}/submissions/{sub.id}"
    )


def document_out(d: Document) -> DocumentOut:
    return DocumentOut(
        id=d.id,
        kind=d.kind,
        filename=d.filename,
        media_type=d.media_type,
        size=d.size,
        created_at=d.created_at,
        message_id=d.message_id,
        url=f"{API}/documents/{d.id}",
    )


def message_out(m: MailboxMessage, documents: list[Document]) -> MessageOut:
    return MessageOut(
        id=m.id,
        thread_id=m.thread_id,
        sender=m.sender,
        author_id=m.author_id,
        kind=m.kind,
        subject=m.subject,
        body=m.body,
        created_at=m.created_at,
        read_at=m.read_at,
        attachments=[document_out(d) for d in documents if d.message_id == m.id],
    )


def efile_out(view: EFileView) -> EFileOut:
    sub, c = view.submission, view.customer
    base = f"{API}/submissions/{sub.id}"
    return EFileOut(
        id=sub.id,
        receipt_number=sub.receipt_number,
        service=sub.service,
        service_version=sub.service_version,
        channel=sub.channel,
        status=sub.status,
        work_state=sub.work_state,
        processed_at=sub.processed_at,
        processed_by=sub.processed_by,
        created_at=sub.created_at,
        completed_at=sub.completed_at,
        jobcenter_id=sub.jobcenter_id,
        team_id=sub.team_id,
        team_name=view.team.name if view.team else None,
        case_reference=sub.case_reference,
        failure_reason=sub.failure_reason,
        customer={
            "id": c.id,
            "bg_number": c.bg_number,
            "given_name": c.given_name,
            "family_name": c.family_name,
            "street": c.street,
            "postal_code": c.postal_code,
            "city": c.city,
            "online_account": c.online_account,
        },
        form_data=sub.form_data,
        pdf_url=f"{base}/pdf" if view.pdf_key else None,
        json_url=f"{base}/json" if view.json_key else None,
        documents=[document_out(d) for d in view.documents],
        stages=[
            StageOut(
                stage=name,
                status=row.status if row else "pending",
                attempts=row.attempts if row else 0,
                started_at=row.started_at if row else None,
                finished_at=row.finished_at if row else None,
                error=row.error if row else None,
            )
            for name in STAGE_ORDER
            for row in [view.stages.get(name)]
        ],
        events=[EventOut(**event_summary(e)) for e in view.events],
        parent=ref_out(view.parent) if view.parent else None,
        attachments=[ref_out(a) for a in view.attachments],
        thread_ids=[t.id for t in view.threads],
        messages=[message_out(m, view.documents) for m in view.messages],
    )


def thread_out(c: Conversation) -> ThreadOut:
    return ThreadOut(
        id=c.thread.id,
        subject=c.thread.subject,
        status=c.thread.status,
        team_id=c.thread.team_id,
        customer_id=c.customer.id,
        customer_name=f"{c.customer.given_name} {c.customer.family_name}",
        created_at=c.thread.created_at,
        last_message_at=c.thread.last_message_at,
        submission=ref_out(c.submission) if c.submission else None,
        messages=[message_out(m, c.documents) for m in c.messages],
    )
