"""Zuständigkeit: jobcenter by the customer's postal code, team by that jobcenter's own rules."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update

from services.intake.routing import RoutingDecision, RoutingFailed, route
from services.store.db import Database
from services.store.models import Customer, RoutingRule


def _route(db: Database, customer_id: str, service: str = "wba") -> RoutingDecision:
    with db.session() as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        return route(session, customer=customer, service=service)


@pytest.mark.parametrize(
    ("customer_id", "service", "jobcenter", "team"),
    [
        # BG number ends in 2: the team for final digits 0-4
        ("kd-1001", "wba", "jc-berlin-mitte", "jc-berlin-mitte/leistung-1"),
        # BG number ends in 7: the team for final digits 5-9
        ("kd-1002", "wba", "jc-berlin-mitte", "jc-berlin-mitte/leistung-2"),
        # the vaem rule has the higher priority (10 < 50) and wins over the digit split
        ("kd-1001", "vaem", "jc-berlin-mitte", "jc-berlin-mitte/veraenderungen"),
        ("kd-1002", "vaem", "jc-berlin-mitte", "jc-berlin-mitte/veraenderungen"),
        # Leipzig has one default team for everything
        ("kd-2001", "wba", "jc-leipzig", "jc-leipzig/eingangszone"),
        ("kd-2001", "vaem", "jc-leipzig", "jc-leipzig/eingangszone"),
        ("kd-3001", "wba", "jc-dortmund", "jc-dortmund/leistung-1"),
        ("kd-4001", "wba", "jc-bremen", "jc-bremen/leistung"),
        ("kd-4001", "vaem", "jc-bremen", "jc-bremen/veraenderungen"),
    ],
)
def test_routes_to_jobcenter_and_team(db: Database, customer_id: str, service: str, jobcenter: str, team: str) -> None:
    decision = _route(db, customer_id, service)

    assert decision.jobcenter.id == jobcenter
    assert decision.team.id == team
    assert decision.team.jobcenter_id == jobcenter


def test_jobcenter_name_comes_with_the_decision(db: Database) -> None:
    assert _route(db, "kd-1001").jobcenter.name == "Jobcenter Berlin Mitte"


def test_customer_outside_every_area_is_not_routable(db: Database) -> None:
    with pytest.raises(RoutingFailed, match="postal code"):
        _route(db, "kd-9001")


def test_moving_changes_the_jobcenter(db: Database) -> None:
    with db.session() as session:
        session.execute(update(Customer).where(Customer.id == "kd-9001").values(postal_code="04103"))

    assert _route(db, "kd-9001").jobcenter.id == "jc-leipzig"


def test_jobcenter_without_any_rule_is_not_routable(db: Database) -> None:
    with db.session() as session:
        session.execute(delete(RoutingRule).where(RoutingRule.jobcenter_id == "jc-leipzig"))

    with pytest.raises(RoutingFailed, match="jc-leipzig"):
        _route(db, "kd-2001")


def test_rules_that_match_nothing_are_not_routable(db: Database) -> None:
    # Berlin Mitte without its digit split: only the vaem rule is left, so a WBA matches nothing.
    with db.session() as session:
        session.execute(
            delete(RoutingRule).where(
                RoutingRule.jobcenter_id == "jc-berlin-mitte", RoutingRule.bg_digit_min.is_not(None)
            )
        )

    assert _route(db, "kd-1001", "vaem").team.id == "jc-berlin-mitte/veraenderungen"
    with pytest.raises(RoutingFailed, match="jc-berlin-mitte.*wba"):
        _route(db, "kd-1001", "wba")


def test_digit_ranges_are_inclusive(db: Database) -> None:
    with db.session() as session:
        session.execute(update(Customer).where(Customer.id == "kd-1001").values(bg_number="96101BG0012344"))
        session.execute(update(Customer).where(Customer.id == "kd-1002").values(bg_number="96101BG0048815"))

    assert _route(db, "kd-1001").team.id == "jc-berlin-mitte/leistung-1"
    assert _route(db, "kd-1002").team.id == "jc-berlin-mitte/leistung-2"
