"""FastAPI dependencies as Annotated aliases: a handler's signature says what it needs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from connectors.sdk import Connector
from connectors.sdk.registry import ConnectorRegistry, UnknownService
from roadmap.model import Roadmap
from services.efile.store import EFileStore
from services.identity.dev_issuer import DevIssuer
from services.identity.verifier import InvalidToken, Principal, TokenVerifier
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
    verifier: TokenVerifier
    dev_issuer: DevIssuer | None
    roadmap: Roadmap
    """Parsed once at start-up (a broken roadmap.yaml stops the portal); run-time changes go through promote."""
    efile: EFileStore
    """Where uploads (Postfach attachments, paper scans) go; the same e-file the pipeline writes."""


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
SessionDep = Annotated[Session, Depends(get_session)]

_bearer = HTTPBearer(auto_error=False)

_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def verify_token(ctx: PortalContext, token: str | None) -> Principal:
    """The principal behind a bearer token; 401 without one or with an invalid one."""
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


def _customer_of(principal: Principal, session: Session) -> Customer:
    if "customer" not in principal.roles:
        raise ApiError(403, "forbidden", "Dieser Bereich ist Kundinnen und Kunden vorbehalten.")
    customer = session.get(Customer, principal.subject)
    if customer is None:
        raise ApiError(401, "unknown_customer", "Zu diesem Token gibt es kein Kundenkonto.", headers=_UNAUTHORIZED)
    return customer


def get_current_customer(ctx: ContextDep, session: SessionDep, credentials: BearerDep) -> Customer:
    return _customer_of(verify_token(ctx, credentials.credentials if credentials else None), session)


def get_optional_customer(ctx: ContextDep, session: SessionDep, credentials: BearerDep) -> Customer | None:
    """For public pages that say more to a signed-in customer: None without a token or for other roles."""
    if credentials is None:
        return None
    principal = verify_token(ctx, credentials.credentials)
    return _customer_of(principal, session) if "customer" in principal.roles else None


OPS_COOKIE = "ozgflow_ops"
"""Cookie carrying an operator's token for the ops pages (a plain link cannot send a header)."""


def get_current_operator(ctx: ContextDep, request: Request, credentials: BearerDep) -> Principal:
    """An operator from the bearer header or the ops cookie; 401 without a token, 403 for other roles."""
    token = credentials.credentials if credentials else request.cookies.get(OPS_COOKIE)
    principal = verify_token(ctx, token)
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
    principal = verify_token(ctx, token)
    if "staff" not in principal.roles:
        raise ApiError(403, "forbidden", "Dieser Bereich ist den Mitarbeitenden der Jobcenter vorbehalten.")
    member = session.get(StaffMember, principal.subject)
    if member is None or not member.active:
        raise ApiError(403, "unknown_staff", "Zu diesem Token gibt es kein aktives Mitarbeiterkonto.")
    jobcenter = session.get(Jobcenter, member.jobcenter_id)
    assert jobcenter is not None  # foreign key
    return StaffIdentity(member=member, jobcenter=jobcenter)


def get_current_staff(ctx: ContextDep, session: SessionDep, request: Request, credentials: BearerDep) -> StaffIdentity:
    """A staff member from the bearer header or the staff pages' cookie."""
    token = credentials.credentials if credentials else request.cookies.get(STAFF_COOKIE)
    return staff_from_token(ctx, session, token)


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
OptionalCustomer = Annotated[Customer | None, Depends(get_optional_customer)]


def connector_for(registry: ConnectorRegistry, key: str) -> Connector:
    """The connector of a service named in a URL, or the 404 every route gives for an unknown one."""
    try:
        return registry.get(key)
    except UnknownService:
        raise ApiError(
            404, "unknown_service", f"Den Dienst '{key}' gibt es nicht. Verfügbar: {', '.join(registry.keys())}."
        ) from None
