"""The public service catalogue: what can be filed, and the form each service expects.

A signed-in customer also learns whether each service is switched on at their own jobcenter (``rollout``),
so a front-end can hide what would be refused; anonymous callers see stage and maturity only.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from connectors.sdk import Connector
from services.intake.routing import RoutingFailed, responsible_jobcenter
from services.portal.deps import ContextDep, OptionalCustomer, PortalContext, RegistryDep, SessionDep, connector_for
from services.portal.rollout import unlisted_state
from services.rollout import effective_states
from services.store.models import Customer

router = APIRouter(prefix="/api/v1/services", tags=["catalogue"])


class ServiceSummary(BaseModel):
    key: str
    title: str
    description: str
    version: str
    leika_key: str
    maturity: int
    roadmap_stage: int
    standalone: bool
    attachable_to: list[str]
    submit_url: str
    detail_url: str
    rollout: Literal["off", "pilot", "live"] | None = None
    """Only for a signed-in customer: the state at their jobcenter (pilot and live accept filings)."""


class ServiceDetail(ServiceSummary):
    json_schema: dict[str, Any]
    examples: list[dict[str, Any]]


def _summary(c: Connector, request: Request) -> dict[str, Any]:
    return {
        "key": c.key,
        "title": c.title,
        "description": c.description,
        "version": c.version,
        "leika_key": c.leika_key,
        "maturity": int(c.maturity),
        "roadmap_stage": c.roadmap_stage,
        "standalone": c.standalone,
        "attachable_to": sorted(c.attachable_to),
        "submit_url": str(request.url_for("submit", service=c.key).path),
        "detail_url": str(request.url_for("service_detail", key=c.key).path),
    }


def _rollout(ctx: PortalContext, session: Session, customer: Customer | None, keys: list[str]) -> dict[str, str]:
    """State per service at the customer's jobcenter, in one query; empty when there is nothing to say."""
    if customer is None:
        return {}
    try:
        jobcenter = responsible_jobcenter(session, customer=customer)
    except RoutingFailed:
        return {}
    states = effective_states(
        session, roadmap=ctx.roadmap, services=keys, jobcenter_ids=[jobcenter.id], unlisted=unlisted_state(ctx)
    )
    return {service: state.value for (service, _), state in states.items()}


@router.get("", response_model=list[ServiceSummary])
def list_services(
    registry: RegistryDep, request: Request, ctx: ContextDep, session: SessionDep, customer: OptionalCustomer
) -> list[dict[str, Any]]:
    rollout = _rollout(ctx, session, customer, registry.keys())
    return [{**_summary(c, request), "rollout": rollout.get(c.key)} for c in registry]


@router.get("/{key}", response_model=ServiceDetail, name="service_detail")
def service_detail(
    key: str, registry: RegistryDep, request: Request, ctx: ContextDep, session: SessionDep, customer: OptionalCustomer
) -> dict[str, Any]:
    c = connector_for(registry, key)
    rollout = _rollout(ctx, session, customer, [key])
    return {
        **_summary(c, request),
        "rollout": rollout.get(key),
        "json_schema": c.json_schema(),
        "examples": c.examples(),
    }


@router.get("/{key}/schema")
def service_schema(key: str, registry: RegistryDep) -> dict[str, Any]:
    return connector_for(registry, key).json_schema()
