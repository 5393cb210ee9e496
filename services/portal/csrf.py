"""CSRF protection of the server-rendered pages: no other site can make a signed-in browser post our forms.

The staff and ops pages sign in with a cookie, and a browser sends cookies with any form post — also one that
another site put in front of the user. So every state-changing form carries a token: an HMAC (key
``OZGFLOW_SECRET_KEY``) over the sign-in cookie's value, which another site can neither read nor compute.
``verify_csrf`` — an app-level dependency, the one place this is checked — refuses with 403 ``csrf_failed`` any
unsafe request authenticated by a page cookie unless it carries the right token (form field ``csrf_token`` or
header ``X-CSRF-Token``) and, where the browser says where it comes from (``Origin``, ``Sec-Fetch-Site``),
comes from this site. Requests with an ``Authorization: Bearer`` header are exempt: a browser never adds that
header to another site's form, so they cannot be forged this way. So are the development-only endpoints (the
embedded identity provider's login form stands in for another site). SameSite cookies (Lax for the sign-in,
Strict for development token links) already stop most cross-site posts; the token also covers browsers and
proxies that do not honour them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import FastAPI, Request

from services.crypto.compare import same_secret
from services.crypto.dev_file import read_or_create
from services.portal.access import DEV, bearer_token, sign_in_cookie
from services.portal.errors import ApiError
from services.settings import Settings

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SAME_SITE_FETCHES = frozenset({"same-origin", "none"})
"""``Sec-Fetch-Site`` values of a request our own page (or the user, typing an address) started."""
SECRET_KEY_FILE = "secret-key"


def secret_key(settings: Settings) -> bytes:
    """``OZGFLOW_SECRET_KEY``, or in development a random key kept in data_dir (production requires the setting,
    see Settings): several portal processes on one data_dir then agree on it."""
    if settings.secret_key:
        return settings.secret_key.encode()
    return read_or_create(settings.data_dir / SECRET_KEY_FILE, lambda: secrets.token_urlsafe(48).encode()).strip()


class CsrfTokens:
    """Issues and checks the token bound to one sign-in cookie value."""

    def __init__(self, key: bytes, *, public_url: str = "") -> None:
        self._key = key
        self.public_host = urlsplit(public_url).netloc if public_url else ""

    def issue(self, cookie_value: str) -> str:
        mac = hmac.new(self._key, b"ozgflow-csrf\x00" + cookie_value.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    def valid(self, cookie_value: str, token: str) -> bool:
        return same_secret(token, self.issue(cookie_value))


def install_csrf(app: FastAPI, settings: Settings) -> CsrfTokens:
    app.state.csrf = CsrfTokens(secret_key(settings), public_url=settings.resolved_public_url)
    return app.state.csrf


def csrf_token(request: Request) -> str:
    """The token the page rendered for this request puts into its forms (hidden field ``csrf_token``)."""
    tokens: CsrfTokens = request.app.state.csrf
    cookie = sign_in_cookie(request)
    return tokens.issue(cookie[1] if cookie else "")


def _refused(reason: str) -> ApiError:
    return ApiError(
        403,
        "csrf_failed",
        f"Das Formular wurde nicht angenommen ({reason}). Bitte die Seite neu laden und noch einmal absenden.",
    )


def _from_this_site(request: Request, tokens: CsrfTokens) -> bool:
    """What the browser says about where the post comes from; absent headers (old browsers) prove nothing."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in SAME_SITE_FETCHES:
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        # "null": browsers send it for our own forms too, because our pages' Referrer-Policy is no-referrer
        # (services/portal/hardening.py); Sec-Fetch-Site above and the token decide then.
        return True
    return urlsplit(origin).netloc in {request.headers.get("host", ""), tokens.public_host}


async def verify_csrf(request: Request) -> None:
    """The one check of cookie-authenticated unsafe requests (app-level dependency, before the access gate: a
    forged post spends none of the signed-in person's abuse budget and costs no database look-up)."""
    if request.method in SAFE_METHODS or bearer_token(request) is not None:
        return
    cookie = sign_in_cookie(request)
    if cookie is None:
        return  # no cookie, no ambient authority: nothing another site could borrow
    rule = request.app.state.access.rule_for(request.scope.get("route"), request.method)
    if rule is not None and DEV in rule.roles:
        return  # the development identity provider stands in for another site: it does not read our cookie
    tokens: CsrfTokens = request.app.state.csrf
    if not _from_this_site(request, tokens):
        raise _refused("fremde Herkunft")
    token = request.headers.get(CSRF_HEADER)
    if token is None:
        form = await request.form()  # already read (and kept) by FastAPI when the route takes form fields
        value = form.get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    if not token or not tokens.valid(cookie[1], token):
        raise _refused("Sicherheitsmerkmal fehlt oder ist ungültig")
