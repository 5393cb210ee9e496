"""Reading the audit log: jobcenter admins search their jobcenter's entries, customers see who accessed their
data, operators check the chain (ids and hashes only, no personal data).

Reading the log is itself an access to personal data (who looked at whom), so an admin's search is recorded
too (purpose "Datenschutzkontrolle"). A customer reading their own access log is not: it is their own data,
and recording it would fill the very list they are reading.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.audit.purposes import ACTIONS, Action, Purpose
from services.audit.queries import AuditFilter, customer_access_log, search
from services.audit.verify import check_chain
from services.portal.audit import AuditDep
from services.portal.deps import CurrentCustomer, CurrentOperator, JobcenterAdmin, SessionDep
from services.portal.errors import ApiError

router = APIRouter(tags=["audit log"])


class AdminAuditEntry(BaseModel):
    id: int
    at: datetime
    actor_kind: str = Field(description="customer, staff, operator or system")
    actor_id: str
    actor_name: str | None = Field(description="Display name of a staff member of your jobcenter, else null.")
    actor_jobcenter_id: str | None
    action: str
    resource_type: str
    resource_id: str
    customer_id: str | None
    purpose: str
    reason: str | None = Field(description="The reason the person gave (X-Access-Reason), if any.")
    source: str | None = Field(description="Client address, or the host of a platform component.")


class AdminAuditPage(BaseModel):
    items: list[AdminAuditEntry]
    total: int
    page: int
    per_page: int


class AccessLogEntry(BaseModel):
    at: datetime
    who: str = Field(description="The office and role that accessed (not the person's name).")
    jobcenter_name: str | None = Field(description="The jobcenter of the person who accessed; null for the platform.")
    action: str = Field(description="What was done, in German (eingesehen, geändert, übermittelt ...).")
    what: str = Field(description="What was accessed, in German.")
    resource_type: str
    resource_id: str
    receipt_number: str | None = Field(description="The receipt number, where a submission was accessed.")
    purpose: str = Field(description="Why, as a fixed German phrase.")


class AccessLogPage(BaseModel):
    items: list[AccessLogEntry]
    total: int
    page: int
    per_page: int


class ChainStatus(BaseModel):
    intact: bool
    checked: int = Field(description="Entries verified.")
    first_id: int | None
    head_id: int | None = Field(description="The newest entry; note id and hash outside the database as an anchor.")
    head_hash: str | None
    pruned: bool = Field(description="The oldest entries were removed by retention (a marker in the chain says so).")
    broken_entry_id: int | None = Field(description="The first entry that fails verification.")
    reason: str | None


@router.get("/api/v1/admin/audit", response_model=AdminAuditPage, summary="Audit log of your jobcenter")
def admin_audit(
    admin: JobcenterAdmin,
    session: SessionDep,
    audit: AuditDep,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    actor_id: Annotated[str | None, Query(max_length=200)] = None,
    resource_type: Annotated[str | None, Query(max_length=32)] = None,
    resource_id: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=32)] = None,
    since: Annotated[datetime | None, Query(alias="from", description="From this time on (ISO 8601).")] = None,
    until: Annotated[datetime | None, Query(alias="to", description="Before this time (ISO 8601).")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AdminAuditPage:
    """Who read or changed personal data of your jobcenter's customers: your staff, the platform's operators and
    its automatic hand-overs. Only entries about your own jobcenter; newest first."""
    if action and action not in ACTIONS:
        raise ApiError(422, "unknown_action", f"Die Aktion '{action}' gibt es nicht. Möglich: {', '.join(ACTIONS)}.")
    for name, value in (("from", since), ("to", until)):
        if value is not None and value.tzinfo is None:
            raise ApiError(422, "naive_time", f"'{name}' braucht eine Zeitzone, z. B. 2026-01-31T00:00:00+01:00.")
    if since is not None and until is not None and since >= until:
        raise ApiError(422, "empty_period", "'from' muss vor 'to' liegen.")
    jobcenter_id = admin.jobcenter.id
    found = search(
        session,
        AuditFilter(
            jobcenter_id=jobcenter_id,
            customer_id=customer_id or None,
            actor_id=actor_id or None,
            resource_type=resource_type or None,
            resource_id=resource_id or None,
            action=action or None,
            since=since,
            until=until,
            page=page,
            per_page=per_page,
        ),
    )
    audit.record(
        session,
        action=Action.READ,
        resource_type="audit_log",
        resource_id=jobcenter_id,
        purpose=Purpose.ACCESS_REVIEW,
        customer_id=customer_id or None,
        jobcenter_id=jobcenter_id,
    )
    items = [
        AdminAuditEntry(
            id=e.entry.id,
            at=e.entry.at,
            actor_kind=e.entry.actor_kind,
            actor_id=e.entry.actor_id,
            actor_name=e.actor_name,
            actor_jobcenter_id=e.entry.actor_jobcenter_id,
            action=e.entry.action,
            resource_type=e.entry.resource_type,
            resource_id=e.entry.resource_id,
            customer_id=e.entry.customer_id,
            purpose=e.entry.purpose,
            reason=e.entry.reason,
            source=e.entry.source,
        )
        for e in found.items
    ]
    return AdminAuditPage(items=items, total=found.total, page=found.page, per_page=found.per_page)


@router.get("/api/v1/me/access-log", response_model=AccessLogPage, summary="Who accessed my data")
def my_access_log(
    customer: CurrentCustomer,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AccessLogPage:
    """Every recorded access to your data by the jobcenter, the platform's operators and its automatic
    processing: when, who (office and role), what and why. Newest first."""
    found = customer_access_log(session, customer.id, page=page, per_page=per_page)
    items = [AccessLogEntry(**vars(item)) for item in found.items]
    return AccessLogPage(items=items, total=found.total, page=found.page, per_page=found.per_page)


@router.get("/api/v1/ops/audit/verify", response_model=ChainStatus, summary="Verify the audit log's hash chain")
def verify_audit_chain(_operator: CurrentOperator, session: SessionDep) -> ChainStatus:
    """Walks the whole chain (for very long chains prefer ``ozgflow audit verify``, which shows progress)."""
    report = check_chain(session)
    broken = report.broken
    return ChainStatus(
        intact=report.intact,
        checked=report.checked,
        first_id=report.first_id,
        head_id=report.head_id,
        head_hash=report.head_hash,
        pruned=report.pruned,
        broken_entry_id=broken.entry_id if broken else None,
        reason=broken.reason if broken else None,
    )
