"""HTTP simulator of the placement back-office system (VerBIS-like), served under ``/verbis`` of the simulator.

Why: placement is two-way. Like ALLEGRO, the simulator takes answers as cases (``POST /verbis/api/v1/cases``,
idempotent by ``Idempotency-Key``, references ``VBS-…``, faults on demand: the same ``SimulatorState`` and
routes as ALLEGRO). Unlike ALLEGRO, VerBIS also *sends*: ``POST /verbis/_simulator/offers`` makes it push a
placement offer to the platform's inbound API with its API key, retrying transient failures like a real
system would, and answers with what the platform said. A body with ``offer_id`` is pushed as given; a
body like ``{"bg_number": "96101BG0012342", "count": 2}`` pushes realistic demo offers.

Mounted into the ALLEGRO app (``create_simulator_process_app``) so ``ozgflow up`` needs no extra port. With a
``Telemetry`` both continue the caller's trace (one server span per request, also for ``/verbis/...``).
"""

from __future__ import annotations

import asyncio
import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.sdk.fields import BgNumber
from services.telemetry import Telemetry
from services.transfer.backoff import Backoff
from services.transfer.simulator import SimulatorState, create_simulator_app

VERBIS_PREFIX = "/verbis"


@dataclass(frozen=True)
class PushResult:
    offer_id: str
    status: int
    answer: Any
    tries: int


class PushFailed(Exception):
    """The platform stayed unreachable (or answered 5xx/429) through every try."""


class OfferPusher:
    """Pushes offers to the platform's inbound API: ``X-API-Key``, bounded tries with backoff."""

    def __init__(
        self,
        target_url: str | None,
        api_key: str | None,
        *,
        max_tries: int = 4,
        backoff: Backoff | None = None,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.target_url = target_url
        self.api_key = api_key
        self.max_tries = max_tries
        self.backoff = backoff or Backoff(0.2, 2.0)
        self.timeout = timeout_seconds

    async def push(self, offer: dict[str, Any]) -> PushResult:
        if not self.target_url:
            raise PushFailed("no push target configured (--push-url / OZGFLOW_SIMULATOR_PUSH_URL)")
        headers = {"X-API-Key": self.api_key} if self.api_key else {}
        last = ""
        async with httpx.AsyncClient(timeout=self.timeout) as http:
            for try_number in range(1, self.max_tries + 1):
                try:
                    response = await http.post(self.target_url, json=offer, headers=headers)
                except httpx.TransportError as exc:
                    last = type(exc).__name__
                else:
                    if response.status_code < 500 and response.status_code != 429:
                        return PushResult(str(offer.get("offer_id")), response.status_code, _json(response), try_number)
                    last = f"HTTP {response.status_code}"
                if try_number < self.max_tries:
                    await asyncio.sleep(self.backoff.delay(try_number))
        raise PushFailed(f"platform not reachable after {self.max_tries} tries: {last}")


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:500]


class DemoOffers(BaseModel):
    """The shortcut: demo offers for one customer."""

    model_config = ConfigDict(extra="forbid")

    bg_number: BgNumber
    count: int = Field(default=1, ge=1, le=20)
    respond_in_days: int = Field(default=14, ge=1, le=90)


_DEMO_JOBS: tuple[dict[str, Any], ...] = (
    {
        "job_title": "Fachkraft für Lagerlogistik (m/w/d)",
        "employer": {
            "name": "Spedition Nordlicht GmbH",
            "street": "Am Güterbahnhof 7",
            "postal_code": "10557",
            "city": "Berlin",
            "contact_person": "Frau Yilmaz",
            "email": "bewerbung@nordlicht.invalid",
        },
        "place_of_work": "Berlin-Moabit",
        "working_hours": "Vollzeit, 40 Stunden/Woche, Früh- und Spätschicht",
        "salary": "2.750 € brutto monatlich",
        "start": "ab sofort",
        "description": "Warenannahme, Kommissionierung mit Handscanner, Verladung; Staplerschein wird finanziert.",
        "how_to_apply": "Bitte schicken Sie Lebenslauf und Zeugnisse per E-Mail an bewerbung@nordlicht.invalid.",
    },
    {
        "job_title": "Verkäufer/in im Lebensmitteleinzelhandel (m/w/d)",
        "employer": {"name": "Frischemarkt Krause KG", "city": "Berlin", "phone": "030 5555 2200"},
        "place_of_work": "Berlin-Wedding",
        "working_hours": "Teilzeit, 25 Stunden/Woche, Montag bis Samstag",
        "salary": "14,50 € pro Stunde (Tarif)",
        "how_to_apply": "Bitte rufen Sie Herrn Krause an (030 5555 2200) und vereinbaren Sie einen Termin.",
    },
    {
        "job_title": "Pflegehilfskraft in der stationären Altenpflege (m/w/d)",
        "employer": {
            "name": "Seniorenresidenz Am Park gGmbH",
            "street": "Parkweg 3",
            "postal_code": "04315",
            "city": "Leipzig",
            "contact_person": "Herr Becker",
        },
        "place_of_work": "Leipzig-Volkmarsdorf",
        "working_hours": "Vollzeit oder Teilzeit, Wechselschicht",
        "start": "nach Vereinbarung",
        "how_to_apply": "Schriftlich oder per E-Mail mit Lebenslauf; Vorkenntnisse sind nicht erforderlich.",
    },
)


def demo_offer(request: DemoOffers, *, rng: random.Random, today: date | None = None) -> dict[str, Any]:
    """A realistic offer with a fresh number (unique across simulator restarts: the platform keeps its items)."""
    day = today or date.today()
    job = rng.choice(_DEMO_JOBS)
    return {
        "offer_id": f"VV-{day:%Y%m%d}-{secrets.token_hex(3).upper()}",
        "bg_number": request.bg_number,
        "issued_on": day.isoformat(),
        **job,
        "respond_by": (day + timedelta(days=request.respond_in_days)).isoformat(),
        "placement_officer": "Frau Neumann, Arbeitsvermittlung, Telefon 030 5555 1234",
    }


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def create_verbis_app(
    state: SimulatorState | None = None,
    pusher: OfferPusher | None = None,
    *,
    rng: random.Random | None = None,
    telemetry: Telemetry | None = None,
) -> FastAPI:
    """The VerBIS simulator: ALLEGRO's case routes (own state, ``VBS`` references) plus pushing offers."""
    sim = state if state is not None else SimulatorState(reference_prefix="VBS")
    offers = pusher or OfferPusher(None, None)
    pick = rng or random.Random()
    app = create_simulator_app(
        sim, title="VerBIS-Simulator", description="Simulated placement back-office system.", telemetry=telemetry
    )
    app.state.pusher = offers

    @app.post("/_simulator/offers")
    async def push_offers(body: dict[str, Any]) -> JSONResponse:
        if "offer_id" in body:
            batch = [body]
        else:
            try:
                request = DemoOffers.model_validate(body)
            except ValidationError as exc:
                fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors())
                return _error(422, "invalid_request", f"Ungültige Anfrage: {fields}")
            batch = [demo_offer(request, rng=pick) for _ in range(request.count)]
        try:
            results = [await offers.push(offer) for offer in batch]
        except PushFailed as exc:
            return _error(502, "platform_unreachable", str(exc))
        return JSONResponse({"results": [r.__dict__ for r in results]})

    return app


def create_simulator_process_app(
    allegro: SimulatorState | None = None,
    verbis: SimulatorState | None = None,
    pusher: OfferPusher | None = None,
    *,
    telemetry: Telemetry | None = None,
) -> FastAPI:
    """What ``ozgflow simulator`` serves: ALLEGRO at ``/``, VerBIS under ``/verbis``."""
    app = create_simulator_app(allegro, telemetry=telemetry)
    verbis_app = create_verbis_app(verbis, pusher, telemetry=telemetry)
    app.state.verbis = verbis_app.state.simulator
    app.mount(VERBIS_PREFIX, verbis_app)
    return app
