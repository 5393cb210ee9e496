"""The inbound API: back-office systems push items to customers (VerBIS pushes placement offers).

Authenticated per system with its own API key (``X-API-Key``, keys in ``OZGFLOW_INBOUND_API_KEYS``): a key
proves which system is calling, and a system may push only to services whose inbound spec names it.
Storing the item and its Postfach notice is one short transaction in our own database (no slow call).
Logs carry ids only, never the item's content (personal data).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Response
from pydantic import BaseModel

from connectors.sdk.registry import UnknownService
from services.inbound.receive import InboundRejected, receive_item
from services.portal.deps import RegistryDep, SessionDep, SettingsDep, inbound_system
from services.portal.errors import ApiError

router = APIRouter(prefix="/api/v1/inbound", tags=["inbound"])
log = logging.getLogger("ozgflow.inbound")


class ReceivedItem(BaseModel):
    item_id: str
    mailbox_message_id: str | None
    due_at: datetime | None


@router.post(
    "/{service}",
    status_code=201,
    response_model=ReceivedItem,
    responses={200: {"model": ReceivedItem, "description": "The same item was pushed before; nothing new stored."}},
)
def push_item(
    service: str,
    response: Response,
    settings: SettingsDep,
    session: SessionDep,
    registry: RegistryDep,
    item: Annotated[dict[str, Any], Body(description="The item as the service's inbound model defines it.")],
    x_api_key: Annotated[str | None, Header(description="The pushing system's API key.")] = None,
) -> ReceivedItem:
    system = inbound_system(settings, x_api_key)
    try:
        spec = registry.get(service).inbound
    except UnknownService:
        spec = None
    if spec is None:
        raise ApiError(404, "unknown_service", f"Der Dienst '{service}' nimmt keine Vorgänge entgegen.")
    if system != spec.source_system:
        raise ApiError(403, "forbidden", f"Dieser API-Schlüssel darf nicht an den Dienst '{service}' übermitteln.")
    try:
        received = receive_item(session, service=service, spec=spec, payload=item)
    except InboundRejected as exc:
        log.info("inbound %s from %s refused: %s", service, system, exc.code)
        raise ApiError(exc.status, exc.code, exc.message, exc.problems) from None
    if not received.created:
        response.status_code = 200
    log.info(
        "inbound %s item %s from %s (%s)", service, received.item_id, system, "new" if received.created else "known"
    )
    return ReceivedItem(
        item_id=received.item_id, mailbox_message_id=received.mailbox_message_id, due_at=received.due_at
    )
