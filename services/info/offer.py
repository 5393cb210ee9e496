"""Which online services a jobcenter offers right now, from the rollout state (off → pilot → live).

The public page and the JSON API show exactly what the filing gate (services/portal/rollout.py) enforces:
both read ``effective_states`` with the same ``unlisted`` default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from connectors.sdk.registry import ConnectorRegistry
from roadmap.model import Roadmap, RolloutState
from services.rollout import effective_states
from services.store.models import Jobcenter


@dataclass(frozen=True)
class OfferedService:
    key: str
    title: str
    description: str
    state: RolloutState
    attachment: bool
    """An Anlage: filed together with an application (``attachable_to``), not on its own occasion."""

    @property
    def available(self) -> bool:
        return self.state is not RolloutState.OFF


@dataclass(frozen=True)
class PlannedService:
    key: str
    title: str
    stage: int


@dataclass(frozen=True)
class OnlineOffer:
    services: tuple[OfferedService, ...]
    planned: tuple[PlannedService, ...]
    mailbox_state: str
    """``off`` (answers by letter only), ``pilot`` or ``live``."""
    mailbox_response_days: int

    @property
    def available(self) -> tuple[OfferedService, ...]:
        return tuple(s for s in self.services if s.available)

    @property
    def applications(self) -> tuple[OfferedService, ...]:
        return tuple(s for s in self.available if not s.attachment)

    @property
    def attachments(self) -> tuple[OfferedService, ...]:
        return tuple(s for s in self.available if s.attachment)

    @property
    def unavailable(self) -> tuple[OfferedService, ...]:
        return tuple(s for s in self.services if not s.available)

    @property
    def has_mailbox(self) -> bool:
        return self.mailbox_state != "off"


def planned_services(roadmap: Roadmap, registry: ConnectorRegistry) -> tuple[PlannedService, ...]:
    """Roadmap services without a connector yet: what is coming, by stage."""
    installed = set(registry.keys())
    planned = [
        PlannedService(key=key, title=entry.title or key, stage=entry.stage)
        for key, entry in roadmap.services.items()
        if entry.planned and key not in installed
    ]
    return tuple(sorted(planned, key=lambda s: (s.stage, s.title)))


def online_offers(
    session: Session,
    *,
    roadmap: Roadmap,
    registry: ConnectorRegistry,
    jobcenters: Sequence[Jobcenter],
    unlisted: RolloutState,
) -> dict[str, OnlineOffer]:
    """Every given jobcenter's offer, with one query for all rollout states."""
    order = {key: i for i, key in enumerate(roadmap.services)}  # the roadmap's order: WBA first
    connectors = sorted(registry, key=lambda c: (bool(c.attachable_to), order.get(c.key, len(order)), c.title))
    states = effective_states(
        session,
        roadmap=roadmap,
        services=[c.key for c in connectors],
        jobcenter_ids=[jc.id for jc in jobcenters],
        unlisted=unlisted,
    )
    planned = planned_services(roadmap, registry)
    return {
        jc.id: OnlineOffer(
            services=tuple(
                OfferedService(
                    key=c.key,
                    title=c.title,
                    description=c.description,
                    state=states[(c.key, jc.id)],
                    attachment=bool(c.attachable_to),
                )
                for c in connectors
            ),
            planned=planned,
            mailbox_state=jc.mailbox_state,
            mailbox_response_days=jc.mailbox_response_days,
        )
        for jc in jobcenters
    }
