"""Signing in to server-rendered pages with a token link.

A browser link cannot send an Authorization header, so a page accepts ``?token=`` once: the token moves into an
HttpOnly, SameSite=Strict cookie scoped to the pages' path and the browser is sent to the same address without
the token (it must not stay in the address bar, the history or a proxy's log). Issue 8 replaces this with an
OIDC login.
"""

from __future__ import annotations

import time

from fastapi import Request
from fastapi.responses import RedirectResponse

from services.identity.verifier import Principal


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
