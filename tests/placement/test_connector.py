"""The placement connector without a platform: the contract kit, the checks' German messages, the texts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

import pytest

from connectors.placement import connector
from connectors.placement.checks import check_placement
from connectors.placement.form import PlacementForm
from connectors.placement.offer import PlacementOffer
from connectors.sdk import FieldProblem, InboundNoticeContext
from connectors.sdk.testkit import ConnectorContract, sample_context
from tests.placement.conftest import make_offer

TODAY = date(2026, 11, 26)
OFFER = make_offer(offer_id="VV-20261120-4F2A9C", issued_on="2026-11-20", respond_by="2026-12-04")


class TestPlacementContract(ConnectorContract):
    connector = connector
    inbound_payload: ClassVar[dict[str, Any] | None] = OFFER
    bad_inputs: ClassVar[list[tuple[dict[str, Any], str]]] = [
        ({"outcome": "vielleicht"}, "outcome"),
        ({"offer_id": ""}, "offer_id"),
    ]


def problems(**fields: Any) -> dict[str, FieldProblem]:
    form = PlacementForm.model_validate({"offer_id": "VV-1", **fields})
    return {p.field: p for p in check_placement(form, TODAY)}


def test_identity() -> None:
    assert (connector.key, connector.handover_system, connector.roadmap_stage) == ("placement", "verbis", 3)
    assert connector.title == "Rückmeldung zum Vermittlungsvorschlag"
    assert connector.inbound_reference_field == "offer_id"
    assert connector.inbound is not None and connector.inbound.source_system == "verbis"


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"outcome": "not_applied"}, "reason", "required_for_outcome"),
        ({"outcome": "not_applied", "reason": "other"}, "reason_details", "reason_details_required"),
        (
            {"outcome": "not_applied", "reason": "health", "applied_on": "2026-11-20"},
            "applied_on",
            "not_expected_for_outcome",
        ),
        ({"outcome": "hired", "applied_on": "2026-11-20"}, "start_date", "required_for_outcome"),
        ({"outcome": "applied"}, "applied_on", "required_for_outcome"),
        ({"outcome": "applied", "applied_on": "2026-11-27"}, "applied_on", "date_in_future"),
        ({"outcome": "invited_to_interview", "applied_on": "2026-11-20"}, "interview_on", "required_for_outcome"),
        (
            {"outcome": "invited_to_interview", "applied_on": "2026-11-20", "interview_on": "2026-11-19"},
            "interview_on",
            "before_application",
        ),
        (
            {"outcome": "hired", "applied_on": "2026-11-20", "interview_on": "2026-11-25", "start_date": "2026-11-24"},
            "start_date",
            "start_before_interview",
        ),
        (
            {"outcome": "hired", "applied_on": "2026-11-20", "start_date": "2028-01-01"},
            "start_date",
            "date_too_far_in_future",
        ),
        ({"outcome": "applied", "applied_on": "2026-11-20", "reason": "health"}, "reason", "not_expected_for_outcome"),
    ],
)
def test_checks_name_the_field_in_german(fields: dict[str, Any], field: str, code: str) -> None:
    found = problems(**fields)
    assert field in found and found[field].code == code, found
    assert found[field].message.startswith(("Bitte", "Diese", "Das", "Der")), found[field].message


def test_consistent_answers_pass() -> None:
    assert problems(outcome="hired", applied_on="2026-11-20", interview_on="2026-11-22", start_date="2026-12-01") == {}
    assert problems(outcome="not_applied", reason="position_filled") == {}


def _notice_context() -> InboundNoticeContext:
    ctx = sample_context(connector)
    received = datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert connector.inbound is not None
    due = connector.inbound.due_at(PlacementOffer.model_validate(OFFER), received)
    return InboundNoticeContext("item-1", OFFER["offer_id"], received, due, ctx.customer, ctx.jobcenter)


def test_offer_notice_shows_offer_deadline_jobcenter_and_the_notice_of_legal_consequences() -> None:
    spec, ctx = connector.inbound, _notice_context()
    assert spec is not None
    text = spec.notice(PlacementOffer.model_validate(OFFER), ctx)
    for expected in (
        "Fachkraft für Lagerlogistik",
        "Spedition Nordlicht GmbH",
        "Berlin-Moabit",
        "Vollzeit, 40 Stunden/Woche",
        "2.750 € brutto monatlich",
        "bewerbung@nordlicht.invalid",
        "04.12.2026, 23:59 Uhr",  # end of the day in Berlin
        "Jobcenter Berlin Mitte",
        "Rechtsfolgenbelehrung (§ 31 SGB II)",
        "10 Prozent Ihres Regelbedarfs für einen Monat",
        "20 Prozent Ihres Regelbedarfs für zwei Monate",
        "30 Prozent Ihres Regelbedarfs für drei Monate",
        "wichtigen Grund",
        "Ihre Gründe erklären",
        "Demo-Text",
        "Rechtsabteilung",
    ):
        assert expected in text.body, expected
    assert OFFER["offer_id"] in text.subject and "04.12.2026" in text.subject


def test_deadline_defaults_to_two_weeks_and_reminder_three_days_before() -> None:
    spec = connector.inbound
    assert spec is not None
    received = datetime(2026, 11, 20, 9, tzinfo=UTC)
    offer = PlacementOffer.model_validate({**OFFER, "respond_by": None})
    due = spec.due_at(offer, received)
    assert due == datetime(2026, 12, 4, 22, 59, 59, tzinfo=UTC)  # 23:59:59 CET
    assert spec.remind_at(due, received) == due - timedelta(days=3)
    assert spec.remind_at(received + timedelta(days=1), received) is None  # too short for a reminder


def test_handover_carries_the_offer_id_and_the_answer() -> None:
    ctx = TestPlacementContract().context()
    form = PlacementForm.model_validate(connector.examples(TODAY)[0])
    payload = connector.handover_payload(form, ctx)
    assert payload["vorgangsart"] == "VV-RUECKMELDUNG"
    assert payload["vermittlungsvorschlag"]["vv_nummer"] == OFFER["offer_id"]
    assert payload["rueckmeldung"]["outcome"] == "applied"
    receipt = connector.receipt(form, ctx)
    assert OFFER["offer_id"] in receipt.subject and "Spedition Nordlicht GmbH" in receipt.body
