"""Promotion and demotion of a service at one jobcenter, with the gate rules of the OZG roadmap.

Rules (docs/roadmap.md):
- a promotion (off → pilot, pilot → live) needs a passing load test of the service's *current* connector
  version: the code that will serve customers is the code that was measured;
- off → live skips the pilot and is allowed only when the service is already live at another jobcenter
  (the pilot happened elsewhere; the national roll-out should not need two steps per jobcenter);
- a demotion (live → pilot/off, pilot → off) needs no evidence: switching off must always be possible at once;
- every change is recorded: from/to, who, when, why and which load-test run it relied on.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.sdk.registry import ConnectorRegistry, UnknownService
from roadmap.model import Roadmap, RolloutState
from services.rollout.evidence import passing_run
from services.rollout.state import effective_state, effective_states
from services.store.models import Jobcenter, RolloutChange


class RolloutRefused(Exception):
    """A change the rules do not allow; ``code`` is stable for scripts, ``message`` says what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _parse_state(value: str | RolloutState) -> RolloutState:
    try:
        return RolloutState(value)
    except ValueError:
        raise RolloutRefused("invalid_state", f"unknown rollout state {value!r}: use off, pilot or live") from None


def _live_elsewhere(
    session: Session, roadmap: Roadmap, service: str, jobcenter_id: str, unlisted: RolloutState
) -> bool:
    others = [jc for jc in session.scalars(select(Jobcenter.id)) if jc != jobcenter_id]
    states = effective_states(session, roadmap=roadmap, services=[service], jobcenter_ids=others, unlisted=unlisted)
    return RolloutState.LIVE in states.values()


def promote(
    session: Session,
    *,
    roadmap: Roadmap,
    registry: ConnectorRegistry,
    service: str,
    jobcenter_id: str,
    to_state: str | RolloutState,
    changed_by: str,
    reason: str | None = None,
    now: datetime | None = None,
    unlisted: RolloutState = RolloutState.OFF,
) -> RolloutChange:
    """Move ``service`` at ``jobcenter_id`` to ``to_state`` (up or down); raise ``RolloutRefused`` if not allowed.

    ``registry`` gives the current connector version the evidence must be for; ``unlisted`` is the state of
    services roadmap.yaml lacks (``Settings.resolved_rollout_default_unlisted``). The caller commits.
    """
    target = _parse_state(to_state)
    if session.get(Jobcenter, jobcenter_id) is None:
        raise RolloutRefused("unknown_jobcenter", f"there is no jobcenter {jobcenter_id!r}")
    try:
        version = registry.get(service).version
    except UnknownService:
        version = None
    if version is None and service not in roadmap.services:
        raise RolloutRefused("unknown_service", f"no service {service!r} is installed or on the roadmap")
    current = effective_state(session, roadmap=roadmap, service=service, jobcenter_id=jobcenter_id, unlisted=unlisted)
    if target == current:
        raise RolloutRefused("no_change", f"{service} is already {current} at {jobcenter_id}")
    run = None
    if target.rank > current.rank:
        if version is None:
            raise RolloutRefused("not_installed", f"{service} has no installed connector yet: nothing to roll out")
        if (
            current is RolloutState.OFF
            and target is RolloutState.LIVE
            and not _live_elsewhere(session, roadmap, service, jobcenter_id, unlisted)
        ):
            raise RolloutRefused(
                "pilot_required",
                f"{service} is not live at any jobcenter yet: promote {jobcenter_id} to pilot first",
            )
        run = passing_run(session, service=service, version=version)
        if run is None:
            raise RolloutRefused(
                "missing_load_test",
                f"no passing load test of {service} {version}: run `ozgflow loadtest {service}` first",
            )
    change = RolloutChange(
        service=service,
        jobcenter_id=jobcenter_id,
        from_state=current.value,
        to_state=target.value,
        changed_by=changed_by,
        changed_at=now or datetime.now(UTC),
        load_test_run_id=run.id if run else None,
        reason=reason,
    )
    session.add(change)
    session.flush()
    return change
