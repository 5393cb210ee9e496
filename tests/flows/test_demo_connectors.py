"""The training connectors: one never gets through to the back-office system, one is slow."""

from __future__ import annotations

from fastapi.testclient import TestClient

from connectors.demo.connector import FAILING_PROCEDURE, SLOW_PROCEDURE
from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker
from services.store.db import Database
from services.transfer import simulator as simulator_module
from services.transfer.simulator import Faults, SimulatorState
from tests.support.pipeline import file_submission, run_worker_until, statuses


def test_demo_procedures_are_the_ones_the_simulator_knows() -> None:
    assert FAILING_PROCEDURE == simulator_module.ALWAYS_FAILING_PROCEDURE
    assert SLOW_PROCEDURE == simulator_module.SLOW_PROCEDURE


def test_failing_demo_is_retried_then_dead_lettered_while_others_complete(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for,
    db: Database,
    simulator: SimulatorState,
    worker: PipelineWorker,
) -> None:  # type: ignore[no-untyped-def]
    headers = token_for("kd-1001")
    failing = file_submission(client, headers, "demo_failing", registry.get("demo_failing").examples()[0])
    normal = file_submission(client, headers, "wba", registry.get("wba").examples()[0])
    ids = [failing["id"], normal["id"]]
    run_worker_until(worker, lambda: set(statuses(db, ids).values()) <= {"completed", "failed"})
    assert statuses(db, ids) == {failing["id"]: "failed", normal["id"]: "completed"}
    status = client.get(failing["status_url"], headers=headers).json()
    transfer = next(s for s in status["stages"] if s["stage"] == "transfer")
    assert transfer["status"] == "failed" and "503" in transfer["error"]
    assert status["attempts"] == 3 and "after 3 attempts" in status["failure_reason"]
    assert [c["eingangsnummer"] for c in simulator.cases()] == [normal["receipt_number"]]


def test_slow_demo_completes_with_one_case(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for,
    db: Database,
    simulator: SimulatorState,
    worker: PipelineWorker,
) -> None:  # type: ignore[no-untyped-def]
    simulator.set_faults(Faults(training_slow_ms=300))
    filed = file_submission(client, token_for("kd-2001"), "demo_slow", registry.get("demo_slow").examples()[0])
    run_worker_until(worker, lambda: statuses(db, [filed["id"]])[filed["id"]] == "completed")
    assert len(simulator.cases()) == 1
