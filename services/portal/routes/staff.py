"""Staff workspace of a jobcenter (API and pages): inbox, e-file view, reply, reassign, processed, paper intake.

The API lives under /api/v1/staff (bearer token), the pages under /staff. A browser link cannot send a header,
so a page takes ``?token=`` once, moves it into an HttpOnly, SameSite=Strict cookie scoped to /staff and sends
the browser to the same address without the token (as the ops pages do). Forms POST and answer 303 with a
notice; a refused action re-renders the page with the German message and a 4xx status.

Tenancy: every lookup is scoped to the staff member's jobcenter (services/staff/access.py); another
jobcenter's ids answer 404. The inbox and the e-file need the role ``staff``, paper intake ``intake``.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, File, Form, Header, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from connectors.sdk.registry import ConnectorRegistry
from services.efile.store import EFileStore
from services.efile.uploads import CheckedUpload, UploadRejected, check_upload
from services.intake.paper import PaperIntake, PaperIntakeRejected, PaperPerson, intake_paper, parse_keyed_in
from services.portal.deps import (
    STAFF_COOKIE,
    BearerDep,
    ContextDep,
    EFileDep,
    IntakeClerk,
    RegistryDep,
    SessionDep,
    SettingsDep,
    StaffIdentity,
    require_staff_role,
    staff_from_token,
    verify_token,
)
from services.portal.errors import ApiError
from services.portal.templates_env import templates
from services.staff import access, actions
from services.staff import api_models as out
from services.staff.conversation import open_conversation
from services.staff.efile_view import efile_view, read_object
from services.staff.errors import StaffError
from services.staff.inbox import inbox, inbox_filter
from services.staff.replies import reply_in_thread, reply_to_submission
from services.store.models import Document, MailboxThread, Submission
from services.telemetry.propagation import current_traceparent

router = APIRouter()
api = APIRouter(prefix="/api/v1/staff", tags=["staff"])
pages = APIRouter(prefix="/staff", tags=["staff pages"], include_in_schema=False)

Staff = Annotated[StaffIdentity, Depends(require_staff_role("staff"))]
Refusal = (StaffError, PaperIntakeRejected, UploadRejected)
UPLOAD_STATUS = {"upload_too_large": 413, "unsupported_file_type": 415}
RECEIPT = re.compile(r"^[A-Z0-9_]{1,64}-\d{8}-[0-9A-Z]{8}$")


def _api_error(exc: StaffError | PaperIntakeRejected | UploadRejected) -> ApiError:
    if isinstance(exc, UploadRejected):
        return ApiError(UPLOAD_STATUS.get(exc.code, 422), exc.code, exc.message)
    return ApiError(exc.status, exc.code, exc.message, getattr(exc, "problems", None))


@contextmanager
def _as_api_errors() -> Iterator[None]:
    """The workspace's refusals in the API's error shape."""
    try:
        yield
    except Refusal as exc:
        raise _api_error(exc) from None


def _staff_submission(submission_id: str, staff: Staff, session: SessionDep) -> Submission:
    with _as_api_errors():
        return access.submission_in(session, staff.jobcenter.id, submission_id)


def _staff_thread(thread_id: str, staff: Staff, session: SessionDep) -> MailboxThread:
    with _as_api_errors():
        return access.thread_in(session, staff.jobcenter.id, thread_id)


StaffSubmission = Annotated[Submission, Depends(_staff_submission)]
StaffThread = Annotated[MailboxThread, Depends(_staff_thread)]


def _read_upload(upload: UploadFile | None, max_bytes: int, *, required: bool) -> CheckedUpload | None:
    """Read at most one byte more than allowed, so an oversized file is refused without reading it all.
    A browser sends an empty part without a name for an empty file input: that is no upload."""
    if upload is None or not upload.filename:
        if required:
            raise UploadRejected("scan_missing", "Bitte den Scan des Papierformulars (PDF, JPEG oder PNG) anhängen.")
        return None
    return check_upload(upload.file.read(max_bytes + 1), upload.filename, max_bytes=max_bytes)


def _file(data: bytes, media_type: str, filename: str, *, inline: bool) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _efile_file(session: Session, store: EFileStore, sub: Submission, kind: str) -> Response:
    """The PDF or JSON the efile stage filed (its ledger reference names the PDF)."""
    view = efile_view(session, sub)
    with _as_api_errors():
        data = read_object(store, view.pdf_key if kind == "pdf" else view.json_key, label=sub.receipt_number)
    media_type = "application/pdf" if kind == "pdf" else "application/json"
    return _file(data, media_type, f"{sub.receipt_number}.{kind}", inline=True)


def _document_file(store: EFileStore, doc: Document) -> Response:
    with _as_api_errors():
        data = read_object(store, doc.storage_key, label=doc.filename)
    return _file(data, doc.media_type, doc.filename, inline=False)


@dataclass(frozen=True)
class PaperFields:
    """A paper intake as a multipart form (the API and the page post the same fields)."""

    service: str
    form: str
    person: PaperPerson
    attach_to: str
    scan: UploadFile | None
    idempotency_key: str
    """Pages only: a fresh key per page load, so a double click files once (the API uses the header)."""

    def values(self) -> dict[str, str]:
        """What the clerk typed, to fill the form again after a refusal."""
        keyed_in = self.person.keyed_in()
        return {
            **keyed_in,
            "customer_id": self.person.customer_id or "",
            "service": self.service,
            "form": self.form,
            "attach_to": self.attach_to,
        }


def _paper_fields(
    service: Annotated[str, Form(max_length=64)] = "",
    form: Annotated[
        str, Form(max_length=500_000, description="The keyed-in form as JSON (the service's schema).")
    ] = "",
    scan: Annotated[UploadFile | None, File(description="The scanned paper form: PDF, JPEG or PNG.")] = None,
    customer_id: Annotated[str, Form(max_length=64)] = "",
    bg_number: Annotated[str, Form(max_length=20)] = "",
    given_name: Annotated[str, Form(max_length=200)] = "",
    family_name: Annotated[str, Form(max_length=200)] = "",
    street: Annotated[str, Form(max_length=300)] = "",
    postal_code: Annotated[str, Form(max_length=10)] = "",
    city: Annotated[str, Form(max_length=200)] = "",
    attach_to: Annotated[str, Form(max_length=64, description="Receipt number or id of the main form.")] = "",
    idempotency_key: Annotated[str, Form(max_length=200, include_in_schema=False)] = "",
) -> PaperFields:
    """The person is ``customer_id``, or BG number, name and address (matched, or created without Postfach)."""
    person = PaperPerson(customer_id, bg_number, given_name, family_name, street, postal_code, city)
    return PaperFields(service, form, person, attach_to, scan, idempotency_key)


PaperFieldsDep = Annotated[PaperFields, Depends(_paper_fields)]


def _paper(
    session: Session,
    store: EFileStore,
    registry: ConnectorRegistry,
    clerk: StaffIdentity,
    fields: PaperFields,
    *,
    max_bytes: int,
    idempotency_key: str | None,
) -> PaperIntake:
    checked = _read_upload(fields.scan, max_bytes, required=True)
    assert checked is not None
    if fields.service not in registry:
        raise StaffError(422, "unknown_service", f"Den Dienst '{fields.service}' gibt es nicht. Bitte einen wählen.")
    return intake_paper(
        session,
        store,
        connector=registry.get(fields.service),
        jobcenter=clerk.jobcenter,
        clerk_id=clerk.member.id,
        person=fields.person,
        payload=parse_keyed_in(fields.form),
        scan=checked,
        idempotency_key=idempotency_key or None,
        attach_to=fields.attach_to,
        traceparent=current_traceparent(),
    )


# ---------------------------------------------------------------- API


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
    kind: Annotated[str, Query(pattern="^(|submission|message)$")] = "",
    service: Annotated[str, Query(max_length=64)] = "",
    state: Annotated[str, Query(pattern="^(open|processed|all)$")] = "open",
    team: Annotated[str, Query(max_length=100, description="A team id of your jobcenter, or 'all'.")] = "",
    q: Annotated[str, Query(max_length=64, description="Part of a receipt or BG number.")] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 25,
) -> out.InboxOut:
    with _as_api_errors():
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
    return out.inbox_out(inbox(session, f), f)


@api.get("/submissions/{submission_id}", response_model=out.EFileOut)
def submission_api(sub: StaffSubmission, session: SessionDep) -> out.EFileOut:
    return out.efile_out(efile_view(session, sub))


@api.get("/submissions/{submission_id}/pdf", response_class=Response)
def submission_pdf_api(sub: StaffSubmission, session: SessionDep, store: EFileDep) -> Response:
    return _efile_file(session, store, sub, "pdf")


@api.get("/submissions/{submission_id}/json", response_class=Response)
def submission_json_api(sub: StaffSubmission, session: SessionDep, store: EFileDep) -> Response:
    return _efile_file(session, store, sub, "json")


@api.get("/documents/{document_id}", response_class=Response)
def document_api(document_id: str, staff: Staff, session: SessionDep, store: EFileDep) -> Response:
    with _as_api_errors():
        return _document_file(store, access.document_in(session, staff.jobcenter.id, document_id))


def _done(target: Submission | MailboxThread, changed: bool) -> out.ActionOut:
    if isinstance(target, Submission):
        return out.ActionOut(
            id=target.id, kind="submission", changed=changed, state=target.work_state, team_id=target.team_id
        )
    return out.ActionOut(id=target.id, kind="message", changed=changed, state=target.status, team_id=target.team_id)


@api.post("/submissions/{submission_id}/reassign", response_model=out.ActionOut)
def reassign_api(sub: StaffSubmission, body: out.ReassignIn, staff: Staff, session: SessionDep) -> out.ActionOut:
    with _as_api_errors():
        return _done(sub, actions.reassign_submission(session, sub, staff=staff.member, team_id=body.team_id))


@api.post("/submissions/{submission_id}/processed", response_model=out.ActionOut)
def processed_api(sub: StaffSubmission, staff: Staff, session: SessionDep) -> out.ActionOut:
    return _done(sub, actions.set_submission_state(session, sub, staff=staff.member, state=actions.DONE))


@api.post("/submissions/{submission_id}/reopen", response_model=out.ActionOut)
def reopen_api(sub: StaffSubmission, staff: Staff, session: SessionDep) -> out.ActionOut:
    return _done(sub, actions.set_submission_state(session, sub, staff=staff.member, state=actions.OPEN))


@api.post("/submissions/{submission_id}/reply", response_model=out.ReplyOut, status_code=201)
def reply_api(
    sub: StaffSubmission, body: out.ReplyIn, staff: Staff, session: SessionDep, store: EFileDep
) -> out.ReplyOut:
    with _as_api_errors():
        message = reply_to_submission(session, store, sub, staff=staff.member, body=body.body)
    return out.ReplyOut(message_id=message.id, thread_id=message.thread_id or "", attachments=0)


@api.get("/threads/{thread_id}", response_model=out.ThreadOut)
def thread_api(thread: StaffThread, session: SessionDep) -> out.ThreadOut:
    return out.thread_out(open_conversation(session, thread))


@api.post("/threads/{thread_id}/reassign", response_model=out.ActionOut)
def thread_reassign_api(thread: StaffThread, body: out.ReassignIn, staff: Staff, session: SessionDep) -> out.ActionOut:
    with _as_api_errors():
        return _done(thread, actions.reassign_thread(session, thread, staff=staff.member, team_id=body.team_id))


@api.post("/threads/{thread_id}/processed", response_model=out.ActionOut)
def thread_processed_api(thread: StaffThread, staff: Staff, session: SessionDep) -> out.ActionOut:
    return _done(thread, actions.set_thread_state(session, thread, staff=staff.member, state=actions.DONE))


@api.post("/threads/{thread_id}/reopen", response_model=out.ActionOut)
def thread_reopen_api(thread: StaffThread, staff: Staff, session: SessionDep) -> out.ActionOut:
    return _done(thread, actions.set_thread_state(session, thread, staff=staff.member, state=actions.OPEN))


@api.post("/threads/{thread_id}/reply", response_model=out.ReplyOut, status_code=201)
def thread_reply_api(
    thread: StaffThread, body: out.ReplyIn, staff: Staff, session: SessionDep, store: EFileDep
) -> out.ReplyOut:
    with _as_api_errors():
        message = reply_in_thread(session, store, thread, staff=staff.member, body=body.body)
    return out.ReplyOut(message_id=message.id, thread_id=thread.id, attachments=0)


@api.post("/paper-submissions", response_model=out.PaperAccepted, status_code=202)
def paper_api(
    clerk: IntakeClerk,
    session: SessionDep,
    store: EFileDep,
    registry: RegistryDep,
    settings: SettingsDep,
    fields: PaperFieldsDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> out.PaperAccepted:
    """A keyed-in paper form and its scan, accepted like an online submission (``channel`` ``paper``)."""
    with _as_api_errors():
        intake = _paper(
            session,
            store,
            registry,
            clerk,
            fields,
            max_bytes=settings.upload_max_bytes,
            idempotency_key=idempotency_key,
        )
    return out.paper_accepted(intake)


# ---------------------------------------------------------------- pages


def _token_to_cookie(
    ctx: ContextDep, session: SessionDep, request: Request, token: str | None = Query(default=None)
) -> Response | None:
    """Swap ``?token=`` for the staff cookie and redirect to the clean address; None without a token."""
    if token is None:
        return None
    staff_from_token(ctx, session, token)  # 401/403 for anything but an active staff member
    principal = verify_token(ctx, token)
    clean = request.url.remove_query_params("token")
    redirect = RedirectResponse(clean.path + (f"?{clean.query}" if clean.query else ""), status_code=303)
    max_age = max(0, int(principal.claims.get("exp", time.time())) - int(time.time()))
    redirect.set_cookie(
        STAFF_COOKIE,
        token,
        max_age=max_age,
        path="/staff",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return redirect


Handoff = Annotated[Response | None, Depends(_token_to_cookie)]


def _signed_in(ctx: ContextDep, session: Session, request: Request, credentials: Any, role: str) -> StaffIdentity:
    """For pages that take the token link: checked after the hand-off (a ?token= link has no cookie yet)."""
    staff = staff_from_token(
        ctx, session, credentials.credentials if credentials else request.cookies.get(STAFF_COOKIE)
    )
    if role not in staff.roles:
        raise ApiError(403, "forbidden", f"Dafür ist die Rolle '{role}' im Jobcenter nötig.")
    return staff


def _when(value: datetime | None) -> str:
    """German local time on the pages (UTC where no zone database is installed)."""
    if value is None:
        return "–"
    try:
        zone: tzinfo = ZoneInfo("Europe/Berlin")
    except ZoneInfoNotFoundError:
        zone = UTC
    return value.astimezone(zone).strftime("%d.%m.%Y %H:%M")


NOTICES = {
    "replied": "Ihre Antwort steht im Postfach der Kundin bzw. des Kunden.",
    "reassigned": "Der Vorgang wurde dem gewählten Team zugewiesen.",
    "processed": "Als erledigt markiert.",
    "reopened": "Wieder geöffnet.",
    "unchanged": "Es war bereits so; nichts geändert.",
    "paper": "Papierformular erfasst. Es erscheint im Posteingang, sobald es zugeordnet ist.",
}


def _page(name: str, request: Request, staff: StaffIdentity, *, status: int = 200, **context: Any) -> HTMLResponse:
    notice = NOTICES.get(request.query_params.get("notice", ""))
    receipt = request.query_params.get("receipt", "")
    if notice and RECEIPT.fullmatch(receipt):
        notice = f"{notice} Eingangsnummer: {receipt}."
    html = (
        templates()
        .get_template(name)
        .render(brand=staff.jobcenter, staff=staff, when=_when, notice=None if status >= 400 else notice, **context)
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _see_other(path: str, **params: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?{urlencode(params)}" if params else path, status_code=303)


@pages.get("", response_class=HTMLResponse)
def home_page(handoff: Handoff, request: Request, ctx: ContextDep, session: SessionDep, cred: BearerDep) -> Response:
    if handoff is not None:
        return handoff
    staff = staff_from_token(ctx, session, cred.credentials if cred else request.cookies.get(STAFF_COOKIE))
    return _see_other("/staff/inbox" if "staff" in staff.roles else "/staff/paper")


@pages.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    handoff: Handoff,
    request: Request,
    ctx: ContextDep,
    session: SessionDep,
    registry: RegistryDep,
    cred: BearerDep,
    kind: Annotated[str, Query(pattern="^(|submission|message)$")] = "",
    service: Annotated[str, Query(max_length=64)] = "",
    state: Annotated[str, Query(pattern="^(open|processed|all)$")] = "open",
    team: Annotated[str, Query(max_length=100)] = "",
    q: Annotated[str, Query(max_length=64)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    if handoff is not None:
        return handoff
    staff = _signed_in(ctx, session, request, cred, "staff")
    scope = {"jobcenter_id": staff.jobcenter.id, "own_team_id": staff.member.team_id}
    filters = {"kind": kind, "service": service, "state": state, "q": q, "page": page}
    error = None
    try:
        f = inbox_filter(session, **scope, team=team, **filters)  # type: ignore[arg-type]
    except StaffError as exc:
        error, f = exc.message, inbox_filter(session, **scope, team="all", **filters)  # type: ignore[arg-type]
    query = f.as_query()
    return _page(
        "staff_inbox.html.j2",
        request,
        staff,
        status=422 if error else 200,
        error=error,
        result=inbox(session, f),
        filters=query,
        teams=access.teams_of(session, staff.jobcenter.id),
        services=[(c.key, c.title) for c in registry],
        titles={c.key: c.title for c in registry},
        page_link=lambda n: f"/staff/inbox?{urlencode({**query, 'page': n})}",
    )


def _submission_page(
    request: Request, session: Session, registry: ConnectorRegistry, staff: StaffIdentity, sub: Submission, **extra: Any
) -> HTMLResponse:
    return _page(
        "staff_submission.html.j2",
        request,
        staff,
        view=efile_view(session, sub),
        title=registry.get(sub.service).title if sub.service in registry else sub.service,
        teams=access.teams_of(session, staff.jobcenter.id),
        form_json=json.dumps(sub.form_data, ensure_ascii=False, indent=2, sort_keys=True),
        **extra,
    )


def _thread_page(
    request: Request, session: Session, staff: StaffIdentity, thread: MailboxThread, **extra: Any
) -> HTMLResponse:
    conversation = open_conversation(session, thread)
    teams = access.teams_of(session, staff.jobcenter.id)
    return _page("staff_thread.html.j2", request, staff, c=conversation, teams=teams, **extra)


@pages.get("/submissions/{submission_id}", response_class=HTMLResponse)
def submission_page(
    submission_id: str,
    handoff: Handoff,
    request: Request,
    ctx: ContextDep,
    session: SessionDep,
    registry: RegistryDep,
    cred: BearerDep,
) -> Response:
    if handoff is not None:
        return handoff
    staff = _signed_in(ctx, session, request, cred, "staff")
    with _as_api_errors():
        sub = access.submission_in(session, staff.jobcenter.id, submission_id)
    return _submission_page(request, session, registry, staff, sub)


@pages.get("/threads/{thread_id}", response_class=HTMLResponse)
def thread_page(
    thread_id: str, handoff: Handoff, request: Request, ctx: ContextDep, session: SessionDep, cred: BearerDep
) -> Response:
    if handoff is not None:
        return handoff
    staff = _signed_in(ctx, session, request, cred, "staff")
    with _as_api_errors():
        thread = access.thread_in(session, staff.jobcenter.id, thread_id)
    return _thread_page(request, session, staff, thread)


@pages.get("/submissions/{submission_id}/pdf", response_class=Response)
def submission_pdf_page(sub: StaffSubmission, session: SessionDep, store: EFileDep) -> Response:
    return _efile_file(session, store, sub, "pdf")


@pages.get("/submissions/{submission_id}/json", response_class=Response)
def submission_json_page(sub: StaffSubmission, session: SessionDep, store: EFileDep) -> Response:
    return _efile_file(session, store, sub, "json")


@pages.get("/documents/{document_id}", response_class=Response)
def document_page(document_id: str, staff: Staff, session: SessionDep, store: EFileDep) -> Response:
    return document_api(document_id, staff, session, store)


ActionForm = dict[str, Any]


def _act(
    action: str,
    target: Submission | MailboxThread,
    session: Session,
    store: EFileStore,
    staff: StaffIdentity,
    form: ActionForm,
) -> str:
    """Carry out a page form's action on a submission or a conversation; returns the notice to show."""
    member, is_submission = staff.member, isinstance(target, Submission)
    if action == "reply":
        upload = _read_upload(form["attachment"], form["max_bytes"], required=False)
        reply = reply_to_submission if is_submission else reply_in_thread
        reply(session, store, target, staff=member, body=form["body"], attachments=[upload] if upload else [])  # type: ignore[arg-type]
        return "replied"
    if action == "reassign":
        reassign = actions.reassign_submission if is_submission else actions.reassign_thread
        return "reassigned" if reassign(session, target, staff=member, team_id=form["team_id"]) else "unchanged"  # type: ignore[arg-type]
    if action in ("processed", "reopen"):
        set_state = actions.set_submission_state if is_submission else actions.set_thread_state
        state = actions.DONE if action == "processed" else actions.OPEN
        changed = set_state(session, target, staff=member, state=state)  # type: ignore[arg-type]
        return ("processed" if action == "processed" else "reopened") if changed else "unchanged"
    raise ApiError(404, "unknown_action", "Diese Aktion gibt es nicht.")


def _action_form(
    settings: SettingsDep,
    team_id: Annotated[str, Form(max_length=100)] = "",
    body: Annotated[str, Form(max_length=20_000)] = "",
    attachment: Annotated[UploadFile | None, File()] = None,
) -> ActionForm:
    return {"team_id": team_id, "body": body, "attachment": attachment, "max_bytes": settings.upload_max_bytes}


ActionFormDep = Annotated[ActionForm, Depends(_action_form)]


@pages.post("/submissions/{submission_id}/{action}", response_class=HTMLResponse)
def submission_action_page(
    action: str,
    sub: StaffSubmission,
    staff: Staff,
    form: ActionFormDep,
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    store: EFileDep,
) -> Response:
    try:
        notice = _act(action, sub, session, store, staff, form)
    except Refusal as exc:
        err = _api_error(exc)
        if err.status >= 500:
            raise err from None
        again = {"error": err.message, "error_action": action, "reply_body": form["body"]}
        return _submission_page(request, session, registry, staff, sub, status=err.status, **again)
    return _see_other(f"/staff/submissions/{sub.id}", notice=notice)


@pages.post("/threads/{thread_id}/{action}", response_class=HTMLResponse)
def thread_action_page(
    action: str,
    thread: StaffThread,
    staff: Staff,
    form: ActionFormDep,
    request: Request,
    session: SessionDep,
    store: EFileDep,
) -> Response:
    try:
        notice = _act(action, thread, session, store, staff, form)
    except Refusal as exc:
        err = _api_error(exc)
        if err.status >= 500:
            raise err from None
        again = {"error": err.message, "error_action": action, "reply_body": form["body"]}
        return _thread_page(request, session, staff, thread, status=err.status, **again)
    return _see_other(f"/staff/threads/{thread.id}", notice=notice)


def _example_json(registry: ConnectorRegistry, service: str) -> str:
    """The connector's first example: the template the clerk overwrites with what is on paper."""
    try:
        return json.dumps(registry.get(service).examples()[0], ensure_ascii=False, indent=2)
    except Exception:  # noqa: BLE001 - a connector without examples still gets an empty template
        return "{}"


def _paper_page(
    request: Request, registry: ConnectorRegistry, clerk: StaffIdentity, values: dict[str, str], **extra: Any
) -> HTMLResponse:
    service = values.get("service") if values.get("service") in registry else "wba"
    return _page(
        "staff_paper.html.j2",
        request,
        clerk,
        services=[(c.key, c.title) for c in registry],
        values={**values, "service": service, "form": values.get("form") or _example_json(registry, service or "")},
        idempotency_key=str(uuid.uuid4()),
        **extra,
    )


@pages.get("/paper", response_class=HTMLResponse)
def paper_page(
    handoff: Handoff,
    request: Request,
    ctx: ContextDep,
    session: SessionDep,
    registry: RegistryDep,
    cred: BearerDep,
    service: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    if handoff is not None:
        return handoff
    clerk = _signed_in(ctx, session, request, cred, "intake")
    return _paper_page(request, registry, clerk, {"service": service})


@pages.post("/paper", response_class=HTMLResponse)
def paper_post_page(
    clerk: IntakeClerk,
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    store: EFileDep,
    settings: SettingsDep,
    fields: PaperFieldsDep,
) -> Response:
    """The page carries a fresh idempotency key per load, so a double click files once."""
    try:
        intake = _paper(
            session,
            store,
            registry,
            clerk,
            fields,
            max_bytes=settings.upload_max_bytes,
            idempotency_key=fields.idempotency_key,
        )
    except Refusal as exc:
        err = _api_error(exc)
        if err.status >= 500:
            raise err from None
        values = fields.values()
        return _paper_page(request, registry, clerk, values, status=err.status, error=err.message, problems=err.fields)
    return _see_other("/staff/paper", notice="paper", receipt=intake.submission.receipt_number)


@pages.post("/logout", response_class=HTMLResponse)
def logout_page() -> Response:
    """Forget the staff cookie (the intake zone's computers are shared)."""
    html = templates().get_template("staff_signed_out.html.j2").render(brand=None)
    response = HTMLResponse(html, headers={"Cache-Control": "no-store"})
    response.delete_cookie(STAFF_COOKIE, path="/staff", httponly=True, samesite="strict")
    return response


router.include_router(api)
router.include_router(pages)
