"""The ledger names the Prefect runs of each stage's last attempt; without Prefect (benchmarks, tests) none."""

from __future__ import annotations

import pytest

from connectors.sdk.registry import ConnectorRegistry
from services.intake.acceptance import accept_submission
from services.intake.stage import NotRoutable
from services.pipeline.assembly import build_runner
from services.pipeline.runner import SKIPPED, SUCCEEDED
from services.settings import Settings
from services.store import ledger
from services.store.db import Database


def _rows(db: Database, submission_id: str) -> dict[str, tuple[str | None, str | None, str]]:
    with db.session() as session:
        return {
            r.stage: (r.flow_run_id, r.task_run_id, r.status) for r in ledger.for_submission(session, submission_id)
        }


def test_stage_attempts_record_their_prefect_runs_and_a_rerun_replaces_them(
    settings: Settings, db: Database, registry: ConnectorRegistry
) -> None:
    with db.session() as session:
        sid = accept_submission(
            session,
            connector=registry.get("wba"),
            customer_id="kd-9001",  # outside every area: intake fails, permanently
            payload=registry.get("wba").examples()[0],
            idempotency_key=None,
            traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        ).submission.id
    runner = build_runner(settings, db=db, registry=registry)
    assert runner.describe([sid])[0].traceparent == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    for flow_run, task_run in (("flow-1", "task-1"), ("flow-2", "task-2")):
        with pytest.raises(NotRoutable):
            runner.run_stage("intake", sid, flow_run_id=flow_run, task_run_id=task_run)
        assert _rows(db, sid)["intake"] == (flow_run, task_run, "failed")  # the last attempt's runs

    with db.session() as session:  # routed after all (e.g. an operator fixed the area): run without Prefect
        ledger.succeed(session, sid, "intake", "jc / team")
    assert runner.run_stage("intake", sid, flow_run_id="flow-3", task_run_id="task-3") == SKIPPED
    assert _rows(db, sid)["intake"] == ("flow-2", "task-2", "succeeded")  # a skip is no attempt


def test_run_stage_without_prefect_records_no_runs(
    settings: Settings, db: Database, registry: ConnectorRegistry
) -> None:
    with db.session() as session:
        sid = accept_submission(
            session,
            connector=registry.get("wba"),
            customer_id="kd-1001",
            payload=registry.get("wba").examples()[0],
            idempotency_key=None,
        ).submission.id
    runner = build_runner(settings, db=db, registry=registry)
    assert runner.run_stage("intake", sid) == SUCCEEDED
    assert _rows(db, sid)["intake"] == (None, None, "succeeded")
    assert runner.describe([sid])[0].traceparent is None
