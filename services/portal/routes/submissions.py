"""Filing a submission and following its progress.

Accepting writes the submission and its outbox entry in one transaction and answers 202 at once;
everything slow happens in the pipeline. The request's server span (services.telemetry.asgi) names the
receipt number, and its W3C ``traceparent`` is stored with the submission: the pipeline continues that trace.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, Response
from opentelemetry import trace
from pydantic import BaseModel
from sqlalchemy import select

from services.intake.acceptance import Acceptance, SubmissionRejected, accept_submission
from services.pipeline.stages import STAGE_ORDER
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
from services.receipts.document import proof_of, receipt_document
from services.store import ledger, outbox
from services.store.models import Jobcenter, Submission, Team
from services.telemetry import Telemetry
from services.telemetry.attributes import submission_attributes
from services.telemetry.propagation import current_traceparent

router = APIRouter(prefix="/api/v1/submissions", tags=["submissions"])


class AcceptedSubmission(BaseModel):
    id: str
    receipt_number: str
    status: str
    status_url: str


class StageView(BaseModel):
    stage: str
    status: str
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    reference: str | None
    error: str | None


class JobcenterView(BaseModel):
    id: str
    name: str
    email: str
    phone: str


class SubmissionView(BaseModel):
    id: str
    receipt_number: str
    service: str
    service_version: str
    channel: str
    status: str
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    jobcenter: JobcenterView | None
    team: str | None
    case_reference: str | None
    failure_reason: str | None
    attempts: int
    next_attempt_at: datetime | None
    attached_to: str | None
    attachments: list[str]
    stages: list[StageView]


_IDEMPOTENCY_KEY_HELP = (
    "Optional: a client-chosen key (max. 200 ASCII characters); repeating it returns the same submission."
)


@router.post("/{service}", status_code=202, response_model=AcceptedSubmission, name="submit")
def submit(
    service: str,
    request: Request,
    response: Response,
    customer: CurrentCustomer,
    session: SessionDep,
    registry: RegistryDep,
    ctx: ContextDep,
    telemetry: TelemetryDep,
    signer: ReceiptSignerDep,
    trust_level: CustomerTrustLevel,
    form: Annotated[dict[str, Any], Body(description="The service's form (see its JSON Schema).")],
    idempotency_key: Annotated[str | None, Header(max_length=200, description=_IDEMPOTENCY_KEY_HELP)] = None,
    attach_to: Annotated[
        str | None, Query(max_length=36, description="Attach to this submission of yours (an Anlage to a WBA).")
    ] = None,
) -> AcceptedSubmission:
    connector = connector_for(registry, service)
    ensure_available(ctx, session, customer=customer, connector=connector)
    if idempotency_key is not None and (not idempotency_key.strip() or not idempotency_key.isascii()):
        raise ApiError(400, "invalid_idempotency_key", "Der Idempotency-Key muss aus 1–200 ASCII-Zeichen bestehen.")
    try:
        acceptance = accept_submission(
            session,
            connector=connector,
            customer_id=customer.id,
            payload=form,
            idempotency_key=idempotency_key,
            attach_to=attach_to,
            traceparent=current_traceparent(),
            signer=signer,
            trust_level=trust_level,  # 403: address or bank details need the eID
        )
    except SubmissionRejected as exc:
        raise ApiError(exc.status, exc.code, exc.message, exc.problems) from None
    record_acceptance(acceptance, telemetry)
    return accepted_response(acceptance, request, response)


def record_acceptance(acceptance: Acceptance, telemetry: Telemetry) -> None:
    """Name the submission on the request's span and count it (once: a replay is no new submission)."""
    sub = acceptance.submission
    trace.get_current_span().set_attributes(
        submission_attributes(receipt_number=sub.receipt_number, service=sub.service, jobcenter=sub.jobcenter_id)
    )
    if not acceptance.replayed:
        telemetry.metrics.submission_accepted(sub.service)


def accepted_response(acceptance: Acceptance, request: Request, response: Response) -> AcceptedSubmission:
    """The 202 answer for a new or replayed submission (also used when a draft is filed)."""
    sub = acceptance.submission
    status_url = str(request.url_for("submission_status", submission_id=sub.id).path)
    response.headers["Location"] = status_url
    if acceptance.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return AcceptedSubmission(id=sub.id, receipt_number=sub.receipt_number, status=sub.status, status_url=status_url)


@router.get("/{submission_id}", response_model=SubmissionView, name="submission_status")
def submission_status(submission_id: str, customer: CurrentCustomer, session: SessionDep) -> SubmissionView:
    sub = session.scalar(
        select(Submission).where(Submission.id == submission_id, Submission.customer_id == customer.id)
    )
    if sub is None:  # someone else's submission looks exactly like a missing one
        raise ApiError(404, "submission_not_found", "Diese Einreichung gibt es in Ihrem Konto nicht.")
    rows = {r.stage: r for r in ledger.for_submission(session, sub.id)}
    entry = outbox.entry_for(session, sub.id)
    jc = session.get(Jobcenter, sub.jobcenter_id) if sub.jobcenter_id else None
    team = session.get(Team, sub.team_id) if sub.team_id else None
    stages = [
        StageView(
            stage=name,
            status=r.status,
            attempts=r.attempts,
            started_at=r.started_at,
            finished_at=r.finished_at,
            reference=r.reference,
            error=r.error,
        )
        if (r := rows.get(name))
        else StageView(
            stage=name, status="pending", attempts=0, started_at=None, finished_at=None, reference=None, error=None
        )
        for name in STAGE_ORDER
    ]
    return SubmissionView(
        id=sub.id,
        receipt_number=sub.receipt_number,
        service=sub.service,
        service_version=sub.service_version,
        channel=sub.channel,
        status=sub.status,
        created_at=sub.created_at,
        updated_at=sub.updated_at,
        completed_at=sub.completed_at,
        jobcenter=JobcenterView(id=jc.id, name=jc.name, email=jc.email, phone=jc.phone) if jc else None,
        team=team.name if team else None,
        case_reference=sub.case_reference,
        failure_reason=sub.failure_reason,
        attempts=entry.attempts if entry else 0,
        next_attempt_at=entry.available_at if entry and sub.status == "retry_scheduled" else None,
        attached_to=sub.parent_submission_id,
        attachments=list(session.scalars(select(Submission.id).where(Submission.parent_submission_id == sub.id))),
        stages=stages,
    )


@router.get(
    "/{submission_id}/receipt",
    name="submission_receipt",
    summary="Your signed receipt: statement, Ed25519 signature, what it covers and how to verify it",
)
def submission_receipt(
    submission_id: str, customer: CurrentCustomer, session: SessionDep, ctx: ContextDep
) -> dict[str, Any]:
    """Save it as a file: with it anyone can check what was filed and when (``POST /api/v1/receipts/verify``,
    ``ozgflow receipt verify``, or a few lines of Python with the published key; docs/security.md)."""
    sub = session.scalar(
        select(Submission).where(Submission.id == submission_id, Submission.customer_id == customer.id)
    )
    if sub is None:  # someone else's submission looks exactly like a missing one
        raise ApiError(404, "submission_not_found", "Diese Einreichung gibt es in Ihrem Konto nicht.")
    proof = proof_of(sub)
    if proof is None:
        raise ApiError(
            404,
            "receipt_not_signed",
            "Zu dieser Einreichung gibt es keine signierte Eingangsbestätigung (sie ging vor deren Einführung ein). "
            "Die Eingangsnummer in Ihrem Postfach gilt weiterhin.",
        )
    return receipt_document(sub, proof, public_url=ctx.settings.resolved_public_url)
