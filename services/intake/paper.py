"""The paper channel: a form keyed in by the intake zone becomes the same submission as an online one.

Principle 6 (one model, every channel): the keyed-in form goes through ``accept_submission`` with
``channel="paper"`` — the same validation with the same German per-field problems, the same outbox, the same
pipeline. The scan is filed as a Document (kind ``scan``) in the e-file under the submission's own folder
``<jobcenter>/<BG number>/<receipt number>/documents/`` in the same transaction; an invalid form stores
nothing. The person is an existing customer (by id) or matched by BG number and name; someone not known yet
is created without an online account, so nothing appears online for them until they sign up.

Tenancy: the clerk keys in only for their own jobcenter. The person must live in its area and a new BG
number must carry its office number, so routing later sends the submission to this very jobcenter.
Rollout states do not apply: paper keeps arriving whatever is switched on online.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.sdk import Connector, FieldProblem
from connectors.sdk.fields import BG_NUMBER, POSTAL_CODE
from services.efile.store import EFileStore, EFileStoreError
from services.efile.uploads import CheckedUpload, new_document_id, store_upload
from services.intake.acceptance import SubmissionRejected, accept_submission, validate_form
from services.intake.routing import RoutingFailed, responsible_jobcenter
from services.receipts.signing import ReceiptSigner
from services.store.models import Customer, Document, Jobcenter, JobcenterArea, Submission, SubmissionEvent, utcnow

PAPER = "paper"
SCAN = "scan"
_LIMITS = {"given_name": 100, "family_name": 100, "street": 200, "city": 100}


class PaperIntakeRejected(Exception):
    """Nothing was stored; ``status``/``code``/``message`` for the clerk, ``problems`` per field."""

    def __init__(self, status: int, code: str, message: str, problems: list[FieldProblem] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.problems = problems or []


@dataclass(frozen=True)
class PaperPerson:
    """Who filed the paper form: an existing customer id, or BG number, name and address as keyed in."""

    customer_id: str | None = None
    bg_number: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None

    def keyed_in(self) -> dict[str, str]:
        fields = ("bg_number", "given_name", "family_name", "street", "postal_code", "city")
        return {name: (getattr(self, name) or "").strip() for name in fields}


@dataclass(frozen=True)
class PaperIntake:
    submission: Submission
    customer: Customer
    customer_created: bool
    document: Document | None
    replayed: bool


def _problem(field: str, code: str, message: str) -> FieldProblem:
    return FieldProblem(field=f"customer.{field}", code=code, message=message)


def _person_problems(person: PaperPerson, jobcenter: Jobcenter, session: Session) -> list[FieldProblem]:
    values = person.keyed_in()
    problems = [
        _problem(name, "missing", "Dieses Feld ist ein Pflichtfeld. Bitte ausfüllen.")
        for name, value in values.items()
        if not value
    ]
    problems += [
        _problem(name, "string_too_long", f"Bitte höchstens {limit} Zeichen angeben.")
        for name, limit in _LIMITS.items()
        if len(values[name]) > limit
    ]
    bg, postal_code = values["bg_number"].upper(), values["postal_code"]
    if bg and not BG_NUMBER.fullmatch(bg):
        problems.append(_problem("bg_number", "invalid_bg_number", "Die BG-Nummer hat die Form 12345BG0012345."))
    elif bg and bg[:5] != jobcenter.office_number:
        problems.append(
            _problem(
                "bg_number",
                "bg_number_other_jobcenter",
                f"Diese BG-Nummer gehört nicht zum {jobcenter.name} (Dienststelle {jobcenter.office_number}). "
                "Bitte das Schreiben an das zuständige Jobcenter weiterleiten.",
            )
        )
    if postal_code and not POSTAL_CODE.fullmatch(postal_code):
        problems.append(_problem("postal_code", "invalid_postal_code", "Bitte eine fünfstellige Postleitzahl angeben."))
    elif postal_code:
        area = session.get(JobcenterArea, postal_code)
        if area is None or area.jobcenter_id != jobcenter.id:
            problems.append(
                _problem(
                    "postal_code",
                    "postal_code_other_jobcenter",
                    f"Für die Postleitzahl {postal_code} ist nicht das {jobcenter.name} zuständig. "
                    "Bitte das Schreiben an das zuständige Jobcenter weiterleiten.",
                )
            )
    return problems


def _lives_here(session: Session, customer: Customer, jobcenter: Jobcenter) -> bool:
    try:
        return responsible_jobcenter(session, customer=customer).id == jobcenter.id
    except RoutingFailed:
        return False


def _existing(session: Session, customer_id: str, jobcenter: Jobcenter) -> Customer:
    customer = session.get(Customer, customer_id.strip())
    if customer is None or not _lives_here(session, customer, jobcenter):  # another jobcenter's looks missing
        raise PaperIntakeRejected(
            404,
            "customer_not_found",
            f"Eine Person mit der Kundennummer '{customer_id}' gibt es im {jobcenter.name} nicht.",
            [_problem("customer_id", "customer_not_found", "Diese Kundennummer ist hier nicht bekannt.")],
        )
    return customer


def _matched_or_new(session: Session, person: PaperPerson, jobcenter: Jobcenter) -> tuple[Customer, bool]:
    """The household member with this BG number and name, or a new person known only from paper."""
    values = person.keyed_in()
    bg = values["bg_number"].upper()
    name = (values["given_name"].casefold(), values["family_name"].casefold())
    for candidate in session.scalars(select(Customer).where(Customer.bg_number == bg).order_by(Customer.id)):
        if (candidate.given_name.casefold(), candidate.family_name.casefold()) == name:
            if not _lives_here(session, candidate, jobcenter):
                raise PaperIntakeRejected(
                    422,
                    "customer_other_jobcenter",
                    f"Diese Person ist nicht beim {jobcenter.name} gemeldet. "
                    "Bitte das Schreiben an das zuständige Jobcenter weiterleiten.",
                )
            return candidate, False
    customer = Customer(
        id=f"kd-p{uuid.uuid4().hex[:12]}",
        bg_number=bg,
        given_name=values["given_name"],
        family_name=values["family_name"],
        street=values["street"],
        postal_code=values["postal_code"],
        city=values["city"],
        email=None,
        online_account=False,
    )
    session.add(customer)
    session.flush()
    return customer, True


def _check(session: Session, connector: Connector, person: PaperPerson, jobcenter: Jobcenter, payload: Any) -> None:
    """Every problem at once — the form's (as online) and the person's — before anything is written."""
    person_problems: list[FieldProblem] = []
    if person.customer_id and person.customer_id.strip():
        if any(person.keyed_in().values()):
            raise PaperIntakeRejected(
                422,
                "customer_ambiguous",
                "Bitte entweder die Kundennummer oder BG-Nummer, Name und Anschrift angeben, nicht beides.",
            )
    else:
        person_problems = _person_problems(person, jobcenter, session)
    try:
        validate_form(connector, payload)
    except SubmissionRejected as exc:
        raise PaperIntakeRejected(422, exc.code, exc.message, exc.problems + person_problems) from None
    if person_problems:
        raise PaperIntakeRejected(
            422,
            "invalid_customer",
            "Die Angaben zur Person sind unvollständig oder passen nicht. Bitte die markierten Felder prüfen.",
            person_problems,
        )


def _store_scan(store: EFileStore, prefix: str, scan: CheckedUpload) -> str:
    try:
        return store_upload(store, prefix, scan)
    except EFileStoreError:  # raised inside the savepoint: the person and the submission go with it
        raise PaperIntakeRejected(
            503, "efile_unavailable", "Die e-Akte ist gerade nicht erreichbar. Bitte den Scan später erneut erfassen."
        ) from None


def _parent_id(session: Session, customer: Customer, attach_to: str | None) -> str | None:
    """``attach_to`` may be the receipt number printed on the main form (or its id)."""
    if not attach_to or not attach_to.strip():
        return None
    ref = attach_to.strip()
    found = session.scalar(
        select(Submission.id).where(
            Submission.customer_id == customer.id, (Submission.receipt_number == ref.upper()) | (Submission.id == ref)
        )
    )
    return found or ref  # an unknown reference is refused by accept_submission with its own message


def parse_keyed_in(text: str) -> Any:
    """The keyed-in form as sent by the intake page or API (a JSON text)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PaperIntakeRejected(
            422,
            "invalid_json",
            f"Die Formulardaten sind kein gültiges JSON (Zeile {exc.lineno}, Spalte {exc.colno}). Bitte prüfen.",
        ) from None


def intake_paper(
    session: Session,
    store: EFileStore,
    *,
    connector: Connector,
    jobcenter: Jobcenter,
    clerk_id: str,
    person: PaperPerson,
    payload: Any,
    scan: CheckedUpload,
    idempotency_key: str | None = None,
    attach_to: str | None = None,
    traceparent: str | None = None,
    signer: ReceiptSigner | None = None,
) -> PaperIntake:
    """Accept a keyed-in paper form with its scan; raises PaperIntakeRejected (nothing stored) when it cannot.

    The store write comes last; if it fails, the savepoint is rolled back with it (503 ``efile_unavailable``).
    ``traceparent``: the intake request's trace, continued by the pipeline as for online submissions.
    """
    _check(session, connector, person, jobcenter, payload)
    with session.begin_nested():
        if person.customer_id and person.customer_id.strip():
            customer, created = _existing(session, person.customer_id, jobcenter), False
        else:
            customer, created = _matched_or_new(session, person, jobcenter)
        try:
            acceptance = accept_submission(
                session,
                connector=connector,
                customer_id=customer.id,
                payload=payload,
                idempotency_key=idempotency_key,
                channel=PAPER,
                attach_to=_parent_id(session, customer, attach_to),
                traceparent=traceparent,
                signer=signer,
                filed_files=(scan.sha256,),  # the signed digest covers the scan too
            )
        except SubmissionRejected as exc:
            raise PaperIntakeRejected(exc.status, exc.code, exc.message, exc.problems) from None
        submission = acceptance.submission
        if acceptance.replayed:
            document = session.scalar(
                select(Document).where(Document.submission_id == submission.id, Document.kind == SCAN)
            )
            return PaperIntake(submission, customer, False, document, replayed=True)
        prefix = f"{jobcenter.id}/{customer.bg_number}/{submission.receipt_number}"
        document = Document(
            id=new_document_id(),
            customer_id=customer.id,
            jobcenter_id=jobcenter.id,
            submission_id=submission.id,
            kind=SCAN,
            filename=scan.filename,
            media_type=scan.media_type,
            size=scan.size,
            sha256=scan.sha256,
            storage_key=_store_scan(store, prefix, scan),
        )
        session.add(document)
        session.add(
            SubmissionEvent(
                submission_id=submission.id,
                kind="paper_intake",
                actor=clerk_id,
                at=utcnow(),
                detail={"document_id": document.id, "customer_id": customer.id, "customer_created": created},
            )
        )
        session.flush()
    return PaperIntake(submission, customer, created, document, replayed=False)
