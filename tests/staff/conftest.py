"""The staff workspace tests run the real pipeline against the one session-wide Prefect server."""

from __future__ import annotations

import pytest

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker, worker_from_settings
from services.pipeline.assembly import build_runner
from services.settings import Settings
from services.store.db import Database


@pytest.fixture
def worker(prefect_server: str, settings: Settings, db: Database, registry: ConnectorRegistry) -> PipelineWorker:
    return worker_from_settings(
        settings, runner=build_runner(settings, db=db, registry=registry), worker_id="staff-test-worker"
    )
