"""Load the demo data idempotently (re-running `make run` must not duplicate anything)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from services.demo.data import CUSTOMERS, JOBCENTERS
from services.store.models import Customer, Jobcenter, JobcenterArea, RoutingRule, Team


def seed_demo_data(session: Session) -> dict[str, int]:
    for jc in JOBCENTERS:
        session.merge(
            Jobcenter(
                id=jc.id,
                name=jc.name,
                office_number=jc.office_number,
                street=jc.street,
                postal_code=jc.postal_code,
                city=jc.city,
                email=jc.email,
                phone=jc.phone,
            )
        )
        session.flush()
        for postal_code in jc.areas:
            session.merge(JobcenterArea(postal_code=postal_code, jobcenter_id=jc.id))
        for key, name in jc.teams.items():
            session.merge(Team(id=f"{jc.id}/{key}", jobcenter_id=jc.id, name=name))
        session.flush()
        session.execute(delete(RoutingRule).where(RoutingRule.jobcenter_id == jc.id))
        for rule in jc.rules:
            session.add(
                RoutingRule(
                    jobcenter_id=jc.id,
                    team_id=f"{jc.id}/{rule.team}",
                    priority=rule.priority,
                    service=rule.service,
                    bg_digit_min=rule.bg_digits[0] if rule.bg_digits else None,
                    bg_digit_max=rule.bg_digits[1] if rule.bg_digits else None,
                )
            )
    for c in CUSTOMERS:
        session.merge(
            Customer(
                id=c.id,
                bg_number=c.bg_number,
                given_name=c.given_name,
                family_name=c.family_name,
                street=c.street,
                postal_code=c.postal_code,
                city=c.city,
                email=c.email,
            )
        )
    return {"jobcenters": len(JOBCENTERS), "customers": len(CUSTOMERS)}
