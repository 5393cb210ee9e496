"""A paper submission is traced and counted like an online one: its trace starts at the clerk's upload."""

from __future__ import annotations

from connectors.sdk.registry import ConnectorRegistry
from services.store.db import Database
from services.store.models import Submission
from tests.staff.support import example, paper, staff_headers
from tests.support.pipeline import run_worker_until, statuses
from tests.telemetry.conftest import TracedPlatform
from tests.telemetry.readers import finished_spans, metric_value, trace_id


def test_paper_intake_starts_the_submissions_trace_and_counts_it(
    traced_platform: TracedPlatform, db: Database, registry: ConnectorRegistry
) -> None:
    client = traced_platform.client
    clerk = staff_headers(client, "ez-berlin")
    response = paper(client, clerk, service="wba", form=example(registry, "wba"), customer_id="kd-1001")
    assert response.status_code == 202, response.text
    submission_id = response.json()["id"]
    with db.session() as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None and submission.channel == "paper" and submission.traceparent
        stored_trace = int(submission.traceparent.split("-")[1], 16)
    assert metric_value(traced_platform.portal_telemetry, "ozgflow.submissions.accepted", service="wba") == 1

    run_worker_until(traced_platform.worker, lambda: statuses(db, [submission_id])[submission_id] == "completed")
    spans = finished_spans(traced_platform.telemetries)
    upload = [s for s in spans if s.name.startswith("POST /api/v1/staff/paper-submissions")]
    assert len(upload) == 1 and trace_id(upload[0]) == stored_trace
    stage_spans = [s for s in spans if s.name.startswith("stage ")]
    assert {s.name for s in stage_spans} == {"stage intake", "stage efile", "stage transfer", "stage mailbox"}
    assert {trace_id(s) for s in stage_spans} == {stored_trace}
