"""Accept durably: validate, then store the submission and its outbox entry in one transaction.

Nothing slow happens here (principle 1): no routing, no e-file, no back-office call. Whatever is
rejected is rejected before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connectors.sdk import Connector, FieldProblem, ServiceForm, problems_from_validation_error
from connectors.sdk.trust import TrustLevel
from services.intake.receipts import new_receipt_number
from services.receipts.canonical import NotCanonicalisable
from services.receipts.signing import ReceiptSigner
from services.store import outbox
from services.store.models import InboundItem, Submission, utcnow

ACCEPTED = "accepted"
ANSWERABLE = frozenset({"open", "expired"})
"""Inbound item states that take an answer: a late answer (after expiry) still reaches the jobcenter."""


_STATUS_BY_CODE = {
    "idempotency_key_reused": 409,
    "already_answered": 409,
    "draft_submitted": 409,
    "nothing_to_prefill": 404,
    "trust_level_insufficient": 403,
}
"""Refusals that are not "fix the form" (422): a conflict with what was filed before, nothing there, or a sign-in
too weak for what the form changes. One table, so every channel (API, draft, paper) answers a code alike."""


class SubmissionRejected(Exception):
    """The form cannot be accepted; ``problems`` say per field what to fix."""

    def __init__(self, code: str, message: str, problems: list[FieldProblem] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.problems = problems or []

    @property
    def status(self) -> int:
        """The HTTP status the portal answers with."""
        return _STATUS_BY_CODE.get(self.code, 422)


def require_trust_level(connector: Connector, form: ServiceForm, trust_level: TrustLevel) -> None:
    """Refuse (``trust_level_insufficient``) when what the form changes needs a higher level than the sign-in had:
    a new address or bank details need the eID, as on the real portal."""
    required = connector.required_trust_level(form)
    if trust_level < required:
        raise SubmissionRejected(
            "trust_level_insufficient",
            f"Für diese Angaben (zum Beispiel eine neue Anschrift oder Bankverbindung) ist eine Anmeldung mit dem "
            f"Vertrauensniveau „{required.label}“ nötig; Ihre Anmeldung hat „{trust_level.label}“. Bitte melden "
            f"Sie sich mit der Online-Ausweisfunktion (eID) Ihres Personalausweises an und senden Sie das Formular "
            f"erneut.",
        )


@dataclass(frozen=True)
class Acceptance:
    submission: Submission
    replayed: bool


def validate_form(connector: Connector, payload: Any) -> ServiceForm:
    if not isinstance(payload, dict):
        raise SubmissionRejected("invalid_form", "Das Formular muss als JSON-Objekt übermittelt werden.")
    try:
        form = connector.form.model_validate(payload)
    except ValidationError as exc:
        raise SubmissionRejected(
            "validation_failed",
            "Das Formular enthält ungültige Angaben. Bitte die markierten Felder korrigieren.",
            problems_from_validation_error(exc, payload),
        ) from None
    problems = connector.check(form)
    if problems:
        raise SubmissionRejected(
            "plausibility_failed", "Einige Angaben passen nicht zusammen. Bitte die markierten Felder prüfen.", problems
        )
    return form


def _request_hash(service: str, form_data: dict[str, Any], attach_to: str | None) -> str:
    canonical = json.dumps(
        {"service": service, "form": form_data, "attach_to": attach_to}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(session: Session, customer_id: str, idempotency_key: str, request_hash: str) -> Acceptance | None:
    existing = session.scalar(
        select(Submission).where(Submission.customer_id == customer_id, Submission.idempotency_key == idempotency_key)
    )
    if existing is None:
        return None
    if existing.request_hash != request_hash:
        raise SubmissionRejected(
            "idempotency_key_reused",
            "Dieser Idempotency-Key wurde bereits für eine andere Einreichung verwendet. "
            "Bitte für jede neue Einreichung einen neuen Schlüssel verwenden.",
        )
    return Acceptance(submission=existing, replayed=True)


def _parent(session: Session, connector: Connector, customer_id: str, attach_to: str | None) -> str | None:
    """Where an attachment (an Anlage) goes; refuses what the domain does not allow."""
    if attach_to is None:
        if not connector.standalone:
            raise SubmissionRejected(
                "attachment_required",
                f"'{connector.title}' kann nur zusammen mit einem Antrag eingereicht werden "
                f"(attach_to: {', '.join(sorted(connector.attachable_to))}).",
            )
        return None
    if not connector.attachable_to:
        raise SubmissionRejected("not_attachable", f"'{connector.title}' kann keinem Antrag beigefügt werden.")
    parent = session.scalar(select(Submission).where(Submission.id == attach_to, Submission.customer_id == customer_id))
    if parent is None:
        raise SubmissionRejected(
            "unknown_parent",
            "Den Antrag, dem diese Anlage beigefügt werden soll, gibt es "
            "in Ihrem Konto nicht. Bitte die ID aus der Eingangsbestätigung angeben.",
        )
    if parent.service not in connector.attachable_to:
        raise SubmissionRejected(
            "not_attachable_to",
            f"'{connector.title}' kann nur diesen Diensten beigefügt werden: "
            f"{', '.join(sorted(connector.attachable_to))}.",
        )
    return parent.id


def _answered_item(session: Session, connector: Connector, customer_id: str, form: ServiceForm) -> str | None:
    """Two-way services: the inbound item (e.g. a placement offer) this form answers, marked answered."""
    reference = connector.inbound_reference(form)
    if reference is None:
        return None
    item = session.scalar(
        select(InboundItem).where(
            InboundItem.service == connector.key,
            InboundItem.external_id == reference,
            InboundItem.customer_id == customer_id,
        )
    )
    if item is None:
        raise SubmissionRejected(
            "unknown_reference",
            "Darauf können Sie nicht antworten: Die Angabe passt zu nichts in Ihrem Postfach.",
            [
                FieldProblem(
                    field=connector.inbound_reference_field,
                    code="unknown_reference",
                    message="Diese Nummer gibt es in Ihrem Postfach nicht. Bitte prüfen.",
                )
            ],
        )
    if item.status not in ANSWERABLE:
        raise SubmissionRejected("already_answered", "Darauf haben Sie bereits geantwortet.")
    item.status, item.answered_at = "answered", utcnow()
    return item.id


def accept_submission(
    session: Session,
    *,
    connector: Connector,
    customer_id: str,
    payload: Any,
    idempotency_key: str | None,
    channel: str = "online",
    attach_to: str | None = None,
    traceparent: str | None = None,
    signer: ReceiptSigner | None = None,
    filed_files: Sequence[str] = (),
    trust_level: TrustLevel | None = None,
) -> Acceptance:
    """Validate and store; ``traceparent`` (W3C trace context of the accepting request, if traced) is kept on the
    submission so the pipeline continues that trace. A replayed submission keeps the trace it was accepted in.

    ``signer`` signs the receipt in this transaction (digest of the form and of ``filed_files``, the SHA-256 hex
    of files filed with it such as the paper scan); a replay returns the receipt signed the first time. Every
    portal channel passes one; without it (benchmarks, tools) the submission has no signed receipt.

    ``trust_level`` is the customer's sign-in's, checked against what the validated form changes; None where no
    customer signs in (paper: the clerk has seen the person and their papers)."""
    form = validate_form(connector, payload)
    if trust_level is not None:
        require_trust_level(connector, form, trust_level)
    form_data = form.model_dump(mode="json")
    request_hash = _request_hash(connector.key, form_data, attach_to)
    if idempotency_key:
        replay = _replay(session, customer_id, idempotency_key, request_hash)
        if replay:
            return replay
    parent_id = _parent(session, connector, customer_id, attach_to)
    now = utcnow()
    submission = Submission(
        id=str(uuid.uuid4()),
        receipt_number=new_receipt_number(connector.key, now),
        service=connector.key,
        service_version=connector.version,
        channel=channel,
        customer_id=customer_id,
        status=ACCEPTED,
        form_data=form_data,
        request_hash=request_hash,
        idempotency_key=idempotency_key,
        created_at=now,
        updated_at=now,
        parent_submission_id=parent_id,
        traceparent=traceparent,
    )
    if signer is not None:
        try:
            signer.sign(submission, attachments=filed_files)
        except NotCanonicalisable:
            raise SubmissionRejected(
                "invalid_form", "Das Formular enthält ungültige Zeichen. Bitte die Angaben neu eingeben."
            ) from None
    try:
        with session.begin_nested():
            submission.inbound_item_id = _answered_item(session, connector, customer_id, form)
            session.add(submission)
            session.flush()
            outbox.enqueue(session, submission_id=submission.id)
            session.flush()
    except IntegrityError:
        # A concurrent request with the same Idempotency-Key won the race: answer with its submission.
        replay = _replay(session, customer_id, idempotency_key, request_hash) if idempotency_key else None
        if replay is None:
            raise
        return replay
    return Acceptance(submission=submission, replayed=False)
