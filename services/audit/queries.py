"""Reading the audit log: a jobcenter admin's search, and a customer's own access log.

Admins see entries about their own jobcenter's data (``jobcenter_id``), whoever accessed it -- their staff,
platform operators, the pipeline. Customers see entries about themselves (``customer_id``), with who named by
jobcenter and role, not by the staff member's name: see ``who_for_customer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from services.audit.purposes import ACTION_LABELS, RESOURCE_LABELS, Purpose
from services.store.models import AuditEntry, Jobcenter, StaffMember, Submission

MAX_PER_PAGE = 200
T = TypeVar("T")


@dataclass(frozen=True)
class AuditFilter:
    jobcenter_id: str
    customer_id: str | None = None
    actor_id: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class AdminEntry:
    entry: AuditEntry
    actor_name: str | None
    """The display name of a staff member of the admin's own jobcenter; None for everyone else."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int


def _paged(session: Session, query: Select[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    rows = session.execute(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(per_page).offset((max(page, 1) - 1) * per_page)
    ).all()
    return list(rows), total


def search(session: Session, f: AuditFilter) -> Page[AdminEntry]:
    """Entries about the admin's jobcenter, newest first, narrowed by the filters given."""
    conditions = [AuditEntry.jobcenter_id == f.jobcenter_id]
    for column, value in (
        (AuditEntry.customer_id, f.customer_id),
        (AuditEntry.actor_id, f.actor_id),
        (AuditEntry.resource_type, f.resource_type),
        (AuditEntry.resource_id, f.resource_id),
        (AuditEntry.action, f.action),
    ):
        if value:
            conditions.append(column == value)
    if f.since is not None:
        conditions.append(AuditEntry.at >= f.since)
    if f.until is not None:
        conditions.append(AuditEntry.at < f.until)
    member = aliased(StaffMember)
    query = (
        select(AuditEntry, member.display_name)
        .outerjoin(
            member,
            and_(
                AuditEntry.actor_kind == "staff",
                member.id == AuditEntry.actor_id,
                member.jobcenter_id == f.jobcenter_id,
            ),
        )
        .where(*conditions)
    )
    rows, total = _paged(session, query, f.page, f.per_page)
    return Page([AdminEntry(entry, name) for entry, name in rows], total, f.page, min(f.per_page, MAX_PER_PAGE))


@dataclass(frozen=True)
class CustomerAccess:
    """One access to a customer's data as they are shown it."""

    at: datetime
    who: str
    jobcenter_name: str | None
    action: str
    what: str
    resource_type: str
    resource_id: str
    receipt_number: str | None
    purpose: str


def who_for_customer(actor_kind: str, purpose: str) -> str:
    """Who accessed, as the customer is told: an office and a role, not a colleague's name.

    Art. 15 GDPR gives the data subject the recipients and purposes, not the identity of each employee who
    acted under the jobcenter's authority (CJEU C-579/21, Pankki S, 2023); naming them would disclose the
    staff's own personal data and expose them to pressure in a benefits dispute. The jobcenter's admin sees the
    staff member (``GET /api/v1/admin/audit``) and answers a justified request for more.
    """
    if actor_kind == "staff":
        if purpose == Purpose.PAPER_INTAKE:
            return "Eingangszone des Jobcenters"
        if purpose == Purpose.ACCESS_REVIEW:
            return "Verwaltung des Jobcenters (Datenschutzkontrolle)"
        return "Sachbearbeitung des Jobcenters"
    if actor_kind == "operator":
        return "Betrieb der Plattform"
    if actor_kind == "system":
        return "Automatische Verarbeitung der Plattform"
    return "Sie selbst"


_SUBMISSION_TYPES = ("submission", "submission_pdf", "submission_json", "submission_metadata")


def customer_access_log(
    session: Session, customer_id: str, *, page: int = 1, per_page: int = 50
) -> Page[CustomerAccess]:
    """Accesses to this customer's data only, newest first; a submission is named by its receipt number."""
    actor_jobcenter = aliased(Jobcenter)
    query = (
        select(AuditEntry, actor_jobcenter.name, Submission.receipt_number)
        .outerjoin(actor_jobcenter, actor_jobcenter.id == AuditEntry.actor_jobcenter_id)
        .outerjoin(
            Submission,
            and_(
                AuditEntry.resource_type.in_(_SUBMISSION_TYPES),
                Submission.id == AuditEntry.resource_id,
                Submission.customer_id == customer_id,
            ),
        )
        .where(AuditEntry.customer_id == customer_id)
    )
    rows, total = _paged(session, query, page, per_page)
    items = [
        CustomerAccess(
            at=e.at,
            who=who_for_customer(e.actor_kind, e.purpose),
            jobcenter_name=name,
            action=ACTION_LABELS.get(e.action, e.action),
            what=RESOURCE_LABELS.get(e.resource_type, e.resource_type),
            resource_type=e.resource_type,
            resource_id=e.resource_id,
            receipt_number=receipt,
            purpose=e.purpose,
        )
        for e, name, receipt in rows
    ]
    return Page(items, total, page, min(per_page, MAX_PER_PAGE))
