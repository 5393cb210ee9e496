"""Auskunft nach Art. 15 DSGVO: everything the platform holds about one customer, as one JSON document.

Two scopes. The customer themself gets everything. A jobcenter admin answers for their jobcenter (each
jobcenter is its own controller): records of that jobcenter, plus records not yet assigned to any (drafts,
unrouted submissions) when the customer lives in its area — never another jobcenter's records.

What staff did is told without naming the staff member: the customer learns when, why, from which jobcenter
and what was accessed, not which official (CJEU C-579/21, Pankki S, 22.6.2023). The document bytes themselves
are added by services/privacy/archive.py (the ZIP variant); here documents are listed with their metadata.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from services.privacy.retention import RetentionPolicy
from services.store.models import (
    AuditEntry,
    Customer,
    Document,
    Draft,
    EmailNotification,
    InboundItem,
    Jobcenter,
    MailboxMessage,
    MailboxThread,
    StageResult,
    Submission,
    SubmissionEvent,
)

FORMAT = "ozgflow-data-export/1"
CUSTOMER_FIELDS = ("id", "bg_number", "given_name", "family_name", "street", "postal_code", "city", "email")
SUBMISSION_FIELDS = (
    "id", "receipt_number", "service", "service_version", "channel", "status", "form_data", "jobcenter_id",
    "team_id", "case_reference", "parent_submission_id", "inbound_item_id", "created_at", "updated_at",
    "completed_at", "work_state", "processed_at", "filed_digest", "receipt_signature", "receipt_key_id",
    "receipt_statement",
)  # fmt: skip
DRAFT_FIELDS = ("id", "service", "form_data", "sections", "source_submission_id", "submission_id", "created_at",
                "updated_at")  # fmt: skip
INFORMATION = {
    "controller": "Das für Sie zuständige Jobcenter (siehe jobcenters); ozgflow verarbeitet die Daten in "
    "dessen Auftrag.",
    "purposes": "Bearbeitung Ihrer Anträge, Mitteilungen und Nachrichten nach dem SGB II (§§ 67a ff. SGB X).",
    "recipients": "Die Fachverfahren der Jobcenter (Leistung: ALLEGRO, Vermittlung: VerBIS), an die Ihre "
    "Einreichungen übergeben werden.",
    "storage": "Die Fristen in retention_days gelten ab der letzten Aktivität des jeweiligen Datensatzes.",
    "rights": "Berichtigung (Art. 16), Löschung (Art. 17), Einschränkung (Art. 18), Widerspruch (Art. 21 DSGVO) "
    "beim Jobcenter; Beschwerde bei der zuständigen Datenschutzaufsicht (Art. 77 DSGVO).",
}


@dataclass(frozen=True)
class Scope:
    """``jobcenter_id`` None: everything (the customer's own request)."""

    jobcenter_id: str | None = None
    include_unassigned: bool = True

    def admits(self, column: Any) -> ColumnElement[bool] | bool:
        if self.jobcenter_id is None:
            return True
        if self.include_unassigned:
            return or_(column.is_(None), column == self.jobcenter_id)
        return column == self.jobcenter_id  # type: ignore[no-any-return]


def to_json(export: dict[str, Any]) -> str:
    """The export as the customer reads it: the JSON download and the ZIP's ``export.json`` are the same text."""
    return json.dumps(export, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _row(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: iso(getattr(obj, name, None)) for name in names}


def documents_of(session: Session, customer_id: str, scope: Scope) -> list[Document]:
    owner = func.coalesce(Document.jobcenter_id, Submission.jobcenter_id, MailboxMessage.jobcenter_id)
    return list(
        session.scalars(
            select(Document)
            .outerjoin(Submission, Submission.id == Document.submission_id)
            .outerjoin(MailboxMessage, MailboxMessage.id == Document.message_id)
            .where(Document.customer_id == customer_id, scope.admits(owner))
            .order_by(Document.created_at, Document.id)
        )
    )


def document_keys(session: Session, customer_id: str, scope: Scope) -> dict[str, str]:
    """E-file keys of the exported documents by id (kept out of the JSON: they are internal paths)."""
    return {d.id: d.storage_key for d in documents_of(session, customer_id, scope)}


def efile_pdf_keys(session: Session, submission_ids: Sequence[str]) -> dict[str, str]:
    """The filed PDF of each submission (the e-file stage's reference), by submission id."""
    if not submission_ids:
        return {}
    rows = session.execute(
        select(StageResult.submission_id, StageResult.reference).where(
            StageResult.submission_id.in_(submission_ids),
            StageResult.stage == "efile",
            StageResult.status == "succeeded",
        )
    )
    return {sid: ref for sid, ref in rows if ref and ref.endswith(".pdf")}


def _submissions(session: Session, customer_id: str, scope: Scope) -> list[dict[str, Any]]:
    subs = list(
        session.scalars(
            select(Submission)
            .where(Submission.customer_id == customer_id, scope.admits(Submission.jobcenter_id))
            .order_by(Submission.created_at, Submission.id)
        )
    )
    ids = [s.id for s in subs]
    stages: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    events: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        for r in session.scalars(
            select(StageResult).where(StageResult.submission_id.in_(ids)).order_by(StageResult.id)
        ):
            stages[r.submission_id].append(_row(r, ("stage", "status", "attempts", "started_at", "finished_at")))
        for e in session.scalars(
            select(SubmissionEvent).where(SubmissionEvent.submission_id.in_(ids)).order_by(SubmissionEvent.at)
        ):
            events[e.submission_id].append(_row(e, ("kind", "at", "detail")))
    return [{**_row(s, SUBMISSION_FIELDS), "stages": stages[s.id], "events": events[s.id]} for s in subs]


def _mailbox(session: Session, customer_id: str, scope: Scope) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Threads with their messages, and messages outside any thread."""
    threads = list(
        session.scalars(
            select(MailboxThread)
            .where(MailboxThread.customer_id == customer_id, scope.admits(MailboxThread.jobcenter_id))
            .order_by(MailboxThread.created_at, MailboxThread.id)
        )
    )
    messages = list(
        session.scalars(
            select(MailboxMessage)
            .where(MailboxMessage.customer_id == customer_id, scope.admits(MailboxMessage.jobcenter_id))
            .order_by(MailboxMessage.created_at, MailboxMessage.id)
        )
    )
    names = ("id", "jobcenter_id", "submission_id", "sender", "kind", "subject", "body", "created_at", "read_at")
    by_thread: dict[str | None, list[dict[str, Any]]] = {}
    for m in messages:
        by_thread.setdefault(m.thread_id, []).append(_row(m, names))
    thread_names = ("id", "jobcenter_id", "submission_id", "subject", "status", "created_at", "last_message_at")
    views = [{**_row(t, thread_names), "messages": by_thread.pop(t.id, [])} for t in threads]
    loose = [msg for group in by_thread.values() for msg in group]
    return views, loose


def _access_log(session: Session, customer_id: str, scope: Scope) -> list[dict[str, Any]]:
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.customer_id == customer_id, scope.admits(AuditEntry.jobcenter_id))
        .order_by(AuditEntry.id)
    )
    return [
        {
            **_row(e, ("at", "actor_kind", "actor_jobcenter_id", "action", "resource_type", "resource_id")),
            "actor_id": e.actor_id if e.actor_kind in ("customer", "system") else None,
            "purpose": e.purpose,
            "reason": e.reason,
        }
        for e in entries
    ]


def collect(
    session: Session, customer: Customer, *, scope: Scope, policy: RetentionPolicy, now: datetime
) -> dict[str, Any]:
    """The export as a JSON-ready dict; ``documents`` entries carry ``id`` for the ZIP writer to add ``file``."""
    cid = customer.id
    submissions = _submissions(session, cid, scope)
    threads, loose = _mailbox(session, cid, scope)
    drafts = (
        session.scalars(select(Draft).where(Draft.customer_id == cid).order_by(Draft.created_at, Draft.id))
        if scope.include_unassigned
        else []
    )
    inbound = session.scalars(
        select(InboundItem)
        .where(InboundItem.customer_id == cid, scope.admits(InboundItem.jobcenter_id))
        .order_by(InboundItem.received_at, InboundItem.id)
    )
    notifications = session.scalars(
        select(EmailNotification)
        .join(MailboxMessage, MailboxMessage.id == EmailNotification.message_id)
        .where(EmailNotification.customer_id == cid, scope.admits(MailboxMessage.jobcenter_id))
        .order_by(EmailNotification.id)
    )
    doc_names = ("id", "kind", "filename", "media_type", "size", "sha256", "submission_id", "message_id", "created_at")
    inbound_names = (
        "id", "service", "source_system", "external_id", "jobcenter_id", "payload", "status", "received_at",
        "due_at", "reminded_at", "answered_at",
    )  # fmt: skip
    export: dict[str, Any] = {
        "format": FORMAT,
        "generated_at": iso(now),
        "scope": {"jobcenter_id": scope.jobcenter_id},
        "customer": {**_row(customer, CUSTOMER_FIELDS), "online_account": customer.online_account},
        "submissions": submissions,
        "drafts": [_row(d, DRAFT_FIELDS) for d in drafts],
        "mailbox": {"threads": threads, "messages_without_thread": loose},
        "documents": [_row(d, doc_names) for d in documents_of(session, cid, scope)],
        "inbound_items": [_row(i, inbound_names) for i in inbound],
        "email_notifications": [
            _row(n, ("id", "message_id", "state", "attempts", "created_at", "sent_at")) for n in notifications
        ],
        "access_log": _access_log(session, cid, scope),
        "retention_days": dict(policy.days),
        "information": INFORMATION,
    }
    export["jobcenters"] = _jobcenters(session, export)
    return export


def _jobcenters(session: Session, export: dict[str, Any]) -> dict[str, str]:
    """Names of the jobcenters the export mentions, so ids read as names."""
    ids = {s["jobcenter_id"] for s in export["submissions"]}
    ids |= {t["jobcenter_id"] for t in export["mailbox"]["threads"]}
    ids |= {i["jobcenter_id"] for i in export["inbound_items"]}
    ids |= {e["actor_jobcenter_id"] for e in export["access_log"]}
    ids.discard(None)
    if not ids:
        return {}
    rows = session.execute(select(Jobcenter.id, Jobcenter.name).where(Jobcenter.id.in_(ids)))
    return {jobcenter_id: name for jobcenter_id, name in rows}
