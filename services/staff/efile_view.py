"""The e-file view of one submission for its jobcenter's staff: what was filed, its documents, its history.

Staff may see the personal data of their own jobcenter's customers (the filed form, the scan); the PDF and
JSON come from the e-file store under the key the efile stage recorded in the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.efile.store import EFileIntegrityError, EFileStore, EFileStoreError
from services.staff.access import documents_of_submission
from services.staff.errors import StaffError
from services.store import ledger
from services.store.models import (
    Customer,
    Document,
    MailboxMessage,
    MailboxThread,
    StaffMember,
    StageResult,
    Submission,
    SubmissionEvent,
    Team,
)


@dataclass(frozen=True)
class EventEntry:
    event: SubmissionEvent
    actor_name: str | None


@dataclass(frozen=True)
class EFileView:
    submission: Submission
    customer: Customer
    team: Team | None
    stages: dict[str, StageResult]
    events: list[EventEntry]
    documents: list[Document]
    parent: Submission | None
    attachments: list[Submission]
    threads: list[MailboxThread]
    messages: list[MailboxMessage]

    @property
    def pdf_key(self) -> str | None:
        """The efile stage's ledger reference, once it has succeeded."""
        row = self.stages.get("efile")
        return row.reference if row is not None and row.status == ledger.SUCCEEDED else None

    @property
    def json_key(self) -> str | None:
        key = self.pdf_key
        return f"{key.removesuffix('.pdf')}.json" if key else None


def history(session: Session, submission_id: str) -> list[EventEntry]:
    rows = session.execute(
        select(SubmissionEvent, StaffMember.display_name)
        .outerjoin(StaffMember, StaffMember.id == SubmissionEvent.actor)
        .where(SubmissionEvent.submission_id == submission_id)
        .order_by(SubmissionEvent.at, SubmissionEvent.id)
    ).all()
    return [EventEntry(event=event, actor_name=name) for event, name in rows]


def efile_view(session: Session, submission: Submission) -> EFileView:
    customer = session.get(Customer, submission.customer_id)
    assert customer is not None  # foreign key
    threads = list(
        session.scalars(
            select(MailboxThread).where(MailboxThread.submission_id == submission.id).order_by(MailboxThread.created_at)
        )
    )
    messages = (
        list(
            session.scalars(
                select(MailboxMessage)
                .where(MailboxMessage.thread_id.in_([t.id for t in threads]))
                .order_by(MailboxMessage.created_at, MailboxMessage.id)
            )
        )
        if threads
        else []
    )
    return EFileView(
        submission=submission,
        customer=customer,
        team=session.get(Team, submission.team_id) if submission.team_id else None,
        stages={row.stage: row for row in ledger.for_submission(session, submission.id)},
        events=history(session, submission.id),
        documents=documents_of_submission(session, submission.id),
        parent=session.get(Submission, submission.parent_submission_id) if submission.parent_submission_id else None,
        attachments=list(
            session.scalars(
                select(Submission)
                .where(Submission.parent_submission_id == submission.id)
                .order_by(Submission.created_at)
            )
        ),
        threads=threads,
        messages=messages,
    )


def read_object(store: EFileStore, key: str | None, *, label: str) -> bytes:
    """The bytes of an e-file object; 404 while the efile stage has not filed it yet, 503 when storage fails.
    ``label`` (a receipt number or file name) names it in the German message."""
    if key is None:
        raise StaffError(
            404,
            "efile_pending",
            f"Die e-Akte zu {label} wird noch angelegt. Bitte in einigen Minuten erneut öffnen.",
        )
    try:
        return store.get(key)
    except KeyError:
        raise StaffError(404, "efile_object_missing", f"Das Dokument zu {label} fehlt in der e-Akte.") from None
    except EFileIntegrityError:
        raise StaffError(
            503, "efile_integrity", f"Das Dokument zu {label} ist beschädigt. Bitte den Betrieb informieren."
        ) from None
    except EFileStoreError:
        raise StaffError(
            503, "efile_unavailable", "Die e-Akte ist gerade nicht erreichbar. Bitte später erneut versuchen."
        ) from None


def event_summary(entry: EventEntry) -> dict[str, Any]:
    e = entry.event
    return {"kind": e.kind, "actor": e.actor, "actor_name": entry.actor_name, "at": e.at, "detail": e.detail}
