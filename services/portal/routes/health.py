"""Liveness and readiness for load balancers and `ozgflow up`."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from services.portal.deps import ContextDep
from services.portal.errors import ApiError

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(ctx: ContextDep) -> dict[str, object]:
    try:
        with ctx.db.session() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:
        raise ApiError(
            503, "database_unavailable", f"Die Datenbank ist nicht erreichbar ({type(exc).__name__})."
        ) from None
    return {
        "status": "ready",
        "connectors": ctx.registry.keys(),
        "connector_errors": [e.name for e in ctx.registry.errors],
    }
