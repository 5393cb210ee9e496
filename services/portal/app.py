"""The portal application factory: builds the app from explicit collaborators."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from connectors.sdk.registry import ConnectorRegistry
from roadmap.model import load_roadmap
from services.crypto.asgi import install_keyring_scope
from services.efile.encrypted import efile_store_from_settings
from services.efile.store import EFileStore
from services.identity.dev_issuer import DevIssuer, dev_issuer_for
from services.identity.realms import build_verifier
from services.portal.access import enforce_access, install_access
from services.portal.csrf import install_csrf, verify_csrf
from services.portal.deps import PortalContext
from services.portal.errors import install_error_handlers
from services.portal.hardening import Hardening
from services.portal.rate_limits import RateLimits
from services.portal.routes import audit as audit_log
from services.portal.routes import (
    auth,
    dev,
    drafts,
    health,
    inbound,
    info,
    mailbox,
    mailbox_admin,
    ops,
    privacy,
    services,
    staff,
    submissions,
)
from services.portal.routes import dev_issuer as dev_issuer_routes
from services.portal.routes.receipts import install_receipts
from services.settings import Settings
from services.store.db import Database, database_from_settings
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
    db = db or database_from_settings(settings)
    registry = registry if registry is not None else ConnectorRegistry.from_entry_points()
    dev_issuer: DevIssuer | None = None if settings.auth_jwks_url else dev_issuer_for(settings)
    verifier = build_verifier(settings, dev_issuer=dev_issuer)  # customers' and staff's issuers (JWKS or dev key)

    app = FastAPI(
        title="ozgflow portal",
        version="0.1.0",
        description="Online services of the jobcenters (SGB II): file, follow, and read the Postfach.",
        # before every handler: CSRF first (a forged post is neither identified nor counted), then the access table
        dependencies=[Depends(verify_csrf), Depends(enforce_access)],
    )
    app.state.ozgflow = PortalContext(
        settings=settings,
        db=db,
        registry=registry,
        verifier=verifier,
        dev_issuer=dev_issuer,
        roadmap=load_roadmap(settings.roadmap_path),
        efile=efile or efile_store_from_settings(settings, keyring=db.keyring),
    )
    install_error_handlers(app)
    app.add_middleware(Hardening, max_body_bytes=settings.request_max_bytes)
    install_keyring_scope(app, db.keyring)  # encryption at rest: a request's transaction is its own
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
    app.include_router(auth.router)  # OIDC sign-in for the pages: /auth/login, /auth/callback, /auth/logout
    app.include_router(audit_log.router)  # audit log: admins' search, customers' access log, chain check
    app.include_router(privacy.router)  # data-subject rights: data export (Art. 15), erasure (Art. 17)
    install_receipts(app, settings)  # signed receipts: keys from settings, JWKS and verification
    if settings.dev_mode and dev_issuer is not None:
        app.include_router(dev.router)
        app.include_router(dev_issuer_routes.router)  # the embedded issuer as a small OIDC provider
    app.state.rate_limits = RateLimits.from_settings(settings)  # abuse limits, counted by enforce_access
    install_csrf(app, settings)  # the pages' CSRF tokens (key: OZGFLOW_SECRET_KEY)
    install_access(app)  # last: refuses to start when a route has no row in the access table
    return app


def app_from_environment() -> FastAPI:
    """Entry for ``uvicorn --factory services.portal.app:app_from_environment``."""
    return create_app(Settings())
