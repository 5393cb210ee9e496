"""The staff workspace as pages under /staff.

A browser link cannot send a header, so a page takes ``?token=`` once, moves it into an HttpOnly, SameSite=Strict
cookie scoped to /staff and sends the browser to the same address without the token. Forms POST and answer 303
with a notice; a refused action re-renders the page with the German message and a 4xx status.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from connectors.sdk.registry import ConnectorRegistry
from services.audit.log import AuditRecorder
from services.efile.store import EFileStore
from services.portal.audit import AuditDep
from services.portal.csrf import csrf_token
from services.portal.deps import (
    STAFF_COOKIE,
    BearerDep,
    ContextDep,
    EFileDep,
    IntakeClerk,
    RegistryDep,
    SessionDep,
    StaffIdentity,
    TelemetryDep,
    page_token,
    staff_from_token,
    verify_token,
)
from services.portal.errors import ApiError
from services.portal.routes.receipts import ReceiptSignerDep
from services.portal.routes.staff_api import document_api, submission_json_api, submission_pdf_api
from services.portal.routes.staff_common import (
    RECEIPT,
    PaperFieldsDep,
    Refusal,
    Staff,
    StaffSubmission,
    StaffThread,
    api_error,
    as_api_errors,
    paper_intake,
    read_upload,
)
from services.portal.templates_env import templates
from services.portal.token_link import (
    forget_sign_in,
    refuse_token_link_outside_development,
    token_to_cookie,
)
from services.portal.uploads_dep import UploadCheckerDep
from services.staff import access, actions
from services.staff import audit_trail as trail
from services.staff.conversation import open_conversation
from services.staff.efile_view import efile_view
from services.staff.errors import StaffError
from services.staff.inbox import inbox, inbox_filter
from services.staff.replies import reply_in_thread, reply_to_submission
from services.store.models import MailboxThread, Submission

pages = APIRouter(prefix="/staff", tags=["staff pages"], include_in_schema=False)


def _token_to_cookie(
    ctx: ContextDep,
    session: SessionDep,
    request: Request,
    token: str | None = Query(default=None),
) -> Response | None:
    """In development ``?token=`` is swapped for the staff cookie and the browser sent to the clean address; None
    when the page itself should answer (a signed-out browser never gets here: the access gate sends it to the
    login)."""
    if token is None:
        return None
    refuse_token_link_outside_development(ctx)
    staff_from_token(ctx, session, token)  # 401/403 for anything but an active staff member
    return token_to_cookie(request, token, verify_token(ctx, token), cookie=STAFF_COOKIE, path="/staff")


Handoff = Annotated[Response | None, Depends(_token_to_cookie)]


def _signed_in(ctx: ContextDep, session: Session, request: Request, credentials: Any, role: str) -> StaffIdentity:
    """For pages that take the token link: checked after the hand-off (a ?token= link has no cookie yet)."""
    staff = staff_from_token(ctx, session, page_token(ctx, request, credentials, STAFF_COOKIE))
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
        .render(
            brand=staff.jobcenter,
            staff=staff,
            when=_when,
            notice=None if status >= 400 else notice,
            csrf_token=csrf_token(request),  # every form of the workspace posts it back (services/portal/csrf.py)
            **context,
        )
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _see_other(path: str, **params: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?{urlencode(params)}" if params else path, status_code=303)


@pages.get("", response_class=HTMLResponse)
def home_page(handoff: Handoff, request: Request, ctx: ContextDep, session: SessionDep, cred: BearerDep) -> Response:
    if handoff is not None:
        return handoff
    staff = staff_from_token(ctx, session, page_token(ctx, request, cred, STAFF_COOKIE))
    return _see_other("/staff/inbox" if "staff" in staff.roles else "/staff/paper")


@pages.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    handoff: Handoff,
    request: Request,
    ctx: ContextDep,
    session: SessionDep,
    registry: RegistryDep,
    cred: BearerDep,
    audit: AuditDep,
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
    listing = inbox(session, f)
    trail.inbox_listed(audit, session, f)
    return _page(
        "staff_inbox.html.j2",
        request,
        staff,
        status=422 if error else 200,
        error=error,
        result=listing,
        filters=query,
        teams=access.teams_of(session, staff.jobcenter.id),
        services=[(c.key, c.title) for c in registry],
        titles={c.key: c.title for c in registry},
        page_link=lambda n: f"/staff/inbox?{urlencode({**query, 'page': n})}",
    )


def _submission_page(
    request: Request,
    session: Session,
    registry: ConnectorRegistry,
    staff: StaffIdentity,
    sub: Submission,
    audit: AuditRecorder,
    **extra: Any,
) -> HTMLResponse:
    """The e-file page; every rendering shows the customer's data, so each is one audit entry."""
    trail.submission_accessed(audit, session, sub)
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
    request: Request, session: Session, staff: StaffIdentity, thread: MailboxThread, audit: AuditRecorder, **extra: Any
) -> HTMLResponse:
    conversation = open_conversation(session, thread)
    trail.thread_accessed(audit, session, thread)
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
    audit: AuditDep,
) -> Response:
    if handoff is not None:
        return handoff
    staff = _signed_in(ctx, session, request, cred, "staff")
    with as_api_errors():
        sub = access.submission_in(session, staff.jobcenter.id, submission_id)
    return _submission_page(request, session, registry, staff, sub, audit)


@pages.get("/threads/{thread_id}", response_class=HTMLResponse)
def thread_page(
    thread_id: str,
    handoff: Handoff,
    request: Request,
    ctx: ContextDep,
    session: SessionDep,
    cred: BearerDep,
    audit: AuditDep,
) -> Response:
    if handoff is not None:
        return handoff
    staff = _signed_in(ctx, session, request, cred, "staff")
    with as_api_errors():
        thread = access.thread_in(session, staff.jobcenter.id, thread_id)
    return _thread_page(request, session, staff, thread, audit)


# The same downloads as the API's, under /staff where the browser sends the staff cookie (the API handler
# records the access: one entry per download).
for _path, _download in (
    ("/submissions/{submission_id}/pdf", submission_pdf_api),
    ("/submissions/{submission_id}/json", submission_json_api),
    ("/documents/{document_id}", document_api),
):
    pages.add_api_route(_path, _download, methods=["GET"], response_class=Response)


ActionForm = dict[str, Any]


def _act(
    action: str,
    target: Submission | MailboxThread,
    session: Session,
    store: EFileStore,
    staff: StaffIdentity,
    form: ActionForm,
    audit: AuditRecorder,
) -> str:
    """Carry out a page form's action on a submission or a conversation; returns the notice to show.
    A reply or a real change is recorded in the audit log (a repeated action changed nothing)."""
    member, is_submission = staff.member, isinstance(target, Submission)
    if action == "reply":
        upload = read_upload(form["attachment"], form["checker"], required=False)
        reply = reply_to_submission if is_submission else reply_in_thread
        files = [upload] if upload else []
        message = reply(session, store, target, staff=member, body=form["body"], attachments=files)  # type: ignore[arg-type]
        trail.replied(audit, session, message)
        return "replied"
    if action == "reassign":
        reassign = actions.reassign_submission if is_submission else actions.reassign_thread
        changed = reassign(session, target, staff=member, team_id=form["team_id"])  # type: ignore[arg-type]
        notice = "reassigned"
    elif action in ("processed", "reopen"):
        set_state = actions.set_submission_state if is_submission else actions.set_thread_state
        state = actions.DONE if action == "processed" else actions.OPEN
        changed = set_state(session, target, staff=member, state=state)  # type: ignore[arg-type]
        notice = "processed" if action == "processed" else "reopened"
    else:
        raise ApiError(404, "unknown_action", "Diese Aktion gibt es nicht.")
    if not changed:
        return "unchanged"
    trail.target_changed(audit, session, target)
    return notice


def _action_form(
    checker: UploadCheckerDep,
    team_id: Annotated[str, Form(max_length=100)] = "",
    body: Annotated[str, Form(max_length=20_000)] = "",
    attachment: Annotated[UploadFile | None, File()] = None,
) -> ActionForm:
    return {"team_id": team_id, "body": body, "attachment": attachment, "checker": checker}


ActionFormDep = Annotated[ActionForm, Depends(_action_form)]


def _act_and_show(
    action: str,
    target: Submission | MailboxThread,
    session: Session,
    store: EFileStore,
    staff: StaffIdentity,
    form: ActionForm,
    audit: AuditRecorder,
    *,
    again: Callable[..., Response],
) -> Response:
    """303 back to the item with a notice, or the item's page again with the refusal and what was typed."""
    try:
        notice = _act(action, target, session, store, staff, form, audit)
    except Refusal as exc:
        err = api_error(exc)
        if err.status >= 500:
            raise err from None
        return again(status=err.status, error=err.message, error_action=action, reply_body=form["body"])
    kind = "submissions" if isinstance(target, Submission) else "threads"
    return _see_other(f"/staff/{kind}/{target.id}", notice=notice)


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
    audit: AuditDep,
) -> Response:
    return _act_and_show(
        action, sub, session, store, staff, form, audit,
        again=lambda **error: _submission_page(request, session, registry, staff, sub, audit, **error),
    )  # fmt: skip


@pages.post("/threads/{thread_id}/{action}", response_class=HTMLResponse)
def thread_action_page(
    action: str,
    thread: StaffThread,
    staff: Staff,
    form: ActionFormDep,
    request: Request,
    session: SessionDep,
    store: EFileDep,
    audit: AuditDep,
) -> Response:
    return _act_and_show(
        action, thread, session, store, staff, form, audit,
        again=lambda **error: _thread_page(request, session, staff, thread, audit, **error),
    )  # fmt: skip


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
    telemetry: TelemetryDep,
    fields: PaperFieldsDep,
    signer: ReceiptSignerDep,
    audit: AuditDep,
) -> Response:
    """The page carries a fresh idempotency key per load, so a double click files once."""
    try:
        intake = paper_intake(
            session,
            store,
            registry,
            clerk,
            fields,
            telemetry=telemetry,
            idempotency_key=fields.idempotency_key,
            signer=signer,
        )
    except Refusal as exc:
        err = api_error(exc)
        if err.status >= 500:
            raise err from None
        values = fields.values()
        return _paper_page(request, registry, clerk, values, status=err.status, error=err.message, problems=err.fields)
    trail.paper_filed(audit, session, intake, jobcenter_id=clerk.jobcenter.id)
    return _see_other("/staff/paper", notice="paper", receipt=intake.submission.receipt_number)


@pages.post("/logout", response_class=HTMLResponse)
def logout_page(request: Request) -> Response:
    """Forget the sign-in (the intake zone's computers are shared), here and at the IdP (/auth/logout)."""
    response = RedirectResponse("/auth/logout?realm=staff", status_code=303)
    forget_sign_in(response, secure=request.url.scheme == "https")
    return response
