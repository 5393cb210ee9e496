"""Receive an item a back-office system pushes (a placement offer): store it and tell the customer.

Item and Postfach notice are written in one transaction of our own database (no slow call), so the customer
never has an offer without its notice, or a notice without an answerable offer. Pushing the same item again
(same source system and external id) returns the stored item: systems retry, and must not create a second
offer or message. Nothing here logs or raises personal data; errors carry codes and field paths.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connectors.sdk import FieldProblem, InboundSpec, problems_from_validation_error
from services.inbound.messages import message_id_for, notice_context, notice_dedup_key, write_message
from services.intake.routing import RoutingFailed, route
from services.store.models import Customer, InboundItem, utcnow


class InboundRejected(Exception):
    """The pushed item cannot be taken; ``status`` is the HTTP status the sending system gets."""

    def __init__(self, status: int, code: str, message: str, problems: list[FieldProblem] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.problems = problems or []


@dataclass(frozen=True)
class Received:
    item_id: str
    mailbox_message_id: str | None
    """None when the jobcenter's Postfach is off or the customer has no online account (notice by letter)."""
    due_at: datetime | None
    created: bool


def _validate(spec: InboundSpec, payload: Any) -> BaseModel:
    if not isinstance(payload, dict):
        raise InboundRejected(422, "invalid_item", "Erwartet wird ein JSON-Objekt.")
    try:
        return spec.model.model_validate(payload)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, payload)
        raise InboundRejected(422, "validation_failed", "Der Vorgang enthält ungültige Angaben.", problems) from None


def _existing(
    session: Session, spec: InboundSpec, service: str, external_id: str, data: dict[str, Any]
) -> Received | None:
    """The item stored before under this external id; refused if that id came with other content."""
    item = session.scalar(
        select(InboundItem).where(
            InboundItem.source_system == spec.source_system, InboundItem.external_id == external_id
        )
    )
    if item is None:
        return None
    if item.service != service or item.payload != data:
        raise InboundRejected(
            409, "external_id_reused", "Diese Nummer wurde bereits für einen anderen Vorgang übermittelt."
        )
    message_id = message_id_for(session, notice_dedup_key(item.id))
    return Received(item_id=item.id, mailbox_message_id=message_id, due_at=item.due_at, created=False)


def _customer(session: Session, bg_number: str) -> Customer:
    customers = session.scalars(select(Customer).where(Customer.bg_number == bg_number).limit(2)).all()
    if not customers:
        raise InboundRejected(422, "unknown_customer", "Zu dieser BG-Nummer gibt es kein Kundenkonto im Portal.")
    if len(customers) > 1:
        raise InboundRejected(
            422,
            "ambiguous_customer",
            "Zu dieser BG-Nummer gibt es mehrere Kundenkonten; der Vorgang ist nicht zuordenbar.",
        )
    return customers[0]


def receive_item(
    session: Session, *, service: str, spec: InboundSpec, payload: Any, now: datetime | None = None
) -> Received:
    """Store the item and its Postfach notice, or return the one stored before under the same external id."""
    item_model = _validate(spec, payload)
    data = item_model.model_dump(mode="json")
    external_id = spec.external_id(item_model)
    known = _existing(session, spec, service, external_id, data)
    if known is not None:
        return known
    received_at = now or utcnow()
    due_at = spec.due_at(item_model, received_at)
    if due_at is not None and due_at <= received_at:
        problem = FieldProblem("respond_by", "deadline_passed", "Die Frist für die Rückmeldung ist bereits abgelaufen.")
        raise InboundRejected(422, "deadline_passed", problem.message, [problem])
    customer = _customer(session, spec.bg_number(item_model))
    try:
        decision = route(session, customer=customer, service=service)
    except RoutingFailed:
        raise InboundRejected(
            422, "no_responsible_jobcenter", "Für diese Kundin oder diesen Kunden ist kein Jobcenter zuständig."
        ) from None
    item = InboundItem(
        id=str(uuid.uuid4()),
        service=service,
        source_system=spec.source_system,
        external_id=external_id,
        customer_id=customer.id,
        jobcenter_id=decision.jobcenter.id,
        payload=data,
        status="open",
        received_at=received_at,
        due_at=due_at,
        remind_at=spec.remind_at(due_at, received_at),
    )
    try:
        with session.begin_nested():
            session.add(item)
            session.flush()
            text = spec.notice(item_model, notice_context(session, item))
            message_id = write_message(
                session, item, kind=spec.message_kind, text=text, dedup_key=notice_dedup_key(item.id)
            )
            session.flush()
    except IntegrityError:
        # The same item pushed concurrently: the other request stored it first.
        known = _existing(session, spec, service, external_id, data)
        if known is None:
            raise
        return known
    return Received(item_id=item.id, mailbox_message_id=message_id, due_at=due_at, created=True)
