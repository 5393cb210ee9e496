"""Promotion gates: evidence for the current connector version, no skipping the pilot, free demotion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from connectors.sdk.registry import ConnectorRegistry
from roadmap.model import RolloutState, load_roadmap
from services.rollout import RolloutRefused, effective_state, promote
from services.store.db import Database
from services.store.models import RolloutChange
from tests.support.rollout import add_load_test_run

LEIPZIG = "jc-leipzig"


def _promote(session, registry: ConnectorRegistry, **kwargs):  # type: ignore[no-untyped-def]
    args = {"service": "placement", "jobcenter_id": LEIPZIG, "changed_by": "test"} | kwargs
    return promote(session, roadmap=load_roadmap(), registry=registry, **args)


def _state(session, service: str = "placement", jobcenter_id: str = LEIPZIG) -> RolloutState:  # type: ignore[no-untyped-def]
    return effective_state(
        session, roadmap=load_roadmap(), service=service, jobcenter_id=jobcenter_id, unlisted=RolloutState.OFF
    )


def _refused(session, registry: ConnectorRegistry, **kwargs) -> RolloutRefused:  # type: ignore[no-untyped-def]
    with pytest.raises(RolloutRefused) as caught:
        _promote(session, registry, **kwargs)
    return caught.value


def test_promotion_needs_a_passing_run_of_the_current_version(db: Database, registry: ConnectorRegistry) -> None:
    with db.session() as session:
        refused = _refused(session, registry, to_state="pilot")
        assert refused.code == "missing_load_test"
        assert "run `ozgflow loadtest placement` first" in refused.message
        add_load_test_run(session, service="placement", verdict="fail")
        add_load_test_run(session, service="placement", version="0.9.0")  # an older version proves nothing
        assert _refused(session, registry, to_state="pilot").code == "missing_load_test"
        assert _state(session) is RolloutState.OFF


def test_promotion_with_evidence_is_recorded_and_becomes_effective(db: Database, registry: ConnectorRegistry) -> None:
    now = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    with db.session() as session:
        add_load_test_run(session, service="placement", age_minutes=60)
        newest = add_load_test_run(session, service="placement", age_minutes=1)
        change = _promote(session, registry, to_state="pilot", changed_by="ops.mueller", reason="Pilot Ost", now=now)
    with db.session() as session:
        assert _state(session) is RolloutState.PILOT
        [row] = session.scalars(select(RolloutChange))
        assert (row.from_state, row.to_state, row.changed_by, row.reason) == (
            "off",
            "pilot",
            "ops.mueller",
            "Pilot Ost",
        )
        assert row.load_test_run_id == newest.id == change.load_test_run_id
        assert row.changed_at.replace(tzinfo=UTC) == now
        assert _state(session, jobcenter_id="jc-bremen") is RolloutState.OFF  # other jobcenters unchanged
        later = _promote(session, registry, to_state="live", now=now + timedelta(days=30))
        assert (later.from_state, later.to_state) == ("pilot", "live")
        assert _state(session) is RolloutState.LIVE


def test_off_to_live_needs_a_pilot_unless_live_elsewhere(db: Database, registry: ConnectorRegistry) -> None:
    with db.session() as session:
        add_load_test_run(session, service="placement")
        refused = _refused(session, registry, to_state="live")
        assert refused.code == "pilot_required" and "pilot first" in refused.message
        _promote(session, registry, jobcenter_id="jc-berlin-mitte", to_state="live")  # pilot → live in Berlin
        change = _promote(session, registry, to_state="live")  # now Leipzig may go straight to live
        assert (change.from_state, change.to_state) == ("off", "live")


def test_demotion_needs_no_evidence(db: Database, registry: ConnectorRegistry) -> None:
    with db.session() as session:
        change = _promote(session, registry, service="wba", to_state="off", reason="Störung ALLEGRO")
        assert change.load_test_run_id is None and change.from_state == "live"
        assert _state(session, service="wba") is RolloutState.OFF
        back = _refused(session, registry, service="wba", to_state="pilot")
        assert back.code == "missing_load_test"  # going back up needs evidence again


def test_nonsense_is_refused_with_codes(db: Database, registry: ConnectorRegistry) -> None:
    with db.session() as session:
        add_load_test_run(session, service="placement")
        assert _refused(session, registry, to_state="off").code == "no_change"
        assert _refused(session, registry, to_state="beta").code == "invalid_state"
        assert _refused(session, registry, jobcenter_id="jc-hamburg", to_state="pilot").code == "unknown_jobcenter"
        assert _refused(session, registry, service="kindergeld", to_state="pilot").code == "unknown_service"
        assert _refused(session, registry, service="ha", to_state="pilot").code == "not_installed"
