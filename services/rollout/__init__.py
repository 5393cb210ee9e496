"""Rollout of OZG services per jobcenter (off → pilot → live), gated by load tests; Prefect-free."""

from services.rollout.gate import Availability, availability, not_available_message
from services.rollout.promote import RolloutRefused, promote
from services.rollout.state import effective_state, effective_states

__all__ = [
    "Availability",
    "RolloutRefused",
    "availability",
    "effective_state",
    "effective_states",
    "not_available_message",
    "promote",
]
