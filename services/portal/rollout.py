"""Rollout enforcement for the portal: refuse filing a service its jobcenter has not switched on.

Checked before the form is read: whether the form is valid does not matter for a service the customer's
jobcenter does not offer yet. Pilot and live both accept.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from connectors.sdk import Connector
from roadmap.model import RolloutState
from services.portal.deps import PortalContext
from services.portal.errors import ApiError
from services.rollout import availability, not_available_message
from services.store.models import Customer


def unlisted_state(ctx: PortalContext) -> RolloutState:
    return RolloutState(ctx.settings.resolved_rollout_default_unlisted)


def ensure_available(ctx: PortalContext, session: Session, *, customer: Customer, connector: Connector) -> None:
    """403 ``service_not_available`` naming the jobcenter when the service is off there."""
    found = availability(
        session, roadmap=ctx.roadmap, customer=customer, service=connector.key, unlisted=unlisted_state(ctx)
    )
    if not found.open and found.jobcenter is not None:
        raise ApiError(403, "service_not_available", not_available_message(connector.title, found.jobcenter.name))
