"""Lookup and retry against the real pipeline: a submission that failed because the back-office system was
down is found by its receipt number, retried by an operator, and then completes — once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker
from services.store.db import Database
from services.store.models import OutboxEntry, StageResult, Submission, SubmissionEvent
from services.transfer.simulator import Faults, SimulatorState
from tests.ops.conftest import OPERATOR, Headers
from tests.support.pipeline import file_and_fail, run_worker_until, statuses

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def _fail(
    client: TestClient, registry: ConnectorRegistry, token_for: Any, db: Database, worker: PipelineWorker, customer: str
) -> dict[str, Any]:
    return file_and_fail(client, token_for(customer), registry.get("wba").examples()[0], db, worker)


def test_lookup_shows_the_timeline_and_a_retry_completes_the_submission(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for: Any,
    db: Database,
    simulator: SimulatorState,
    worker: PipelineWorker,
    operator: Headers,
) -> None:
    simulator.set_faults(Faults(outage=True))
    filed = _fail(client, registry, token_for, db, worker, "kd-1001")
    receipt = filed["receipt_number"]
    with db.session() as session:
        session.get(Submission, filed["id"]).traceparent = f"00-{TRACE_ID}-00f067aa0ba902b7-01"  # type: ignore[union-attr]

    found = client.get(f"/api/v1/ops/submissions/{receipt.lower()}", headers=operator)  # read out on the phone
    assert found.status_code == 200, found.text
    timeline = found.json()
    assert timeline["receipt_number"] == receipt and timeline["status"] == "failed" and timeline["retryable"]
    assert timeline["trace_id"] == TRACE_ID
    assert timeline["jobcenter_id"] == "jc-berlin-mitte"
    assert [(s["stage"], s["status"]) for s in timeline["stages"]] == [
        ("intake", "succeeded"),
        ("efile", "succeeded"),
        ("transfer", "failed"),
        ("mailbox", "pending"),
    ]
    transfer = timeline["stages"][2]
    assert transfer["error"].startswith("HandoverFailed:") and "ALLEGRO" in transfer["error"]
    assert timeline["outbox"]["state"] == "dead" and timeline["outbox"]["attempts"] == 3
    assert "after 3 attempts" in timeline["failure_reason"]
    assert "[BG-Nr.]" in timeline["stages"][1]["reference"]  # the e-file key, without its BG number
    by_id = client.get(f"/api/v1/ops/submissions/{filed['id']}", headers=operator).json()
    assert by_id["receipt_number"] == receipt  # ids come from Prefect's parameters

    simulator.set_faults(Faults())
    retried = client.post(f"/api/v1/ops/submissions/{receipt}/retry", headers=operator)
    assert retried.status_code == 200, retried.text
    assert retried.json() == {"retried": 1, "receipt_numbers": [receipt], "remaining": 0}
    with db.session() as session:
        entry = session.query(OutboxEntry).filter_by(submission_id=filed["id"]).one()
        assert (entry.state, entry.attempts, entry.lease_owner) == ("ready", 0, None)
        assert session.get(Submission, filed["id"]).status == "accepted"  # type: ignore[union-attr]
        (event,) = session.query(SubmissionEvent).filter_by(submission_id=filed["id"], kind="retried").all()
        assert event.actor == OPERATOR
        assert event.detail == {"mode": "single", "previous_attempts": 3, "failed_stage": "transfer"}

    again = client.post(f"/api/v1/ops/submissions/{receipt}/retry", headers=operator)
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_retryable"

    run_worker_until(worker, lambda: statuses(db, [filed["id"]])[filed["id"]] == "completed")
    assert len(simulator.cases()) == 1
    done = client.get(f"/api/v1/ops/submissions/{receipt}", headers=operator).json()
    assert [s["status"] for s in done["stages"]] == ["succeeded"] * 4
    assert done["stages"][0]["attempts"] == 1  # intake was not repeated
    assert [e["kind"] for e in done["events"]] == ["retried"] and not done["retryable"]


def test_bulk_retry_takes_only_what_matches_in_one_request(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for: Any,
    db: Database,
    simulator: SimulatorState,
    worker: PipelineWorker,
    operator: Headers,
) -> None:
    simulator.set_faults(Faults(outage=True))
    berlin = _fail(client, registry, token_for, db, worker, "kd-1001")
    leipzig = _fail(client, registry, token_for, db, worker, "kd-2001")
    unroutable = _fail(client, registry, token_for, db, worker, "kd-9001")  # fails at intake at once
    simulator.set_faults(Faults())

    failed = client.get("/api/v1/ops/failed", headers=operator).json()
    assert failed["total"] == 3
    assert {i["receipt_number"]: i["failed_stage"] for i in failed["items"]} == {
        berlin["receipt_number"]: "transfer",
        leipzig["receipt_number"]: "transfer",
        unroutable["receipt_number"]: "intake",
    }

    nothing = client.post("/api/v1/ops/retry", json={"jobcenter_id": "jc-bremen"}, headers=operator)
    assert nothing.json() == {"retried": 0, "receipt_numbers": [], "remaining": 0}
    leipzig_only = client.post("/api/v1/ops/retry", json={"jobcenter_id": "jc-leipzig"}, headers=operator)
    assert leipzig_only.json()["receipt_numbers"] == [leipzig["receipt_number"]]
    permanent = client.post("/api/v1/ops/retry", json={"kind": "permanent"}, headers=operator)
    assert permanent.json()["receipt_numbers"] == [unroutable["receipt_number"]]  # given up after one attempt
    rest = client.post("/api/v1/ops/retry", json={"service": "wba", "stage": "transfer"}, headers=operator)
    assert rest.json()["receipt_numbers"] == [berlin["receipt_number"]]
    with db.session() as session:
        events = session.query(SubmissionEvent).filter_by(kind="retried").all()
        assert sorted(e.submission_id for e in events) == sorted([berlin["id"], leipzig["id"], unroutable["id"]])
        assert {e.detail["mode"] for e in events} == {"bulk"} and {e.actor for e in events} == {OPERATOR}

    expected = {berlin["id"]: "completed", leipzig["id"]: "completed", unroutable["id"]: "failed"}
    run_worker_until(worker, lambda: statuses(db, list(expected)) == expected)  # still not routable: fails again
    assert len(simulator.cases()) == 2


def test_bad_filters_are_refused_and_nothing_is_retried(
    client: TestClient, db: Database, operator: Headers, make_submission: Any
) -> None:
    make_submission(status="failed", created_at=datetime.now(UTC), outbox_state="dead", attempts=3)
    for body, code in (
        ({"service": "wbaa"}, "unknown_service"),
        ({"jobcenter_id": "jc-atlantis"}, "unknown_jobcenter"),
        ({"stage": "shredder"}, "unknown_stage"),
        ({"kind": "sometimes"}, "invalid_kind"),
    ):
        response = client.post("/api/v1/ops/retry", json=body, headers=operator)
        assert response.status_code == 422 and response.json()["error"]["code"] == code, response.text
    assert client.get("/api/v1/ops/overview?hours=5", headers=operator).json()["error"]["code"] == "invalid_window"
    assert client.get("/api/v1/ops/submissions/<script>", headers=operator).status_code in (404, 422)
    assert client.get("/api/v1/ops/submissions/WBA-20990101-NOPE", headers=operator).status_code == 404
    with db.session() as session:
        assert session.query(SubmissionEvent).count() == 0
        assert session.query(OutboxEntry).filter_by(state="dead").count() == 1


def test_a_submission_still_in_the_pipeline_is_not_retried(
    client: TestClient, db: Database, operator: Headers, make_submission: Any
) -> None:
    sid = make_submission(status="retry_scheduled", created_at=datetime.now(UTC), attempts=1, outbox_state="ready")
    with db.session() as session:
        session.add(StageResult(submission_id=sid, stage="intake", status="failed", attempts=1, error="x"))
    response = client.post(f"/api/v1/ops/submissions/{sid}/retry", headers=operator)
    assert response.status_code == 409
    assert client.post("/api/v1/ops/retry", json={}, headers=operator).json()["retried"] == 0
