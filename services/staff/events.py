"""The case history: what staff did with a submission, written in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.store.models import SubmissionEvent, utcnow

REASSIGNED, PROCESSED, REOPENED, REPLIED, PAPER_INTAKE = (
    "reassigned",
    "processed",
    "reopened",
    "replied",
    "paper_intake",
)


def record_event(session: Session, *, submission_id: str, kind: str, actor: str, detail: dict[str, Any]) -> None:
    """``detail`` holds ids and codes only: operators read this history too."""
    session.add(SubmissionEvent(submission_id=submission_id, kind=kind, actor=actor, at=utcnow(), detail=detail))
