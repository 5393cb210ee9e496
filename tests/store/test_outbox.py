"""Outbox leases: claims are exclusive, expire, are fenced on the owner, and respect ``available_at``."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import func, select

from connectors.sdk.registry import ConnectorRegistry
from services.intake.acceptance import accept_submission
from services.store import outbox
from services.store.db import Database
from services.store.models import OutboxEntry, Submission, utcnow

LEASE = 30.0
CUSTOMER = "kd-1001"


def _submit(db: Database, registry: ConnectorRegistry, count: int = 1) -> list[str]:
    connector = registry.get("wba")
    payload = connector.examples()[0]
    ids = []
    with db.session() as session:
        for _ in range(count):
            acceptance = accept_submission(
                session, connector=connector, customer_id=CUSTOMER, payload=payload, idempotency_key=None
            )
            ids.append(acceptance.submission.id)
    return ids


def _claim(db: Database, worker: str, *, limit: int = 10, now: datetime | None = None) -> list[outbox.Claim]:
    with db.session() as session:
        return outbox.claim(session, worker_id=worker, limit=limit, lease_seconds=LEASE, now=now)


def _entry(db: Database, submission_id: str) -> OutboxEntry:
    with db.session() as session:
        entry = outbox.entry_for(session, submission_id)
    assert entry is not None
    return entry


def _status(db: Database, submission_id: str) -> str:
    with db.session() as session:
        status = session.scalar(select(Submission.status).where(Submission.id == submission_id))
    assert status is not None
    return status


def _snapshot(entry: OutboxEntry) -> tuple[object, ...]:
    return (
        entry.state,
        entry.lease_owner,
        entry.lease_expires_at,
        entry.available_at,
        entry.attempts,
        entry.last_error,
    )


def test_accepted_submission_waits_ready_in_the_outbox(db: Database, registry: ConnectorRegistry) -> None:
    [sid] = _submit(db, registry)
    entry = _entry(db, sid)
    assert (entry.state, entry.attempts, entry.lease_owner) == (outbox.READY, 0, None)
    assert _status(db, sid) == "accepted"


def test_claim_leases_entry_and_marks_submission_processing(db: Database, registry: ConnectorRegistry) -> None:
    [sid] = _submit(db, registry)
    before = utcnow()

    claims = _claim(db, "worker-a")

    assert claims == [outbox.Claim(submission_id=sid, attempt=1)]
    entry = _entry(db, sid)
    assert entry.state == outbox.LEASED
    assert entry.lease_owner == "worker-a"
    assert entry.attempts == 1
    assert entry.lease_expires_at is not None
    assert before + timedelta(seconds=LEASE) <= entry.lease_expires_at <= utcnow() + timedelta(seconds=LEASE)
    assert _status(db, sid) == "processing"


def test_valid_lease_excludes_other_workers_until_it_expires(db: Database, registry: ConnectorRegistry) -> None:
    [sid] = _submit(db, registry)
    [first] = _claim(db, "worker-a")
    assert first.attempt == 1

    assert _claim(db, "worker-b") == []
    assert _claim(db, "worker-b", now=utcnow() + timedelta(seconds=LEASE / 2)) == []
    assert _entry(db, sid).lease_owner == "worker-a"

    taken_over = _claim(db, "worker-b", now=utcnow() + timedelta(seconds=LEASE + 1))

    assert taken_over == [outbox.Claim(submission_id=sid, attempt=2)]
    entry = _entry(db, sid)
    assert (entry.state, entry.lease_owner, entry.attempts) == (outbox.LEASED, "worker-b", 2)


def test_claim_respects_limit_and_order(db: Database, registry: ConnectorRegistry) -> None:
    ids = _submit(db, registry, count=5)

    first = _claim(db, "worker-a", limit=2)
    rest = _claim(db, "worker-b", limit=10)

    assert [c.submission_id for c in first] == ids[:2]
    assert sorted(c.submission_id for c in rest) == sorted(ids[2:])
    assert _claim(db, "worker-c") == []


def test_concurrent_workers_claim_disjoint_sets(db: Database, registry: ConnectorRegistry) -> None:
    ids = _submit(db, registry, count=30)
    workers = [f"worker-{n}" for n in range(2)]
    claimed: dict[str, list[outbox.Claim]] = {w: [] for w in workers}
    errors: list[BaseException] = []
    start = threading.Barrier(len(workers))

    def work(worker: str) -> None:
        try:
            start.wait(timeout=10)
            while True:
                with db.sessions() as session, session.begin():  # each thread its own session
                    batch = outbox.claim(session, worker_id=worker, limit=4, lease_seconds=LEASE)
                if not batch:
                    return
                claimed[worker].extend(batch)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    sets = {w: {c.submission_id for c in claimed[w]} for w in workers}
    assert sum(len(claimed[w]) for w in workers) == len(ids)  # nobody claimed one twice
    assert sets[workers[0]].isdisjoint(sets[workers[1]])
    assert sets[workers[0]] | sets[workers[1]] == set(ids)
    assert all(c.attempt == 1 for w in workers for c in claimed[w])
    with db.session() as session:
        owners = dict(session.execute(select(OutboxEntry.submission_id, OutboxEntry.lease_owner)).tuples().all())
    assert {sid: owner for w in workers for sid, owner in ((s, w) for s in sets[w])} == owners


def test_worker_that_lost_its_lease_cannot_write(db: Database, registry: ConnectorRegistry) -> None:
    [sid] = _submit(db, registry)
    _claim(db, "worker-a")
    [takeover] = _claim(db, "worker-b", now=utcnow() + timedelta(seconds=LEASE + 1))
    assert takeover.attempt == 2
    before = _snapshot(_entry(db, sid))

    with db.session() as session:
        assert outbox.finish(session, worker_id="worker-a", submission_id=sid, state=outbox.DONE) is False
        assert (
            outbox.finish(session, worker_id="worker-a", submission_id=sid, state=outbox.DEAD, error="stale") is False
        )
        assert (
            outbox.reschedule(
                session, worker_id="worker-a", submission_id=sid, at=utcnow() + timedelta(hours=1), error="stale"
            )
            is False
        )
        assert outbox.renew(session, worker_id="worker-a", submission_ids=[sid], lease_seconds=3600) == 0

    assert _snapshot(_entry(db, sid)) == before
    assert _status(db, sid) == "processing"

    # The new owner still can.
    with db.session() as session:
        assert outbox.renew(session, worker_id="worker-b", submission_ids=[sid], lease_seconds=LEASE) == 1
        assert outbox.finish(session, worker_id="worker-b", submission_id=sid, state=outbox.DONE) is True
    entry = _entry(db, sid)
    assert (entry.state, entry.lease_owner, entry.lease_expires_at) == (outbox.DONE, None, None)


def test_renew_extends_only_own_leases(db: Database, registry: ConnectorRegistry) -> None:
    mine, theirs = _submit(db, registry, count=2)
    _claim(db, "worker-a", limit=1)
    _claim(db, "worker-b", limit=1)
    theirs_before = _entry(db, theirs).lease_expires_at
    mine_before = _entry(db, mine).lease_expires_at
    assert mine_before is not None

    with db.session() as session:
        renewed = outbox.renew(session, worker_id="worker-a", submission_ids=[mine, theirs], lease_seconds=3600)

    assert renewed == 1
    mine_after = _entry(db, mine).lease_expires_at
    assert mine_after is not None and mine_after > mine_before + timedelta(seconds=3000)
    assert _entry(db, theirs).lease_expires_at == theirs_before


def test_release_returns_entry_without_counting_the_attempt(db: Database, registry: ConnectorRegistry) -> None:
    [sid] = _submit(db, registry)
    _claim(db, "worker-a")

    with db.session() as session:
        assert outbox.release(session, worker_id="worker-a", submission_ids=[sid]) == 1

    entry = _entry(db, sid)
    assert (entry.state, entry.lease_owner, entry.lease_expires_at, entry.attempts) == (outbox.READY, None, None, 0)
    assert _status(db, sid) == "accepted"
    assert _claim(db, "worker-b") == [outbox.Claim(submission_id=sid, attempt=1)]


def test_stale_release_changes_nothing(db: Database, registry: ConnectorRegistry) -> None:
    [sid] = _submit(db, registry)
    _claim(db, "worker-a")
    _claim(db, "worker-b", now=utcnow() + timedelta(seconds=LEASE + 1))
    before = _snapshot(_entry(db, sid))

    with db.session() as session:
        assert outbox.release(session, worker_id="worker-a", submission_ids=[sid]) == 0

    assert _snapshot(_entry(db, sid)) == before
    assert _status(db, sid) == "processing"  # worker-b is still processing it


def test_rescheduled_entry_waits_for_available_at(db: Database, registry: ConnectorRegistry) -> None:
    [sid] = _submit(db, registry)
    _claim(db, "worker-a")
    at = utcnow() + timedelta(seconds=120)

    with db.session() as session:
        assert outbox.reschedule(session, worker_id="worker-a", submission_id=sid, at=at, error="503") is True

    entry = _entry(db, sid)
    assert (entry.state, entry.lease_owner, entry.last_error, entry.attempts) == (outbox.READY, None, "503", 1)
    assert entry.available_at == at
    assert _claim(db, "worker-b") == []
    assert _claim(db, "worker-b", now=at - timedelta(seconds=1)) == []
    assert _claim(db, "worker-b", now=at + timedelta(seconds=1)) == [outbox.Claim(submission_id=sid, attempt=2)]


def test_done_and_dead_entries_are_never_claimed(db: Database, registry: ConnectorRegistry) -> None:
    done, dead = _submit(db, registry, count=2)
    _claim(db, "worker-a")
    with db.session() as session:
        assert outbox.finish(session, worker_id="worker-a", submission_id=done, state=outbox.DONE)
        assert outbox.finish(session, worker_id="worker-a", submission_id=dead, state=outbox.DEAD, error="x")

    assert _claim(db, "worker-b", now=utcnow() + timedelta(days=1)) == []
    with db.session() as session:
        states = dict(session.execute(select(OutboxEntry.submission_id, OutboxEntry.state)).tuples().all())
        assert session.scalar(select(func.count()).select_from(OutboxEntry)) == 2
    assert states == {done: outbox.DONE, dead: outbox.DEAD}
