"""A filed, routed and completed WBA (the pipeline run without Prefect), and tokens for every kind of caller."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from services.identity.dev_issuer import dev_issuer_for
from services.pipeline.assembly import build_runner
from services.settings import Settings
from services.store.db import Database
from services.transfer.simulator import SimulatorState
from tests.support.pipeline import file_submission

Headers = dict[str, str]


@pytest.fixture
def staff_for(settings: Settings, db: Database) -> Callable[[str], Headers]:
    """Bearer headers of a demo staff member (the portal trusts only its staff table for the jobcenter)."""
    issuer = dev_issuer_for(settings)

    def headers(staff_id: str) -> Headers:
        return {"Authorization": f"Bearer {issuer.mint(staff_id, roles=['staff'])}"}

    return headers


@pytest.fixture
def operator(settings: Settings) -> Headers:
    return {"Authorization": f"Bearer {dev_issuer_for(settings).mint('ops-oncall-1', roles=['operator'])}"}


@pytest.fixture
def complete(
    settings: Settings, db: Database, registry: ConnectorRegistry, simulator: SimulatorState
) -> Callable[[str], None]:
    """Run every stage of one submission (intake routes it, efile files it, transfer hands it over)."""
    runner = build_runner(settings, db=db, registry=registry)
    return runner.run_all


@pytest.fixture
def wba(
    client: TestClient,
    token_for: Callable[[str], Headers],
    registry: ConnectorRegistry,
    complete: Callable[[str], None],
) -> dict[str, Any]:
    """kd-1001's WBA, routed to jc-berlin-mitte's Leistungsteam 1 and completed."""
    filed = file_submission(client, token_for("kd-1001"), "wba", copy.deepcopy(registry.get("wba").examples()[0]))
    complete(filed["id"])
    return filed
