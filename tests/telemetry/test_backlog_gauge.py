"""The outbox backlog gauges: how long the oldest claimable submission has waited, and how many wait."""

from __future__ import annotations

from datetime import timedelta

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import worker_from_settings
from services.intake.acceptance import accept_submission
from services.pipeline.assembly import build_runner
from services.settings import Settings
from services.store.db import Database
from services.store.models import OutboxEntry, utcnow
from services.telemetry import telemetry_from_settings
from tests.telemetry.readers import metric_points, metric_value


def _accept(db: Database, registry: ConnectorRegistry, service: str, customer_id: str) -> str:
    with db.session() as session:
        return accept_submission(
            session,
            connector=registry.get(service),
            customer_id=customer_id,
            payload=registry.get(service).examples()[0],
            idempotency_key=None,
        ).submission.id


def _set_available(db: Database, submission_id: str, *, ago: timedelta) -> None:
    with db.session() as session:
        entry = session.query(OutboxEntry).filter_by(submission_id=submission_id).one()
        entry.available_at = utcnow() - ago


def test_backlog_age_reports_the_oldest_ready_entry_per_service(
    traced_settings: Settings, db: Database, registry: ConnectorRegistry
) -> None:
    telemetry = telemetry_from_settings(traced_settings, component="worker")
    runner = build_runner(traced_settings, db=db, registry=registry)
    worker_from_settings(traced_settings, runner=runner, telemetry=telemetry)  # a worker watches the backlog

    assert metric_points(telemetry, "ozgflow.outbox.backlog_age") == []  # nothing waits: no data point

    old = _accept(db, registry, "wba", "kd-1001")
    _set_available(db, old, ago=timedelta(hours=2))
    _accept(db, registry, "wba", "kd-1002")  # fresh: does not make the oldest younger
    vaem = _accept(db, registry, "vaem", "kd-1001")
    later = _accept(db, registry, "vaem", "kd-2001")
    _set_available(db, later, ago=-timedelta(hours=1))  # a retry scheduled for later is not waiting yet
    _set_available(db, vaem, ago=timedelta(minutes=5))

    wba_age = metric_value(telemetry, "ozgflow.outbox.backlog_age", service="wba")
    assert 2 * 3600 <= wba_age < 2 * 3600 + 600
    assert 300 <= metric_value(telemetry, "ozgflow.outbox.backlog_age", service="vaem") < 2 * 3600
    assert metric_value(telemetry, "ozgflow.outbox.backlog_size", service="wba") == 2
    assert metric_value(telemetry, "ozgflow.outbox.backlog_size", service="vaem") == 1
    for attributes, _point in metric_points(telemetry, "ozgflow.outbox.backlog_size"):
        assert set(attributes) <= {"service", "jobcenter"}

    with db.session() as session:  # claimed by a live worker: no longer waiting
        for entry in session.query(OutboxEntry):
            entry.state, entry.lease_expires_at = "leased", utcnow() + timedelta(minutes=1)
    assert metric_points(telemetry, "ozgflow.outbox.backlog_age") == []
    with db.session() as session:  # its worker died (lease expired): waiting again, from its old available_at
        entry = session.query(OutboxEntry).filter_by(submission_id=old).one()
        entry.lease_expires_at = utcnow() - timedelta(seconds=1)
    assert metric_value(telemetry, "ozgflow.outbox.backlog_age", service="wba") >= 2 * 3600
