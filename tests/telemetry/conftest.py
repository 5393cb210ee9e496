"""A traced platform: portal, worker and back-office simulator, each with its own in-memory telemetry, so a
trace can only be whole if its context really crossed the database and HTTP between them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker, worker_from_settings
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from services.telemetry import Telemetry, telemetry_from_settings
from services.transfer.simulator import SimulatorState, create_simulator_app
from tests.support.http_server import UvicornThread


@dataclass
class TracedPlatform:
    settings: Settings
    client: TestClient
    worker: PipelineWorker
    simulator: SimulatorState
    portal_telemetry: Telemetry
    simulator_telemetry: Telemetry

    @property
    def telemetries(self) -> list[Telemetry]:
        return [self.portal_telemetry, self.worker.telemetry, self.simulator_telemetry]


@pytest.fixture
def traced_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"otel_exporter": "memory", "otel_service_name": "ozgflow-test"})


@pytest.fixture
def traced_platform(
    traced_settings: Settings, db: Database, registry: ConnectorRegistry, prefect_server: str
) -> Iterator[TracedPlatform]:
    """The worker is built as ``ozgflow worker`` builds it: from settings alone (its own clients and database)."""
    simulator_telemetry = telemetry_from_settings(traced_settings, component="simulator")
    state = SimulatorState()
    with UvicornThread(create_simulator_app(state, telemetry=simulator_telemetry)) as simulator:
        settings = traced_settings.model_copy(update={"allegro_url": simulator.url})
        portal_telemetry = telemetry_from_settings(settings, component="portal")
        worker = worker_from_settings(settings, worker_id="traced-worker")
        try:
            with TestClient(create_app(settings, db=db, registry=registry, telemetry=portal_telemetry)) as client:
                yield TracedPlatform(settings, client, worker, state, portal_telemetry, simulator_telemetry)
        finally:
            worker.runner.db.dispose()
