"""Löschung nach Art. 17 DSGVO: a jobcenter admin erases a customer — every row and e-file object.

What a retention obligation still holds stays (Art. 17 Abs. 3 lit. b DSGVO): a submission the pipeline is not
done with (kept until 10 years after completion), or one whose retention period has not run out yet — with
what belongs to its file: its Postfach thread and messages, documents, the placement offer it answers, and
the attachments (Anlagen) pointing at it keep their parent. Everything else is not held: drafts, other
conversations, e-mail notifications, closed placement offers, submissions past their period.

Without ``keep_held`` an erasure is all or nothing: if anything is held, nothing is deleted and the holds are
reported (409 ``retention_hold``). With ``keep_held`` everything not held is deleted now; the person is then
treated like one known only from paper (no Postfach, ``online_account`` false), so retention removes them
with their last held record. Audit entries stay either way: they carry ids only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from services.audit import AuditActor, record_access
from services.audit.purposes import Action, Purpose
from services.efile.store import EFileStore
from services.privacy import removal
from services.privacy.retention import TERMINAL_SUBMISSION, RetentionPolicy
from services.store.models import (
    Customer,
    Document,
    Draft,
    EmailNotification,
    InboundItem,
    MailboxMessage,
    MailboxThread,
    Submission,
)


class ErasureReason(StrEnum):
    """Why, as a fixed code (free text could carry personal data into the audit log)."""

    REQUEST = "request"
    OBJECTION = "objection"
    NOT_NECESSARY = "not_necessary"
    UNLAWFUL = "unlawful"
    LEGAL_OBLIGATION = "legal_obligation"


REASON_LABELS: dict[str, str] = {
    ErasureReason.REQUEST: "Antrag der betroffenen Person (Art. 17 Abs. 1 DSGVO)",
    ErasureReason.OBJECTION: "Widerspruch (Art. 17 Abs. 1 lit. c DSGVO)",
    ErasureReason.NOT_NECESSARY: "Zweck entfallen (Art. 17 Abs. 1 lit. a DSGVO)",
    ErasureReason.UNLAWFUL: "Unrechtmäßige Verarbeitung (Art. 17 Abs. 1 lit. d DSGVO)",
    ErasureReason.LEGAL_OBLIGATION: "Rechtliche Verpflichtung (Art. 17 Abs. 1 lit. e DSGVO)",
}


@dataclass(frozen=True)
class Hold:
    """A submission that must be kept, and until when (None: still in process, so not yet known)."""

    submission_id: str
    receipt_number: str
    jobcenter_id: str | None
    until: datetime | None


class RetentionHold(Exception):
    def __init__(self, holds: list[Hold]) -> None:
        super().__init__(f"{len(holds)} record(s) under a retention obligation")
        self.holds = holds


@dataclass
class Erasure:
    customer_deleted: bool
    objects: int
    counts: dict[str, int] = field(default_factory=dict)
    held: list[Hold] = field(default_factory=list)


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    """The longer of two holds; None (still in process) outlasts any date."""
    return None if a is None or b is None else max(a, b)


def holds(session: Session, customer_id: str, now: datetime, policy: RetentionPolicy) -> list[Hold]:
    """The customer's submissions retention still keeps, by the same rule retention deletes them by."""
    last_message = (
        select(MailboxThread.submission_id, func.max(MailboxThread.last_message_at).label("at"))
        .where(MailboxThread.customer_id == customer_id, MailboxThread.submission_id.is_not(None))
        .group_by(MailboxThread.submission_id)
        .subquery()
    )
    rows = session.execute(
        select(Submission, last_message.c.at)
        .outerjoin(last_message, last_message.c.submission_id == Submission.id)
        .where(Submission.customer_id == customer_id)
        .order_by(Submission.created_at, Submission.id)
    ).all()
    held: dict[str, Hold] = {}
    for sub, thread_activity in rows:
        if sub.status not in TERMINAL_SUBMISSION:
            held[sub.id] = Hold(sub.id, sub.receipt_number, sub.jobcenter_id, None)
            continue
        until = policy.until("submissions", max(sub.updated_at, thread_activity or sub.updated_at))
        if until > now:
            held[sub.id] = Hold(sub.id, sub.receipt_number, sub.jobcenter_id, until)
    subs = {sub.id: sub for sub, _ in rows}
    changed = True
    while changed:  # an attachment (Anlage) that stays keeps what it is attached to (foreign key)
        changed = False
        for child_id, hold in list(held.items()):
            parent = subs.get(subs[child_id].parent_submission_id or "")
            if parent is None:
                continue
            known = held.get(parent.id)
            until = hold.until if known is None else _later(known.until, hold.until)
            if known is None or known.until != until:
                held[parent.id] = Hold(parent.id, parent.receipt_number, parent.jobcenter_id, until)
                changed = True
    return sorted(held.values(), key=lambda h: h.receipt_number)


def _ids(session: Session, statement: Select[Any]) -> list[Any]:
    return list(session.scalars(statement))


def erase_customer(
    session: Session,
    efile: EFileStore,
    customer: Customer,
    *,
    actor: AuditActor,
    reason: ErasureReason,
    now: datetime,
    policy: RetentionPolicy,
    keep_held: bool = False,
) -> Erasure:
    """Erase in the caller's transaction, e-file objects first (a rerun finishes a crashed erasure)."""
    removal.lock_removals(session)
    cid = customer.id
    held = holds(session, cid, now, policy)
    if held and not keep_held:
        raise RetentionHold(held)
    kept = {h.submission_id for h in held}
    rows = session.execute(select(Submission.id, Submission.jobcenter_id).where(Submission.customer_id == cid))
    owners: dict[str, str | None] = {submission_id: jobcenter_id for submission_id, jobcenter_id in rows}
    kept_threads = set(_ids(session, select(MailboxThread.id).where(MailboxThread.submission_id.in_(kept))))
    kept_messages = set(
        _ids(
            session,
            select(MailboxMessage.id).where(
                MailboxMessage.customer_id == cid,
                MailboxMessage.submission_id.in_(kept) | MailboxMessage.thread_id.in_(kept_threads),
            ),
        )
    )
    answered = select(Submission.inbound_item_id).where(
        Submission.id.in_(kept), Submission.inbound_item_id.is_not(None)
    )
    threads = _ids(session, select(MailboxThread.id).where(MailboxThread.customer_id == cid))
    messages = _ids(session, select(MailboxMessage.id).where(MailboxMessage.customer_id == cid))
    plan = removal.plan(
        session,
        submissions=[s for s in owners if s not in kept],
        threads=[t for t in threads if t not in kept_threads],
        messages=[m for m in messages if m not in kept_messages],
        inbound_items=_ids(
            session, select(InboundItem.id).where(InboundItem.customer_id == cid, InboundItem.id.not_in(answered))
        ),
        drafts=_ids(session, select(Draft.id).where(Draft.customer_id == cid)),
        notifications=_ids(session, select(EmailNotification.id).where(EmailNotification.customer_id == cid)),
    )
    plan.documents |= set(  # documents filed with nothing (neither a submission nor a message)
        _ids(
            session,
            select(Document.id).where(
                Document.customer_id == cid, Document.submission_id.is_(None), Document.message_id.is_(None)
            ),
        )
    )
    objects = removal.execute(session, efile, plan)
    label = REASON_LABELS[reason]
    for submission_id in sorted(plan.submissions):
        record_access(
            session,
            actor=actor,
            action=Action.DELETE,
            resource_type="submission",
            resource_id=submission_id,
            purpose=Purpose.ERASURE,
            customer_id=cid,
            jobcenter_id=owners.get(submission_id),
            reason=label,
        )
    customer = session.get(Customer, cid)  # expired by the removal
    assert customer is not None
    deleted = not held
    if deleted:
        if removal.still_referenced(session, cid):
            raise RuntimeError("erasure left records of the customer behind")  # a bug, never user input
        session.delete(customer)
    else:
        customer.online_account = False
    session.flush()
    record_access(
        session,
        actor=actor,
        action=Action.DELETE,
        resource_type="customer" if deleted else "customer_data",
        resource_id=cid,
        purpose=Purpose.ERASURE,
        customer_id=cid,
        jobcenter_id=actor.jobcenter_id,
        reason=label,
    )
    return Erasure(customer_deleted=deleted, objects=objects, counts=plan.counts(), held=held)
