"""Signing in to the pages with OIDC: ``/auth/login`` → the identity provider → ``/auth/callback`` → back.

Customers sign in at BundID/DeutschlandID (realm ``customer``), staff and operators at the organisation's IdP
(realm ``staff``); in development both are the embedded issuer (``/dev-issuer``). What the sign-in needs to
remember between the two requests (``state``, ``nonce``, the PKCE verifier, where to go back to) lives in a
short-lived HttpOnly cookie scoped to /auth; the result is the session cookie (``deps.SESSION_COOKIE``: the
access token, HttpOnly, SameSite=Lax, Secure over https, path /) that every dependency in ``deps`` accepts.
``next`` is followed only when it is a path on this site: no open redirect.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import asdict, dataclass
from typing import Annotated
from urllib.parse import urlencode, urlsplit

import httpx
import jwt
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.crypto.compare import same_secret
from services.identity import pkce
from services.identity.oidc_client import OidcClient, SignInFailed
from services.identity.realms import STAFF_ROLES, RealmName
from services.portal.deps import SESSION_COOKIE, ContextDep, PortalContext
from services.portal.templates_env import templates
from services.portal.token_link import forget_sign_in, forget_token_links, login_path

router = APIRouter(prefix="/auth", tags=["sign-in"], include_in_schema=False)

LOGIN_COOKIE = "ozgflow_login"
LOGIN_SECONDS = 600
"""How long a started sign-in may take (a person finding their identity card and PIN included)."""
HOME: dict[RealmName, str] = {"customer": "/", "staff": "/staff"}
_NO_STORE = {"Cache-Control": "no-store"}


@dataclass(frozen=True)
class PendingSignIn:
    state: str
    nonce: str
    verifier: str
    next: str
    realm: RealmName

    def encode(self) -> str:
        return base64.urlsafe_b64encode(json.dumps(asdict(self)).encode()).decode()

    @classmethod
    def decode(cls, value: str | None) -> PendingSignIn | None:
        if not value:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(value.encode()))
            pending = cls(**{k: str(data[k]) for k in ("state", "nonce", "verifier", "next", "realm")})  # type: ignore[arg-type]
        except (ValueError, KeyError, TypeError):
            return None
        if pending.realm not in HOME or local_target(pending.next) is None:
            return None
        return pending


def local_target(value: str) -> str | None:
    """``value`` if it is a path on this site (``/staff/inbox?state=all``), else None.

    Refused: absolute URLs, scheme-relative ``//host``, ``/\\host`` (browsers read it as ``//host``), control
    characters, and /auth itself (no sign-in loop)."""
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith("/auth/"):
        return None
    return value


def _realm_for(target: str) -> RealmName:
    return "staff" if target.startswith(("/staff", "/ops")) else "customer"


def oidc_client(ctx: PortalContext, request: Request, realm: RealmName) -> OidcClient:
    """The realm's provider client (made once per app). The embedded dev issuer is reached in-process."""
    client = ctx.oidc_clients.get(realm)
    if client is None:
        config = ctx.verifier.realms[realm]
        embedded = ctx.dev_issuer is not None and config.issuer == ctx.dev_issuer.issuer
        transport = httpx.ASGITransport(app=request.app) if embedded else None
        client = OidcClient(config, ctx.verifier.for_realm(realm), transport=transport)
        ctx.oidc_clients[realm] = client
    return client


def callback_url(ctx: PortalContext, request: Request) -> str:
    """Where the IdP sends the browser back: under OZGFLOW_PUBLIC_URL when set (behind a proxy), else here."""
    if ctx.settings.public_url:
        return f"{ctx.settings.public_url.rstrip('/')}/auth/callback"
    return str(request.url_for("auth_callback"))


def _https(request: Request) -> bool:
    return request.url.scheme == "https"


def _error_page(exc: SignInFailed, realm: RealmName, target: str) -> HTMLResponse:
    html = (
        templates()
        .get_template("auth_error.html.j2")
        .render(brand=None, code=exc.code, message=exc.message, retry_url=login_path(realm, target))
    )
    return HTMLResponse(html, status_code=exc.status, headers=_NO_STORE)


@router.get("/login", name="auth_login")
async def login(
    request: Request,
    ctx: ContextDep,
    realm: RealmName | None = None,
    next_: Annotated[str, Query(alias="next", max_length=2000)] = "",
) -> Response:
    """Start a sign-in: to the realm's authorization endpoint with state, nonce and a PKCE challenge."""
    target = local_target(next_) or HOME[realm or "customer"]
    realm = realm or _realm_for(target)
    client = oidc_client(ctx, request, realm)
    try:
        meta = await client.metadata()
    except SignInFailed as exc:
        return _error_page(exc, realm, target)
    pending = PendingSignIn(
        state=pkce.new_token(), nonce=pkce.new_token(), verifier=pkce.new_verifier(), next=target, realm=realm
    )
    url = client.authorization_url(
        meta,
        redirect_uri=callback_url(ctx, request),
        state=pending.state,
        nonce=pending.nonce,
        code_challenge=pkce.challenge(pending.verifier),
    )
    response = RedirectResponse(url, status_code=303, headers=_NO_STORE)
    response.set_cookie(
        LOGIN_COOKIE,
        pending.encode(),
        max_age=LOGIN_SECONDS,
        path="/auth",
        httponly=True,
        samesite="lax",  # the IdP's redirect back is a cross-site top-level GET: Lax cookies come along
        secure=_https(request),
    )
    return response


@router.get("/callback", name="auth_callback")
async def callback(
    request: Request,
    ctx: ContextDep,
    code: Annotated[str, Query(max_length=2000)] = "",
    state: Annotated[str, Query(max_length=500)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The IdP's answer: check state, trade the code (with the PKCE verifier), check the tokens, set the session."""
    pending = PendingSignIn.decode(request.cookies.get(LOGIN_COOKIE))
    if pending is None:
        expired = SignInFailed(
            400,
            "sign_in_expired",
            "Die Anmeldung ist abgelaufen oder wurde in einem anderen Fenster begonnen. Bitte melden Sie sich "
            "erneut an.",
        )
        return _error_page(expired, "customer", "/")
    if not state or not same_secret(state, pending.state):
        # the pending sign-in stays: a forged callback must not break the real one in progress
        mismatch = SignInFailed(400, "state_mismatch", "Die Anmeldung gehört nicht zu diesem Browser-Fenster.")
        return _error_page(mismatch, pending.realm, pending.next)
    if error or not code:
        cancelled = SignInFailed(
            400, "sign_in_cancelled", "Die Anmeldung wurde abgebrochen. Sie sind nicht angemeldet."
        )
        return _forget_pending(_error_page(cancelled, pending.realm, pending.next), request)
    client = oidc_client(ctx, request, pending.realm)
    try:
        signed_in = await client.sign_in(
            code, redirect_uri=callback_url(ctx, request), code_verifier=pending.verifier, nonce=pending.nonce
        )
    except SignInFailed as exc:
        return _forget_pending(_error_page(exc, pending.realm, pending.next), request)
    response = RedirectResponse(pending.next, status_code=303, headers=_NO_STORE)
    forget_token_links(response, secure=_https(request))
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.access_token,
        max_age=max(0, signed_in.expires_at - int(time.time())),
        path="/",
        httponly=True,
        samesite="lax",
        secure=_https(request),
    )
    return _forget_pending(response, request)


def _forget_pending(response: Response, request: Request) -> Response:
    response.delete_cookie(LOGIN_COOKIE, path="/auth", httponly=True, samesite="lax", secure=_https(request))
    return response


def _realm_of_session(ctx: PortalContext, request: Request) -> RealmName:
    """Which realm the session cookie came from (read, not verified: it only picks where to sign out)."""
    token = request.cookies.get(SESSION_COOKIE)
    try:
        claims = jwt.decode(token, options={"verify_signature": False}) if token else {}
    except jwt.PyJWTError:
        claims = {}
    realms = ctx.verifier.realms
    if realms["staff"].issuer != realms["customer"].issuer:
        return "staff" if claims.get("iss") == realms["staff"].issuer else "customer"
    roles = claims.get("roles")
    return "staff" if isinstance(roles, list) and STAFF_ROLES & set(map(str, roles)) else "customer"


@router.api_route("/logout", methods=["GET", "POST"], name="auth_logout")
async def logout(request: Request, ctx: ContextDep, realm: RealmName | None = None) -> Response:
    """Forget the sign-in here, then end the session at the IdP too where it offers that (RP-initiated logout):
    on a shared computer in the intake zone the next person must not find the previous one still signed in."""
    realm = realm or _realm_of_session(ctx, request)
    done = f"{callback_url(ctx, request).removesuffix('/callback')}/signed-out?" + urlencode({"realm": realm})
    target = done
    try:
        meta = await oidc_client(ctx, request, realm).metadata()
    except SignInFailed:
        meta = None
    if meta is not None and meta.end_session_endpoint:
        query = {"client_id": ctx.verifier.realms[realm].client_id, "post_logout_redirect_uri": done}
        target = f"{meta.end_session_endpoint}?{urlencode(query)}"
    response = RedirectResponse(target, status_code=303, headers=_NO_STORE)
    forget_sign_in(response, secure=_https(request))
    return response


@router.get("/signed-out", response_class=HTMLResponse, name="auth_signed_out")
def signed_out(realm: RealmName = "customer") -> HTMLResponse:
    page = templates().get_template("auth_signed_out.html.j2")
    html = page.render(brand=None, login_url=login_path(realm, HOME[realm]))
    return HTMLResponse(html, headers=_NO_STORE)
