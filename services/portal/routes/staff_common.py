"""What the staff API and the staff pages share: tenancy-checked dependencies, refusals in the API's error
shape, e-file downloads and the paper intake form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, File, Form, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from connectors.sdk.registry import ConnectorRegistry
from services.efile.store import EFileStore
from services.efile.uploads import CheckedUpload, UploadChecker, UploadRejected
from services.intake.acceptance import Acceptance
from services.intake.paper import PaperIntake, PaperIntakeRejected, PaperPerson, intake_paper, parse_keyed_in
from services.portal.deps import (
    SessionDep,
    StaffIdentity,
    require_staff_role,
)
from services.portal.errors import ApiError
from services.portal.routes.submissions import record_acceptance
from services.portal.uploads_dep import UploadCheckerDep
from services.receipts.signing import ReceiptSigner
from services.staff import access
from services.staff.efile_view import efile_view, read_object
from services.staff.errors import StaffError
from services.store.models import Document, MailboxThread, Submission
from services.telemetry import Telemetry
from services.telemetry.propagation import current_traceparent

Staff = Annotated[StaffIdentity, Depends(require_staff_role("staff"))]
Refusal = (StaffError, PaperIntakeRejected, UploadRejected)
RECEIPT = re.compile(r"^[A-Z0-9_]{1,64}-\d{8}-[0-9A-Z]{8}$")


def api_error(exc: StaffError | PaperIntakeRejected | UploadRejected) -> ApiError:
    if isinstance(exc, UploadRejected):
        return ApiError(exc.status, exc.code, exc.message)
    return ApiError(exc.status, exc.code, exc.message, getattr(exc, "problems", None))


@contextmanager
def as_api_errors() -> Iterator[None]:
    """The workspace's refusals in the API's error shape."""
    try:
        yield
    except Refusal as exc:
        raise api_error(exc) from None


def _staff_submission(submission_id: str, staff: Staff, session: SessionDep) -> Submission:
    with as_api_errors():
        return access.submission_in(session, staff.jobcenter.id, submission_id)


def _staff_thread(thread_id: str, staff: Staff, session: SessionDep) -> MailboxThread:
    with as_api_errors():
        return access.thread_in(session, staff.jobcenter.id, thread_id)


StaffSubmission = Annotated[Submission, Depends(_staff_submission)]
StaffThread = Annotated[MailboxThread, Depends(_staff_thread)]


def read_upload(upload: UploadFile | None, checker: UploadChecker, *, required: bool) -> CheckedUpload | None:
    """The upload through the portal's one checker (type, size, content, malware scan), so a staff member's
    attachment is held to what a customer's is. A browser sends an empty part without a name for an empty file
    input: no upload."""
    if upload is None or not upload.filename:
        if required:
            raise UploadRejected("scan_missing", "Bitte den Scan des Papierformulars (PDF, JPEG oder PNG) anhängen.")
        return None
    return checker.read(upload.file, upload.filename)


def file_response(data: bytes, media_type: str, filename: str, *, inline: bool) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def efile_file(session: Session, store: EFileStore, sub: Submission, kind: str) -> Response:
    """The PDF or JSON the efile stage filed (its ledger reference names the PDF)."""
    view = efile_view(session, sub)
    with as_api_errors():
        data = read_object(store, view.pdf_key if kind == "pdf" else view.json_key, label=sub.receipt_number)
    media_type = "application/pdf" if kind == "pdf" else "application/json"
    return file_response(data, media_type, f"{sub.receipt_number}.{kind}", inline=True)


def document_file(store: EFileStore, doc: Document) -> Response:
    with as_api_errors():
        data = read_object(store, doc.storage_key, label=doc.filename)
    return file_response(data, doc.media_type, doc.filename, inline=False)


@dataclass(frozen=True)
class PaperFields:
    """A paper intake as a multipart form (the API and the page post the same fields)."""

    service: str
    form: str
    person: PaperPerson
    attach_to: str
    scan: UploadFile | None
    idempotency_key: str
    """Pages only: a fresh key per page load, so a double click files once (the API uses the header)."""
    checker: UploadChecker
    """How the scan is checked (the portal's one upload checker: limit, content, malware scan)."""

    def values(self) -> dict[str, str]:
        """What the clerk typed, to fill the form again after a refusal."""
        keyed_in = self.person.keyed_in()
        return {
            **keyed_in,
            "customer_id": self.person.customer_id or "",
            "service": self.service,
            "form": self.form,
            "attach_to": self.attach_to,
        }


def _paper_fields(
    checker: UploadCheckerDep,
    service: Annotated[str, Form(max_length=64)] = "",
    form: Annotated[
        str, Form(max_length=500_000, description="The keyed-in form as JSON (the service's schema).")
    ] = "",
    scan: Annotated[UploadFile | None, File(description="The scanned paper form: PDF, JPEG or PNG.")] = None,
    customer_id: Annotated[str, Form(max_length=64)] = "",
    bg_number: Annotated[str, Form(max_length=20)] = "",
    given_name: Annotated[str, Form(max_length=200)] = "",
    family_name: Annotated[str, Form(max_length=200)] = "",
    street: Annotated[str, Form(max_length=300)] = "",
    postal_code: Annotated[str, Form(max_length=10)] = "",
    city: Annotated[str, Form(max_length=200)] = "",
    attach_to: Annotated[str, Form(max_length=64, description="Receipt number or id of the main form.")] = "",
    idempotency_key: Annotated[str, Form(max_length=200, include_in_schema=False)] = "",
) -> PaperFields:
    """The person is ``customer_id``, or BG number, name and address (matched, or created without Postfach)."""
    person = PaperPerson(customer_id, bg_number, given_name, family_name, street, postal_code, city)
    return PaperFields(service, form, person, attach_to, scan, idempotency_key, checker)


PaperFieldsDep = Annotated[PaperFields, Depends(_paper_fields)]


def paper_intake(
    session: Session,
    store: EFileStore,
    registry: ConnectorRegistry,
    clerk: StaffIdentity,
    fields: PaperFields,
    *,
    idempotency_key: str | None,
    telemetry: Telemetry,
    signer: ReceiptSigner | None = None,
) -> PaperIntake:
    """Paper through the same acceptance as online; counted and traced like an online filing."""
    checked = read_upload(fields.scan, fields.checker, required=True)
    assert checked is not None
    if fields.service not in registry:
        raise StaffError(422, "unknown_service", f"Den Dienst '{fields.service}' gibt es nicht. Bitte einen wählen.")
    intake = intake_paper(
        session,
        store,
        connector=registry.get(fields.service),
        jobcenter=clerk.jobcenter,
        clerk_id=clerk.member.id,
        person=fields.person,
        payload=parse_keyed_in(fields.form),
        scan=checked,
        idempotency_key=idempotency_key or None,
        attach_to=fields.attach_to,
        traceparent=current_traceparent(),
        signer=signer,
    )
    record_acceptance(Acceptance(submission=intake.submission, replayed=intake.replayed), telemetry)
    return intake
