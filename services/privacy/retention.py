"""Retention: how long each kind of record is kept, and deleting what is due (docs/security.md has the table
with the legal reasoning).

Each period runs from the record's last activity, so a conversation someone still writes in, or a draft still
being edited, is not cut off. ``apply_retention`` deletes at most ``limit`` records of each type per call, in
the caller's transaction, e-file objects before rows (services/privacy/removal.py): a call that dies halfway
leaves everything still due, and the next call finishes it. Run it until ``report.more`` is False.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from services.audit import AuditActor, record_access
from services.audit.purposes import Action, Purpose
from services.audit.retention import ChainBrokenError, prune_before
from services.efile.store import EFileStore
from services.mailbox.notifications import FAILED, SENT
from services.mailbox.threads import stable_thread_id
from services.privacy import removal
from services.settings import Settings
from services.store.models import (
    Customer,
    Draft,
    EmailNotification,
    InboundItem,
    MailboxMessage,
    MailboxThread,
    Submission,
)

log = logging.getLogger("ozgflow.privacy")

DEFAULT_RETENTION_DAYS: Mapping[str, int] = MappingProxyType(
    {
        "drafts": 30,
        "email_notifications": 30,
        "conversations": 730,
        "inbound_items": 730,
        "submissions": 3650,
        "audit_log": 730,
    }
)
"""Days after the last activity; ``OZGFLOW_RETENTION_DAYS`` overrides single types."""

TERMINAL_SUBMISSION = ("completed", "failed")
"""Only a submission the pipeline is done with ages; one still in process is kept whatever its age."""
CLOSED_INBOUND = ("answered", "expired")
SYSTEM = AuditActor.system("retention")
AUDIT_ENTRIES_PER_RECORD = 10
"""Audit entries pruned per transaction, per record of the batch limit: the log grows much faster."""


@dataclass(frozen=True)
class RetentionPolicy:
    days: Mapping[str, int] = field(default_factory=lambda: DEFAULT_RETENTION_DAYS)

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        """The defaults with the settings' overrides (unknown types were refused when settings were read)."""
        return cls(MappingProxyType({**DEFAULT_RETENTION_DAYS, **settings.retention_days}))

    def cutoff(self, record_type: str, now: datetime) -> datetime:
        """Records whose last activity lies before this are due."""
        return now - timedelta(days=self.days[record_type])

    def until(self, record_type: str, last_activity: datetime) -> datetime:
        return last_activity + timedelta(days=self.days[record_type])


@dataclass
class RetentionReport:
    """Counts only (they go to logs and Prefect): never ids or names."""

    submissions: int = 0
    inbound_items: int = 0
    conversations: int = 0
    drafts: int = 0
    email_notifications: int = 0
    customers: int = 0
    objects: int = 0
    audit_entries: int = 0
    more: bool = field(default=False, compare=False)
    """True when a type hit the batch limit: more may be due, call again."""

    def __add__(self, other: RetentionReport) -> RetentionReport:
        summed = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self) if f.name != "more"}
        return RetentionReport(**summed, more=other.more)

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "more"}


def _due(session: Session, column: Any, *conditions: Any, order: Any, limit: int) -> list[Any]:
    """Ids of due rows, oldest first, locked against concurrent changes until the transaction ends."""
    statement = select(column).where(*conditions).order_by(order, column).limit(limit).with_for_update()
    return list(session.scalars(statement))


def _due_submissions(session: Session, cutoff: datetime, limit: int) -> list[str]:
    """Finished before the cutoff, no attachment (Anlage) left that points at it — those go first — and no
    message in its thread since the cutoff."""
    child = aliased(Submission)
    return _due(
        session,
        Submission.id,
        Submission.status.in_(TERMINAL_SUBMISSION),
        Submission.updated_at < cutoff,
        ~exists().where(child.parent_submission_id == Submission.id),
        ~exists().where(MailboxThread.submission_id == Submission.id, MailboxThread.last_message_at >= cutoff),
        order=Submission.updated_at,
        limit=limit,
    )


def _inbound_last_activity() -> Any:
    return func.coalesce(InboundItem.answered_at, InboundItem.due_at, InboundItem.received_at)


def _due_inbound_items(session: Session, cutoff: datetime, limit: int) -> tuple[list[str], bool]:
    """Answered or expired before the cutoff, and no remaining answer (a submission) points at it."""
    candidates = _due(
        session,
        InboundItem.id,
        InboundItem.status.in_(CLOSED_INBOUND),
        _inbound_last_activity() < cutoff,
        ~exists().where(Submission.inbound_item_id == InboundItem.id),
        order=InboundItem.received_at,
        limit=limit,
    )
    # the item's Postfach thread is identified by a derived id, so its activity is checked here, not in SQL
    threads = {stable_thread_id(f"inbound:{i}"): i for i in candidates}
    active = session.scalars(
        select(MailboxThread.id).where(MailboxThread.id.in_(threads), MailboxThread.last_message_at >= cutoff)
    )
    quiet = set(candidates) - {threads[t] for t in active}
    return [i for i in candidates if i in quiet], len(candidates) == limit and bool(quiet)


def _customers_of(session: Session, model: Any, ids: list[str]) -> dict[str, tuple[str, str | None]]:
    if not ids:
        return {}
    jobcenter = getattr(model, "jobcenter_id", None)
    rows = session.execute(select(model.id, model.customer_id, jobcenter).where(model.id.in_(ids)))
    return {row[0]: (row[1], row[2]) for row in rows}


def _delete_submissions(
    session: Session, efile: EFileStore, now: datetime, policy: RetentionPolicy, limit: int, touched: set[str]
) -> tuple[int, int, bool]:
    """Attachments first, then what they were attached to: repeat until nothing more is due or the limit."""
    cutoff, deleted, objects = policy.cutoff("submissions", now), 0, 0
    while deleted < limit:
        ids = _due_submissions(session, cutoff, limit - deleted)
        if not ids:
            return deleted, objects, False
        owners = _customers_of(session, Submission, ids)
        objects += removal.execute(session, efile, removal.plan(session, submissions=ids))
        for submission_id, (customer_id, jobcenter_id) in owners.items():
            touched.add(customer_id)
            record_access(
                session,
                actor=SYSTEM,
                action=Action.DELETE,
                resource_type="submission",
                resource_id=submission_id,
                purpose=Purpose.RETENTION,
                customer_id=customer_id,
                jobcenter_id=jobcenter_id,
            )
        deleted += len(ids)
    return deleted, objects, True


def _delete_customers_left_without_records(session: Session, customer_ids: set[str]) -> int:
    """A person known only from paper exists for their records: they go with the last one retention deletes.

    Customers with an online account stay (their account is theirs to close: erasure)."""
    deleted = 0
    for customer_id in sorted(customer_ids):
        customer = session.get(Customer, customer_id, with_for_update=True)
        if customer is None or customer.online_account or removal.still_referenced(session, customer_id):
            continue
        session.delete(customer)
        session.flush()
        record_access(
            session,
            actor=SYSTEM,
            action=Action.DELETE,
            resource_type="customer",
            resource_id=customer_id,
            purpose=Purpose.RETENTION,
            customer_id=customer_id,
        )
        deleted += 1
    return deleted


def _prune_audit_log(session: Session, cutoff: datetime, limit: int) -> int:
    """The audit log's own retention (services/audit/retention.py), in a savepoint: a broken chain keeps its
    entries as evidence and is reported there, but must not stop the deletion of everything else."""
    try:
        with session.begin_nested():
            return prune_before(session, cutoff, limit=limit)
    except ChainBrokenError as exc:
        log.warning("audit log not pruned: %s", exc)
        return 0


def apply_retention(
    session: Session,
    efile: EFileStore,
    now: datetime,
    *,
    policy: RetentionPolicy | None = None,
    limit: int = 200,
) -> RetentionReport:
    """Delete up to ``limit`` due records of each type (with their dependants and e-file objects)."""
    policy = policy or RetentionPolicy()
    removal.lock_removals(session)
    report, touched = RetentionReport(), set[str]()

    report.submissions, report.objects, more = _delete_submissions(session, efile, now, policy, limit, touched)

    items, items_more = _due_inbound_items(session, policy.cutoff("inbound_items", now), limit)
    touched |= {c for c, _ in _customers_of(session, InboundItem, items).values()}
    report.objects += removal.execute(session, efile, removal.plan(session, inbound_items=items))
    report.inbound_items = len(items)

    cutoff = policy.cutoff("conversations", now)
    threads = _due(
        session,
        MailboxThread.id,
        MailboxThread.submission_id.is_(None),
        MailboxThread.last_message_at < cutoff,
        order=MailboxThread.last_message_at,
        limit=limit,
    )
    loose = _due(  # messages in no thread and about no submission
        session,
        MailboxMessage.id,
        MailboxMessage.thread_id.is_(None),
        MailboxMessage.submission_id.is_(None),
        MailboxMessage.created_at < cutoff,
        order=MailboxMessage.created_at,
        limit=limit,
    )
    touched |= {c for c, _ in _customers_of(session, MailboxThread, threads).values()}
    report.objects += removal.execute(session, efile, removal.plan(session, threads=threads, messages=loose))
    report.conversations = len(threads) + len(loose)

    drafts = _due(
        session, Draft.id, Draft.updated_at < policy.cutoff("drafts", now), order=Draft.updated_at, limit=limit
    )
    removal.execute(session, efile, removal.plan(session, drafts=drafts))
    report.drafts = len(drafts)

    sent = func.coalesce(EmailNotification.sent_at, EmailNotification.created_at)
    notifications = _due(
        session,
        EmailNotification.id,
        EmailNotification.state.in_((SENT, FAILED)),
        sent < policy.cutoff("email_notifications", now),
        order=sent,
        limit=limit,
    )
    removal.execute(session, efile, removal.plan(session, notifications=notifications))
    report.email_notifications = len(notifications)

    report.customers = _delete_customers_left_without_records(session, touched)
    audit_limit = limit * AUDIT_ENTRIES_PER_RECORD
    report.audit_entries = _prune_audit_log(session, policy.cutoff("audit_log", now), audit_limit)
    counted = (len(threads), len(loose), len(drafts), len(notifications))
    report.more = more or items_more or limit in counted or report.audit_entries == audit_limit
    return report
