"""Overview counts, time series and SLO status as SQL aggregates, on SQLite and PostgreSQL.

Submissions are written in chosen states and at chosen times (the real pipeline cannot pick times); the
retry and lookup tests run the real pipeline.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from roadmap.model import load_roadmap
from services.loadtest.slo import DEFAULT_SLO
from services.ops.overview import build_overview
from services.ops.scope import Scope
from services.ops.series import build_series
from services.ops.slo import BREACHED, NO_DATA, OK, build_slo_status
from services.store.db import Database
from services.store.models import OutboxEntry
from tests.ops.conftest import MakeSubmission, stages_before
from tests.support.rollout import add_load_test_run

NOW = datetime.now(UTC).replace(microsecond=0)


def test_overview_counts_per_service_and_jobcenter(db: Database, make_submission: MakeSubmission) -> None:
    ago = lambda minutes: NOW - timedelta(minutes=minutes)  # noqa: E731
    make_submission(status="accepted", created_at=ago(10))
    make_submission(status="accepted", created_at=ago(5))
    make_submission(status="processing", created_at=ago(20), succeeded=stages_before("transfer"), attempts=1)
    make_submission(status="retry_scheduled", created_at=ago(15), succeeded=stages_before("efile"), attempts=1)
    make_submission(status="completed", created_at=ago(60), completed_at=ago(59), outbox_state="done")
    make_submission(status="completed", created_at=ago(30 * 60), completed_at=ago(30 * 60 - 1), outbox_state="done")
    make_submission(status="failed", created_at=ago(90), failed_stage="transfer", attempts=3, outbox_state="dead")
    make_submission(service="vaem", jobcenter_id="jc-leipzig", status="processing", created_at=ago(2))
    make_submission(jobcenter_id=None, status="accepted", created_at=ago(1))
    leased = make_submission(service="vaem", jobcenter_id="jc-leipzig", status="processing", created_at=ago(3))
    with db.session() as session:
        entry = session.query(OutboxEntry).filter_by(submission_id=leased).one()
        entry.state, entry.lease_owner, entry.lease_expires_at = "leased", "gone-worker", ago(1)

    with db.session() as session:
        overview = build_overview(session, Scope(hours=24, now=NOW))
    rows = {(r.service, r.jobcenter_id): r for r in overview.rows}
    assert set(rows) == {("wba", "jc-berlin-mitte"), ("wba", None), ("vaem", "jc-leipzig")}
    berlin = rows[("wba", "jc-berlin-mitte")]
    assert berlin.jobcenter_name == "Jobcenter Berlin Mitte"
    assert (berlin.waiting, berlin.retry_scheduled, berlin.completed, berlin.failed) == (2, 1, 1, 1)
    assert berlin.in_stage == {"transfer": 1, "efile": 1}  # processing at transfer, waiting for a retry at efile
    assert berlin.age_seconds(NOW) == 20 * 60  # the oldest open one, not the completed or failed ones
    assert rows[("vaem", "jc-leipzig")].in_stage == {"intake": 2}
    assert rows[("wba", None)].waiting == 1
    totals = overview.totals
    assert (totals.waiting, totals.in_progress, totals.completed, totals.failed) == (3, 4, 1, 1)
    assert overview.expired_leases == 1

    with db.session() as session:
        only_vaem = build_overview(session, Scope(service="vaem", hours=24, now=NOW))
        only_berlin = build_overview(session, Scope(jobcenter_id="jc-berlin-mitte", hours=168, now=NOW))
    assert [(r.service, r.jobcenter_id) for r in only_vaem.rows] == [("vaem", "jc-leipzig")]
    assert [r.completed for r in only_berlin.rows] == [2]  # the older completion is inside a week


def test_series_buckets_counts_and_latency_percentiles(db: Database, make_submission: MakeSubmission) -> None:
    scope = Scope(hours=24, now=NOW)
    base = NOW - timedelta(minutes=30)  # the last bucket
    for latency in range(1, 11):
        make_submission(
            status="completed", created_at=base - timedelta(seconds=latency), completed_at=base, outbox_state="done"
        )
    early = scope.since + timedelta(minutes=10)  # the first bucket
    make_submission(status="completed", created_at=early, completed_at=early + timedelta(minutes=10))
    make_submission(status="accepted", created_at=NOW - timedelta(minutes=90))  # second to last bucket

    with db.session() as session:
        series = build_series(session, scope)
    assert len(series.buckets) == 24 and series.bucket_seconds == 3600
    last, first = series.buckets[-1], series.buckets[0]
    assert (last.accepted, last.completed) == (10, 10)
    assert last.latency_p50_s == pytest.approx(5, abs=0.01)  # nearest rank: the 5th of 10
    assert last.latency_p95_s == pytest.approx(10, abs=0.01)  # the 10th of 10
    assert (first.accepted, first.completed) == (1, 1)
    assert first.latency_p50_s == first.latency_p95_s == pytest.approx(600, abs=0.01)
    assert series.buckets[-2].accepted == 1 and series.buckets[-2].completed == 0
    assert series.buckets[-2].latency_p95_s is None
    assert sum(b.accepted for b in series.buckets) == 12

    with db.session() as session:
        vaem = build_series(session, Scope(service="vaem", hours=24, now=NOW))
    assert all(b.accepted == 0 and b.latency_p95_s is None for b in vaem.buckets)


def test_slo_status_compares_measurements_with_the_roadmap(db: Database, make_submission: MakeSubmission) -> None:
    roadmap = load_roadmap()
    wba_slo = roadmap.services["wba"].slo
    for seconds in range(5, 55, 5):  # ten completions, 5 … 50 s
        created = NOW - timedelta(minutes=10, seconds=seconds)
        make_submission(status="completed", created_at=created, completed_at=NOW - timedelta(minutes=10))
    with db.session() as session:
        add_load_test_run(session, service="wba")
        statuses = {
            s.service: s
            for s in build_slo_status(session, Scope(now=NOW), roadmap=roadmap, services=["wba", "vaem", "brand_new"])
        }
    wba = statuses["wba"]
    assert (wba.source, wba.completion_target_s, wba.error_rate_target) == (
        "roadmap",
        wba_slo.completion_p95_s,
        wba_slo.error_rate,
    )
    assert wba.completion_p95_s == pytest.approx(50, abs=0.01)
    assert (wba.completed, wba.failed, wba.error_rate, wba.overdue) == (10, 0, 0.0, 0)
    assert wba.accept_p95_ms == 120.0 and wba.accept_measured_at is not None
    assert wba.state == OK
    assert statuses["vaem"].state == NO_DATA
    assert statuses["brand_new"].source == "default"
    assert statuses["brand_new"].completion_target_s == DEFAULT_SLO.completion_p95_s

    make_submission(status="accepted", created_at=NOW - timedelta(seconds=wba_slo.completion_p95_s + 30))
    with db.session() as session:
        (stuck,) = build_slo_status(session, Scope(now=NOW), roadmap=roadmap, services=["wba"])
    assert (stuck.overdue, stuck.state) == (1, BREACHED)  # nothing completes late yet, but one waits too long

    make_submission(status="failed", created_at=NOW - timedelta(minutes=5), outbox_state="dead", attempts=3)
    with db.session() as session:
        (failing,) = build_slo_status(session, Scope(service="wba", now=NOW), roadmap=roadmap, services=["wba", "vaem"])
    assert failing.error_rate == pytest.approx(1 / 11)
    assert failing.error_rate_ok is False and failing.state == BREACHED
