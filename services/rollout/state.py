"""The effective rollout state of (service, jobcenter): the latest recorded change, else roadmap.yaml.

roadmap.yaml is the reviewed start; promotions and demotions happen at run time and are recorded in
``rollout_changes`` (who, when, on which load test), so the database wins once something was recorded.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from roadmap.model import Roadmap, RolloutState
from services.store.models import RolloutChange


def latest_change(session: Session, *, service: str, jobcenter_id: str) -> RolloutChange | None:
    """One query on the (service, jobcenter_id, changed_at) index."""
    return session.scalar(
        select(RolloutChange)
        .where(RolloutChange.service == service, RolloutChange.jobcenter_id == jobcenter_id)
        .order_by(RolloutChange.changed_at.desc(), RolloutChange.id.desc())
        .limit(1)
    )


def effective_state(
    session: Session, *, roadmap: Roadmap, service: str, jobcenter_id: str, unlisted: RolloutState
) -> RolloutState:
    change = latest_change(session, service=service, jobcenter_id=jobcenter_id)
    if change is not None:
        return RolloutState(change.to_state)
    return roadmap.start_state(service, jobcenter_id, unlisted=unlisted)


def effective_states(
    session: Session,
    *,
    roadmap: Roadmap,
    services: Iterable[str],
    jobcenter_ids: Iterable[str],
    unlisted: RolloutState,
) -> dict[tuple[str, str], RolloutState]:
    """The whole matrix in one query (for status pages), same rule as ``effective_state``."""
    services, jobcenter_ids = list(services), list(jobcenter_ids)
    states = {
        (service, jc): roadmap.start_state(service, jc, unlisted=unlisted)
        for service in services
        for jc in jobcenter_ids
    }
    newest = (
        select(
            RolloutChange.id,
            func.row_number()
            .over(
                partition_by=(RolloutChange.service, RolloutChange.jobcenter_id),
                order_by=(RolloutChange.changed_at.desc(), RolloutChange.id.desc()),
            )
            .label("rank"),
        )
        .where(RolloutChange.service.in_(services), RolloutChange.jobcenter_id.in_(jobcenter_ids))
        .subquery()
    )
    rows = session.scalars(
        select(RolloutChange).join(newest, newest.c.id == RolloutChange.id).where(newest.c.rank == 1)
    )
    for change in rows:
        states[(change.service, change.jobcenter_id)] = RolloutState(change.to_state)
    return states
