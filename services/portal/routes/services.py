"""The public service catalogue: what can be filed, and the form each service expects."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from connectors.sdk import Connector
from connectors.sdk.registry import UnknownService
from services.portal.deps import RegistryDep
from services.portal.errors import ApiError

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


def _connector(registry: RegistryDep, key: str) -> Connector:
    try:
        return registry.get(key)
    except UnknownService:
        raise ApiError(
            404, "unknown_service", f"Den Dienst '{key}' gibt es nicht. Verfügbar: {', '.join(registry.keys())}."
        ) from None


@router.get("", response_model=list[ServiceSummary])
def list_services(registry: RegistryDep, request: Request) -> list[dict[str, Any]]:
    return [_summary(c, request) for c in registry]


@router.get("/{key}", response_model=ServiceDetail, name="service_detail")
def service_detail(key: str, registry: RegistryDep, request: Request) -> dict[str, Any]:
    c = _connector(registry, key)
    return {**_summary(c, request), "json_schema": c.json_schema(), "examples": c.examples()}


@router.get("/{key}/schema")
def service_schema(key: str, registry: RegistryDep) -> dict[str, Any]:
    return _connector(registry, key).json_schema()
