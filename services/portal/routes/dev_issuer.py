"""The embedded development issuer as a small OIDC provider (mounted in development mode only).

Discovery, an authorization endpoint whose page lets you pick a demo person (customers with the trust level of
their sign-in, staff, an operator), a token endpoint (authorization code + PKCE S256, one-time codes) and the
JWKS. The portal signs in against it exactly as against BundID's broker or the organisation's IdP in production.
The token endpoint answers errors as RFC 6749 says (``{"error", "error_description"}``): OIDC clients read that.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import unquote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.sdk.trust import TrustLevel
from services.crypto.compare import same_secret
from services.identity.dev_issuer import DevIssuer
from services.identity.dev_provider import (
    AuthorizationRequest,
    Grant,
    RequestRefused,
    check_authorization_request,
    origin,
)
from services.identity.trust import claim_value
from services.portal.csrf import csrf_token
from services.portal.deps import ContextDep, PortalContext, SessionDep
from services.portal.routes.dev import DEV_OPERATOR, staff_token_claims
from services.portal.templates_env import templates
from services.settings import Settings
from services.store.models import Customer, Jobcenter, StaffMember

router = APIRouter(prefix="/dev-issuer", tags=["development"])

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
TRUST_CHOICES = (
    (TrustLevel.LOW, "niedrig – Benutzername und Passwort"),
    (TrustLevel.SUBSTANTIAL, "substanziell – Online-Ausweis (eID) des Personalausweises"),
    (TrustLevel.HIGH, "hoch – eID mit Signaturkarte"),
)


def clients(ctx: PortalContext) -> dict[str, str]:
    """Client id → secret of the portal's two realms (one client when both are the same)."""
    return {realm.client_id: realm.client_secret for realm in ctx.verifier.realms.values()}


def allowed_origins(settings: Settings) -> set[str]:
    """Where the portal embedding this issuer lives: the issuer's own origin and the portal's public URL."""
    return {origin(settings.auth_issuer), origin(settings.resolved_public_url)}


def _issuer(ctx: PortalContext) -> DevIssuer:
    assert ctx.dev_issuer is not None  # the router is mounted only with a dev issuer
    return ctx.dev_issuer


@router.get("/.well-known/openid-configuration")
def openid_configuration(ctx: ContextDep) -> dict[str, Any]:
    issuer = ctx.settings.auth_issuer
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks.json",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "nonce",
            "name",
            "roles",
            ctx.settings.auth_trust_level_claim,
        ],
        "acr_values_supported": [claim_value(level) for level in TrustLevel],
    }


@router.get("/jwks.json")
def jwks(ctx: ContextDep) -> dict[str, Any]:
    return _issuer(ctx).jwks()


def _page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates().get_template(name).render(brand=None, **context)
    return HTMLResponse(html, status_code=status, headers=_NO_STORE)


def _refused_page(exc: RequestRefused) -> HTMLResponse:
    return _page("auth_error.html.j2", 400, code=exc.error, message=exc.description, retry_url=None)


def _people(session: Session) -> dict[str, Any]:
    jobcenters = {j.id: j.name for j in session.scalars(select(Jobcenter))}
    customers = session.scalars(select(Customer).where(Customer.online_account.is_(True)).order_by(Customer.id))
    staff = session.scalars(select(StaffMember).where(StaffMember.active.is_(True)).order_by(StaffMember.id))
    return {
        "customers": [(c.id, f"{c.given_name} {c.family_name}", f"{c.postal_code} {c.city}") for c in customers],
        "staff": [(m.id, m.display_name, jobcenters.get(m.jobcenter_id, m.jobcenter_id), m.roles) for m in staff],
    }


@router.get("/authorize", response_class=HTMLResponse)
def authorize_page(request: Request, ctx: ContextDep, session: SessionDep) -> Response:
    """The sign-in page: who do you want to be? (In production BundID or the organisation's IdP asks.)"""
    try:
        auth = check_authorization_request(
            request.query_params, clients=clients(ctx), allowed_origins=allowed_origins(ctx.settings)
        )
    except RequestRefused as exc:
        return _refused_page(exc)
    return _page(
        "auth_dev_login.html.j2",
        auth=auth,
        trust_choices=TRUST_CHOICES,
        csrf_token=csrf_token(request),  # a browser that is signed in already posts with its sign-in cookie
        **_people(session),
    )


def _grant(session: Session, auth: AuthorizationRequest, person: str, trust: str) -> Grant:
    kind, _, subject = person.partition(":")
    if kind == "customer":
        customer = session.get(Customer, subject)
        if customer is None or not customer.online_account:
            raise RequestRefused("access_denied", f"Die Demo-Person '{subject}' gibt es nicht.")
        level = TrustLevel.from_key(trust) if trust in {t.key for t in TrustLevel} else TrustLevel.LOW
        name = f"{customer.given_name} {customer.family_name}"
        return Grant(request=auth, subject=customer.id, roles=("customer",), trust_level=level, name=name)
    if kind == "staff":
        member = session.get(StaffMember, subject)
        if member is None or not member.active:
            raise RequestRefused("access_denied", f"Das Mitarbeiterkonto '{subject}' gibt es nicht.")
        claims = staff_token_claims(member)
        return Grant(
            request=auth, subject=member.id, roles=("staff",), trust_level=None, name=member.display_name, claims=claims
        )
    if kind == "operator":
        return Grant(request=auth, subject=DEV_OPERATOR, roles=("operator",), trust_level=None, name="Betrieb")
    raise RequestRefused("access_denied", "Bitte eine Person auswählen.")


@router.post("/authorize", response_class=HTMLResponse)
async def authorize(request: Request, ctx: ContextDep, session: SessionDep) -> Response:
    """The chosen person: a one-time code back to the client's redirect URI (with its ``state``)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        auth = check_authorization_request(form, clients=clients(ctx), allowed_origins=allowed_origins(ctx.settings))
        grant = _grant(session, auth, form.get("person", ""), form.get("trust_level", ""))
    except RequestRefused as exc:
        return _refused_page(exc)
    code = _issuer(ctx).codes.issue(grant)
    return RedirectResponse(f"{auth.redirect_uri}?{urlencode({'code': code, 'state': auth.state})}", status_code=303)


def _token_error(error: str, description: str, status: int = 400) -> JSONResponse:
    headers = {**_NO_STORE, **({"WWW-Authenticate": "Basic"} if status == 401 else {})}
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    """client_secret_basic (Authorization header) or client_secret_post / none (form fields)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        return unquote(client_id), unquote(secret)
    return form.get("client_id", ""), form.get("client_secret", "")


_OAUTH_ERROR = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
            }
        }
    }
}
"""RFC 6749 § 5.2 errors (what OIDC clients read), declared so the OpenAPI document says what the endpoint sends."""


@router.post(
    "/token",
    responses={
        400: {"description": "RFC 6749 error: bad grant, code or verifier.", **_OAUTH_ERROR},
        401: {"description": "RFC 6749 error: unknown client or wrong secret.", **_OAUTH_ERROR},
    },
)
async def token(request: Request, ctx: ContextDep) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    issuer = _issuer(ctx)
    client_id, secret = _client_credentials(request, form)
    known = clients(ctx)
    if client_id not in known or not same_secret(secret, known[client_id]):
        return _token_error("invalid_client", "Unknown client or wrong client secret.", 401)
    if form.get("grant_type") != "authorization_code":
        return _token_error("unsupported_grant_type", "Only authorization_code is supported.")
    try:
        grant = issuer.codes.redeem(
            form.get("code", ""),
            client_id=client_id,
            redirect_uri=form.get("redirect_uri", ""),
            code_verifier=form.get("code_verifier", ""),
        )
    except RequestRefused as exc:
        return _token_error(exc.error, exc.description)
    realm = ctx.verifier.realms["customer" if "customer" in grant.roles else "staff"]
    access = issuer.mint(
        grant.subject,
        roles=list(grant.roles),
        extra=dict(grant.claims),
        trust_level=grant.trust_level,
        audience=realm.audience,
    )
    id_token = issuer.id_token(
        grant.subject,
        client_id=client_id,
        nonce=grant.request.nonce,
        trust_level=grant.trust_level,
        name=grant.name,
    )
    body = {
        "access_token": access,
        "id_token": id_token,
        "token_type": "Bearer",
        "expires_in": issuer.ttl_seconds,
        "scope": grant.request.scope,
    }
    return JSONResponse(body, headers=_NO_STORE)
