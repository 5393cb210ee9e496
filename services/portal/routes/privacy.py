"""Data-subject rights: the data export (Art. 15 DSGVO) for customers and their jobcenter's admins, and
erasure (Art. 17 DSGVO) by a jobcenter admin. docs/security.md "## Data-subject rights and retention".

Tenancy: an admin reaches a customer who lives in the jobcenter's area (Zuständigkeit, as in paper intake)
or of whom the jobcenter holds records; anyone else is "not found" (404). Erasure needs the former.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from connectors.sdk import FieldProblem
from services.audit import AuditRecorder
from services.audit.purposes import Action, Purpose
from services.efile.store import EFileStore, EFileStoreError
from services.intake.routing import RoutingFailed, responsible_jobcenter
from services.portal.audit import AuditDep
from services.portal.deps import CurrentCustomer, EFileDep, JobcenterAdmin, SessionDep, SettingsDep, StaffIdentity
from services.portal.errors import ApiError, error_body
from services.privacy import archive
from services.privacy.erasure import ErasureReason, Hold, RetentionHold, erase_customer
from services.privacy.export import Scope, collect, document_keys, efile_pdf_keys, to_json
from services.privacy.retention import RetentionPolicy
from services.settings import Settings
from services.store.models import Customer, InboundItem, MailboxThread, Submission, utcnow

router = APIRouter(tags=["data-subject rights"])

ExportFormat = Annotated[
    Literal["json", "zip"],
    Query(alias="format", description="`json` (default), or `zip`: export.json plus every document and filed PDF."),
]
_EXPORT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "Everything held about the customer (JSON), or a ZIP with the documents.",
        "content": {"application/json": {"schema": {"type": "object"}}, "application/zip": {}},
    }
}


def _lives_here(session: Session, customer: Customer, jobcenter_id: str) -> bool:
    try:
        return responsible_jobcenter(session, customer=customer).id == jobcenter_id
    except RoutingFailed:
        return False


def _holds_records(session: Session, customer_id: str, jobcenter_id: str) -> bool:
    return any(
        session.scalar(select(exists().where(model.customer_id == customer_id, model.jobcenter_id == jobcenter_id)))
        for model in (Submission, MailboxThread, InboundItem)
    )


def _not_found(customer_id: str, admin: StaffIdentity) -> ApiError:
    return ApiError(
        404,
        "customer_not_found",
        f"Eine Person mit der Kundennummer '{customer_id}' gibt es im {admin.jobcenter.name} nicht.",
    )


def _export(
    session: Session, efile: EFileStore, settings: Settings, customer: Customer, scope: Scope, as_format: str
) -> Response:
    now = utcnow()
    export = collect(session, customer, scope=scope, policy=RetentionPolicy.from_settings(settings), now=now)
    name = f"datenauskunft-{re.sub(r'[^A-Za-z0-9._-]', '_', customer.id)}-{now.date().isoformat()}"
    headers = {"Cache-Control": "no-store"}
    if as_format == "json":
        headers["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return Response(to_json(export), media_type="application/json", headers=headers)
    try:
        spool = archive.write_zip(
            export,
            efile,
            document_keys=document_keys(session, customer.id, scope),
            pdf_keys=efile_pdf_keys(session, [s["id"] for s in export["submissions"]]),
            spool_bytes=settings.request_max_bytes,
        )
    except EFileStoreError:
        raise ApiError(
            503, "efile_unavailable", "Die e-Akte ist gerade nicht erreichbar. Bitte später erneut versuchen."
        ) from None
    headers |= {
        "Content-Disposition": f'attachment; filename="{name}.zip"',
        "Content-Length": str(archive.size_of(spool)),
    }
    return StreamingResponse(archive.chunks(spool), media_type="application/zip", headers=headers)


def _record_export(audit: AuditRecorder, session: Session, customer: Customer, jobcenter_id: str | None) -> None:
    """An export reads everything about the customer: one entry for it, whoever asked."""
    audit.record(
        session,
        action=Action.EXPORT,
        resource_type="customer",
        resource_id=customer.id,
        purpose=Purpose.ART15,
        customer_id=customer.id,
        jobcenter_id=jobcenter_id,
    )


@router.get("/api/v1/me/data-export", responses=_EXPORT_RESPONSES, response_class=Response)
def my_data_export(
    customer: CurrentCustomer,
    session: SessionDep,
    efile: EFileDep,
    settings: SettingsDep,
    audit: AuditDep,
    as_format: ExportFormat = "json",
) -> Response:
    """Everything the platform holds about you (Auskunft nach Art. 15 DSGVO)."""
    try:
        jobcenter_id: str | None = responsible_jobcenter(session, customer=customer).id
    except RoutingFailed:
        jobcenter_id = None
    _record_export(audit, session, customer, jobcenter_id)
    return _export(session, efile, settings, customer, Scope(), as_format)


@router.get("/api/v1/admin/customers/{customer_id}/data-export", responses=_EXPORT_RESPONSES, response_class=Response)
def customer_data_export(
    customer_id: str,
    admin: JobcenterAdmin,
    session: SessionDep,
    efile: EFileDep,
    settings: SettingsDep,
    audit: AuditDep,
    as_format: ExportFormat = "json",
) -> Response:
    """What your jobcenter holds about one of its customers, to answer their request under Art. 15 DSGVO."""
    jobcenter_id = admin.jobcenter.id
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise _not_found(customer_id, admin)
    lives_here = _lives_here(session, customer, jobcenter_id)
    if not lives_here and not _holds_records(session, customer.id, jobcenter_id):
        raise _not_found(customer_id, admin)
    _record_export(audit, session, customer, jobcenter_id)
    return _export(session, efile, settings, customer, Scope(jobcenter_id, include_unassigned=lives_here), as_format)


class ErasureRequest(BaseModel):
    reason: ErasureReason = Field(
        description="Why: request (Antrag, Art. 17 Abs. 1), objection (Widerspruch), not_necessary (Zweck "
        "entfallen), unlawful (unrechtmäßige Verarbeitung), legal_obligation (rechtliche Verpflichtung)."
    )
    keep_held: bool = Field(
        default=False,
        description="Erase everything not held by a retention obligation now and keep the held records "
        "(default: erase all or nothing, 409 retention_hold while anything is held).",
    )


class HoldView(BaseModel):
    submission_id: str
    receipt_number: str
    jobcenter_id: str | None
    until: date | None = Field(description="Kept until this day; null while the submission is still in process.")


class ErasureView(BaseModel):
    customer_id: str
    customer_deleted: bool
    erased: dict[str, int] = Field(description="Records deleted, by type.")
    objects_deleted: int = Field(description="e-file objects deleted.")
    held: list[HoldView] = Field(description="Records kept under a retention obligation (keep_held only).")


def _hold_view(hold: Hold) -> HoldView:
    return HoldView(
        submission_id=hold.submission_id,
        receipt_number=hold.receipt_number,
        jobcenter_id=hold.jobcenter_id,
        until=hold.until.date() if hold.until else None,
    )


def _hold_problem(hold: Hold) -> FieldProblem:
    when = f"bis {hold.until:%d.%m.%Y}" if hold.until else "bis 10 Jahre nach Abschluss (noch in Bearbeitung)"
    return FieldProblem(
        field=f"submissions.{hold.receipt_number}",
        code="retention_hold",
        message=f"Der Vorgang {hold.receipt_number} ist {when} aufzubewahren.",
    )


@router.post("/api/v1/admin/customers/{customer_id}/erasure", response_model=ErasureView)
def erase(
    customer_id: str,
    body: ErasureRequest,
    admin: JobcenterAdmin,
    session: SessionDep,
    efile: EFileDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> ErasureView | JSONResponse:
    """Erase a customer of your jobcenter: every record and e-file object, except what must still be kept."""
    customer = session.get(Customer, customer_id)
    if customer is None or not _lives_here(session, customer, admin.jobcenter.id):
        raise _not_found(customer_id, admin)
    try:
        with session.begin_nested():
            result = erase_customer(
                session,
                efile,
                customer,
                actor=audit.actor(session),
                reason=body.reason,
                now=utcnow(),
                policy=RetentionPolicy.from_settings(settings),
                keep_held=body.keep_held,
            )
    except RetentionHold as held:
        message = (
            f"Die Daten können noch nicht gelöscht werden: {len(held.holds)} Vorgang/Vorgänge unterliegen einer "
            "Aufbewahrungspflicht. Es wurde nichts gelöscht. Mit keep_held=true wird alles Übrige jetzt gelöscht."
        )
        payload = error_body("retention_hold", message, [_hold_problem(h) for h in held.holds])
        payload["error"]["holds"] = [_hold_view(h).model_dump(mode="json") for h in held.holds]
        return JSONResponse(payload, status_code=409)
    except EFileStoreError:
        raise ApiError(
            503, "efile_unavailable", "Die e-Akte ist gerade nicht erreichbar. Bitte später erneut versuchen."
        ) from None
    return ErasureView(
        customer_id=customer_id,
        customer_deleted=result.customer_deleted,
        erased=result.counts,
        objects_deleted=result.objects,
        held=[_hold_view(h) for h in result.held],
    )
