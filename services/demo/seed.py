"""Load the demo data idempotently (re-running `make run` must not duplicate anything)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.demo.data import CUSTOMERS, JOBCENTERS
from services.portal.branding import colour_problems
from services.store.models import Customer, Jobcenter, JobcenterArea, MailboxTopic, RoutingRule, StaffMember, Team


class DemoDataInvalid(ValueError):
    """Demo data that would break a promise of the platform (e.g. unreadable jobcenter colours)."""


def seed_demo_data(session: Session) -> dict[str, int]:
    for jc in JOBCENTERS:
        problems = colour_problems(colour_primary=jc.colour_primary, colour_accent=jc.colour_accent)
        if problems:
            raise DemoDataInvalid(f"{jc.id}: " + "; ".join(p.message for p in problems))
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
                website=jc.website,
                opening_hours=list(jc.opening_hours),
                colour_primary=jc.colour_primary,
                colour_accent=jc.colour_accent,
                mailbox_state=jc.mailbox_state,
                mailbox_response_days=jc.mailbox_response_days,
                mailbox_auto_reply=jc.mailbox_auto_reply,
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
        session.flush()
        for position, topic in enumerate(jc.topics):
            existing = session.scalar(
                select(MailboxTopic).where(MailboxTopic.jobcenter_id == jc.id, MailboxTopic.key == topic.key)
            )
            row = existing or MailboxTopic(jobcenter_id=jc.id, key=topic.key)
            row.title, row.team_id, row.position, row.active = topic.title, f"{jc.id}/{topic.team}", position, True
            session.add(row)
        for member in jc.staff:
            session.merge(
                StaffMember(
                    id=member.id,
                    jobcenter_id=jc.id,
                    team_id=f"{jc.id}/{member.team}" if member.team else None,
                    display_name=member.name,
                    roles=list(member.roles),
                    active=True,
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
                online_account=c.online_account,
            )
        )
    return {
        "jobcenters": len(JOBCENTERS),
        "customers": len(CUSTOMERS),
        "staff": sum(len(jc.staff) for jc in JOBCENTERS),
    }
