"""Tenancy: look up a submission, thread, team or document only within the staff member's jobcenter.

Another jobcenter's id is answered as missing (404), never as forbidden: existence is not revealed.
A submission becomes visible once intake has routed it to a jobcenter.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from services.staff.errors import StaffError, document_not_found, submission_not_found, thread_not_found
from services.store.models import Document, MailboxMessage, MailboxThread, Submission, Team


def submission_in(session: Session, jobcenter_id: str, submission_id: str) -> Submission:
    sub = session.scalar(
        select(Submission).where(Submission.id == submission_id, Submission.jobcenter_id == jobcenter_id)
    )
    if sub is None:
        raise submission_not_found()
    return sub


def thread_in(session: Session, jobcenter_id: str, thread_id: str) -> MailboxThread:
    thread = session.scalar(
        select(MailboxThread).where(MailboxThread.id == thread_id, MailboxThread.jobcenter_id == jobcenter_id)
    )
    if thread is None:
        raise thread_not_found()
    return thread


def team_in(session: Session, jobcenter_id: str, team_id: str) -> Team:
    """A team of this jobcenter; another jobcenter's team is as unknown as a made-up one."""
    team = session.scalar(select(Team).where(Team.id == team_id, Team.jobcenter_id == jobcenter_id))
    if team is None:
        raise StaffError(422, "unknown_team", "Dieses Team gibt es in Ihrem Jobcenter nicht. Bitte ein Team wählen.")
    return team


def teams_of(session: Session, jobcenter_id: str) -> list[Team]:
    return list(session.scalars(select(Team).where(Team.jobcenter_id == jobcenter_id).order_by(Team.name)))


def document_in(session: Session, jobcenter_id: str, document_id: str) -> Document:
    """A document whose own, submission's or message's jobcenter is this one."""
    owner = func.coalesce(Document.jobcenter_id, Submission.jobcenter_id, MailboxMessage.jobcenter_id)
    doc = session.scalar(
        select(Document)
        .outerjoin(Submission, Submission.id == Document.submission_id)
        .outerjoin(MailboxMessage, MailboxMessage.id == Document.message_id)
        .where(Document.id == document_id, owner == jobcenter_id)
    )
    if doc is None:
        raise document_not_found()
    return doc


def documents_of_submission(session: Session, submission_id: str) -> list[Document]:
    """Scans and uploads filed with the submission, and attachments in its Postfach threads."""
    thread_messages = (
        select(MailboxMessage.id)
        .join(MailboxThread, MailboxThread.id == MailboxMessage.thread_id)
        .where(MailboxThread.submission_id == submission_id)
    )
    return list(
        session.scalars(
            select(Document)
            .where(or_(Document.submission_id == submission_id, Document.message_id.in_(thread_messages)))
            .order_by(Document.created_at, Document.id)
        )
    )
