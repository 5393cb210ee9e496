"""FastAPI dependencies as Annotated aliases: a handler's signature says what it needs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from connectors.sdk.registry import ConnectorRegistry
from services.identity.dev_issuer import DevIssuer
from services.identity.verifier import InvalidToken, TokenVerifier
from services.portal.errors import ApiError
from services.settings import Settings
from services.store.db import Database
from services.store.models import Customer


@dataclass
class PortalContext:
    """Everything the portal was built with; stored on ``app.state`` by the app factory."""

    settings: Settings
    db: Database
    registry: ConnectorRegistry
    verifier: TokenVerifier
    dev_issuer: DevIssuer | None


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


SettingsDep = Annotated[Settings, Depends(get_settings)]
RegistryDep = Annotated[ConnectorRegistry, Depends(get_registry)]
SessionDep = Annotated[Session, Depends(get_session)]

_bearer = HTTPBearer(auto_error=False)

_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def get_current_customer(
    ctx: ContextDep,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Customer:
    if credentials is None:
        raise ApiError(
            401, "unauthenticated", "Anmeldung erforderlich: Bitte ein Bearer-Token mitsenden.", headers=_UNAUTHORIZED
        )
    try:
        principal = ctx.verifier.verify(credentials.credentials)
    except InvalidToken as exc:
        raise ApiError(
            401, "invalid_token", f"Das Token ist ungültig ({exc}). Bitte neu anmelden.", headers=_UNAUTHORIZED
        ) from None
    if "customer" not in principal.roles:
        raise ApiError(403, "forbidden", "Dieser Bereich ist Kundinnen und Kunden vorbehalten.")
    customer = session.get(Customer, principal.subject)
    if customer is None:
        raise ApiError(401, "unknown_customer", "Zu diesem Token gibt es kein Kundenkonto.", headers=_UNAUTHORIZED)
    return customer


CurrentCustomer = Annotated[Customer, Depends(get_current_customer)]
