"""The customer's Postfach: threads with their jobcenter, topics, replies, attachments.

``GET /api/v1/mailbox`` and ``GET /api/v1/mailbox/{message_id}`` (the jobcenter's messages as one list)
stay as they were; threads are the richer view. Handlers are thin: services/mailbox does the work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, File, Form, Header, Request, Response, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.efile.store import EFileStoreError
from services.efile.uploads import CheckedUpload, UploadChecker, UploadRejected
from services.intake.routing import RoutingFailed, responsible_jobcenter
from services.mailbox import conversations
from services.mailbox.api_models import (
    AttachmentView,
    MailboxView,
    MessageView,
    PostfachView,
    ThreadListView,
    ThreadMessageView,
    ThreadSummaryView,
    ThreadView,
    TopicListView,
    TopicView,
)
from services.mailbox.attachments import attachment_for, attachments_of
from services.mailbox.availability import PILOT, contact_line
from services.mailbox.errors import MailboxError
from services.mailbox.topics import topics_of
from services.portal.deps import (
    BearerDep,
    ContextDep,
    CurrentCustomer,
    EFileDep,
    SessionCookieDep,
    SessionDep,
    bearer_or_cookie,
    get_current_customer,
    staff_from_token,
    verify_token,
)
from services.portal.errors import ApiError
from services.portal.uploads_dep import UploadCheckerDep
from services.store.models import Customer, Jobcenter, MailboxMessage, MailboxThread, MailboxTopic, Submission, utcnow

router = APIRouter(prefix="/api/v1/mailbox", tags=["mailbox"])

_IDEMPOTENCY_HELP = "Optional: repeating a request with the same key returns the message written the first time."


@contextmanager
def _as_api_errors() -> Iterator[None]:
    try:
        yield
    except MailboxError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from None
    except UploadRejected as exc:
        raise ApiError(exc.status, exc.code, exc.message) from None
    except EFileStoreError:
        raise ApiError(
            503, "efile_unavailable", "Die e-Akte ist gerade nicht erreichbar. Bitte später erneut senden."
        ) from None


def _uploads(files: list[UploadFile], checker: UploadChecker) -> list[CheckedUpload]:
    """Every file checked (type, size, content, malware scan) before anything of the message is stored."""
    return [checker.read(f.file, f.filename) for f in files if f.filename or f.size]


def _postfach(jobcenter: Jobcenter) -> PostfachView:
    return PostfachView(
        jobcenter_id=jobcenter.id,
        jobcenter_name=jobcenter.name,
        state=jobcenter.mailbox_state,
        pilot=jobcenter.mailbox_state == PILOT,
        response_days=jobcenter.mailbox_response_days,
        contact=contact_line(jobcenter),
    )


def _open_postfach(session: Session, customer: Customer) -> Jobcenter | None:
    """The customer's jobcenter (None if none is responsible); 403 when its Postfach is off."""
    try:
        jobcenter = responsible_jobcenter(session, customer=customer)
    except RoutingFailed:
        return None
    with _as_api_errors():
        conversations.require_open(jobcenter)
    return jobcenter


def _summary(session: Session, thread: MailboxThread, counts: conversations.ThreadCounts) -> ThreadSummaryView:
    jobcenter = session.get(Jobcenter, thread.jobcenter_id)
    assert jobcenter is not None  # foreign key
    topic = session.get(MailboxTopic, thread.topic_id) if thread.topic_id is not None else None
    receipt = session.get(Submission, thread.submission_id) if thread.submission_id else None
    return ThreadSummaryView(
        id=thread.id,
        subject=thread.subject,
        status=thread.status,
        topic=TopicView(key=topic.key, title=topic.title) if topic else None,
        submission_id=thread.submission_id,
        receipt_number=receipt.receipt_number if receipt else None,
        jobcenter_id=jobcenter.id,
        jobcenter_name=jobcenter.name,
        response_days=jobcenter.mailbox_response_days,
        pilot=jobcenter.mailbox_state == PILOT,
        unread=counts.unread,
        messages=counts.messages,
        created_at=thread.created_at,
        last_message_at=thread.last_message_at,
    )


def _attachment_view(request: Request, document_id: str, filename: str, media_type: str, size: int) -> AttachmentView:
    url = str(request.url_for("download_attachment", document_id=document_id).path)
    return AttachmentView(id=document_id, filename=filename, media_type=media_type, size=size, url=url)


def _thread_view(
    request: Request, session: Session, thread: MailboxThread, messages: list[MailboxMessage]
) -> ThreadView:
    counts = conversations.thread_counts(session, [thread.id]).get(thread.id, conversations.ThreadCounts(0, 0))
    files = attachments_of(session, [m.id for m in messages])
    views = [
        ThreadMessageView(
            id=m.id,
            sender=m.sender,
            kind=m.kind,
            subject=m.subject,
            body=m.body,
            created_at=m.created_at,
            read_at=m.read_at,
            attachments=[
                _attachment_view(request, d.id, d.filename, d.media_type, d.size) for d in files.get(m.id, [])
            ],
        )
        for m in messages
    ]
    return ThreadView(**_summary(session, thread, counts).model_dump(), message_list=views)


@router.get("/threads", response_model=ThreadListView)
def list_threads(customer: CurrentCustomer, session: SessionDep) -> ThreadListView:
    """The customer's conversations, most recent first, with unread counts and the promised response time."""
    jobcenter = _open_postfach(session, customer)
    threads = conversations.threads_of(session, customer)
    counts = conversations.thread_counts(session, [t.id for t in threads])
    views = [_summary(session, t, counts[t.id]) for t in threads]
    return ThreadListView(
        postfach=_postfach(jobcenter) if jobcenter else None,
        unread=sum(v.unread for v in views),
        threads=views,
    )


@router.post("/threads", status_code=201, response_model=ThreadView)
def start_thread(
    request: Request,
    customer: CurrentCustomer,
    session: SessionDep,
    efile: EFileDep,
    checker: UploadCheckerDep,
    topic: Annotated[str, Form(max_length=64, description="Key of one of the jobcenter's topics.")],
    subject: Annotated[str, Form(max_length=1000)],
    body: Annotated[str, Form(max_length=50_000)],
    files: Annotated[list[UploadFile] | None, File(description="PDF, JPEG or PNG, each checked by content.")] = None,
    idempotency_key: Annotated[str | None, Header(description=_IDEMPOTENCY_HELP)] = None,
) -> ThreadView:
    """Write to the jobcenter on one of its topics; the topic's team answers."""
    with _as_api_errors():
        uploads = _uploads(files or [], checker)
        thread, _ = conversations.start_thread(
            session,
            efile,
            customer=customer,
            topic_key=topic,
            subject=subject,
            body=body,
            uploads=uploads,
            idempotency_key=idempotency_key,
        )
        _, messages = conversations.read_thread(session, customer, thread.id)
    return _thread_view(request, session, thread, messages)


@router.get("/threads/{thread_id}", response_model=ThreadView)
def read_thread(thread_id: str, request: Request, customer: CurrentCustomer, session: SessionDep) -> ThreadView:
    """Opening a thread marks the jobcenter's messages in it read."""
    with _as_api_errors():
        thread, messages = conversations.read_thread(session, customer, thread_id)
    return _thread_view(request, session, thread, messages)


@router.post("/threads/{thread_id}/messages", status_code=201, response_model=ThreadMessageView)
def reply(
    thread_id: str,
    request: Request,
    customer: CurrentCustomer,
    session: SessionDep,
    efile: EFileDep,
    checker: UploadCheckerDep,
    body: Annotated[str, Form(max_length=50_000)],
    files: Annotated[list[UploadFile] | None, File(description="PDF, JPEG or PNG, each checked by content.")] = None,
    idempotency_key: Annotated[str | None, Header(description=_IDEMPOTENCY_HELP)] = None,
) -> ThreadMessageView:
    with _as_api_errors():
        uploads = _uploads(files or [], checker)
        message = conversations.reply(
            session,
            efile,
            customer=customer,
            thread_id=thread_id,
            body=body,
            uploads=uploads,
            idempotency_key=idempotency_key,
        )
    files_of = attachments_of(session, [message.id]).get(message.id, [])
    return ThreadMessageView(
        id=message.id,
        sender=message.sender,
        kind=message.kind,
        subject=message.subject,
        body=message.body,
        created_at=message.created_at,
        read_at=message.read_at,
        attachments=[_attachment_view(request, d.id, d.filename, d.media_type, d.size) for d in files_of],
    )


@router.get("/topics", response_model=TopicListView)
def list_topics(customer: CurrentCustomer, session: SessionDep) -> TopicListView:
    """What the customer's jobcenter lets them write about."""
    with _as_api_errors():
        jobcenter = conversations.customer_jobcenter(session, customer)
        conversations.require_open(jobcenter)
    topics = [TopicView(key=t.key, title=t.title) for t in topics_of(session, jobcenter.id)]
    return TopicListView(postfach=_postfach(jobcenter), topics=topics)


@router.get("/attachments/{document_id}", name="download_attachment", response_class=Response)
def download_attachment(
    document_id: str,
    ctx: ContextDep,
    session: SessionDep,
    efile: EFileDep,
    credentials: BearerDep,
    session_token: SessionCookieDep = None,
) -> Response:
    """The file, for the customer it belongs to or the staff of its jobcenter; 404 for anyone else. A link in a
    page carries no header, so the sign-in cookie counts like everywhere else in the customer's API."""
    token = bearer_or_cookie(credentials, session_token)
    roles = verify_token(ctx, token).roles
    with _as_api_errors():
        if "customer" in roles:
            customer = get_current_customer(ctx, session, credentials, session_token)
            document = attachment_for(session, document_id, customer_id=customer.id)
        else:
            staff = staff_from_token(ctx, session, token)
            document = attachment_for(session, document_id, jobcenter_id=staff.jobcenter.id)
        data = efile.get(document.storage_key)
    return Response(
        content=data,
        media_type=document.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{document.filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def _query(customer_id: str):  # type: ignore[no-untyped-def]
    return (
        select(MailboxMessage, Jobcenter.name, Submission.receipt_number)
        .join(Jobcenter, Jobcenter.id == MailboxMessage.jobcenter_id)
        .outerjoin(Submission, Submission.id == MailboxMessage.submission_id)
        .where(MailboxMessage.customer_id == customer_id, MailboxMessage.sender == "jobcenter")
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
        thread_id=message.thread_id,
    )


@router.get("", response_model=MailboxView)
def list_messages(customer: CurrentCustomer, session: SessionDep) -> MailboxView:
    """The jobcenter's messages across all threads, newest first (the original flat view)."""
    _open_postfach(session, customer)
    rows = session.execute(_query(customer.id).order_by(MailboxMessage.created_at.desc())).all()
    messages = [_view(*row) for row in rows]
    return MailboxView(unread=sum(1 for m in messages if m.read_at is None), messages=messages)


@router.get("/{message_id}", response_model=MessageView)
def read_message(message_id: str, customer: CurrentCustomer, session: SessionDep) -> MessageView:
    """Opening a message marks it read."""
    _open_postfach(session, customer)
    row = session.execute(_query(customer.id).where(MailboxMessage.id == message_id)).first()
    if row is None:
        raise ApiError(404, "message_not_found", "Diese Nachricht gibt es in Ihrem Postfach nicht.")
    message = row[0]
    if message.read_at is None:
        message.read_at = utcnow()
    return _view(*row)
