"""Staff answers in the customer's Postfach, through the mailbox's one writer of jobcenter messages.

Replying to a submission answers in the submission's thread (created on first use). The reply is recorded
in the submission's case history; message text stays out of the history (operators read it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from services.efile.store import EFileStore, EFileStoreError
from services.efile.uploads import CheckedUpload
from services.mailbox.threads import MailboxError, staff_reply, submission_thread
from services.staff.errors import StaffError
from services.staff.events import REPLIED, record_event
from services.store.models import MailboxMessage, MailboxThread, StaffMember, Submission


def _reply(
    session: Session,
    efile: EFileStore,
    *,
    staff: StaffMember,
    thread_of: Callable[[], MailboxThread],
    body: str,
    attachments: Sequence[CheckedUpload],
) -> MailboxMessage:
    try:
        with session.begin_nested():  # a refused or failed reply leaves no thread, message or document behind
            thread = thread_of()
            message = staff_reply(session, efile, staff=staff, thread_id=thread.id, body=body, attachments=attachments)
            if thread.submission_id:
                detail = {"thread_id": thread.id, "message_id": message.id, "attachments": len(attachments)}
                record_event(session, submission_id=thread.submission_id, kind=REPLIED, actor=staff.id, detail=detail)
            session.flush()
    except MailboxError as exc:
        raise StaffError(exc.status, exc.code, exc.message) from None
    except EFileStoreError:
        raise StaffError(
            503, "efile_unavailable", "Die e-Akte ist gerade nicht erreichbar; der Anhang wurde nicht gespeichert."
        ) from None
    return message


def reply_to_submission(
    session: Session,
    efile: EFileStore,
    submission: Submission,
    *,
    staff: StaffMember,
    body: str,
    attachments: Sequence[CheckedUpload] = (),
) -> MailboxMessage:
    return _reply(
        session,
        efile,
        staff=staff,
        thread_of=lambda: submission_thread(session, submission),
        body=body,
        attachments=attachments,
    )


def reply_in_thread(
    session: Session,
    efile: EFileStore,
    thread: MailboxThread,
    *,
    staff: StaffMember,
    body: str,
    attachments: Sequence[CheckedUpload] = (),
) -> MailboxMessage:
    return _reply(session, efile, staff=staff, thread_of=lambda: thread, body=body, attachments=attachments)
