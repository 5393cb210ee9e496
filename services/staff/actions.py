"""What staff do with an item of their inbox: hand it to another team, mark it processed, reopen it.

A submission's work state is the jobcenter's own bookkeeping, independent of the pipeline's status. Each
change is recorded as a SubmissionEvent (for a conversation: on the submission it belongs to, if any).
Repeating an action that is already in effect changes nothing and records nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.staff.access import team_in
from services.staff.events import PROCESSED, REASSIGNED, REOPENED, record_event
from services.store.models import MailboxThread, StaffMember, Submission, utcnow

OPEN, DONE = "open", "processed"


def reassign_submission(session: Session, submission: Submission, *, staff: StaffMember, team_id: str) -> bool:
    """Route the submission to another team of the same jobcenter; False when it is there already."""
    assert submission.jobcenter_id is not None  # only routed submissions are visible to staff
    team = team_in(session, submission.jobcenter_id, team_id)
    if submission.team_id == team.id:
        return False
    detail = {"from_team": submission.team_id, "to_team": team.id}
    submission.team_id = team.id
    record_event(session, submission_id=submission.id, kind=REASSIGNED, actor=staff.id, detail=detail)
    return True


def set_submission_state(session: Session, submission: Submission, *, staff: StaffMember, state: str) -> bool:
    """``processed`` or ``open`` again; False when the submission already is in that state."""
    if submission.work_state == state:
        return False
    submission.work_state = state
    if state == DONE:
        submission.processed_at, submission.processed_by = utcnow(), staff.id
    else:
        submission.processed_at, submission.processed_by = None, None
    record_event(
        session, submission_id=submission.id, kind=PROCESSED if state == DONE else REOPENED, actor=staff.id, detail={}
    )
    return True


def reassign_thread(session: Session, thread: MailboxThread, *, staff: StaffMember, team_id: str) -> bool:
    team = team_in(session, thread.jobcenter_id, team_id)
    if thread.team_id == team.id:
        return False
    detail = {"thread_id": thread.id, "from_team": thread.team_id, "to_team": team.id}
    thread.team_id = team.id
    if thread.submission_id:
        record_event(session, submission_id=thread.submission_id, kind=REASSIGNED, actor=staff.id, detail=detail)
    return True


def set_thread_state(session: Session, thread: MailboxThread, *, staff: StaffMember, state: str) -> bool:
    """A new message from the customer reopens a processed conversation (the mailbox does that)."""
    if thread.status == state:
        return False
    thread.status = state
    if thread.submission_id:
        kind = PROCESSED if state == DONE else REOPENED
        record_event(
            session, submission_id=thread.submission_id, kind=kind, actor=staff.id, detail={"thread_id": thread.id}
        )
    return True
