"""The portal's rollout gate: may this customer file this service at their jobcenter right now?

Pilot and live accept; off refuses with the jobcenter's name. A customer no jobcenter serves keeps the
behaviour from before the gate existed (accepted, fails at intake with a reason operators see).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from roadmap.model import Roadmap, RolloutState
from services.intake.routing import RoutingFailed, responsible_jobcenter
from services.rollout.state import effective_state
from services.store.models import Customer, Jobcenter


@dataclass(frozen=True)
class Availability:
    jobcenter: Jobcenter | None
    state: RolloutState | None

    @property
    def open(self) -> bool:
        return self.state is None or self.state is not RolloutState.OFF


def availability(
    session: Session, *, roadmap: Roadmap, customer: Customer, service: str, unlisted: RolloutState
) -> Availability:
    """Two primary-key reads (area, jobcenter) and one indexed query (latest rollout change)."""
    try:
        jobcenter = responsible_jobcenter(session, customer=customer)
    except RoutingFailed:
        return Availability(jobcenter=None, state=None)
    state = effective_state(session, roadmap=roadmap, service=service, jobcenter_id=jobcenter.id, unlisted=unlisted)
    return Availability(jobcenter=jobcenter, state=state)


def not_available_message(title: str, jobcenter_name: str) -> str:
    return (
        f"Der Dienst „{title}“ ist beim {jobcenter_name} noch nicht freigeschaltet. "
        "Bitte wenden Sie sich direkt an Ihr Jobcenter."
    )
