"""Placement offers end to end over real HTTP: the portal and the VerBIS simulator each on loopback.

The simulator pushes offers to the portal's inbound API; the pipeline hands answers over to the same
simulator's VerBIS cases. Offers are built relative to today, so deadlines are always in the future.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from connectors.sdk.registry import ConnectorRegistry
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from services.transfer.backoff import Backoff
from services.transfer.placement_simulator import OfferPusher, create_simulator_process_app
from services.transfer.simulator import SimulatorState
from tests.support.http_server import UvicornThread

VERBIS_KEY = "dev-verbis-key"
ANNA_BG = "96101BG0012342"  # kd-1001, Jobcenter Berlin Mitte


def make_offer(bg_number: str = ANNA_BG, *, respond_in_days: int = 10, **changes: Any) -> dict[str, Any]:
    today = date.today()
    offer: dict[str, Any] = {
        "offer_id": f"VV-TEST-{secrets.token_hex(4).upper()}",
        "bg_number": bg_number,
        "issued_on": today.isoformat(),
        "job_title": "Fachkraft für Lagerlogistik (m/w/d)",
        "employer": {"name": "Spedition Nordlicht GmbH", "postal_code": "10557", "city": "Berlin"},
        "place_of_work": "Berlin-Moabit",
        "working_hours": "Vollzeit, 40 Stunden/Woche",
        "salary": "2.750 € brutto monatlich",
        "how_to_apply": "Per E-Mail an bewerbung@nordlicht.invalid",
        "respond_by": (today + timedelta(days=respond_in_days)).isoformat(),
    }
    return {**offer, **changes}


@pytest.fixture
def portal_server(settings: Settings, db: Database, registry: ConnectorRegistry) -> Iterator[UvicornThread]:
    with UvicornThread(create_app(settings, db=db, registry=registry)) as server:
        yield server


@pytest.fixture
def verbis_state() -> SimulatorState:
    return SimulatorState(reference_prefix="VBS")


@pytest.fixture
def verbis_server(portal_server: UvicornThread, verbis_state: SimulatorState) -> Iterator[UvicornThread]:
    """ALLEGRO at /, VerBIS under /verbis, pushing to the portal as `ozgflow up` wires it."""
    pusher = OfferPusher(
        f"{portal_server.url}/api/v1/inbound/placement", VERBIS_KEY, backoff=Backoff(0.01, 0.05), max_tries=3
    )
    with UvicornThread(create_simulator_process_app(SimulatorState(), verbis_state, pusher)) as server:
        yield server


@pytest.fixture
def placement_settings(settings: Settings, verbis_server: UvicornThread) -> Settings:
    return settings.model_copy(update={"verbis_url": f"{verbis_server.url}/verbis"})


@pytest.fixture
def push(verbis_server: UvicornThread) -> Iterator[Callable[[dict[str, Any]], httpx.Response]]:
    """Ask the simulator to push (an offer, or the demo shortcut) and return its answer."""
    with httpx.Client(base_url=f"{verbis_server.url}/verbis", timeout=15.0) as http:
        yield lambda body: http.post("/_simulator/offers", json=body)
