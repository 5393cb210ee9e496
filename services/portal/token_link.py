"""Signing in to server-rendered pages: the way to the OIDC login, and the development token link.

A browser without a (valid) sign-in that opens a staff or ops page is sent to ``/auth/login`` with the page as
``next``; API clients (no ``text/html`` in ``Accept``) keep getting their 401 JSON from the page's own check.

The token link is a development convenience (page tests, `ozgflow token`): a page accepts ``?token=`` once, the
token moves into an HttpOnly, SameSite=Strict cookie scoped to the pages' path and the browser is sent to the
same address without the token (it must not stay in the address bar, the history or a proxy's log). In
production it is refused: a token in a URL is a token in someone's log.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from services.identity.realms import RealmName
from services.identity.verifier import Principal
from services.portal.deps import OPS_COOKIE, SESSION_COOKIE, STAFF_COOKIE, PortalContext
from services.portal.errors import ApiError

LEGACY_COOKIES = ((STAFF_COOKIE, "/staff"), (OPS_COOKIE, "/ops"))
"""The token-link cookies and their paths (development)."""


def token_to_cookie(request: Request, token: str, principal: Principal, *, cookie: str, path: str) -> RedirectResponse:
    """303 to the clean address (other query parameters kept), with the token in a cookie until it expires."""
    clean = request.url.remove_query_params("token")
    redirect = RedirectResponse(f"{clean.path}?{clean.query}" if clean.query else clean.path, status_code=303)
    max_age = max(0, int(principal.claims.get("exp", time.time())) - int(time.time()))
    redirect.set_cookie(
        cookie,
        token,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return redirect


def refuse_token_link_outside_development(ctx: PortalContext) -> None:
    if not ctx.settings.dev_mode:
        raise ApiError(
            400,
            "token_link_refused",
            "Die Anmeldung über einen Link mit Token gibt es nur in der Entwicklungsumgebung. Bitte über "
            "/auth/login anmelden.",
        )


def wants_page(request: Request) -> bool:
    """A browser navigating (it asks for HTML), not an API client."""
    return "text/html" in request.headers.get("accept", "")


def login_path(realm: RealmName, target: str) -> str:
    """The sign-in at ``realm``'s provider, coming back to ``target`` (a path on this site)."""
    return "/auth/login?" + urlencode({"realm": realm, "next": target})


def login_url(request: Request, realm: RealmName) -> str:
    """The sign-in that comes back to this page (without a ``?token=`` link's token)."""
    here = request.url.remove_query_params("token")
    return login_path(realm, f"{here.path}?{here.query}" if here.query else here.path)


def forget_token_links(response: Response, *, secure: bool) -> None:
    """Delete the token-link cookies (development): they would shadow a new sign-in on their pages."""
    for name, path in LEGACY_COOKIES:
        response.delete_cookie(name, path=path, httponly=True, samesite="strict", secure=secure)


def forget_sign_in(response: Response, *, secure: bool) -> None:
    """Delete the sign-in cookie and the token-link cookies (signing out)."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
    forget_token_links(response, secure=secure)
