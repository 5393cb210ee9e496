"""The VerBIS simulator over real HTTP: cases like ALLEGRO (own state, VBS references), pushes with retries."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from services.transfer.backoff import Backoff
from services.transfer.placement_simulator import OfferPusher, create_simulator_process_app
from services.transfer.simulator import Faults, SimulatorState
from tests.placement.conftest import make_offer
from tests.support.http_server import UvicornThread, free_port

CASE = {"eingangsnummer": "PLACEMENT-20261126-7KQ2M9XH", "vermittlungsvorschlag": {"vv_nummer": "VV-1"}}


def test_verbis_cases_are_idempotent_with_their_own_references_and_faults() -> None:
    allegro, verbis = SimulatorState(), SimulatorState(reference_prefix="VBS")
    with (
        UvicornThread(create_simulator_process_app(allegro, verbis)) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        first = http.post("/verbis/api/v1/cases", json=CASE, headers={"Idempotency-Key": "ozgflow-1"})
        again = http.post("/verbis/api/v1/cases", json=CASE, headers={"Idempotency-Key": "ozgflow-1"})
        assert (first.status_code, again.status_code) == (201, 200)
        assert re.fullmatch(r"VBS-\d{4}-\d{7}", first.json()["case_reference"])
        assert first.json()["case_reference"] == again.json()["case_reference"]
        assert allegro.cases() == [] and len(verbis.cases()) == 1
        http.put("/_simulator/faults", json={"outage": True})  # ALLEGRO down, VerBIS unaffected
        assert http.get("/healthz").status_code == 503
        assert http.get("/verbis/healthz").status_code == 200
        http.put("/verbis/_simulator/faults", json=Faults(fail_next=1).model_dump())
        assert http.post("/verbis/api/v1/cases", json=CASE, headers={"Idempotency-Key": "k2"}).status_code == 503


def _flaky_platform(answers: list[int], seen: list[dict[str, Any]]) -> FastAPI:
    app = FastAPI()

    @app.post("/api/v1/inbound/placement")
    async def inbound(body: dict[str, Any]) -> JSONResponse:
        seen.append(body)
        status = answers.pop(0) if answers else 201
        return JSONResponse({"item_id": "item-1"} if status < 300 else {"error": {"code": "down"}}, status_code=status)

    return app


def test_push_retries_transient_failures_and_reports_an_unreachable_platform() -> None:
    seen: list[dict[str, Any]] = []
    with UvicornThread(_flaky_platform([503, 429], seen)) as platform:
        pusher = OfferPusher(f"{platform.url}/api/v1/inbound/placement", "k", backoff=Backoff(0.01, 0.02))
        with UvicornThread(create_simulator_process_app(pusher=pusher)) as sim:
            result = httpx.post(f"{sim.url}/verbis/_simulator/offers", json=make_offer(), timeout=10).json()
    assert result["results"][0]["status"] == 201 and result["results"][0]["tries"] == 3
    assert len(seen) == 3 and seen[0] == seen[2]  # the same offer every try: the platform dedups by its id

    nowhere = OfferPusher(f"http://127.0.0.1:{free_port()}/x", "k", max_tries=2, backoff=Backoff(0.01, 0.02))
    with UvicornThread(create_simulator_process_app(pusher=nowhere)) as sim:
        failed = httpx.post(f"{sim.url}/verbis/_simulator/offers", json={"bg_number": "96101BG0012342"}, timeout=10)
    assert (failed.status_code, failed.json()["error"]["code"]) == (502, "platform_unreachable")
