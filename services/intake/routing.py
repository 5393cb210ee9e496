"""Zuständigkeit: the jobcenter from the customer's postal code, the team by that jobcenter's rules."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.store.models import Customer, Jobcenter, JobcenterArea, RoutingRule, Team


class RoutingFailed(Exception):
    """No jobcenter or team is responsible; retrying cannot help until the data changes."""


@dataclass(frozen=True)
class RoutingDecision:
    jobcenter: Jobcenter
    team: Team


def _matches(rule: RoutingRule, service: str, bg_number: str) -> bool:
    if rule.service is not None and rule.service != service:
        return False
    if rule.bg_digit_min is not None or rule.bg_digit_max is not None:
        digit = int(bg_number[-1]) if bg_number[-1:].isdigit() else -1
        low = rule.bg_digit_min if rule.bg_digit_min is not None else 0
        high = rule.bg_digit_max if rule.bg_digit_max is not None else 9
        return low <= digit <= high
    return True


def responsible_jobcenter(session: Session, *, customer: Customer) -> Jobcenter:
    """The jobcenter serving the customer's postal code (two primary-key reads: cheap enough per request)."""
    area = session.get(JobcenterArea, customer.postal_code)
    if area is None:
        raise RoutingFailed("no jobcenter serves the customer's postal code")
    jobcenter = session.get(Jobcenter, area.jobcenter_id)
    assert jobcenter is not None
    return jobcenter


def route(session: Session, *, customer: Customer, service: str) -> RoutingDecision:
    jobcenter = responsible_jobcenter(session, customer=customer)
    rules = session.scalars(
        select(RoutingRule)
        .where(RoutingRule.jobcenter_id == jobcenter.id)
        .order_by(RoutingRule.priority, RoutingRule.id)
    )
    for rule in rules:
        if _matches(rule, service, customer.bg_number):
            team = session.get(Team, rule.team_id)
            assert team is not None
            return RoutingDecision(jobcenter=jobcenter, team=team)
    raise RoutingFailed(f"no routing rule of {jobcenter.id} matches service {service}")
