"""The portal application factory: builds the app from explicit collaborators."""

from __future__ import annotations

from fastapi import FastAPI

from connectors.sdk.registry import ConnectorRegistry
from roadmap.model import load_roadmap
from services.efile.store import EFileStore, efile_store_from_url
from services.identity.dev_issuer import DevIssuer, dev_issuer_for
from services.identity.verifier import TokenVerifier
from services.portal.deps import PortalContext
from services.portal.errors import install_error_handlers
from services.portal.hardening import Hardening
from services.portal.routes import (
    dev,
    drafts,
    health,
    inbound,
    info,
    mailbox,
    mailbox_admin,
    ops,
    services,
    staff,
    submissions,
)
from services.settings import Settings
from services.store.db import Database
from services.telemetry import Telemetry, telemetry_from_settings
from services.telemetry.asgi import install_tracing


def create_app(
    settings: Settings,
    *,
    db: Database | None = None,
    registry: ConnectorRegistry | None = None,
    efile: EFileStore | None = None,
    telemetry: Telemetry | None = None,
) -> FastAPI:
    db = db or Database(settings.resolved_database_url)
    registry = registry if registry is not None else ConnectorRegistry.from_entry_points()
    dev_issuer: DevIssuer | None = None
    if settings.auth_jwks_url:
        verifier = TokenVerifier(
            issuer=settings.auth_issuer, audience=settings.auth_audience, jwks_url=settings.auth_jwks_url
        )
    else:
        dev_issuer = dev_issuer_for(settings)
        verifier = TokenVerifier(
            issuer=settings.auth_issuer, audience=settings.auth_audience, public_key=dev_issuer.public_key
        )

    app = FastAPI(
        title="ozgflow portal",
        version="0.1.0",
        description="Online services of the jobcenters (SGB II): file, follow, and read the Postfach.",
    )
    app.state.ozgflow = PortalContext(
        settings=settings,
        db=db,
        registry=registry,
        verifier=verifier,
        dev_issuer=dev_issuer,
        roadmap=load_roadmap(settings.roadmap_path),
        efile=efile or efile_store_from_url(settings.resolved_efile_url),
    )
    install_error_handlers(app)
    app.add_middleware(Hardening, max_body_bytes=settings.request_max_bytes)
    app.state.telemetry = telemetry or telemetry_from_settings(settings, component="portal")
    install_tracing(app, app.state.telemetry, continue_caller_trace=False)  # one trace per submission
    app.include_router(health.router)
    app.include_router(services.router)
    app.include_router(submissions.router)
    app.include_router(drafts.router)
    app.include_router(mailbox.router)
    app.include_router(mailbox_admin.router)
    app.include_router(inbound.router)
    app.include_router(ops.router)
    app.include_router(staff.router)
    app.include_router(info.router)
    if settings.dev_mode and dev_issuer is not None:
        app.include_router(dev.router)
        app.include_router(dev.issuer_router)
    return app


def app_from_environment() -> FastAPI:
    """Entry for ``uvicorn --factory services.portal.app:app_from_environment``."""
    return create_app(Settings())
