"""Postfach attachments: checked uploads filed in the customer's e-file and listed as Document rows.

Why in the e-file and not in the database: an attachment is evidence in the case, like a scanned form;
staff find it next to the submission's PDF. The key is derived from the content's digest, so a retried
upload replaces the same object instead of adding a copy.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.efile.store import EFileStore
from services.efile.uploads import CheckedUpload, new_document_id, store_upload
from services.mailbox.errors import MailboxError
from services.store.models import Customer, Document, MailboxMessage, MailboxThread

ATTACHMENT_KIND = "mailbox_attachment"
MAX_ATTACHMENTS = 5


def efile_prefix(thread: MailboxThread, customer: Customer) -> str:
    """``<jobcenter>/<BG number>/postfach/<thread id>``: in the household's file, one folder per thread."""
    return f"{thread.jobcenter_id}/{customer.bg_number}/postfach/{thread.id}"


def check_count(uploads: Sequence[CheckedUpload]) -> None:
    if len(uploads) > MAX_ATTACHMENTS:
        raise MailboxError(
            422, "too_many_attachments", f"Bitte höchstens {MAX_ATTACHMENTS} Dateien an eine Nachricht anhängen."
        )


def attach_uploads(
    session: Session,
    efile: EFileStore,
    *,
    message: MailboxMessage,
    thread: MailboxThread,
    customer: Customer,
    uploads: Sequence[CheckedUpload],
) -> list[Document]:
    """Store each upload and link it to the message (the caller's transaction records all or nothing)."""
    check_count(uploads)
    documents = []
    for upload in uploads:
        key = store_upload(efile, efile_prefix(thread, customer), upload)
        document = Document(
            id=new_document_id(),
            customer_id=customer.id,
            jobcenter_id=thread.jobcenter_id,
            submission_id=thread.submission_id,
            message_id=message.id,
            kind=ATTACHMENT_KIND,
            filename=upload.filename,
            media_type=upload.media_type,
            size=upload.size,
            sha256=upload.sha256,
            storage_key=key,
        )
        session.add(document)
        documents.append(document)
    return documents


def attachments_of(session: Session, message_ids: Sequence[str]) -> dict[str, list[Document]]:
    """The attachments of several messages at once, by message id, oldest first."""
    if not message_ids:
        return {}
    rows = session.scalars(
        select(Document)
        .where(Document.message_id.in_(list(message_ids)), Document.kind == ATTACHMENT_KIND)
        .order_by(Document.created_at, Document.id)
    )
    found: dict[str, list[Document]] = {}
    for document in rows:
        assert document.message_id is not None
        found.setdefault(document.message_id, []).append(document)
    return found


def attachment_for(
    session: Session, document_id: str, *, customer_id: str | None = None, jobcenter_id: str | None = None
) -> Document:
    """An attachment its owner (the customer) or their jobcenter's staff may download; 404 for anyone else."""
    document = session.get(Document, document_id)
    if document is not None and document.kind == ATTACHMENT_KIND:
        if customer_id is not None and document.customer_id == customer_id:
            return document
        if jobcenter_id is not None and document.jobcenter_id == jobcenter_id:
            return document
    raise MailboxError(404, "attachment_not_found", "Diesen Anhang gibt es nicht.")
