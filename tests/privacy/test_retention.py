"""Retention deletes exactly what is due per record type, with its e-file objects, and nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from connectors.sdk.registry import ConnectorRegistry
from services.audit import AuditActor, Purpose, record_access, verify_chain
from services.efile.store import EFileStore
from services.mailbox.threads import stable_thread_id
from services.privacy.retention import DEFAULT_RETENTION_DAYS, RetentionPolicy, RetentionReport, apply_retention
from services.settings import Settings
from services.store.db import Database
from services.store.models import (
    AuditEntry,
    Customer,
    Document,
    Draft,
    EmailNotification,
    InboundItem,
    MailboxMessage,
    MailboxThread,
    StageResult,
    Submission,
    SubmissionEvent,
    utcnow,
)
from tests.audit.support import tamper
from tests.mailbox.conftest import set_email
from tests.privacy.support import ANNA, JURGEN, OF_A_CUSTOMER, TokenFor, age, age_customer, complete, count, seed
from tests.staff.support import example, paper, staff_headers


def _retain(db: Database, efile: EFileStore, **options: object) -> RetentionReport:
    with db.session() as session:
        return apply_retention(session, efile, utcnow(), **options)  # type: ignore[arg-type]


def _document_keys(db: Database, customer_id: str) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(Document.storage_key).where(Document.customer_id == customer_id)))


def _notifications(db: Database, customer_id: str) -> dict[str, int]:
    """Notification id by its message's kind."""
    with db.session() as session:
        rows = session.execute(
            select(MailboxMessage.kind, EmailNotification.id)
            .join(MailboxMessage, MailboxMessage.id == EmailNotification.message_id)
            .where(EmailNotification.customer_id == customer_id)
        )
        return {kind: notification_id for kind, notification_id in rows}


@pytest.mark.parametrize("efile", ["filesystem", "s3"], indirect=True)
def test_deletes_exactly_the_due_records_per_type_and_their_objects(
    client: TestClient, db: Database, registry: ConnectorRegistry, token_for: TokenFor, efile: EFileStore
) -> None:
    set_email(db, JURGEN, "juergen.weiss@example.invalid")  # so his messages queue notification e-mails too
    anna, jurgen = (seed(client, token_for(c), registry, c) for c in (ANNA, JURGEN))
    anna_keys = complete(db, efile, anna.submission_id) + _document_keys(db, ANNA)
    jurgen_keys = complete(db, efile, jurgen.submission_id) + _document_keys(db, JURGEN)
    age_customer(db, ANNA, 3651)  # every record of Anna is past every period
    # Jürgen's records are each one day short of their period — except one notification, a day past it
    age(db, Submission, jurgen.submission_id, 3649)
    age(db, MailboxThread, stable_thread_id(f"submission:{jurgen.submission_id}"), 3649)
    age(db, Draft, jurgen.draft_id, 29)
    age(db, MailboxThread, jurgen.thread_id, 729)
    age(db, InboundItem, jurgen.inbound_item_id, 729, status="expired")
    age(db, MailboxThread, stable_thread_id(f"inbound:{jurgen.inbound_item_id}"), 729)
    notices = _notifications(db, JURGEN)
    age(db, EmailNotification, notices["receipt"], 31, state="sent")
    age(db, EmailNotification, notices["placement_offer"], 29, state="sent")
    jurgens = {model: count(db, model, JURGEN) for model in OF_A_CUSTOMER}

    report = _retain(db, efile)

    assert report.counts() == {
        "submissions": 1,
        "inbound_items": 1,
        "conversations": 1,
        "drafts": 1,
        "email_notifications": 1,
        "customers": 0,
        "objects": 3,
        "audit_entries": 0,  # every entry is young
    }
    assert not report.more
    for model in OF_A_CUSTOMER:
        assert count(db, model, ANNA) == 0, model.__name__
    assert efile.list() == sorted(jurgen_keys) and not any(efile.exists(key) for key in anna_keys)
    assert all(efile.get(key) for key in jurgen_keys)
    with db.session() as session:
        assert session.get(Customer, ANNA) is not None  # an online account is the customer's to close
        assert session.scalars(select(StageResult).where(StageResult.submission_id == anna.submission_id)).all() == []
        assert (
            session.scalars(select(SubmissionEvent).where(SubmissionEvent.submission_id == anna.submission_id)).all()
            == []
        )
        assert session.get(EmailNotification, notices["receipt"]) is None
        assert session.get(EmailNotification, notices["placement_offer"]) is not None
    assert {model: count(db, model, JURGEN) for model in OF_A_CUSTOMER} == {**jurgens, EmailNotification: 1}
    assert all(jurgens[model] for model in OF_A_CUSTOMER)  # he has one of everything, and it is all still there

    assert _retain(db, efile).counts() == RetentionReport(audit_entries=0).counts()  # idempotent
    with db.session() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.resource_type == "submission"))
        assert (entry.actor_kind, entry.actor_id, entry.action, entry.resource_id, entry.customer_id) == (
            "system",
            "retention",
            "delete",
            anna.submission_id,
            ANNA,
        )
        assert verify_chain(session) is None


def test_a_submission_still_in_process_is_kept_whatever_its_age(
    client: TestClient, db: Database, registry: ConnectorRegistry, token_for: TokenFor, efile: EFileStore
) -> None:
    anna = seed(client, token_for(ANNA), registry, ANNA)
    age(db, Submission, anna.submission_id, 4000)  # accepted, never finished (e.g. waiting in the outbox)

    report = _retain(db, efile)

    assert report.submissions == 0 and count(db, Submission, ANNA) == 1


def test_a_run_that_dies_before_its_commit_is_finished_by_the_next(
    client: TestClient, db: Database, registry: ConnectorRegistry, token_for: TokenFor, efile: EFileStore
) -> None:
    anna = seed(client, token_for(ANNA), registry, ANNA)
    keys = complete(db, efile, anna.submission_id) + _document_keys(db, ANNA)
    age_customer(db, ANNA, 3651)

    with pytest.raises(RuntimeError), db.session() as session:
        apply_retention(session, efile, utcnow())
        raise RuntimeError("worker killed before the commit")

    assert not any(efile.exists(key) for key in keys)  # objects first ...
    assert count(db, Submission, ANNA) == count(db, Document, ANNA) == 1  # ... rows still there and still due
    report = _retain(db, efile)
    assert (report.submissions, report.objects) == (1, 1)  # the attachment's row still names its (gone) key
    assert all(count(db, model, ANNA) == 0 for model in OF_A_CUSTOMER)


def test_a_person_known_only_from_paper_goes_with_their_last_record(
    client: TestClient, db: Database, registry: ConnectorRegistry, efile: EFileStore
) -> None:
    person = {"bg_number": "96101BG0099991", "given_name": "Karl", "family_name": "Brief", "street": "Torstraße 1",
              "postal_code": "10119", "city": "Berlin"}  # fmt: skip
    accepted = paper(client, staff_headers(client, "ez-berlin"), service="wba", form=example(registry, "wba"), **person)
    assert accepted.status_code == 202, accepted.text
    filed = accepted.json()
    complete(db, efile, filed["id"])
    age(db, Submission, filed["id"], 3651)
    for document_id in _ids(db, Document, filed["customer_id"]):
        age(db, Document, document_id, 3651)

    report = _retain(db, efile)

    assert (report.submissions, report.customers) == (1, 1)
    assert efile.list() == []
    with db.session() as session:
        assert session.get(Customer, filed["customer_id"]) is None
        assert session.get(Customer, "kd-1003") is not None  # paper-only, but retention deleted nothing of hers
        deleted = session.scalars(
            select(AuditEntry.resource_type).where(
                AuditEntry.customer_id == filed["customer_id"], AuditEntry.action == "delete"
            )
        ).all()
        assert sorted(deleted) == ["customer", "submission"]


def test_batches_are_bounded_and_the_rest_follows(
    client: TestClient, db: Database, registry: ConnectorRegistry, token_for: TokenFor, efile: EFileStore
) -> None:
    for customer in (ANNA, JURGEN):
        seed(client, token_for(customer), registry, customer)
        age_customer(db, customer, 40)  # drafts and notifications are due

    first = _retain(db, efile, limit=1)
    assert (first.drafts, first.more) == (1, True)
    second = _retain(db, efile, limit=1)
    assert second.drafts == 1
    assert count(db, Draft, ANNA) + count(db, Draft, JURGEN) == 0


def test_settings_override_single_periods(
    client: TestClient,
    db: Database,
    registry: ConnectorRegistry,
    token_for: TokenFor,
    efile: EFileStore,
    settings: Settings,
) -> None:
    anna = seed(client, token_for(ANNA), registry, ANNA)
    age(db, Draft, anna.draft_id, 6)
    shorter = RetentionPolicy.from_settings(settings.model_copy(update={"retention_days": {"drafts": 5}}))
    assert shorter.days["drafts"] == 5 and shorter.days["submissions"] == 3650

    assert _retain(db, efile).drafts == 0
    assert _retain(db, efile, policy=shorter).drafts == 1


def test_audit_entries_older_than_their_period_are_pruned_and_the_chain_still_verifies(
    db: Database, efile: EFileStore
) -> None:
    reader = AuditActor(kind="staff", id="sb-berlin-1", jobcenter_id="jc-berlin-mitte")
    with db.session() as session:
        for days, resource in ((800, "old-1"), (731, "old-2"), (729, "young-1"), (0, "young-2")):
            record_access(
                session,
                actor=reader,
                action="read",
                resource_type="submission",
                resource_id=resource,
                purpose="Bearbeitung des Antrags",
                customer_id=ANNA,
                at=utcnow() - timedelta(days=days),
            )

    report = _retain(db, efile)

    assert report.audit_entries == 2
    with db.session() as session:
        left = session.scalars(select(AuditEntry.resource_id).where(AuditEntry.resource_type == "submission"))
        assert sorted(left) == ["young-1", "young-2"]
        assert verify_chain(session) is None


def test_a_broken_audit_chain_is_kept_as_evidence_and_everything_else_due_is_still_deleted(
    client: TestClient,
    db: Database,
    registry: ConnectorRegistry,
    token_for: TokenFor,
    efile: EFileStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    reader = AuditActor(kind="staff", id="sb-berlin-1", jobcenter_id="jc-berlin-mitte")
    with db.session() as session:
        for days, resource in ((800, "old-1"), (790, "old-2")):
            record_access(session, actor=reader, action="read", resource_type="submission", resource_id=resource,
                          purpose=Purpose.CASEWORK, customer_id=ANNA, at=utcnow() - timedelta(days=days))  # fmt: skip
    tamper(db, "UPDATE audit_log SET customer_id = 'kd-9999' WHERE resource_id = 'old-1'")
    anna = seed(client, token_for(ANNA), registry, ANNA)
    complete(db, efile, anna.submission_id)
    age_customer(db, ANNA, 3651)

    report = _retain(db, efile)

    assert (report.submissions, report.audit_entries) == (1, 0)
    assert all(count(db, model, ANNA) == 0 for model in OF_A_CUSTOMER)
    assert "audit log not pruned" in caplog.text
    with db.session() as session:
        kept = session.scalars(select(AuditEntry.resource_id).where(AuditEntry.resource_id.in_(["old-1", "old-2"])))
        assert sorted(kept) == ["old-1", "old-2"]  # the evidence stays
        deleted = session.scalars(
            select(AuditEntry.resource_id).where(AuditEntry.action == "delete", AuditEntry.resource_type != "customer")
        ).all()
        assert deleted == [anna.submission_id]  # recorded before the savepoint that was rolled back: kept
        broken = verify_chain(session)
        old_1 = session.scalar(select(AuditEntry.id).where(AuditEntry.resource_id == "old-1"))
        assert broken is not None and broken.entry_id == old_1


def test_unknown_record_types_and_empty_periods_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown record types"):
        Settings(_env_file=None, retention_days={"entwuerfe": 5})  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="at least 1 day"):
        Settings(_env_file=None, retention_days={"drafts": 0})  # type: ignore[call-arg]
    every_type = {record_type: 1 for record_type in DEFAULT_RETENTION_DAYS}  # the settings know what retention knows
    assert Settings(_env_file=None, retention_days=every_type).retention_days == every_type  # type: ignore[call-arg]


def _ids(db: Database, model: type, customer_id: str) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(model.id).where(model.customer_id == customer_id)))  # type: ignore[attr-defined]
