"""Once-only drafts over HTTP: start from the last filing, confirm or change each section, file."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Request, Response
from pydantic import BaseModel

from services.intake import drafts
from services.intake.acceptance import SubmissionRejected
from services.portal.deps import (
    ContextDep,
    CurrentCustomer,
    CustomerTrustLevel,
    RegistryDep,
    SessionDep,
    TelemetryDep,
    connector_for,
)
from services.portal.errors import ApiError
from services.portal.rollout import ensure_available
from services.portal.routes.receipts import ReceiptSignerDep
from services.portal.routes.submissions import AcceptedSubmission, accepted_response, record_acceptance
from services.store.models import Draft
from services.telemetry.propagation import current_traceparent

router = APIRouter(prefix="/api/v1/drafts", tags=["drafts"])


class DraftView(BaseModel):
    id: str
    service: str
    form: dict[str, Any]
    sections: dict[str, str]
    source_submission_id: str | None
    submission_id: str | None


class SectionChange(BaseModel):
    """Either confirm the prefilled section as it is, or send its new value."""

    confirm: bool = False
    value: Any = None


def _view(d: Draft) -> DraftView:
    return DraftView(
        id=d.id,
        service=d.service,
        form=d.form_data,
        sections=d.sections,
        source_submission_id=d.source_submission_id,
        submission_id=d.submission_id,
    )


def _draft(session: SessionDep, customer: CurrentCustomer, draft_id: str) -> Draft:
    try:
        return drafts.get_draft(session, customer_id=customer.id, draft_id=draft_id)
    except LookupError:
        raise ApiError(404, "draft_not_found", "Diesen Entwurf gibt es in Ihrem Konto nicht.") from None


def _rejected(exc: SubmissionRejected) -> ApiError:
    return ApiError(exc.status, exc.code, exc.message, exc.problems)


@router.post("/{service}", status_code=201, response_model=DraftView)
def start_draft(service: str, customer: CurrentCustomer, session: SessionDep, registry: RegistryDep) -> DraftView:
    try:
        return _view(drafts.create_draft(session, connector=connector_for(registry, service), customer_id=customer.id))
    except SubmissionRejected as exc:
        raise _rejected(exc) from None


@router.get("/{draft_id}", response_model=DraftView)
def read_draft(draft_id: str, customer: CurrentCustomer, session: SessionDep) -> DraftView:
    return _view(_draft(session, customer, draft_id))


@router.put("/{draft_id}/sections/{section}", response_model=DraftView)
def update_section(
    draft_id: str,
    section: str,
    change: Annotated[SectionChange, Body()],
    customer: CurrentCustomer,
    session: SessionDep,
    registry: RegistryDep,
) -> DraftView:
    draft = _draft(session, customer, draft_id)
    connector = connector_for(registry, draft.service)
    try:
        if change.confirm:
            drafts.confirm_section(draft, connector=connector, section=section)
        else:
            drafts.change_section(draft, connector=connector, section=section, value=change.value)
    except SubmissionRejected as exc:
        raise _rejected(exc) from None
    return _view(draft)


@router.post("/{draft_id}/submit", status_code=202, response_model=AcceptedSubmission)
def submit(
    draft_id: str,
    request: Request,
    response: Response,
    customer: CurrentCustomer,
    session: SessionDep,
    registry: RegistryDep,
    ctx: ContextDep,
    telemetry: TelemetryDep,
    signer: ReceiptSignerDep,
    trust_level: CustomerTrustLevel,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> AcceptedSubmission:
    draft = _draft(session, customer, draft_id)
    connector = connector_for(registry, draft.service)
    ensure_available(ctx, session, customer=customer, connector=connector)
    try:
        acceptance = drafts.submit_draft(
            session,
            draft,
            connector=connector,
            idempotency_key=idempotency_key,
            traceparent=current_traceparent(),
            signer=signer,
            trust_level=trust_level,  # 403: address or bank details need the eID
        )
    except SubmissionRejected as exc:
        raise _rejected(exc) from None
    record_acceptance(acceptance, telemetry)
    return accepted_response(acceptance, request, response)
