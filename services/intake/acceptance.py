"""Accept durably: validate, then store the submission and its outbox entry in one transaction.

Nothing slow happens here (principle 1): no routing, no e-file, no back-office call. Whatever is
rejected is rejected before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connectors.sdk import Connector, FieldProblem, ServiceForm, problems_from_validation_error
from services.intake.receipts import new_receipt_number
from services.store import outbox
from services.store.models import Submission, utcnow

ACCEPTED = "accepted"


class SubmissionRejected(Exception):
    """The form cannot be accepted; ``problems`` say per field what to fix."""

    def __init__(self, code: str, message: str, problems: list[FieldProblem] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.problems = problems or []


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


def _request_hash(service: str, form_data: dict[str, Any]) -> str:
    canonical = json.dumps({"service": service, "form": form_data}, sort_keys=True, separators=(",", ":"))
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


def accept_submission(
    session: Session,
    *,
    connector: Connector,
    customer_id: str,
    payload: Any,
    idempotency_key: str | None,
    channel: str = "online",
) -> Acceptance:
    form = validate_form(connector, payload)
    form_data = form.model_dump(mode="json")
    request_hash = _request_hash(connector.key, form_data)
    if idempotency_key:
        replay = _replay(session, customer_id, idempotency_key, request_hash)
        if replay:
            return replay
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
    )
    try:
        with session.begin_nested():
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
