"""One trace per submission: from the accepting request through the outbox, the worker's flow and every stage
to the back-office system's own span, across the database and real HTTP; with the Prefect runs in the ledger."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind, StatusCode
from prefect.client.orchestration import get_client
from prefect.exceptions import ObjectNotFound

from connectors.sdk.registry import ConnectorRegistry
from services.demo.data import CUSTOMERS
from services.store import ledger
from services.store.db import Database
from services.store.models import Submission
from tests.support.pipeline import file_submission, run_worker_until, statuses
from tests.telemetry.conftest import TracedPlatform
from tests.telemetry.readers import (
    everything_exported,
    finished_spans,
    histogram_count,
    metric_points,
    metric_value,
    parent_id,
    personal_strings,
    span_id,
    trace_id,
    traceparent_of,
)

STAGES = ("intake", "efile", "transfer", "mailbox")


def _one(spans: list[ReadableSpan], name: str, kind: SpanKind | None = None) -> ReadableSpan:
    found = [s for s in spans if s.name == name and (kind is None or s.kind == kind)]
    assert len(found) == 1, f"expected one span {name!r} ({kind}), got {[s.name for s in spans]}"
    return found[0]


async def _prefect_task_run(task_run_id: str) -> Any | None:
    async with get_client() as client:
        try:
            return await client.read_task_run(uuid.UUID(task_run_id))
        except ObjectNotFound:
            return None


def _wait_for_task_run(task_run_id: str) -> Any:
    """Task runs reach Prefect's API as events, asynchronously: wait (bounded) for this one."""
    for _ in range(240):
        task_run = asyncio.run(_prefect_task_run(task_run_id))
        if task_run is not None:
            return task_run
        time.sleep(0.25)
    raise AssertionError(f"task run {task_run_id} never reached Prefect")


def test_each_submission_is_one_trace_from_request_to_back_office_system(
    traced_platform: TracedPlatform, registry: ConnectorRegistry, token_for, db: Database
) -> None:  # type: ignore[no-untyped-def]
    platform = traced_platform
    headers = token_for("kd-1002")
    forms = {"wba": registry.get("wba").examples()[-1], "vaem": registry.get("vaem").examples()[-1]}
    filed = {service: file_submission(platform.client, headers, service, form) for service, form in forms.items()}
    ids = [f["id"] for f in filed.values()]
    run_worker_until(platform.worker, lambda: set(statuses(db, ids).values()) == {"completed"})

    spans = finished_spans(platform.telemetries)
    traces = set()
    for service, accepted in filed.items():
        receipt = accepted["receipt_number"]
        request = next(
            s
            for s in spans
            if s.kind == SpanKind.SERVER and (s.attributes or {}).get("ozgflow.receipt_number") == receipt
        )
        assert request.name == "POST /api/v1/submissions/{service}"
        assert request.attributes["http.route"] == "/api/v1/submissions/{service}"
        assert request.attributes["http.response.status_code"] == 202
        assert request.attributes["ozgflow.service"] == service
        assert request.parent is None  # the portal starts the submission's trace

        with db.session() as session:
            submission = session.get(Submission, accepted["id"])
            assert submission is not None
            assert submission.traceparent == traceparent_of(request)
            rows = {row.stage: row for row in ledger.for_submission(session, accepted["id"])}

        trace = [s for s in spans if trace_id(s) == trace_id(request)]
        traces.add(trace_id(request))
        pipeline = _one(trace, f"pipeline {receipt}")
        assert pipeline.kind == SpanKind.CONSUMER
        assert parent_id(pipeline) == span_id(request)
        assert pipeline.attributes["ozgflow.attempt"] == 1
        assert pipeline.attributes["ozgflow.outcome"] == "completed"
        assert pipeline.attributes["ozgflow.jobcenter"] == "jc-berlin-mitte"
        assert pipeline.resource.attributes["service.name"] == "ozgflow-test-worker"
        stage_spans = {}
        for stage in STAGES:
            span = _one(trace, f"stage {stage}")
            stage_spans[stage] = span
            assert parent_id(span) == span_id(pipeline)
            assert span.attributes["ozgflow.stage"] == stage
            assert span.attributes["ozgflow.receipt_number"] == receipt
            assert span.attributes["ozgflow.service"] == service
            assert span.attributes["ozgflow.attempt"] == 1
            assert span.attributes["ozgflow.outcome"] == "succeeded"
            assert span.attributes["ozgflow.jobcenter"] == "jc-berlin-mitte"  # intake's span learns it at its end
            # The ledger names the Prefect runs of the attempt; the span names the same ones.
            row = rows[stage]
            assert row.flow_run_id and row.task_run_id
            assert span.attributes["prefect.task_run_id"] == row.task_run_id
            assert span.attributes["prefect.flow_run_id"] == row.flow_run_id
            assert row.flow_run_id == pipeline.attributes["prefect.flow_run_id"]
            task_run = _wait_for_task_run(row.task_run_id)
            assert str(task_run.flow_run_id) == row.flow_run_id
            assert task_run.name == f"{stage} {receipt}"

        handover = _one(trace, "POST /api/v1/cases", SpanKind.CLIENT)
        assert parent_id(handover) == span_id(stage_spans["transfer"])
        assert handover.attributes["http.response.status_code"] == 201
        assert handover.attributes["ozgflow.try"] == 1
        assert handover.attributes["ozgflow.specialist_system"] == "ALLEGRO"
        back_office = _one(trace, "POST /api/v1/cases", SpanKind.SERVER)
        assert parent_id(back_office) == span_id(handover)
        assert back_office.resource.attributes["service.name"] == "ozgflow-test-simulator"
        assert len(trace) == 1 + 1 + len(STAGES) + 2  # nothing else, nothing lost

    assert len(traces) == 2  # two submissions, two traces

    # Metrics: accepted per service (portal), every stage ran once and nothing is left in flight (worker).
    portal, worker = platform.portal_telemetry, platform.worker.telemetry
    assert metric_value(portal, "ozgflow.submissions.accepted", service="wba") == 1
    assert metric_value(portal, "ozgflow.submissions.accepted", service="vaem") == 1
    for service in forms:
        for stage in STAGES:
            assert (
                histogram_count(
                    worker,
                    "ozgflow.stage.duration",
                    service=service,
                    jobcenter="jc-berlin-mitte",
                    stage=stage,
                    outcome="succeeded",
                )
                == 1
            )
    in_flight = metric_points(worker, "ozgflow.stage.in_flight")
    assert {p[0]["stage"] for p in in_flight} == set(STAGES)
    assert all(point.value == 0 for _attributes, point in in_flight)
    assert metric_points(worker, "ozgflow.stage.failures") == []

    customer = next(c for c in CUSTOMERS if c.id == "kd-1002")
    exported = everything_exported(platform.telemetries)
    leaked = sorted(p for p in personal_strings(customer, *forms.values()) if p in exported)
    assert not leaked, f"personal data reached telemetry: {leaked}"


def test_a_failed_hand_over_is_retried_within_the_same_trace_and_counted(
    traced_platform: TracedPlatform, registry: ConnectorRegistry, token_for, db: Database
) -> None:  # type: ignore[no-untyped-def]
    from services.transfer.simulator import Faults

    platform = traced_platform
    tries = platform.settings.transfer_max_tries
    platform.simulator.set_faults(Faults(fail_next=tries))  # every try of the first attempt answers 503
    form = registry.get("wba").examples()[0]
    accepted = file_submission(platform.client, token_for("kd-1001"), "wba", form)
    run_worker_until(platform.worker, lambda: statuses(db, [accepted["id"]])[accepted["id"]] == "completed")

    spans = finished_spans(platform.telemetries)
    request = next(s for s in spans if (s.attributes or {}).get("ozgflow.receipt_number") == accepted["receipt_number"])
    trace = [s for s in spans if trace_id(s) == trace_id(request)]
    # request + two attempts + their stages (intake, efile, transfer; then all four) + every try on both sides
    assert len(trace) == 1 + 2 + (3 + len(STAGES)) + (tries + 1) * 2

    attempts = sorted(
        (s for s in trace if s.name == f"pipeline {accepted['receipt_number']}"),
        key=lambda s: s.attributes["ozgflow.attempt"],
    )
    assert [s.attributes["ozgflow.outcome"] for s in attempts] == ["retry_scheduled", "completed"]
    assert all(parent_id(s) == span_id(request) for s in attempts)
    assert attempts[0].status.status_code == StatusCode.ERROR

    failed = next(s for s in trace if s.name == "stage transfer" and parent_id(s) == span_id(attempts[0]))
    assert failed.attributes["ozgflow.outcome"] == "failed"
    assert failed.status.status_code == StatusCode.ERROR
    [event] = [e for e in failed.events if e.name == "exception"]
    assert event.attributes["exception.type"] == "HandoverFailed"
    assert "ALLEGRO nicht erreichbar" in event.attributes["exception.message"]
    intake_again = next(s for s in trace if s.name == "stage intake" and parent_id(s) == span_id(attempts[1]))
    assert intake_again.attributes["ozgflow.outcome"] == "skipped"  # the ledger skips what succeeded

    clients = [s for s in trace if s.kind == SpanKind.CLIENT]
    assert sorted(s.attributes["http.response.status_code"] for s in clients) == [201] + [503] * tries
    faults = [s for s in trace if s.kind == SpanKind.SERVER and "ozgflow.simulator.fault" in (s.attributes or {})]
    assert len(faults) == tries
    assert all(parent_id(s) in {span_id(c) for c in clients} for s in faults)

    worker = platform.worker.telemetry
    labels = {"service": "wba", "jobcenter": "jc-berlin-mitte"}
    assert metric_value(worker, "ozgflow.stage.failures", **labels, stage="transfer") == 1
    assert metric_value(worker, "ozgflow.submission.retries", **labels) == 1
    assert histogram_count(worker, "ozgflow.stage.duration", **labels, stage="transfer", outcome="failed") == 1
    assert histogram_count(worker, "ozgflow.stage.duration", **labels, stage="transfer", outcome="succeeded") == 1
    assert histogram_count(worker, "ozgflow.stage.duration", **labels, stage="intake", outcome="skipped") == 1
    assert all(point.value == 0 for _attributes, point in metric_points(worker, "ozgflow.stage.in_flight"))

    customer = next(c for c in CUSTOMERS if c.id == "kd-1001")
    exported = everything_exported(platform.telemetries)
    leaked = sorted(p for p in personal_strings(customer, form) if p in exported)
    assert not leaked, f"personal data reached telemetry: {leaked}"
