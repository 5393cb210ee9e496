"""The staff workspace as JSON under /api/v1/staff (bearer token): inbox, e-file, actions, paper intake."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from services.audit.log import AuditRecorder
from services.portal.audit import AuditDep
from services.portal.deps import (
    EFileDep,
    IntakeClerk,
    RegistryDep,
    SessionDep,
    TelemetryDep,
)
from services.portal.routes.receipts import ReceiptSignerDep
from services.portal.routes.staff_common import (
    PaperFieldsDep,
    Staff,
    StaffSubmission,
    StaffThread,
    as_api_errors,
    document_file,
    efile_file,
    paper_intake,
)
from services.staff import access, actions
from services.staff import api_models as out
from services.staff import audit_trail as trail
from services.staff.conversation import open_conversation
from services.staff.efile_view import efile_view
from services.staff.inbox import inbox, inbox_filter
from services.staff.replies import reply_in_thread, reply_to_submission
from services.store.models import MailboxThread, Submission

api = APIRouter(prefix="/api/v1/staff", tags=["staff"])


@api.get("/me", response_model=out.MeOut)
def me(staff: Staff, session: SessionDep) -> out.MeOut:
    return out.MeOut(
        id=staff.member.id,
        display_name=staff.member.display_name,
        roles=sorted(staff.roles),
        jobcenter_id=staff.jobcenter.id,
        jobcenter_name=staff.jobcenter.name,
        team_id=staff.member.team_id,
        teams=[out.TeamOut(id=t.id, name=t.name) for t in access.teams_of(session, staff.jobcenter.id)],
    )


@api.get("/inbox", response_model=out.InboxOut)
def inbox_api(
    staff: Staff,
    session: SessionDep,
    audit: AuditDep,
    kind: Annotated[str, Query(pattern="^(|submission|message)$")] = "",
    service: Annotated[str, Query(max_length=64)] = "",
    state: Annotated[str, Query(pattern="^(open|processed|all)$")] = "open",
    team: Annotated[str, Query(max_length=100, description="A team id of your jobcenter, or 'all'.")] = "",
    q: Annotated[str, Query(max_length=64, description="Part of a receipt or BG number.")] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 25,
) -> out.InboxOut:
    with as_api_errors():
        f = inbox_filter(
            session,
            jobcenter_id=staff.jobcenter.id,
            own_team_id=staff.member.team_id,
            kind=kind,
            service=service,
            state=state,
            team=team,
            q=q,
            page=page,
            per_page=per_page,
        )
    listing = inbox(session, f)
    trail.inbox_listed(audit, session, f)
    return out.inbox_out(listing, f)


@api.get("/submissions/{submission_id}", response_model=out.EFileOut)
def submission_api(sub: StaffSubmission, session: SessionDep, audit: AuditDep) -> out.EFileOut:
    view = out.efile_out(efile_view(session, sub))
    trail.submission_accessed(audit, session, sub)
    return view


@api.get("/submissions/{submission_id}/pdf", response_class=Response)
def submission_pdf_api(sub: StaffSubmission, session: SessionDep, store: EFileDep, audit: AuditDep) -> Response:
    response = efile_file(session, store, sub, "pdf")
    trail.submission_accessed(audit, session, sub, resource_type="submission_pdf")
    return response


@api.get("/submissions/{submission_id}/json", response_class=Response)
def submission_json_api(sub: StaffSubmission, session: SessionDep, store: EFileDep, audit: AuditDep) -> Response:
    response = efile_file(session, store, sub, "json")
    trail.submission_accessed(audit, session, sub, resource_type="submission_json")
    return response


@api.get("/documents/{document_id}", response_class=Response)
def document_api(document_id: str, staff: Staff, session: SessionDep, store: EFileDep, audit: AuditDep) -> Response:
    with as_api_errors():
        doc = access.document_in(session, staff.jobcenter.id, document_id)
        response = document_file(store, doc)
    trail.document_downloaded(audit, session, doc, jobcenter_id=staff.jobcenter.id)
    return response


def _done(target: Submission | MailboxThread, changed: bool, audit: AuditRecorder, session: Session) -> out.ActionOut:
    """The action's answer; a real change is recorded in the audit log (a repeated one changed nothing)."""
    if changed:
        trail.target_changed(audit, session, target)
    if isinstance(target, Submission):
        return out.ActionOut(
            id=target.id, kind="submission", changed=changed, state=target.work_state, team_id=target.team_id
        )
    return out.ActionOut(id=target.id, kind="message", changed=changed, state=target.status, team_id=target.team_id)


@api.post("/submissions/{submission_id}/reassign", response_model=out.ActionOut)
def reassign_api(
    sub: StaffSubmission, body: out.ReassignIn, staff: Staff, session: SessionDep, audit: AuditDep
) -> out.ActionOut:
    with as_api_errors():
        changed = actions.reassign_submission(session, sub, staff=staff.member, team_id=body.team_id)
    return _done(sub, changed, audit, session)


@api.post("/submissions/{submission_id}/processed", response_model=out.ActionOut)
def processed_api(sub: StaffSubmission, staff: Staff, session: SessionDep, audit: AuditDep) -> out.ActionOut:
    changed = actions.set_submission_state(session, sub, staff=staff.member, state=actions.DONE)
    return _done(sub, changed, audit, session)


@api.post("/submissions/{submission_id}/reopen", response_model=out.ActionOut)
def reopen_api(sub: StaffSubmission, staff: Staff, session: SessionDep, audit: AuditDep) -> out.ActionOut:
    changed = actions.set_submission_state(session, sub, staff=staff.member, state=actions.OPEN)
    return _done(sub, changed, audit, session)


@api.post("/submissions/{submission_id}/reply", response_model=out.ReplyOut, status_code=201)
def reply_api(
    sub: StaffSubmission, body: out.ReplyIn, staff: Staff, session: SessionDep, store: EFileDep, audit: AuditDep
) -> out.ReplyOut:
    with as_api_errors():
        message = reply_to_submission(session, store, sub, staff=staff.member, body=body.body)
    trail.replied(audit, session, message)
    return out.ReplyOut(message_id=message.id, thread_id=message.thread_id or "", attachments=0)


@api.get("/threads/{thread_id}", response_model=out.ThreadOut)
def thread_api(thread: StaffThread, session: SessionDep, audit: AuditDep) -> out.ThreadOut:
    conversation = out.thread_out(open_conversation(session, thread))
    trail.thread_accessed(audit, session, thread)
    return conversation


@api.post("/threads/{thread_id}/reassign", response_model=out.ActionOut)
def thread_reassign_api(
    thread: StaffThread, body: out.ReassignIn, staff: Staff, session: SessionDep, audit: AuditDep
) -> out.ActionOut:
    with as_api_errors():
        changed = actions.reassign_thread(session, thread, staff=staff.member, team_id=body.team_id)
    return _done(thread, changed, audit, session)


@api.post("/threads/{thread_id}/processed", response_model=out.ActionOut)
def thread_processed_api(thread: StaffThread, staff: Staff, session: SessionDep, audit: AuditDep) -> out.ActionOut:
    changed = actions.set_thread_state(session, thread, staff=staff.member, state=actions.DONE)
    return _done(thread, changed, audit, session)


@api.post("/threads/{thread_id}/reopen", response_model=out.ActionOut)
def thread_reopen_api(thread: StaffThread, staff: Staff, session: SessionDep, audit: AuditDep) -> out.ActionOut:
    changed = actions.set_thread_state(session, thread, staff=staff.member, state=actions.OPEN)
    return _done(thread, changed, audit, session)


@api.post("/threads/{thread_id}/reply", response_model=out.ReplyOut, status_code=201)
def thread_reply_api(
    thread: StaffThread, body: out.ReplyIn, staff: Staff, session: SessionDep, store: EFileDep, audit: AuditDep
) -> out.ReplyOut:
    with as_api_errors():
        message = reply_in_thread(session, store, thread, staff=staff.member, body=body.body)
    trail.replied(audit, session, message)
    return out.ReplyOut(message_id=message.id, thread_id=thread.id, attachments=0)


@api.post("/paper-submissions", response_model=out.PaperAccepted, status_code=202)
def paper_api(
    clerk: IntakeClerk,
    session: SessionDep,
    store: EFileDep,
    registry: RegistryDep,
    telemetry: TelemetryDep,
    fields: PaperFieldsDep,
    signer: ReceiptSignerDep,
    audit: AuditDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> out.PaperAccepted:
    """A keyed-in paper form and its scan, accepted like an online submission (``channel`` ``paper``)."""
    with as_api_errors():
        intake = paper_intake(
            session,
            store,
            registry,
            clerk,
            fields,
            telemetry=telemetry,
            idempotency_key=idempotency_key,
            signer=signer,
        )
    trail.paper_filed(audit, session, intake, jobcenter_id=clerk.jobcenter.id)
    return out.paper_accepted(intake)
