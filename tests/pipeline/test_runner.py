"""The pipeline without Prefect: stages against the ledger, real HTTP to the simulator, real e-files.

``process`` plays one pipeline worker: claim from the outbox, run every stage in order until one
fails, conclude the attempt (as flows/ does inside Prefect tasks).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import delete, func, select, update

from connectors.sdk.registry import ConnectorRegistry
from services.efile.store import EFileStore, efile_store_from_url
from services.intake.acceptance import accept_submission
from services.pipeline.assembly import build_runner
from services.pipeline.errors import StageFailure
from services.pipeline.runner import COMPLETED, FAILED, RETRY_SCHEDULED, SKIPPED, SUCCEEDED, PipelineRunner
from services.settings import Settings
from services.store import ledger, outbox
from services.store.db import Database
from services.store.models import Jobcenter, MailboxMessage, OutboxEntry, StageResult, Submission, utcnow
from services.transfer.simulator import Faults, SimulatorState
from services.transfer.stage import idempotency_key_for

LEASE_SECONDS = 30.0


@dataclass(frozen=True)
class Outcome:
    submission_id: str
    attempt: int
    result: str | None  # what conclude() returned
    stages: dict[str, str]  # stage -> "succeeded" / "skipped" / the failure's reason


def process(runner: PipelineRunner, worker_id: str, *, now: datetime | None = None) -> list[Outcome]:
    """One worker pass: claim, run the stages in order (stop at the first failure), conclude."""
    with runner.db.session() as session:
        claims = outbox.claim(session, worker_id=worker_id, limit=10, lease_seconds=LEASE_SECONDS, now=now)
    outcomes = []
    for claim in claims:
        stages: dict[str, str] = {}
        failure: StageFailure | None = None
        for name in runner.stage_names:
            try:
                stages[name] = runner.run_stage(name, claim.submission_id)
            except Exception as exc:  # noqa: BLE001 - a worker turns every stage error into an outcome
                failure = StageFailure.from_exception(exc)
                stages[name] = failure.reason
                break
        result = runner.conclude(
            submission_id=claim.submission_id, worker_id=worker_id, attempt=claim.attempt, failure=failure
        )
        outcomes.append(Outcome(claim.submission_id, claim.attempt, result, stages))
    return outcomes


def process_one(runner: PipelineRunner, worker_id: str, *, now: datetime | None = None) -> Outcome:
    outcomes = process(runner, worker_id, now=now)
    assert len(outcomes) == 1, outcomes
    return outcomes[0]


def after_available_at(db: Database, submission_id: str) -> datetime:
    """A moment when the rescheduled entry is claimable again (instead of sleeping)."""
    entry = _entry(db, submission_id)
    assert entry.state == outbox.READY
    return entry.available_at + timedelta(seconds=1)


@pytest.fixture
def runner(settings: Settings, db: Database, registry: ConnectorRegistry) -> PipelineRunner:
    return build_runner(settings, db=db, registry=registry)


@pytest.fixture
def efiles(settings: Settings) -> EFileStore:
    return efile_store_from_url(settings.resolved_efile_url)


def submit(db: Database, registry: ConnectorRegistry, customer_id: str = "kd-1001", example: int = 0) -> str:
    connector = registry.get("wba")
    with db.session() as session:
        acceptance = accept_submission(
            session,
            connector=connector,
            customer_id=customer_id,
            payload=connector.examples()[example],
            idempotency_key=None,
        )
    return acceptance.submission.id


def _submission(db: Database, submission_id: str) -> Submission:
    with db.session() as session:
        submission = session.get(Submission, submission_id)
    assert submission is not None
    return submission


def _entry(db: Database, submission_id: str) -> OutboxEntry:
    with db.session() as session:
        entry = outbox.entry_for(session, submission_id)
    assert entry is not None
    return entry


def _ledger(db: Database, submission_id: str) -> dict[str, StageResult]:
    with db.session() as session:
        return {row.stage: row for row in ledger.for_submission(session, submission_id)}


def _messages(db: Database, submission_id: str) -> list[MailboxMessage]:
    with db.session() as session:
        return list(session.scalars(select(MailboxMessage).where(MailboxMessage.submission_id == submission_id)))


def _jobcenter_name(db: Database, jobcenter_id: str) -> str:
    with db.session() as session:
        jobcenter = session.get(Jobcenter, jobcenter_id)
    assert jobcenter is not None
    return jobcenter.name


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _cases_for(simulator: SimulatorState, submission_id: str) -> list[dict[str, Any]]:
    key = idempotency_key_for(submission_id)
    return [case for case in simulator.cases() if case["idempotency_key"] == key]


def test_wba_goes_through_all_stages(
    runner: PipelineRunner, db: Database, registry: ConnectorRegistry, simulator: SimulatorState, efiles: EFileStore
) -> None:
    sid = submit(db, registry, "kd-1001", example=1)

    outcome = process_one(runner, "worker-a")

    assert outcome.result == COMPLETED
    assert outcome.stages == {name: SUCCEEDED for name in ("intake", "efile", "transfer", "mailbox")}
    sub = _submission(db, sid)
    assert (sub.status, sub.jobcenter_id, sub.team_id) == (COMPLETED, "jc-berlin-mitte", "jc-berlin-mitte/leistung-1")
    assert sub.completed_at is not None and sub.failure_reason is None
    assert _entry(db, sid).state == outbox.DONE

    [case] = simulator.cases()
    assert sub.case_reference == case["case_reference"]
    assert case["idempotency_key"] == idempotency_key_for(sid)
    assert case["eingangsnummer"] == sub.receipt_number

    prefix = f"jc-berlin-mitte/96101BG0012342/{sub.receipt_number}"
    assert efiles.list() == [f"{prefix}/wba.json", f"{prefix}/wba.pdf"]
    text = _pdf_text(efiles.get(f"{prefix}/wba.pdf"))
    for expected in (sub.receipt_number, "Jobcenter Berlin Mitte", "Anna Schmidt"):
        assert expected in text
    record = json.loads(efiles.get(f"{prefix}/wba.json"))
    assert record["form"] == sub.form_data
    assert (record["receipt_number"], record["jobcenter_id"], record["customer_id"]) == (
        sub.receipt_number,
        "jc-berlin-mitte",
        "kd-1001",
    )

    [message] = _messages(db, sid)
    assert (message.kind, message.customer_id, message.jobcenter_id) == ("receipt", "kd-1001", "jc-berlin-mitte")
    assert sub.receipt_number in message.subject + message.body
    assert "Jobcenter Berlin Mitte" in message.body

    rows = _ledger(db, sid)
    assert {name: (row.status, row.attempts) for name, row in rows.items()} == {
        name: (ledger.SUCCEEDED, 1) for name in runner.stage_names
    }
    assert rows["transfer"].reference == case["case_reference"]
    assert rows["efile"].reference == f"{prefix}/wba.pdf"


def test_each_jobcenter_files_under_its_own_name(
    runner: PipelineRunner, db: Database, registry: ConnectorRegistry, simulator: SimulatorState, efiles: EFileStore
) -> None:
    sid = submit(db, registry, "kd-2001")

    assert process_one(runner, "worker-a").result == COMPLETED

    sub = _submission(db, sid)
    assert (sub.jobcenter_id, sub.team_id) == ("jc-leipzig", "jc-leipzig/eingangszone")
    text = _pdf_text(efiles.get(f"jc-leipzig/07301BG0003150/{sub.receipt_number}/wba.pdf"))
    assert _jobcenter_name(db, "jc-leipzig") in text
    assert "Berlin" not in text
    [message] = _messages(db, sid)
    assert "Jobcenter Leipzig" in message.body and "Berlin" not in message.body


def test_rerun_after_success_skips_every_stage(
    runner: PipelineRunner, db: Database, registry: ConnectorRegistry, simulator: SimulatorState
) -> None:
    sid = submit(db, registry)
    assert process_one(runner, "worker-a").result == COMPLETED
    requests = simulator.requests_for(idempotency_key_for(sid))

    assert [runner.run_stage(name, sid) for name in runner.stage_names] == [SKIPPED] * 4

    assert simulator.requests_for(idempotency_key_for(sid)) == requests
    assert {name: row.attempts for name, row in _ledger(db, sid).items()} == dict.fromkeys(runner.stage_names, 1)


def test_rerun_after_lost_ledger_duplicates_nothing(
    runner: PipelineRunner, db: Database, registry: ConnectorRegistry, simulator: SimulatorState, efiles: EFileStore
) -> None:
    sid = submit(db, registry, example=2)
    assert process_one(runner, "worker-a").result == COMPLETED
    keys = efiles.list()
    documents = {key: efiles.get(key) for key in keys}
    case_reference = _submission(db, sid).case_reference
    requests = simulator.requests_for(idempotency_key_for(sid))

    # A crash after the side effects but before the ledger write: the ledger forgets every stage.
    with db.session() as session:
        session.execute(delete(StageResult).where(StageResult.submission_id == sid))

    assert [runner.run_stage(name, sid) for name in runner.stage_names] == [SUCCEEDED] * 4

    assert simulator.requests_for(idempotency_key_for(sid)) == requests + 1  # handed over again: a replay
    assert len(simulator.cases()) == 1
    assert _submission(db, sid).case_reference == case_reference
    assert len(_messages(db, sid)) == 1
    assert efiles.list() == keys
    assert {key: efiles.get(key) for key in keys} == documents  # byte-identical PDF and JSON


def test_outage_schedules_a_retry_that_completes_later(
    runner: PipelineRunner, db: Database, registry: ConnectorRegistry, simulator: SimulatorState, settings: Settings
) -> None:
    sid = submit(db, registry)
    simulator.set_faults(Faults(outage=True))

    first = process_one(runner, "worker-a")

    assert first.result == RETRY_SCHEDULED
    assert (first.stages["intake"], first.stages["efile"]) == (SUCCEEDED, SUCCEEDED)
    assert "mailbox" not in first.stages
    sub = _submission(db, sid)
    assert sub.status == RETRY_SCHEDULED
    assert sub.failure_reason is not None and "ALLEGRO" in sub.failure_reason
    assert sub.case_reference is None
    rows = _ledger(db, sid)
    assert (rows["transfer"].status, rows["transfer"].attempts) == (ledger.FAILED, settings.transfer_max_tries)
    assert "mailbox" not in rows
    entry = _entry(db, sid)
    assert (entry.state, entry.attempts, entry.lease_owner) == (outbox.READY, 1, None)
    assert entry.last_error == sub.failure_reason
    assert simulator.requests_for(idempotency_key_for(sid)) == settings.transfer_max_tries
    assert simulator.cases() == []
    assert _messages(db, sid) == []

    simulator.set_faults(Faults())
    second = process_one(runner, "worker-b", now=after_available_at(db, sid))

    assert second.attempt == 2
    assert second.result == COMPLETED
    assert second.stages == {"intake": SKIPPED, "efile": SKIPPED, "transfer": SUCCEEDED, "mailbox": SUCCEEDED}
    sub = _submission(db, sid)
    assert (sub.status, sub.failure_reason) == (COMPLETED, None)
    [case] = simulator.cases()
    assert sub.case_reference == case["case_reference"]
    assert len(_messages(db, sid)) == 1
    assert _ledger(db, sid)["transfer"].attempts == settings.transfer_max_tries + 1
    assert _entry(db, sid).state == outbox.DONE


def test_lasting_outage_fails_the_submission_after_max_attempts(
    runner: PipelineRunner,
    db: Database,
    registry: ConnectorRegistry,
    simulator: SimulatorState,
    settings: Settings,
    efiles: EFileStore,
) -> None:
    sid = submit(db, registry)
    simulator.set_faults(Faults(outage=True))

    results = [process_one(runner, "worker-a").result]
    while results[-1] == RETRY_SCHEDULED:
        assert len(results) < settings.max_attempts
        results.append(process_one(runner, "worker-a", now=after_available_at(db, sid)).result)

    assert results == [RETRY_SCHEDULED] * (settings.max_attempts - 1) + [FAILED]
    sub = _submission(db, sid)
    assert sub.status == FAILED
    assert sub.failure_reason is not None
    assert "ALLEGRO" in sub.failure_reason
    assert f"after {settings.max_attempts} attempts" in sub.failure_reason
    entry = _entry(db, sid)
    assert (entry.state, entry.attempts, entry.lease_owner) == (outbox.DEAD, settings.max_attempts, None)
    assert process(runner, "worker-b", now=utcnow() + timedelta(days=1)) == []
    assert _ledger(db, sid)["transfer"].attempts == settings.max_attempts * settings.transfer_max_tries
    assert simulator.requests_for(idempotency_key_for(sid)) == settings.max_attempts * settings.transfer_max_tries
    assert simulator.cases() == []
    assert _messages(db, sid) == []
    assert len(efiles.list()) == 2  # filed once, then skipped on every retry


def test_transient_errors_are_retried_within_one_attempt(
    runner: PipelineRunner, db: Database, registry: ConnectorRegistry, simulator: SimulatorState, settings: Settings
) -> None:
    assert settings.transfer_max_tries == 3
    sid = submit(db, registry)
    simulator.set_faults(Faults(fail_next=2))

    outcome = process_one(runner, "worker-a")

    assert (outcome.attempt, outcome.result) == (1, COMPLETED)
    transfer = _ledger(db, sid)["transfer"]
    assert (transfer.status, transfer.attempts) == (ledger.SUCCEEDED, 3)
    assert simulator.requests_for(idempotency_key_for(sid)) == 3
    [case] = simulator.cases()
    assert _submission(db, sid).case_reference == case["case_reference"]


def test_unroutable_submission_fails_at_once(
    runner: PipelineRunner, db: Database, registry: ConnectorRegistry, simulator: SimulatorState, efiles: EFileStore
) -> None:
    sid = submit(db, registry, "kd-9001")

    outcome = process_one(runner, "worker-a")

    assert (outcome.attempt, outcome.result) == (1, FAILED)
    assert list(outcome.stages) == ["intake"]
    sub = _submission(db, sid)
    assert sub.status == FAILED
    assert sub.failure_reason is not None
    assert sub.receipt_number in sub.failure_reason and "attempts" not in sub.failure_reason
    assert (sub.jobcenter_id, sub.team_id, sub.case_reference) == (None, None, None)
    entry = _entry(db, sid)
    assert (entry.state, entry.attempts) == (outbox.DEAD, 1)
    assert process(runner, "worker-b", now=utcnow() + timedelta(days=1)) == []
    rows = _ledger(db, sid)
    assert list(rows) == ["intake"] and rows["intake"].status == ledger.FAILED
    assert efiles.list() == []
    assert simulator.cases() == []
    assert _messages(db, sid) == []


def test_stored_form_that_no_longer_validates_fails_without_leaking_values(
    runner: PipelineRunner,
    db: Database,
    registry: ConnectorRegistry,
    simulator: SimulatorState,
    efiles: EFileStore,
) -> None:
    sid = submit(db, registry)
    secret_rent, secret_flag = "Erika Mustermann, Musterweg 7", "Geheimnis-4711"
    corrupt = registry.get("wba").examples()[0]
    corrupt["housing"] = {"changed": True, "basic_rent": secret_rent}
    corrupt["declarations"]["truthful_information"] = secret_flag
    with db.session() as session:
        session.execute(update(Submission).where(Submission.id == sid).values(form_data=corrupt))

    outcome = process_one(runner, "worker-a")

    assert (outcome.attempt, outcome.result) == (1, FAILED)
    sub = _submission(db, sid)
    assert sub.status == FAILED
    reason = sub.failure_reason
    assert reason is not None and "StoredFormInvalid" in reason
    assert "housing.basic_rent" in reason and "declarations.truthful_information" in reason
    for leaked in (secret_rent, secret_flag, "Erika", "4711"):
        assert leaked not in reason
    entry = _entry(db, sid)
    assert entry.state == outbox.DEAD
    assert entry.last_error is not None and secret_rent not in entry.last_error
    intake = _ledger(db, sid)["intake"]
    assert intake.status == ledger.FAILED
    assert intake.error is not None and secret_rent not in intake.error and secret_flag not in intake.error
    assert efiles.list() == [] and simulator.cases() == []


def test_lost_lease_cannot_conclude(
    runner: PipelineRunner, db: Database, registry: ConnectorRegistry, simulator: SimulatorState
) -> None:
    sid = submit(db, registry)
    with db.session() as session:
        [stale] = outbox.claim(session, worker_id="worker-a", limit=1, lease_seconds=LEASE_SECONDS)

    later = utcnow() + timedelta(seconds=LEASE_SECONDS + 1)
    takeover = process_one(runner, "worker-b", now=later)
    assert (takeover.attempt, takeover.result) == (2, COMPLETED)

    failure = StageFailure("HandoverFailed: too late", permanent=True)
    assert runner.conclude(submission_id=sid, worker_id="worker-a", attempt=stale.attempt, failure=failure) is None
    assert runner.conclude(submission_id=sid, worker_id="worker-a", attempt=stale.attempt, failure=None) is None
    sub = _submission(db, sid)
    assert (sub.status, sub.failure_reason) == (COMPLETED, None)
    assert _entry(db, sid).state == outbox.DONE
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(MailboxMessage)) == 1
