"""The pipeline as Prefect runs it: end to end through a real Prefect server."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, LogFilter, LogFilterFlowRunId

from connectors.sdk.registry import ConnectorRegistry
from flows.pipeline import FLOW_NAME
from flows.worker import PipelineWorker
from services.demo.data import CUSTOMERS
from services.store.db import Database
from services.store.models import OutboxEntry
from services.transfer.simulator import Faults, SimulatorState
from tests.support.pipeline import file_submission, run_worker_until, statuses


async def _prefect_record(worker_id: str) -> list[dict[str, Any]]:
    """Everything Prefect stored about this worker's flow runs: runs, task runs and logs."""
    async with get_client() as client:
        runs = [r for r in await client.read_flow_runs(limit=200) if r.parameters.get("worker_id") == worker_id]
        ids = [r.id for r in runs]
        tasks = await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids)), limit=200)
        logs = await client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=ids)), limit=200)
    return (
        [
            {
                "name": r.name,
                "tags": r.tags,
                "parameters": r.parameters,
                "state": r.state_name,
                "message": r.state.message if r.state else None,
            }
            for r in runs
        ]
        + [
            {"task": t.name, "tags": t.tags, "state": t.state_name, "message": t.state.message if t.state else None}
            for t in tasks
        ]
        + [{"log": log.message} for log in logs]
    )


def test_wba_and_vaem_complete_end_to_end_and_prefect_holds_ids_only(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for,
    db: Database,
    simulator: SimulatorState,
    worker: PipelineWorker,
) -> None:  # type: ignore[no-untyped-def]
    headers = token_for("kd-1002")
    wba = registry.get("wba").examples()[-1]
    vaem = registry.get("vaem").examples()[-1]
    filed = [file_submission(client, headers, "wba", wba), file_submission(client, headers, "vaem", vaem)]
    ids = [f["id"] for f in filed]

    run_worker_until(worker, lambda: set(statuses(db, ids).values()) == {"completed"})

    for f in filed:
        status = client.get(f["status_url"], headers=headers).json()
        assert status["status"] == "completed"
        assert status["jobcenter"]["name"] == "Jobcenter Berlin Mitte"
        assert status["case_reference"] and status["case_reference"].startswith("ALG-")
        assert [s["status"] for s in status["stages"]] == ["succeeded"] * 4
    teams = {client.get(f["status_url"], headers=headers).json()["team"] for f in filed}
    assert teams == {"Leistungsteam 2 (BG-Endziffern 5–9)", "Team Veränderungsmitteilungen"}
    assert len(simulator.cases()) == 2

    mailbox = client.get("/api/v1/mailbox", headers=headers).json()
    assert mailbox["unread"] == 2
    receipts = {m["receipt_number"]: m for m in mailbox["messages"]}
    for f in filed:
        message = receipts[f["receipt_number"]]
        assert f["receipt_number"] in message["body"]
        assert "Jobcenter Berlin Mitte" in message["body"]
    opened = client.get(f"/api/v1/mailbox/{mailbox['messages'][0]['id']}", headers=headers).json()
    assert opened["read_at"] is not None
    assert client.get("/api/v1/mailbox", headers=headers).json()["unread"] == 1
    assert client.get("/api/v1/mailbox", headers=token_for("kd-1001")).json()["messages"] == []

    expected = {f"{stage} {f['receipt_number']}" for f in filed for stage in ("intake", "efile", "transfer", "mailbox")}
    for _ in range(120):  # task runs reach Prefect's API as events, asynchronously: wait (bounded) for them
        record = asyncio.run(_prefect_record(worker.worker_id))
        task_names = {r["task"] for r in record if "task" in r}
        if expected <= task_names:
            break
        time.sleep(0.25)
    flow_runs = [r for r in record if "parameters" in r]
    assert flow_runs and all(r["state"] == "Completed" for r in flow_runs)
    assert {"service:wba", "service:vaem", "jobcenter:jc-berlin-mitte"} <= {t for r in flow_runs for t in r["tags"]}
    assert expected <= task_names
    for run in flow_runs:
        for claim in run["parameters"]["claims"]:
            assert set(claim) == {"submission_id", "attempt"}

    customer = next(c for c in CUSTOMERS if c.id == "kd-1002")
    personal = {customer.given_name, customer.family_name, customer.street, customer.bg_number, customer.city}
    personal |= _leaf_strings(wba) | _leaf_strings(vaem)
    dumped = json.dumps(record, ensure_ascii=False, default=str)
    leaked = sorted(p for p in personal if p in dumped)
    assert not leaked, f"personal data reached Prefect: {leaked}"


def _leaf_strings(form: Any) -> set[str]:
    """Free-text values of a form (names, IBANs, employers...) that must never reach Prefect."""
    found: set[str] = set()
    if isinstance(form, dict):
        for value in form.values():
            found |= _leaf_strings(value)
    elif isinstance(form, list):
        for value in form:
            found |= _leaf_strings(value)
    elif isinstance(form, str) and len(form) >= 6 and not form[:4].isdigit() and not form.islower():
        found.add(form)  # skip dates, amounts and enum codes like "employment"
    return found


def test_back_office_outage_is_retried_until_it_recovers_with_one_case(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for,
    db: Database,
    simulator: SimulatorState,
    worker: PipelineWorker,
) -> None:  # type: ignore[no-untyped-def]
    simulator.set_faults(Faults(outage=True))
    filed = file_submission(client, token_for("kd-1001"), "wba", copy.deepcopy(registry.get("wba").examples()[0]))
    run_worker_until(worker, lambda: statuses(db, [filed["id"]])[filed["id"]] == "retry_scheduled")
    waiting = client.get(filed["status_url"], headers=token_for("kd-1001")).json()
    assert waiting["next_attempt_at"] is not None
    transfer = next(s for s in waiting["stages"] if s["stage"] == "transfer")
    assert transfer["status"] == "failed" and "ALLEGRO" in transfer["error"]
    assert [s["status"] for s in waiting["stages"][:2]] == ["succeeded", "succeeded"]

    simulator.set_faults(Faults())
    run_worker_until(worker, lambda: statuses(db, [filed["id"]])[filed["id"]] == "completed")
    assert len(simulator.cases()) == 1
    done = client.get(filed["status_url"], headers=token_for("kd-1001")).json()
    assert done["stages"][0]["attempts"] == 1  # intake was not repeated
    assert done["attempts"] == 2


def test_exhausted_attempts_end_failed_with_reason(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for,
    db: Database,
    simulator: SimulatorState,
    worker: PipelineWorker,
) -> None:  # type: ignore[no-untyped-def]
    simulator.set_faults(Faults(outage=True))
    filed = file_submission(client, token_for("kd-1001"), "wba", copy.deepcopy(registry.get("wba").examples()[0]))
    run_worker_until(worker, lambda: statuses(db, [filed["id"]])[filed["id"]] == "failed")
    status = client.get(filed["status_url"], headers=token_for("kd-1001")).json()
    assert "after 3 attempts" in status["failure_reason"]
    assert status["attempts"] == 3
    with db.session() as session:
        entry = session.query(OutboxEntry).filter_by(submission_id=filed["id"]).one()
        assert entry.state == "dead"
    assert simulator.cases() == []


def test_customer_outside_every_area_fails_at_intake_without_retries(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for,
    db: Database,
    simulator: SimulatorState,
    worker: PipelineWorker,
) -> None:  # type: ignore[no-untyped-def]
    filed = file_submission(client, token_for("kd-9001"), "wba", copy.deepcopy(registry.get("wba").examples()[0]))
    run_worker_until(worker, lambda: statuses(db, [filed["id"]])[filed["id"]] == "failed")
    status = client.get(filed["status_url"], headers=token_for("kd-9001")).json()
    assert status["attempts"] == 1
    assert "NotRoutable" in status["failure_reason"]
    assert status["stages"][0]["status"] == "failed"
    assert simulator.cases() == []


def test_portal_accepts_while_prefect_is_down_and_work_completes_later(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for,
    db: Database,
    simulator: SimulatorState,
    worker: PipelineWorker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, temporary_settings

    from tests.support.http_server import free_port

    filed = file_submission(client, token_for("kd-1001"), "wba", copy.deepcopy(registry.get("wba").examples()[0]))
    with temporary_settings({PREFECT_API_URL: f"http://127.0.0.1:{free_port()}/api", PREFECT_CLIENT_MAX_RETRIES: 0}):
        monkeypatch.setattr(worker, "_orchestration_backoff", type(worker._orchestration_backoff)(0.01, 0.01))
        claimed = asyncio.run(worker.run_once())
    assert claimed == 1
    with db.session() as session:
        entry = session.query(OutboxEntry).filter_by(submission_id=filed["id"]).one()
        assert (entry.state, entry.attempts) == ("ready", 0)  # given back, attempt not counted
    assert statuses(db, [filed["id"]])[filed["id"]] == "accepted"

    run_worker_until(worker, lambda: statuses(db, [filed["id"]])[filed["id"]] == "completed")
    assert len(simulator.cases()) == 1


def test_flow_is_registered_under_its_name(worker: PipelineWorker) -> None:
    assert worker.flow.name == FLOW_NAME
