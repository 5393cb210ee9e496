"""Deleting records together with everything that hangs on them: the one place retention and erasure share.

A removal is planned first (which rows, which e-file objects), then carried out **objects first, rows
second**, in the caller's transaction. Why this order: if the process dies after deleting objects but before
the commit, the rows are still there and still due, so the next run deletes the (now partly missing)
objects again — deleting a missing key is fine — and then the rows. The other order would leave objects
that no row names any more: orphaned for good. Meanwhile a row may point at a missing object for a moment,
which only matters for records that were being deleted anyway.

Objects are found three ways: the documents' own keys, the submission's e-file folder
(``<jobcenter>/<BG number>/<receipt number>``, also as the e-file stage recorded it) and a Postfach thread's
folder (``<jobcenter>/<BG number>/postfach/<thread id>``). Never the household folder ``<jobcenter>/<BG>``:
the whole Bedarfsgemeinschaft shares it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, delete, select, text, update
from sqlalchemy.orm import Session, aliased

from services.efile.store import EFileStore
from services.mailbox.threads import stable_thread_id
from services.store.models import (
    Customer,
    Document,
    Draft,
    EmailNotification,
    InboundItem,
    MailboxMessage,
    MailboxThread,
    OutboxEntry,
    StageResult,
    Submission,
    SubmissionEvent,
)

_REMOVAL_LOCK = 0x6F7A67_5052  # pg_advisory_xact_lock key shared by retention and erasure ("ozg" "PR")


def lock_removals(session: Session) -> None:
    """Serialise retention and erasure across processes, so no record is deleted (and audited) twice.

    SQLite needs nothing: every transaction there starts with ``BEGIN IMMEDIATE``."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _REMOVAL_LOCK})


@dataclass
class Removal:
    """Ids of every row to delete and the e-file objects that go with them."""

    submissions: set[str] = field(default_factory=set)
    threads: set[str] = field(default_factory=set)
    messages: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)
    notifications: set[int] = field(default_factory=set)
    inbound_items: set[str] = field(default_factory=set)
    drafts: set[str] = field(default_factory=set)
    folders: set[str] = field(default_factory=set)

    def counts(self) -> dict[str, int]:
        return {
            "submissions": len(self.submissions),
            "threads": len(self.threads),
            "messages": len(self.messages),
            "documents": len(self.documents),
            "email_notifications": len(self.notifications),
            "inbound_items": len(self.inbound_items),
            "drafts": len(self.drafts),
        }


def _ids(session: Session, statement: Select[Any]) -> set[Any]:
    return set(session.scalars(statement))


def plan(
    session: Session,
    *,
    submissions: Iterable[str] = (),
    threads: Iterable[str] = (),
    messages: Iterable[str] = (),
    inbound_items: Iterable[str] = (),
    drafts: Iterable[str] = (),
    notifications: Iterable[int] = (),
) -> Removal:
    """Everything that goes with the given records: a submission takes its thread, messages, documents and
    filed drafts; an inbound item its thread; a thread its messages; a message its attachments and e-mail."""
    r = Removal(
        submissions=set(submissions),
        threads=set(threads),
        messages=set(messages),
        inbound_items=set(inbound_items),
        drafts=set(drafts),
        notifications=set(notifications),
    )
    if r.submissions:
        r.threads |= _ids(session, select(MailboxThread.id).where(MailboxThread.submission_id.in_(r.submissions)))
        r.messages |= _ids(session, select(MailboxMessage.id).where(MailboxMessage.submission_id.in_(r.submissions)))
        r.documents |= _ids(session, select(Document.id).where(Document.submission_id.in_(r.submissions)))
        r.drafts |= _ids(session, select(Draft.id).where(Draft.submission_id.in_(r.submissions)))
        sub, owner = aliased(Submission), aliased(Customer)
        rows = session.execute(
            select(sub.id, sub.jobcenter_id, sub.receipt_number, owner.bg_number, StageResult.reference)
            .join(owner, owner.id == sub.customer_id)
            .outerjoin(StageResult, (StageResult.submission_id == sub.id) & (StageResult.stage == "efile"))
            .where(sub.id.in_(r.submissions))
        )
        for _, jobcenter_id, receipt, bg_number, reference in rows:
            if jobcenter_id:
                r.folders.add(f"{jobcenter_id}/{bg_number}/{receipt}")
            if reference and "/" in reference:
                r.folders.add(posixpath.dirname(reference))
    if r.inbound_items:
        inbound_threads = {stable_thread_id(f"inbound:{item_id}") for item_id in r.inbound_items}
        r.threads |= _ids(session, select(MailboxThread.id).where(MailboxThread.id.in_(inbound_threads)))
    if r.threads:
        r.messages |= _ids(session, select(MailboxMessage.id).where(MailboxMessage.thread_id.in_(r.threads)))
        rows = session.execute(
            select(MailboxThread.id, MailboxThread.jobcenter_id, Customer.bg_number)
            .join(Customer, Customer.id == MailboxThread.customer_id)
            .where(MailboxThread.id.in_(r.threads))
        )
        r.folders |= {f"{jobcenter_id}/{bg_number}/postfach/{thread_id}" for thread_id, jobcenter_id, bg_number in rows}
    if r.messages:
        r.documents |= _ids(session, select(Document.id).where(Document.message_id.in_(r.messages)))
        r.notifications |= _ids(
            session, select(EmailNotification.id).where(EmailNotification.message_id.in_(r.messages))
        )
    return r


def _object_keys(session: Session, efile: EFileStore, r: Removal) -> list[str]:
    keys: set[str] = set()
    if r.documents:
        keys |= _ids(session, select(Document.storage_key).where(Document.id.in_(r.documents)))
    for folder in sorted(r.folders):
        keys.update(efile.list(folder))
    if keys:  # a key that another, remaining document names (same bytes, same folder) stays
        still_named = select(Document.storage_key).where(Document.storage_key.in_(keys))
        if r.documents:
            still_named = still_named.where(Document.id.not_in(r.documents))
        keys -= _ids(session, still_named)
    return sorted(keys)


def execute(session: Session, efile: EFileStore, r: Removal) -> int:
    """Delete the objects, then the rows (children before parents); returns how many objects were deleted."""
    keys = _object_keys(session, efile, r)
    for key in keys:
        efile.delete(key)
    if r.notifications:
        session.execute(delete(EmailNotification).where(EmailNotification.id.in_(r.notifications)))
    if r.documents:
        session.execute(delete(Document).where(Document.id.in_(r.documents)))
    if r.drafts:
        session.execute(delete(Draft).where(Draft.id.in_(r.drafts)))
    if r.submissions:
        # a draft prefilled from a deleted submission keeps its own clock (updated_at unchanged)
        session.execute(
            update(Draft)
            .where(Draft.source_submission_id.in_(r.submissions))
            .values(source_submission_id=None, updated_at=Draft.updated_at)
        )
        for table in (OutboxEntry, StageResult, SubmissionEvent):
            session.execute(delete(table).where(table.submission_id.in_(r.submissions)))
    if r.messages:
        session.execute(delete(MailboxMessage).where(MailboxMessage.id.in_(r.messages)))
    if r.threads:
        session.execute(delete(MailboxThread).where(MailboxThread.id.in_(r.threads)))
    if r.submissions:
        children = Submission.id.in_(r.submissions) & Submission.parent_submission_id.is_not(None)
        session.execute(delete(Submission).where(children))
        session.execute(delete(Submission).where(Submission.id.in_(r.submissions)))
    if r.inbound_items:
        session.execute(delete(InboundItem).where(InboundItem.id.in_(r.inbound_items)))
    session.expire_all()  # ORM objects loaded earlier in this session may describe deleted rows
    return len(keys)


def still_referenced(session: Session, customer_id: str) -> bool:
    """True while any record of the customer remains (the customer row cannot go before them)."""
    for model in (Submission, MailboxThread, MailboxMessage, Document, EmailNotification, InboundItem, Draft):
        if session.scalar(select(model.id).where(model.customer_id == customer_id).limit(1)) is not None:
            return True
    return False
