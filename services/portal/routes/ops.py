"""Operators' pages (server-rendered HTML): pipeline dashboard, submission lookup and retry, the OZG roadmap.

Auth: a bearer token with role "operator" in the header, or — because a browser link cannot send a header —
``?token=`` once: it is moved into an HttpOnly, SameSite=Strict cookie scoped to /ops and the browser is sent
to the same page without the token in the address. Issue 8 replaces this with a real operator login.
Retries are plain HTML form POSTs (no JavaScript); the SameSite=Strict cookie keeps other sites from sending
them. Each answers 303 back to the page it came from with a notice of how many were retried.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from services.ops import display
from services.ops.charts import latency_chart, throughput_chart
from services.ops.failures import failed_submissions
from services.ops.health import check_dependencies
from services.ops.overview import build_overview
from services.ops.retry import BULK_LIMIT, FAILURE_KINDS, retry_matching, retry_submission
from services.ops.scope import WINDOW_HOURS, Scope
from services.ops.series import build_series
from services.ops.slo import build_slo_status
from services.portal.audit import AuditDep
from services.portal.csrf import csrf_token
from services.portal.deps import (
    OPS_COOKIE,
    BearerDep,
    ContextDep,
    CurrentOperator,
    PortalContext,
    RegistryDep,
    SessionDep,
    get_current_operator,
    verify_token,
)
from services.portal.errors import ApiError
from services.portal.rollout import unlisted_state
from services.portal.routes import ops_api
from services.portal.routes.ops_api import RetryRequest, jobcenter_choices, lookup_timeline, retry_filter
from services.portal.templates_env import templates
from services.portal.token_link import refuse_token_link_outside_development, token_to_cookie
from services.rollout.matrix import build_matrix

log = logging.getLogger("ozgflow.portal.ops")
pages = APIRouter(prefix="/ops", tags=["operators"])


def _token_to_cookie(ctx: ContextDep, request: Request, token: str | None = Query(default=None)) -> Response | None:
    """In development ``?token=`` is swapped for the ops cookie; None when the page itself should answer (a
    signed-out browser never gets here: the access gate sends it to the login)."""
    if token is None:
        return None
    refuse_token_link_outside_development(ctx)
    principal = verify_token(ctx, token)
    if "operator" not in principal.roles:
        raise ApiError(403, "forbidden", "Dieser Bereich ist dem Betrieb (Rolle operator) vorbehalten.")
    return token_to_cookie(request, token, principal, cookie=OPS_COOKIE, path="/ops")


Handoff = Annotated[Response | None, Depends(_token_to_cookie)]


def _html(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = templates().get_template(name).render(display=display, **context)
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


@pages.get("/roadmap", response_class=HTMLResponse, name="ops_roadmap")
def roadmap_page(
    request: Request,
    ctx: ContextDep,
    session: SessionDep,
    registry: RegistryDep,
    credentials: BearerDep,
    handoff: Handoff,
) -> Response:
    if handoff is not None:
        return handoff
    get_current_operator(ctx, request, credentials)  # after the hand-off: a ?token= link has no cookie yet
    matrix = build_matrix(session, roadmap=ctx.roadmap, registry=registry, unlisted=unlisted_state(ctx))
    return _html("ops_roadmap.html.j2", roadmap=ctx.roadmap, matrix=matrix, unlisted=unlisted_state(ctx).value)


def _dashboard(ctx: PortalContext, scope: Scope) -> dict[str, Any]:
    """Everything the overview shows from the database, read in one transaction (one consistent picture).

    A database that does not answer leaves the page with its health panel and an error instead of a 500: that
    is exactly when an operator needs the page."""
    try:
        return _read_dashboard(ctx, scope)
    except SQLAlchemyError as exc:
        log.warning("ops overview without data: %s", type(exc).__name__)
        return {"database_error": type(exc).__name__, "jobcenters": []}


def _read_dashboard(ctx: PortalContext, scope: Scope) -> dict[str, Any]:
    with ctx.db.session() as session:
        overview = build_overview(session, scope)
        series = build_series(session, scope)
        slos = build_slo_status(session, scope, roadmap=ctx.roadmap, services=ctx.registry.keys())
        failed = failed_submissions(session, scope)
    target = next((s.completion_target_s for s in slos if s.service == scope.service), None)
    return {
        "overview": overview,
        "series": series,
        "slos": slos,
        "failed": failed,
        "throughput_svg": throughput_chart(series),
        "latency_svg": latency_chart(series, target),
        "jobcenters": jobcenter_choices(ctx),
    }


@pages.get("", response_class=HTMLResponse, name="ops_overview")
async def overview_page(
    request: Request,
    ctx: ContextDep,
    credentials: BearerDep,
    handoff: Handoff,
    service: str | None = None,
    jobcenter: str | None = None,
    hours: int = 24,
    retried: Annotated[int | None, Query(ge=0)] = None,
    remaining: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    if handoff is not None:
        return handoff
    get_current_operator(ctx, request, credentials)  # before the filters are checked: 401/403 come first
    scope = await asyncio.to_thread(ops_api.ops_scope, ctx, service, jobcenter, hours)
    data, health = await asyncio.gather(
        asyncio.to_thread(_dashboard, ctx, scope),
        check_dependencies(settings=ctx.settings, db=ctx.db, efile=ctx.efile),
    )
    return _html(
        "ops_overview.html.j2",
        csrf_token=csrf_token(request),  # the retry forms post it back (services/portal/csrf.py)
        scope=scope,
        health=health,
        services=ctx.registry.keys(),
        windows=WINDOW_HOURS,
        kinds=FAILURE_KINDS,
        retried=retried,
        remaining=remaining,
        bulk_limit=BULK_LIMIT,
        **data,
    )


@pages.get(
    "/submissions",
    response_class=HTMLResponse,
    name="ops_lookup",
    responses={303: {"description": "See Other: on to the submission's page."}},
)
def lookup_form(
    request: Request, ctx: ContextDep, credentials: BearerDep, handoff: Handoff, q: str = Query(default="")
) -> Response:
    """The search form's target: straight to the submission, or the form again saying what was wrong."""
    if handoff is not None:
        return handoff
    get_current_operator(ctx, request, credentials)
    try:
        timeline = lookup_timeline(ctx, q)
    except ApiError as exc:
        return _html("ops_lookup.html.j2", status_code=exc.status, query=q, error=exc.message)
    return RedirectResponse(f"/ops/submissions/{timeline.receipt_number}", status_code=303)


@pages.get("/submissions/{query}", response_class=HTMLResponse, name="ops_submission")
def submission_page(
    query: str,
    request: Request,
    ctx: ContextDep,
    credentials: BearerDep,
    handoff: Handoff,
    audit: AuditDep,
    retried: Annotated[int | None, Query(ge=0, le=1)] = None,
) -> Response:
    if handoff is not None:
        return handoff
    get_current_operator(ctx, request, credentials)
    try:
        timeline = lookup_timeline(ctx, query, audit)  # the search form only redirects here: one entry per view
    except ApiError as exc:
        return _html("ops_lookup.html.j2", status_code=exc.status, query=query, error=exc.message)
    return _html("ops_submission.html.j2", t=timeline, retried=retried, csrf_token=csrf_token(request))


@pages.post("/submissions/{query}/retry", response_class=RedirectResponse, status_code=303, name="ops_retry_one")
def retry_one(query: str, ctx: ContextDep, operator: CurrentOperator, back: Annotated[str, Form()] = "") -> Response:
    """Retry one submission; back to its page, or to the overview's failed list when ``back=overview``."""
    timeline = lookup_timeline(ctx, query)
    with ctx.db.session() as session:
        retried = int(retry_submission(session, submission_id=timeline.submission_id, actor=operator.subject))
    if back == "overview":
        return RedirectResponse(f"/ops?retried={retried}#failed", status_code=303)
    return RedirectResponse(f"/ops/submissions/{timeline.receipt_number}?retried={retried}", status_code=303)


@pages.post("/retry", response_class=RedirectResponse, status_code=303, name="ops_retry_bulk")
def retry_bulk(
    ctx: ContextDep,
    operator: CurrentOperator,
    service: Annotated[str, Form()] = "",
    jobcenter: Annotated[str, Form()] = "",
    stage: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "any",
    view_service: Annotated[str, Form()] = "",
    view_jobcenter: Annotated[str, Form()] = "",
    hours: Annotated[int, Form()] = 24,
) -> Response:
    """Retry what matches the form's filters; back to the overview as it was shown (``view_*``, ``hours``)."""
    selection = retry_filter(ctx, RetryRequest(service=service, jobcenter_id=jobcenter, stage=stage, kind=kind))
    with ctx.db.session() as session:
        outcome = retry_matching(session, selection, actor=operator.subject, max_attempts=ctx.settings.max_attempts)
    view = {"service": view_service, "jobcenter": view_jobcenter, "hours": hours if hours in WINDOW_HOURS else 24}
    notice = {"retried": outcome.retried, "remaining": outcome.remaining}
    query = urlencode({k: v for k, v in {**view, **notice}.items() if v != ""})
    return RedirectResponse(f"/ops?{query}#failed", status_code=303)


router = APIRouter()
"""What the app includes: the pages under /ops and the JSON API under /api/v1/ops."""
router.include_router(pages)
router.include_router(ops_api.router)
