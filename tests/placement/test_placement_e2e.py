"""Placement offers end to end over real HTTP: VerBIS pushes, the customer answers, the Prefect worker runs
the pipeline, VerBIS holds exactly one case, and the confirmation is in the Postfach."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import worker_from_settings
from services.pipeline.assembly import build_runner
from services.settings import Settings
from services.store.db import Database
from services.transfer.simulator import SimulatorState
from tests.placement.conftest import ANNA_BG
from tests.support.http_server import UvicornThread
from tests.support.pipeline import run_worker_until, statuses

Push = Callable[[dict[str, Any]], httpx.Response]


@pytest.fixture
def portal(portal_server: UvicornThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=portal_server.url, timeout=15.0) as http:
        yield http


def test_offer_pushed_answered_handed_over_and_confirmed(
    prefect_server: str,
    push: Push,
    portal: httpx.Client,
    placement_settings: Settings,
    db: Database,
    registry: ConnectorRegistry,
    verbis_state: SimulatorState,
    token_for: Callable[[str], dict[str, str]],
) -> None:
    pushed = push({"bg_number": ANNA_BG})
    assert pushed.status_code == 200, pushed.text
    [result] = pushed.json()["results"]
    assert result["status"] == 201
    offer_id = result["offer_id"]
    anna = token_for("kd-1001")

    offers = [
        m for m in portal.get("/api/v1/mailbox", headers=anna).json()["messages"] if m["kind"] == "placement_offer"
    ]
    assert len(offers) == 1 and offers[0]["id"] == result["answer"]["mailbox_message_id"]
    assert offer_id in offers[0]["body"] and "§ 31 SGB II" in offers[0]["body"]
    assert "Rückmeldung bis" in offers[0]["body"] and "Jobcenter Berlin Mitte" in offers[0]["body"]

    answer = {"offer_id": offer_id, "outcome": "applied", "applied_on": date.today().isoformat()}
    # another customer of the same jobcenter (placement is a pilot in Berlin Mitte only, see roadmap.yaml)
    foreign = portal.post("/api/v1/submissions/placement", json=answer, headers=token_for("kd-1002"))
    assert (foreign.status_code, foreign.json()["error"]["code"]) == (422, "unknown_reference")
    assert foreign.json()["error"]["fields"][0]["field"] == "offer_id"
    filed = portal.post("/api/v1/submissions/placement", json=answer, headers=anna)
    assert filed.status_code == 202, filed.text
    twice = portal.post("/api/v1/submissions/placement", json=answer, headers=anna)
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "already_answered")

    submission_id = filed.json()["id"]
    worker = worker_from_settings(
        placement_settings, runner=build_runner(placement_settings, db=db, registry=registry), worker_id="placement"
    )
    run_worker_until(worker, lambda: statuses(db, [submission_id])[submission_id] == "completed")

    cases = [c for c in verbis_state.cases() if c["idempotency_key"] == f"ozgflow-{submission_id}"]
    assert len(cases) == 1 and cases[0]["case_reference"].startswith("VBS-")
    case = verbis_state.case(cases[0]["case_reference"])
    assert case is not None
    assert case["payload"]["vermittlungsvorschlag"]["vv_nummer"] == offer_id
    assert case["payload"]["rueckmeldung"]["outcome"] == "applied"
    assert case["payload"]["rueckmeldung"]["fristgerecht"] is True
    status = portal.get(filed.json()["status_url"], headers=anna).json()
    assert status["case_reference"] == cases[0]["case_reference"]

    receipts = [m for m in portal.get("/api/v1/mailbox", headers=anna).json()["messages"] if m["kind"] == "receipt"]
    assert len(receipts) == 1
    assert offer_id in receipts[0]["subject"] and filed.json()["receipt_number"] in receipts[0]["body"]
    assert "Jobcenter Berlin Mitte" in receipts[0]["body"]


def test_pushing_the_same_offer_twice_gives_one_item_and_one_message(
    push: Push, portal: httpx.Client, token_for: Callable[[str], dict[str, str]]
) -> None:
    offer = {
        "offer_id": "VV-E2E-000001",
        "bg_number": ANNA_BG,
        "issued_on": date.today().isoformat(),
        "job_title": "Koch/Köchin (m/w/d)",
        "employer": {"name": "Gasthaus Zur Linde", "city": "Berlin"},
        "place_of_work": "Berlin-Mitte",
        "working_hours": "Teilzeit, 30 Stunden/Woche",
        "how_to_apply": "Persönlich vorbeikommen, Montag bis Freitag 10–12 Uhr.",
        "respond_by": (date.today() + timedelta(days=7)).isoformat(),
    }
    first, again = push(offer).json()["results"][0], push(offer).json()["results"][0]
    assert (first["status"], again["status"]) == (201, 200)
    assert first["answer"]["item_id"] == again["answer"]["item_id"]
    messages = portal.get("/api/v1/mailbox", headers=token_for("kd-1001")).json()["messages"]
    assert [m["kind"] for m in messages] == ["placement_offer"]
    assert "Gehalt" not in messages[0]["body"] and "Vergütung" not in messages[0]["body"]  # none given


def test_simulator_reports_what_the_platform_answered(push: Push) -> None:
    unknown = push({"bg_number": "11111BG0000001"}).json()["results"][0]
    assert unknown["status"] == 422 and unknown["answer"]["error"]["code"] == "unknown_customer"
    assert push({"bg_number": "nope"}).status_code == 422
    several = push({"bg_number": ANNA_BG, "count": 3}).json()["results"]
    assert [r["status"] for r in several] == [201, 201, 201] and len({r["offer_id"] for r in several}) == 3
