"""What the staff workspace records in the audit log, in one place for the API and the pages.

Every function records exactly one entry into the handler's transaction; the handler calls it once the access
has succeeded (a refused or failed access is rolled back and leaves no entry). Pages that reuse an API handler
(the downloads) record through that handler only, so one page view is one entry.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.audit.log import AuditRecorder
from services.audit.purposes import Action, Purpose
from services.intake.paper import PaperIntake
from services.staff.inbox import InboxFilter
from services.store.models import Document, MailboxMessage, MailboxThread, Submission


def inbox_listed(audit: AuditRecorder, session: Session, f: InboxFilter) -> None:
    """One entry per listing (it shows names and BG numbers of many customers): the team, or the whole
    jobcenter, whose inbox was listed."""
    audit.record(
        session,
        action=Action.READ,
        resource_type="inbox",
        resource_id=f.team_id or f.jobcenter_id,
        purpose=Purpose.INBOX,
        jobcenter_id=f.jobcenter_id,
    )


def submission_accessed(
    audit: AuditRecorder,
    session: Session,
    sub: Submission,
    *,
    action: str = Action.READ,
    resource_type: str = "submission",
    purpose: str = Purpose.CASEWORK,
) -> None:
    """The e-file view (``submission``), its PDF or JSON, or a change of the submission's work state/team."""
    audit.record(
        session,
        action=action,
        resource_type=resource_type,
        resource_id=sub.id,
        purpose=purpose,
        customer_id=sub.customer_id,
        jobcenter_id=sub.jobcenter_id,
    )


def thread_accessed(
    audit: AuditRecorder, session: Session, thread: MailboxThread, *, action: str = Action.READ
) -> None:
    audit.record(
        session,
        action=action,
        resource_type="thread",
        resource_id=thread.id,
        purpose=Purpose.CONVERSATION,
        customer_id=thread.customer_id,
        jobcenter_id=thread.jobcenter_id,
    )


def target_changed(audit: AuditRecorder, session: Session, target: Submission | MailboxThread) -> None:
    """Reassigned, marked processed or reopened (only when it really changed)."""
    if isinstance(target, Submission):
        submission_accessed(audit, session, target, action=Action.UPDATE)
    else:
        thread_accessed(audit, session, target, action=Action.UPDATE)


def document_downloaded(audit: AuditRecorder, session: Session, doc: Document, *, jobcenter_id: str) -> None:
    audit.record(
        session,
        action=Action.READ,
        resource_type="document",
        resource_id=doc.id,
        purpose=Purpose.CASEWORK,
        customer_id=doc.customer_id,
        jobcenter_id=jobcenter_id,
    )


def replied(audit: AuditRecorder, session: Session, message: MailboxMessage) -> None:
    audit.record(
        session,
        action=Action.CREATE,
        resource_type="message",
        resource_id=message.id,
        purpose=Purpose.REPLY,
        customer_id=message.customer_id,
        jobcenter_id=message.jobcenter_id,
    )


def paper_filed(audit: AuditRecorder, session: Session, intake: PaperIntake, *, jobcenter_id: str) -> None:
    """A paper form keyed in for the clerk's jobcenter (routing sets the submission's own later); a replay of
    the same intake (same idempotency key) created nothing new."""
    if intake.replayed:
        return
    audit.record(
        session,
        action=Action.CREATE,
        resource_type="submission",
        resource_id=intake.submission.id,
        purpose=Purpose.PAPER_INTAKE,
        customer_id=intake.submission.customer_id,
        jobcenter_id=intake.submission.jobcenter_id or jobcenter_id,
    )
