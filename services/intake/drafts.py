"""Once-only drafts: a new form prefilled from the customer's last one of the same service.

The customer walks through the draft section by section and confirms or changes each; only a draft
without unconfirmed sections can be filed, so nothing prefilled is filed unseen.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.sdk import Connector, problems_from_validation_error
from connectors.sdk.trust import TrustLevel
from services.intake.acceptance import Acceptance, SubmissionRejected, accept_submission
from services.receipts.signing import ReceiptSigner
from services.store.models import Draft, Submission

PREFILLED, MISSING, CONFIRMED, CHANGED = "prefilled", "missing", "confirmed", "changed"


def create_draft(session: Session, *, connector: Connector, customer_id: str) -> Draft:
    previous = session.scalar(
        select(Submission)
        .where(
            Submission.customer_id == customer_id, Submission.service == connector.key, Submission.status != "failed"
        )
        .order_by(Submission.created_at.desc())
        .limit(1)
    )
    if previous is None:
        raise SubmissionRejected(
            "nothing_to_prefill",
            f"Es gibt noch keine frühere Einreichung '{connector.title}', aus der wir Angaben übernehmen "
            "können. Bitte füllen Sie das Formular direkt aus.",
        )
    try:
        prefilled = connector.prefill(connector.form.model_validate(previous.form_data))
    except ValidationError:  # the form changed since then: start from what still fits
        prefilled = {}
    sections = {name: PREFILLED if name in prefilled else MISSING for name in connector.draft_sections()}
    draft = Draft(
        id=str(uuid.uuid4()),
        customer_id=customer_id,
        service=connector.key,
        form_data=prefilled,
        sections=sections,
        source_submission_id=previous.id,
    )
    session.add(draft)
    session.flush()
    return draft


def get_draft(session: Session, *, customer_id: str, draft_id: str) -> Draft:
    draft = session.scalar(select(Draft).where(Draft.id == draft_id, Draft.customer_id == customer_id))
    if draft is None:
        raise LookupError(draft_id)
    return draft


def _refuse_if_filed(draft: Draft) -> None:
    if draft.submission_id is not None:
        raise SubmissionRejected("draft_submitted", "Dieser Entwurf wurde bereits eingereicht.")


def confirm_section(draft: Draft, *, connector: Connector, section: str) -> None:
    _refuse_if_filed(draft)
    _known(draft, section)
    if draft.sections[section] == MISSING:
        raise SubmissionRejected(
            "section_missing",
            f"Für '{_title(connector, section)}' gibt es keine Angaben zum Bestätigen. Bitte die Angaben eintragen.",
        )
    draft.sections = {**draft.sections, section: CONFIRMED}


def change_section(draft: Draft, *, connector: Connector, section: str, value: Any) -> None:
    """Replace one section; it is validated on its own so mistakes show up where they are made."""
    _refuse_if_filed(draft)
    _known(draft, section)
    field = connector.form.model_fields[section]
    try:
        parsed = TypeAdapter(field.annotation).validate_python(value)
    except ValidationError as exc:
        problems = [
            replace(p, field=section if p.field == "__root__" else f"{section}.{p.field}")
            for p in problems_from_validation_error(exc, value)
        ]
        raise SubmissionRejected(
            "validation_failed", "Die Angaben in diesem Abschnitt sind ungültig.", problems
        ) from None
    dumped = TypeAdapter(field.annotation).dump_python(parsed, mode="json")
    draft.form_data = {**draft.form_data, section: dumped}
    draft.sections = {**draft.sections, section: CHANGED}


def submit_draft(
    session: Session,
    draft: Draft,
    *,
    connector: Connector,
    idempotency_key: str | None,
    traceparent: str | None = None,
    signer: ReceiptSigner | None = None,
    trust_level: TrustLevel | None = None,
) -> Acceptance:
    if draft.submission_id is not None:
        submission = session.get(Submission, draft.submission_id)
        assert submission is not None
        return Acceptance(submission=submission, replayed=True)
    open_sections = [name for name, state in draft.sections.items() if state in (PREFILLED, MISSING)]
    if open_sections:
        raise SubmissionRejected(
            "sections_unconfirmed",
            "Bitte bestätigen oder ändern Sie zuerst jeden Abschnitt: "
            + ", ".join(_title(connector, name) for name in open_sections)
            + ".",
        )
    acceptance = accept_submission(
        session,
        connector=connector,
        customer_id=draft.customer_id,
        payload=draft.form_data,
        idempotency_key=idempotency_key,
        traceparent=traceparent,
        signer=signer,
        trust_level=trust_level,
    )
    draft.submission_id = acceptance.submission.id
    return acceptance


def _known(draft: Draft, section: str) -> None:
    if section not in draft.sections:
        raise SubmissionRejected(
            "unknown_section",
            f"Den Abschnitt '{section}' gibt es in diesem Formular nicht. Abschnitte: {', '.join(draft.sections)}.",
        )


def _title(connector: Connector, section: str) -> str:
    return str(connector.form.model_fields[section].title or section)
