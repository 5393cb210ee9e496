"""Response deadlines of inbound items: remind before the deadline, expire after it.

Why in our database and not in Prefect: the deadline is a fact about the item (principle 2), and every
worker may run this at any time. Each run is idempotent: a reminder or expiry notice carries a dedup key,
``reminded_at`` and the status are set in the same transaction as the message, and on PostgreSQL rows are
taken with ``FOR UPDATE SKIP LOCKED`` so two workers never handle the same item at once. An expired item
can still be answered (a late answer still helps the jobcenter); it just is no longer "open".

Pure platform code with an injectable ``now``, so it is unit-testable without Prefect or a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from connectors.sdk import InboundSpec
from connectors.sdk.registry import ConnectorRegistry, UnknownService
from services.inbound.messages import expiry_dedup_key, notice_context, reminder_dedup_key, write_message
from services.store.db import Database
from services.store.models import InboundItem, utcnow

OPEN, EXPIRED = "open", "expired"
BATCH = 200


@dataclass(frozen=True)
class DeadlineReport:
    """Counts only: this is logged and may be shown in the orchestration layer (principle 9)."""

    reminded: int = 0
    expired: int = 0


def _locked(session: Session, query: Select[tuple[InboundItem]]) -> list[InboundItem]:
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query.limit(BATCH)))


def _spec(registry: ConnectorRegistry, service: str) -> InboundSpec | None:
    try:
        return registry.get(service).inbound
    except UnknownService:
        return None  # a connector that is not installed here; another deployment may handle it


def send_reminders(session: Session, registry: ConnectorRegistry, now: datetime) -> int:
    items = _locked(
        session,
        select(InboundItem)
        .where(
            InboundItem.status == OPEN,
            InboundItem.reminded_at.is_(None),
            InboundItem.remind_at <= now,
            InboundItem.due_at > now,
        )
        .order_by(InboundItem.remind_at),
    )
    sent = 0
    for item in items:
        spec = _spec(registry, item.service)
        if spec is None:
            continue
        text = spec.reminder(spec.model.model_validate(item.payload), notice_context(session, item))
        write_message(
            session, item, kind=f"{spec.message_kind}_reminder", text=text, dedup_key=reminder_dedup_key(item.id)
        )
        item.reminded_at = now
        sent += 1
    return sent


def expire_overdue(session: Session, registry: ConnectorRegistry, now: datetime) -> int:
    items = _locked(
        session,
        select(InboundItem).where(InboundItem.status == OPEN, InboundItem.due_at <= now).order_by(InboundItem.due_at),
    )
    expired = 0
    for item in items:
        spec = _spec(registry, item.service)
        if spec is None:
            continue
        text = spec.expiry(spec.model.model_validate(item.payload), notice_context(session, item))
        write_message(
            session, item, kind=f"{spec.message_kind}_expired", text=text, dedup_key=expiry_dedup_key(item.id)
        )
        item.status = EXPIRED
        expired += 1
    return expired


def run_deadlines(db: Database, registry: ConnectorRegistry, now: datetime | None = None) -> DeadlineReport:
    """One pass: expire first (an overdue item gets no reminder any more), then remind."""
    moment = now or utcnow()
    with db.session() as session:
        expired = expire_overdue(session, registry, moment)
    with db.session() as session:
        reminded = send_reminders(session, registry, moment)
    return DeadlineReport(reminded=reminded, expired=expired)
