"""What a stage works on: a plain snapshot of one submission, loaded in one short transaction so
that slow work (PDF rendering, HTTP) runs outside any database transaction."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.sdk import (
    Connector,
    CustomerSummary,
    InboundContext,
    JobcenterSummary,
    ServiceForm,
    SubmissionContext,
)
from connectors.sdk.registry import ConnectorRegistry
from services.pipeline.errors import StoredFormInvalid
from services.portal.branding import brand_of
from services.receipts.document import ReceiptProof, proof_of
from services.store.models import Customer, InboundItem, Jobcenter, Submission, Team


@dataclass(frozen=True)
class StageJob:
    submission_id: str
    receipt_number: str
    connector: Connector
    form: ServiceForm
    customer: CustomerSummary
    context: SubmissionContext | None  # None until intake has routed the submission
    receipt: ReceiptProof | None = None  # the signed receipt (digest, key id, signature) for the PDF

    def require_context(self) -> SubmissionContext:
        if self.context is None:
            raise StoredFormInvalid(f"{self.receipt_number} has not been routed yet")
        return self.context


def customer_summary(customer: Customer) -> CustomerSummary:
    return CustomerSummary(
        customer_id=customer.id,
        bg_number=customer.bg_number,
        given_name=customer.given_name,
        family_name=customer.family_name,
        street=customer.street,
        postal_code=customer.postal_code,
        city=customer.city,
    )


def jobcenter_summary(jc: Jobcenter) -> JobcenterSummary:
    """The jobcenter's identity for documents and messages, with colours already made accessible."""
    brand = brand_of(jc)
    return JobcenterSummary(
        jobcenter_id=brand.id,
        name=brand.name,
        street=brand.street,
        postal_code=brand.postal_code,
        city=brand.city,
        email=brand.email,
        phone=brand.phone,
        website=brand.website,
        opening_hours=tuple((line.days, line.hours) for line in brand.opening_hours),
        colour_primary=brand.colour_primary,
        colour_accent=brand.colour_accent,
    )


def _parent_receipt(session: Session, sub: Submission) -> str | None:
    if sub.parent_submission_id is None:
        return None
    return session.scalar(select(Submission.receipt_number).where(Submission.id == sub.parent_submission_id))


def _inbound(session: Session, sub: Submission) -> InboundContext | None:
    if sub.inbound_item_id is None:
        return None
    item = session.get(InboundItem, sub.inbound_item_id)
    assert item is not None
    return InboundContext(
        item_id=item.id,
        external_id=item.external_id,
        payload=item.payload,
        received_at=item.received_at,
        due_at=item.due_at,
    )


def load_job(session: Session, registry: ConnectorRegistry, submission_id: str) -> StageJob:
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise StoredFormInvalid(f"submission {submission_id} does not exist")
    connector = registry.get(sub.service)
    try:
        form = connector.form.model_validate(sub.form_data)
    except ValidationError as exc:
        fields = sorted({".".join(map(str, e["loc"])) for e in exc.errors()})
        raise StoredFormInvalid(
            f"{sub.receipt_number}: stored form fails {sub.service} {connector.version} at {', '.join(fields)}"
        ) from None
    customer = session.get(Customer, sub.customer_id)
    assert customer is not None
    context = None
    if sub.jobcenter_id and sub.team_id:
        jc = session.get(Jobcenter, sub.jobcenter_id)
        team = session.get(Team, sub.team_id)
        assert jc is not None and team is not None
        context = SubmissionContext(
            submission_id=sub.id,
            receipt_number=sub.receipt_number,
            service_key=sub.service,
            service_version=sub.service_version,
            channel=sub.channel,
            submitted_at=sub.created_at,
            customer=customer_summary(customer),
            jobcenter=jobcenter_summary(jc),
            team_name=team.name,
            case_reference=sub.case_reference,
            parent_receipt_number=_parent_receipt(session, sub),
            inbound=_inbound(session, sub),
        )
    return StageJob(
        submission_id=sub.id,
        receipt_number=sub.receipt_number,
        connector=connector,
        form=form,
        customer=customer_summary(customer),
        context=context,
        receipt=proof_of(sub),
    )
