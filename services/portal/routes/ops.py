"""Operators' pages (server-rendered HTML): the OZG roadmap and rollout matrix.

Auth: a bearer token with role "operator" in the header, or — because a browser link cannot send a header —
``?token=`` once: it is moved into an HttpOnly, SameSite=Strict cookie scoped to /ops and the browser is sent
to the same page without the token in the address. Issue 8 replaces this with a real operator login.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.portal.deps import (
    OPS_COOKIE,
    BearerDep,
    ContextDep,
    RegistryDep,
    SessionDep,
    get_current_operator,
    verify_token,
)
from services.portal.errors import ApiError
from services.portal.rollout import unlisted_state
from services.portal.templates_env import templates
from services.rollout.matrix import build_matrix

router = APIRouter(prefix="/ops", tags=["operators"], include_in_schema=True)


def _token_to_cookie(ctx: ContextDep, request: Request, token: str | None = Query(default=None)) -> Response | None:
    """Swap ``?token=`` for the ops cookie and redirect to the clean address; None when no token is given."""
    if token is None:
        return None
    principal = verify_token(ctx, token)
    if "operator" not in principal.roles:
        raise ApiError(403, "forbidden", "Dieser Bereich ist dem Betrieb (Rolle operator) vorbehalten.")
    redirect = RedirectResponse(request.url.remove_query_params("token").path, status_code=303)
    max_age = max(0, int(principal.claims.get("exp", time.time())) - int(time.time()))
    redirect.set_cookie(
        OPS_COOKIE,
        token,
        max_age=max_age,
        path="/ops",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return redirect


@router.get("/roadmap", response_class=HTMLResponse, name="ops_roadmap")
def roadmap_page(
    request: Request,
    ctx: ContextDep,
    session: SessionDep,
    registry: RegistryDep,
    credentials: BearerDep,
    handoff: Annotated[Response | None, Depends(_token_to_cookie)],
) -> Response:
    if handoff is not None:
        return handoff
    get_current_operator(ctx, request, credentials)  # after the hand-off: a ?token= link has no cookie yet
    matrix = build_matrix(session, roadmap=ctx.roadmap, registry=registry, unlisted=unlisted_state(ctx))
    html = (
        templates()
        .get_template("ops_roadmap.html.j2")
        .render(roadmap=ctx.roadmap, matrix=matrix, unlisted=unlisted_state(ctx).value)
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})
