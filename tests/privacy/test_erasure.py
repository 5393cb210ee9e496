"""Erasure (Art. 17 DSGVO) by a jobcenter admin: all or nothing unless asked to keep what retention holds."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from connectors.sdk.registry import ConnectorRegistry
from services.audit import verify_chain
from services.efile.store import EFileStore
from services.mailbox.threads import stable_thread_id
from services.privacy.retention import apply_retention
from services.store.db import Database
from services.store.models import (
    AuditEntry,
    Customer,
    Document,
    Draft,
    EmailNotification,
    InboundItem,
    MailboxThread,
    Submission,
    utcnow,
)
from tests.privacy.support import ANNA, BGS, JURGEN, OF_A_CUSTOMER, TokenFor, age, complete, count, seed
from tests.staff.support import example, paper, staff_headers

URL = "/api/v1/admin/customers/{}/erasure"


def _erase(client: TestClient, customer_id: str, admin: str = "admin-berlin", **body: Any) -> Any:
    return client.post(
        URL.format(customer_id), json={"reason": "request", **body}, headers=staff_headers(client, admin)
    )


def _counts(db: Database, customer_id: str) -> dict[str, int]:
    return {model.__name__: count(db, model, customer_id) for model in OF_A_CUSTOMER}


@pytest.mark.parametrize("efile", ["filesystem", "s3"], indirect=True)
def test_erasure_without_a_hold_removes_every_record_and_object_and_keeps_the_audit_trail(
    client: TestClient,
    db: Database,
    registry: ConnectorRegistry,
    token_for: TokenFor,
    efile: EFileStore,
    tmp_path: Path,
) -> None:
    anna, jurgen = (seed(client, token_for(c), registry, c) for c in (ANNA, JURGEN))
    complete(db, efile, anna.submission_id)
    age(db, Submission, anna.submission_id, 3651)  # past its period; retention has not run yet
    age(db, MailboxThread, stable_thread_id(f"submission:{anna.submission_id}"), 3651)
    jurgens, jurgens_objects = _counts(db, JURGEN), efile.list(f"jc-berlin-mitte/{BGS[JURGEN]}")

    response = _erase(client, ANNA)

    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["customer_id"], result["customer_deleted"], result["held"]) == (ANNA, True, [])
    assert result["erased"] == {"submissions": 1, "threads": 3, "messages": 4, "documents": 1,
                                "email_notifications": 2, "inbound_items": 1, "drafts": 1}  # fmt: skip
    assert result["objects_deleted"] == 3  # the filed PDF and JSON, the attachment
    assert set(_counts(db, ANNA).values()) == {0}
    assert efile.list(f"jc-berlin-mitte/{BGS[ANNA]}") == []
    if (tmp_path / "efile").exists():  # filesystem: not even an empty folder named after her household is left
        assert not [p for p in (tmp_path / "efile").rglob("*") if BGS[ANNA] in str(p)]
    assert _counts(db, JURGEN) == jurgens and efile.list(f"jc-berlin-mitte/{BGS[JURGEN]}") == jurgens_objects
    with db.session() as session:
        assert session.get(Customer, ANNA) is None
        trail = session.scalars(
            select(AuditEntry).where(AuditEntry.customer_id == ANNA, AuditEntry.action == "delete")
        ).all()
        why = ("admin-berlin", "Löschung nach Art. 17 DSGVO", "Antrag der betroffenen Person (Art. 17 Abs. 1 DSGVO)")
        assert sorted((e.resource_type, e.actor_id, e.purpose, e.reason) for e in trail) == [
            ("customer", *why),
            ("submission", *why),
        ]
        assert verify_chain(session) is None
    assert _erase(client, ANNA).status_code == 404  # gone: a second request finds no one


def test_a_hold_refuses_the_erasure_and_deletes_nothing(
    client: TestClient, db: Database, registry: ConnectorRegistry, token_for: TokenFor, efile: EFileStore
) -> None:
    anna = seed(client, token_for(ANNA), registry, ANNA)
    keys = complete(db, efile, anna.submission_id)
    second = seed(client, token_for(ANNA), registry, ANNA)  # filed, still in process
    before, objects = _counts(db, ANNA), efile.list()

    response = _erase(client, ANNA)

    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "retention_hold"
    holds = {h["receipt_number"]: h for h in error["holds"]}
    with db.session() as session:
        finished = session.get(Submission, anna.submission_id)
        assert finished is not None
        until = (finished.updated_at + timedelta(days=3650)).date().isoformat()
    assert holds == {
        anna.receipt_number: {"submission_id": anna.submission_id, "receipt_number": anna.receipt_number,
                              "jobcenter_id": "jc-berlin-mitte", "until": until},
        second.receipt_number: {"submission_id": second.submission_id, "receipt_number": second.receipt_number,
                                "jobcenter_id": None, "until": None},
    }  # fmt: skip
    assert {f["field"] for f in error["fields"]} == {f"submissions.{r}" for r in holds}
    assert _counts(db, ANNA) == before and efile.list() == objects and all(efile.exists(k) for k in keys)
    with db.session() as session:
        assert session.get(Customer, ANNA) is not None
        assert not session.scalars(select(AuditEntry).where(AuditEntry.action == "delete")).all()


def test_keep_held_erases_the_rest_now_and_retention_takes_the_held_later(
    client: TestClient, db: Database, registry: ConnectorRegistry, token_for: TokenFor, efile: EFileStore
) -> None:
    anna = seed(client, token_for(ANNA), registry, ANNA)
    kept_keys = complete(db, efile, anna.submission_id)
    receipt_thread = stable_thread_id(f"submission:{anna.submission_id}")

    response = _erase(client, ANNA, keep_held=True)

    assert response.status_code == 200, response.text
    result = response.json()
    assert result["customer_deleted"] is False
    assert [h["submission_id"] for h in result["held"]] == [anna.submission_id]
    assert (result["erased"]["drafts"], result["erased"]["inbound_items"], result["erased"]["submissions"]) == (1, 1, 0)
    with db.session() as session:
        customer = session.get(Customer, ANNA)
        assert customer is not None and customer.online_account is False  # like a person known only from paper
        assert session.get(Submission, anna.submission_id) is not None
        assert session.get(MailboxThread, receipt_thread) is not None  # the file's correspondence stays with it
        for gone in ((Draft, anna.draft_id), (MailboxThread, anna.thread_id), (InboundItem, anna.inbound_item_id),
                     (Document, anna.document_id)):  # fmt: skip
            assert session.get(*gone) is None
    assert count(db, EmailNotification, ANNA) == 0
    assert efile.list() == sorted(kept_keys)

    age(db, Submission, anna.submission_id, 3651)
    age(db, MailboxThread, receipt_thread, 3651)
    with db.session() as session:
        report = apply_retention(session, efile, utcnow())
    assert (report.submissions, report.customers) == (1, 1)
    with db.session() as session:
        assert session.get(Customer, ANNA) is None
    assert efile.list() == []


def test_only_the_responsible_jobcenters_admin_may_erase_and_only_for_a_known_reason(
    client: TestClient, db: Database, registry: ConnectorRegistry, token_for: TokenFor
) -> None:
    seed(client, token_for(ANNA), registry, ANNA)
    before = _counts(db, ANNA)

    assert _erase(client, ANNA, admin="admin-leipzig").status_code == 404
    assert _erase(client, "kd-0000").status_code == 404
    assert _erase(client, ANNA, admin="sb-berlin-1").status_code == 403
    assert client.post(URL.format(ANNA), json={"reason": "request"}, headers=token_for(ANNA)).status_code == 403
    refused = _erase(client, ANNA, reason="weil ich es sage")
    assert refused.status_code == 422 and refused.json()["error"]["fields"][0]["field"].endswith("reason")
    assert _counts(db, ANNA) == before


def test_a_person_known_only_from_paper_is_erased_the_same_way(
    client: TestClient, db: Database, registry: ConnectorRegistry, efile: EFileStore
) -> None:
    person = {"bg_number": "96101BG0099991", "given_name": "Karl", "family_name": "Brief", "street": "Torstraße 1",
              "postal_code": "10119", "city": "Berlin"}  # fmt: skip
    accepted = paper(client, staff_headers(client, "ez-berlin"), service="wba", form=example(registry, "wba"), **person)
    assert accepted.status_code == 202, accepted.text
    filed = accepted.json()

    held = _erase(client, filed["customer_id"])
    assert held.status_code == 409 and held.json()["error"]["holds"][0]["until"] is None  # still in process

    complete(db, efile, filed["id"])
    age(db, Submission, filed["id"], 3651)
    erased = _erase(client, filed["customer_id"], reason="not_necessary")
    assert erased.status_code == 200, erased.text
    assert erased.json()["erased"]["documents"] == 1  # the scan
    assert efile.list() == []
    with db.session() as session:
        assert session.get(Customer, filed["customer_id"]) is None
