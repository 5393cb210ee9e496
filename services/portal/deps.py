"""FastAPI dependencies as Annotated aliases: a handler's signature says what it needs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from connectors.sdk import Connector, TrustLevel
from connectors.sdk.registry import ConnectorRegistry, UnknownService
from roadmap.model import Roadmap
from services.crypto.compare import same_secret
from services.efile.store import EFileStore
from services.identity.dev_issuer import DevIssuer
from services.identity.oidc_client import OidcClient
from services.identity.realms import RealmVerifier
from services.identity.verifier import InvalidToken, KeysUnavailable, Principal
from services.portal.errors import ApiError
from services.settings import Settings
from services.store.db import Database
from services.store.models import Customer, Jobcenter, StaffMember
from services.telemetry import Telemetry, disabled_telemetry
from services.telemetry.asgi import app_telemetry


@dataclass
class PortalContext:
    """Everything the portal was built with; stored on ``app.state`` by the app factory."""

    settings: Settings
    db: Database
    registry: ConnectorRegistry
    verifier: RealmVerifier
    """Tokens of the customers' and the staff's issuer (services.identity.realms)."""
    dev_issuer: DevIssuer | None
    roadmap: Roadmap
    """Parsed once at start-up (a broken roadmap.yaml stops the portal); run-time changes go through promote."""
    efile: EFileStore
    """Where uploads (Postfach attachments, paper scans) go; the same e-file the pipeline writes."""
    oidc_clients: dict[str, OidcClient] = field(default_factory=dict)
    """The sign-in realms' provider clients, made on first sign-in (services.portal.routes.auth), where the app
    is at hand for reaching the embedded dev issuer in-process; they read the provider's discovery document only
    when a sign-in needs it, so the portal starts while an identity provider is down."""


def get_context(request: Request) -> PortalContext:
    return request.app.state.ozgflow


ContextDep = Annotated[PortalContext, Depends(get_context)]


def get_settings(ctx: ContextDep) -> Settings:
    return ctx.settings


def get_registry(ctx: ContextDep) -> ConnectorRegistry:
    return ctx.registry


def get_session(ctx: ContextDep) -> Iterator[Session]:
    with ctx.db.session() as session:
        yield session


def get_roadmap(ctx: ContextDep) -> Roadmap:
    return ctx.roadmap


def get_efile(ctx: ContextDep) -> EFileStore:
    return ctx.efile


def get_telemetry(request: Request) -> Telemetry:
    """The app's telemetry (``create_app`` always sets one; a bare app in a test gets a disabled one)."""
    return app_telemetry(request.app) or disabled_telemetry("portal")


SettingsDep = Annotated[Settings, Depends(get_settings)]
TelemetryDep = Annotated[Telemetry, Depends(get_telemetry)]
EFileDep = Annotated[EFileStore, Depends(get_efile)]
RoadmapDep = Annotated[Roadmap, Depends(get_roadmap)]
RegistryDep = Annotated[ConnectorRegistry, Depends(get_registry)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
"""``scope="function"``: the transaction commits when the handler returns, *before* the response is sent. With the
default scope FastAPI runs the exit after sending, so a commit that fails (a value the database refuses, a lost
connection) would already have been answered 2xx — a receipt number for a submission that was never stored."""

_bearer = HTTPBearer(auto_error=False)

_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]

SESSION_COOKIE = "ozgflow_session"
"""Cookie set by the OIDC sign-in (services.portal.routes.auth): the access token, HttpOnly, SameSite=Lax, path /.
Every dependency below accepts it where a bearer header is missing."""
_session_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="SessionCookie",
    description="Set by signing in at /auth/login (pages); API clients send a bearer token instead.",
)
SessionCookieDep = Annotated[str | None, Depends(_session_cookie)]


def bearer_or_cookie(credentials: HTTPAuthorizationCredentials | None, *cookies: str | None) -> str | None:
    """The token a request carries: the Authorization header first, then the first cookie present."""
    if credentials is not None:
        return credentials.credentials
    return next((c for c in cookies if c), None)


def verify_token(ctx: PortalContext, token: str | None) -> Principal:
    """The principal behind a bearer token; 401 without one or with an invalid one, 503 without the IdP's keys."""
    if token is None:
        raise ApiError(
            401, "unauthenticated", "Anmeldung erforderlich: Bitte ein Bearer-Token mitsenden.", headers=_UNAUTHORIZED
        )
    try:
        return ctx.verifier.verify(token)
    except InvalidToken as exc:
        raise ApiError(
            401, "invalid_token", f"Das Token ist ungültig ({exc}). Bitte neu anmelden.", headers=_UNAUTHORIZED
        ) from None
    except KeysUnavailable:
        raise ApiError(
            503,
            "identity_provider_unavailable",
            "Die Anmeldung kann gerade nicht geprüft werden (Anmeldedienst nicht erreichbar). Bitte später erneut "
            "versuchen.",
            headers={"Retry-After": "30"},
        ) from None


def customer_of(principal: Principal, session: Session) -> Customer:
    """The customer account behind a verified principal (403 for other roles, 401 without an account)."""
    if "customer" not in principal.roles:
        raise ApiError(403, "forbidden", "Dieser Bereich ist Kundinnen und Kunden vorbehalten.")
    customer = session.get(Customer, principal.subject)
    if customer is None:
        raise ApiError(401, "unknown_customer", "Zu diesem Token gibt es kein Kundenkonto.", headers=_UNAUTHORIZED)
    return customer


def get_current_customer(
    ctx: ContextDep, session: SessionDep, credentials: BearerDep, session_token: SessionCookieDep = None
) -> Customer:
    return customer_of(verify_token(ctx, bearer_or_cookie(credentials, session_token)), session)


def get_optional_customer(
    ctx: ContextDep, session: SessionDep, credentials: BearerDep, session_token: SessionCookieDep = None
) -> Customer | None:
    """For public pages that say more to a signed-in customer: None without a token or for other roles.

    A bad bearer header is still a 401 (the client sent it on purpose); a stale session cookie is just
    "signed out", so a public page never fails because a browser kept an expired sign-in."""
    if credentials is None:
        if session_token is None:
            return None
        try:
            principal = ctx.verifier.verify(session_token)
        except (InvalidToken, KeysUnavailable):
            return None
    else:
        principal = verify_token(ctx, credentials.credentials)
    return customer_of(principal, session) if "customer" in principal.roles else None


def get_trust_level(ctx: ContextDep, credentials: BearerDep, session_token: SessionCookieDep = None) -> TrustLevel:
    """The trust level of the request's sign-in (401 like the other dependencies without a valid token)."""
    return verify_token(ctx, bearer_or_cookie(credentials, session_token)).trust_level


OPS_COOKIE = "ozgflow_ops"
"""Cookie carrying an operator's token for the ops pages (a plain link cannot send a header)."""


def page_token(
    ctx: PortalContext, request: Request, credentials: HTTPAuthorizationCredentials | None, page_cookie: str
) -> str | None:
    """A page's token: bearer header, the page's token-link cookie (development only), the sign-in cookie."""
    link = request.cookies.get(page_cookie) if ctx.settings.dev_mode else None
    return bearer_or_cookie(credentials, link, request.cookies.get(SESSION_COOKIE))


def get_current_operator(ctx: ContextDep, request: Request, credentials: BearerDep) -> Principal:
    """An operator from the bearer header or a cookie; 401 without a token, 403 for other roles."""
    principal = verify_token(ctx, page_token(ctx, request, credentials, OPS_COOKIE))
    if "operator" not in principal.roles:
        raise ApiError(403, "forbidden", "Dieser Bereich ist dem Betrieb (Rolle operator) vorbehalten.")
    return principal


STAFF_COOKIE = "ozgflow_staff"
"""Cookie carrying a staff member's token for the staff pages (scoped to /staff)."""


@dataclass(frozen=True)
class StaffIdentity:
    """A signed-in staff member and the jobcenter they work for (tenancy from our table, not the token)."""

    member: StaffMember
    jobcenter: Jobcenter

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(map(str, self.member.roles))


def staff_from_token(ctx: PortalContext, session: Session, token: str | None) -> StaffIdentity:
    """401 without a valid token; 403 unless it belongs to an active staff member of a jobcenter."""
    return staff_of(verify_token(ctx, token), session)


def staff_of(principal: Principal, session: Session) -> StaffIdentity:
    """The active staff member behind a verified principal, with their jobcenter; 403 for anyone else."""
    if "staff" not in principal.roles:
        raise ApiError(403, "forbidden", "Dieser Bereich ist den Mitarbeitenden der Jobcenter vorbehalten.")
    member = session.get(StaffMember, principal.subject)
    if member is None or not member.active:
        raise ApiError(403, "unknown_staff", "Zu diesem Token gibt es kein aktives Mitarbeiterkonto.")
    jobcenter = session.get(Jobcenter, member.jobcenter_id)
    assert jobcenter is not None  # foreign key
    return StaffIdentity(member=member, jobcenter=jobcenter)


def inbound_system(settings: Settings, api_key: str | None) -> str:
    """The back-office system an ``X-API-Key`` belongs to (401 without one or for an unknown key). Compared in
    constant time, so keys cannot be guessed byte by byte; the access gate and the inbound API both ask here."""
    if not api_key:
        raise ApiError(401, "unauthenticated", "API-Schlüssel fehlt (Header X-API-Key).")
    for system, known in settings.inbound_api_keys.items():
        if same_secret(api_key, known):
            return system
    raise ApiError(401, "invalid_api_key", "Der API-Schlüssel ist ungültig.")


def get_current_staff(ctx: ContextDep, session: SessionDep, request: Request, credentials: BearerDep) -> StaffIdentity:
    """A staff member from the bearer header or a cookie (the sign-in's, or the staff pages' token link)."""
    return staff_from_token(ctx, session, page_token(ctx, request, credentials, STAFF_COOKIE))


def require_staff_role(role: str):  # type: ignore[no-untyped-def]
    """A dependency admitting staff that hold ``role`` (``staff``, ``intake`` or ``admin``)."""

    def dependency(staff: Annotated[StaffIdentity, Depends(get_current_staff)]) -> StaffIdentity:
        if role not in staff.roles:
            raise ApiError(403, "forbidden", f"Dafür ist die Rolle '{role}' im Jobcenter nötig.")
        return staff

    return dependency


CurrentCustomer = Annotated[Customer, Depends(get_current_customer)]
CurrentStaff = Annotated[StaffIdentity, Depends(get_current_staff)]
IntakeClerk = Annotated[StaffIdentity, Depends(require_staff_role("intake"))]
JobcenterAdmin = Annotated[StaffIdentity, Depends(require_staff_role("admin"))]
CurrentOperator = Annotated[Principal, Depends(get_current_operator)]
CustomerTrustLevel = Annotated[TrustLevel, Depends(get_trust_level)]
OptionalCustomer = Annotated[Customer | None, Depends(get_optional_customer)]


def connector_for(registry: ConnectorRegistry, key: str) -> Connector:
    """The connector of a service named in a URL, or the 404 every route gives for an unknown one."""
    try:
        return registry.get(key)
    except UnknownService:
        raise ApiError(
            404, "unknown_service", f"Den Dienst '{key}' gibt es nicht. Verfügbar: {', '.join(registry.keys())}."
        ) from None
