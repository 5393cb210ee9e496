"""'My jobcenter': postal-code parsing, the responsible jobcenter, and its offer from the rollout state."""

from __future__ import annotations

import pytest

from connectors.sdk.registry import ConnectorRegistry
from roadmap.model import RolloutState, load_roadmap
from services.info import InvalidPostalCode, jobcenter_for_postal_code, online_offers, parse_postal_code
from services.rollout import promote
from services.store.db import Database
from services.store.models import Jobcenter


@pytest.mark.parametrize(("raw", "expected"), [("10115", "10115"), (" 04103 ", "04103"), ("99999", "99999")])
def test_five_digits_are_a_postal_code(raw: str, expected: str) -> None:
    assert parse_postal_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (None, "missing_postal_code"),
        ("", "missing_postal_code"),
        ("   ", "missing_postal_code"),
        ("1011", "invalid_postal_code"),
        ("101155", "invalid_postal_code"),
        ("1O115", "invalid_postal_code"),
        ("10 115", "invalid_postal_code"),
        ("١٠١١٥", "invalid_postal_code"),  # Arabic-Indic digits are digits to Python, not to the post office
    ],
)
def test_anything_else_says_what_to_fix(raw: str | None, code: str) -> None:
    with pytest.raises(InvalidPostalCode) as caught:
        parse_postal_code(raw)
    assert caught.value.code == code
    assert "5 Ziffern" in caught.value.message and "10115" in caught.value.message


def test_a_long_input_is_shortened_in_the_message() -> None:
    with pytest.raises(InvalidPostalCode) as caught:
        parse_postal_code("x" * 500)
    assert len(caught.value.message) < 200


def test_postal_codes_find_the_jobcenter_that_routing_uses(db: Database) -> None:
    with db.session() as session:
        assert jobcenter_for_postal_code(session, "10115").id == "jc-berlin-mitte"  # type: ignore[union-attr]
        assert jobcenter_for_postal_code(session, "13349").id == "jc-berlin-mitte"  # type: ignore[union-attr]
        assert jobcenter_for_postal_code(session, "04315").id == "jc-leipzig"  # type: ignore[union-attr]
        assert jobcenter_for_postal_code(session, "28195").id == "jc-bremen"  # type: ignore[union-attr]
        assert jobcenter_for_postal_code(session, "99999") is None


def test_offer_follows_the_roadmap_and_recorded_rollout_changes(db: Database, registry: ConnectorRegistry) -> None:
    roadmap = load_roadmap()
    with db.session() as session:
        jobcenters = [session.get(Jobcenter, jc) for jc in ("jc-berlin-mitte", "jc-leipzig", "jc-dortmund")]
        offers = online_offers(
            session, roadmap=roadmap, registry=registry, jobcenters=jobcenters, unlisted=RolloutState.OFF
        )
        berlin, leipzig, dortmund = (offers[jc] for jc in ("jc-berlin-mitte", "jc-leipzig", "jc-dortmund"))
        assert {s.key: s.state for s in berlin.available}["placement"] is RolloutState.PILOT
        assert "placement" in {s.key for s in leipzig.unavailable}
        assert [s.key for s in leipzig.applications][:2] == ["wba", "vaem"]  # roadmap order
        assert {s.key for s in leipzig.attachments} >= {"anlage_kdu", "anlage_ki"}
        assert not any(s.attachment for s in leipzig.applications)
        assert {p.key for p in leipzig.planned} == {"ha", "termine", "bescheide"}
        assert (dortmund.mailbox_state, leipzig.mailbox_state, leipzig.mailbox_response_days) == ("pilot", "live", 3)

        promote(
            session,
            roadmap=roadmap,
            registry=registry,
            service="wba",
            jobcenter_id="jc-leipzig",
            to_state="off",
            changed_by="test",
            unlisted=RolloutState.OFF,
        )
        leipzig = online_offers(
            session, roadmap=roadmap, registry=registry, jobcenters=[jobcenters[1]], unlisted=RolloutState.OFF
        )["jc-leipzig"]
    assert "wba" not in {s.key for s in leipzig.available}
    assert "wba" in {s.key for s in leipzig.unavailable}
