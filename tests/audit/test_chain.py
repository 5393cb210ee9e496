"""The hash chain: entries belong to the access's transaction, stay linear under concurrent writers, and any
alteration or removal in the middle is found (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from services.audit import AuditActor, Purpose, record_access
from services.audit.log import GENESIS
from services.store.db import Database
from services.store.models import AuditEntry
from tests.audit.support import STAFF, entries, tamper, verified, write


@pytest.fixture
def bare_db(database_url: str) -> Database:
    database = Database(database_url)
    yield database  # type: ignore[misc]
    database.dispose()


def test_entries_are_chained_from_genesis_and_verify(bare_db: Database) -> None:
    write(bare_db, 5)
    rows = entries(bare_db)
    assert [r.prev_hash for r in rows] == [GENESIS] + [r.entry_hash for r in rows[:-1]]
    assert rows[0].source == "192.0.2.10" and rows[0].actor_jobcenter_id == "jc-berlin-mitte"
    report = verified(bare_db)
    assert report.intact and report.checked == 5 and not report.pruned
    assert (report.first_id, report.head_id, report.head_hash) == (rows[0].id, rows[-1].id, rows[-1].entry_hash)


def test_an_access_that_is_rolled_back_leaves_no_entry(bare_db: Database) -> None:
    with pytest.raises(RuntimeError), bare_db.session() as session:
        record_access(session, actor=STAFF, action="read", resource_type="submission", resource_id="s",
                      purpose=Purpose.CASEWORK)  # fmt: skip
        raise RuntimeError("the handler failed after recording")
    assert entries(bare_db) == []


def test_a_rolled_back_savepoint_drops_what_it_recorded_and_a_released_one_keeps_it(bare_db: Database) -> None:
    def rec(session: object, rid: str) -> None:
        record_access(session, actor=STAFF, action="read", resource_type="submission", resource_id=rid,  # type: ignore[arg-type]
                      purpose=Purpose.CASEWORK)  # fmt: skip

    with bare_db.session() as session:
        rec(session, "before")
        try:
            with session.begin_nested():
                rec(session, "refused")
                raise ValueError("refused inside the savepoint")
        except ValueError:
            pass
        with session.begin_nested():
            rec(session, "inside")
        rec(session, "after")
    assert [r.resource_id for r in entries(bare_db)] == ["before", "inside", "after"]
    assert verified(bare_db).intact


def test_a_session_closed_without_commit_forgets_its_entries(bare_db: Database) -> None:
    session = bare_db.sessions()
    record_access(session, actor=STAFF, action="read", resource_type="submission", resource_id="x",
                  purpose=Purpose.CASEWORK)  # fmt: skip
    session.close()
    with session.begin():  # the same session object, reused
        pass
    assert entries(bare_db) == []


def test_unknown_purposes_and_actor_kinds_are_refused(bare_db: Database) -> None:
    with bare_db.session() as session:
        with pytest.raises(ValueError, match="purposes.py"):
            record_access(session, actor=STAFF, action="read", resource_type="submission", resource_id="x",
                          purpose="weil ich neugierig war")  # fmt: skip
        with pytest.raises(ValueError, match="actor kind"):
            record_access(session, actor=AuditActor(kind="admin", id="x"), action="read", resource_type="submission",
                          resource_id="x", purpose=Purpose.CASEWORK)  # fmt: skip


def test_concurrent_writers_in_several_sessions_keep_one_linear_chain(bare_db: Database) -> None:
    writers, per_writer = 8, 15
    start = threading.Barrier(writers)

    def work(n: int) -> None:
        start.wait()
        for i in range(per_writer):
            with bare_db.session() as session:
                actor = AuditActor(kind="staff", id=f"sb-{n}", jobcenter_id="jc-leipzig", source=f"10.0.0.{n}")
                record_access(session, actor=actor, action="read", resource_type="submission",
                              resource_id=f"{n}-{i}", purpose=Purpose.CASEWORK)  # fmt: skip
                if i % 3 == 0:  # two entries in one transaction
                    record_access(session, actor=actor, action="update", resource_type="submission",
                                  resource_id=f"{n}-{i}", purpose=Purpose.CASEWORK)  # fmt: skip

    with ThreadPoolExecutor(max_workers=writers) as pool:
        list(pool.map(work, range(writers)))
    expected = writers * (per_writer + len(range(0, per_writer, 3)))
    report = verified(bare_db)
    assert report.intact, report.broken
    assert report.checked == expected == len(entries(bare_db))
    assert len({r.entry_hash for r in entries(bare_db)}) == expected


def test_an_altered_entry_is_found(bare_db: Database) -> None:
    write(bare_db, 6)
    target = entries(bare_db)[3]
    tamper(bare_db, "UPDATE audit_log SET actor_id = 'someone-else' WHERE id = :id", id=target.id)
    report = verified(bare_db)
    assert report.broken is not None
    assert report.broken.entry_id == target.id and "altered" in report.broken.reason
    assert report.checked == 3 and report.head_id == entries(bare_db)[2].id


def test_an_altered_entry_whose_hash_was_recomputed_breaks_the_next_link(bare_db: Database) -> None:
    from services.audit.log import HASHED_FIELDS, entry_hash

    write(bare_db, 4)
    target = entries(bare_db)[1]
    fields = {name: getattr(target, name) for name in HASHED_FIELDS} | {"purpose": Purpose.PAPER_INTAKE.value}
    tamper(bare_db, "UPDATE audit_log SET purpose = :p, entry_hash = :h WHERE id = :id",
           p=Purpose.PAPER_INTAKE.value, h=entry_hash(fields), id=target.id)  # fmt: skip
    report = verified(bare_db)
    assert report.broken is not None and report.broken.entry_id == entries(bare_db)[2].id
    assert "link" in report.broken.reason


def test_a_deleted_middle_entry_is_found(bare_db: Database) -> None:
    write(bare_db, 5)
    rows = entries(bare_db)
    tamper(bare_db, "DELETE FROM audit_log WHERE id = :id", id=rows[2].id)
    report = verified(bare_db)
    assert report.broken is not None and report.broken.entry_id == rows[3].id
    assert "removed" in report.broken.reason


def test_deleting_the_oldest_entries_without_retention_is_found(bare_db: Database) -> None:
    write(bare_db, 4)
    rows = entries(bare_db)
    tamper(bare_db, "DELETE FROM audit_log WHERE id <= :id", id=rows[1].id)
    report = verified(bare_db)
    assert report.broken is not None and report.broken.entry_id == rows[2].id
    assert "retention marker" in report.broken.reason


def test_an_anchor_noted_earlier_catches_a_rewritten_or_truncated_chain(bare_db: Database) -> None:
    from services.audit import check_chain

    write(bare_db, 3)
    head = verified(bare_db)
    anchor = (head.head_id, head.head_hash)
    write(bare_db, 2)
    with bare_db.session() as session:
        assert check_chain(session, anchor=anchor).intact
    tamper(bare_db, "DELETE FROM audit_log WHERE id >= :id", id=anchor[0])  # the end cut off: links still fine
    assert verified(bare_db).intact
    with bare_db.session() as session:
        broken = check_chain(session, anchor=anchor).broken
    assert broken is not None and broken.entry_id == anchor[0] and "missing" in broken.reason


def test_entries_carry_no_more_than_ids(bare_db: Database) -> None:
    write(bare_db, 1)
    with bare_db.session() as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert entry.resource_id == "sub-0" and entry.customer_id == "kd-1001"
    assert entry.reason is None
