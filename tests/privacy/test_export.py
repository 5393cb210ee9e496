"""The data export (Art. 15 DSGVO): everything about the customer, nothing about anyone else; the ZIP carries
the documents' bytes; a jobcenter admin exports only for customers of their own jobcenter, only its records."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker
from services.efile.store import EFileStore
from services.mailbox.threads import stable_thread_id
from services.store.db import Database
from services.store.models import AuditEntry, Document, EmailNotification, Submission
from tests.mailbox.conftest import set_email
from tests.privacy.support import BGS, complete, seed
from tests.staff.support import staff_headers
from tests.support.pipeline import run_worker_until, statuses

TokenFor = Callable[[str], dict[str, str]]
ANNA, JURGEN = "kd-1001", "kd-1002"


def _export(client: TestClient, headers: dict[str, str], url: str = "/api/v1/me/data-export") -> dict[str, Any]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    return response.json()


def _message_ids(export: dict[str, Any]) -> set[str]:
    in_threads = {m["id"] for t in export["mailbox"]["threads"] for m in t["messages"]}
    return in_threads | {m["id"] for m in export["mailbox"]["messages_without_thread"]}


def test_the_export_holds_one_of_everything_and_nothing_of_anyone_else(
    client: TestClient,
    db: Database,
    registry: ConnectorRegistry,
    token_for: TokenFor,
    worker: PipelineWorker,
) -> None:
    set_email(db, JURGEN, "juergen.weiss@example.invalid")
    anna, jurgen = (seed(client, token_for(c), registry, c) for c in (ANNA, JURGEN))
    ids = [anna.submission_id, jurgen.submission_id]
    run_worker_until(worker, lambda: set(statuses(db, ids).values()) == {"completed"}, max_rounds=400)
    clerk = staff_headers(client, "sb-berlin-1")
    assert client.get(f"/api/v1/staff/submissions/{anna.submission_id}", headers=clerk).status_code == 200

    export = _export(client, token_for(ANNA))

    assert export["format"] == "ozgflow-data-export/1" and export["scope"] == {"jobcenter_id": None}
    assert export["customer"] == {
        "id": ANNA,
        "bg_number": BGS[ANNA],
        "given_name": "Anna",
        "family_name": "Schmidt",
        "street": "Invalidenstraße 12",
        "postal_code": "10115",
        "city": "Berlin",
        "email": "anna.schmidt@example.org",
        "online_account": True,
    }
    [sub] = export["submissions"]
    assert (sub["id"], sub["receipt_number"], sub["status"]) == (anna.submission_id, anna.receipt_number, "completed")
    with db.session() as session:
        filed = session.get(Submission, anna.submission_id)
        assert filed is not None and sub["form_data"] == filed.form_data and sub["form_data"]["declarations"]
    assert [(s["stage"], s["status"]) for s in sub["stages"]] == [
        ("intake", "succeeded"),
        ("efile", "succeeded"),
        ("transfer", "succeeded"),
        ("mailbox", "succeeded"),
    ]
    assert {"filed_digest", "receipt_signature", "receipt_key_id", "case_reference"} <= set(sub)
    assert [d["id"] for d in export["drafts"]] == [anna.draft_id]
    assert export["drafts"][0]["source_submission_id"] == anna.submission_id
    threads = {t["id"]: t for t in export["mailbox"]["threads"]}
    assert set(threads) == {
        anna.thread_id,
        stable_thread_id(f"submission:{anna.submission_id}"),
        stable_thread_id(f"inbound:{anna.inbound_item_id}"),
    }
    assert anna.message_id in _message_ids(export)
    [own] = [m for m in threads[anna.thread_id]["messages"] if m["id"] == anna.message_id]
    assert own["body"] == f"Nachricht von {ANNA}" and own["sender"] == "customer"
    assert any(
        m["kind"] == "receipt" for m in threads[stable_thread_id(f"submission:{anna.submission_id}")]["messages"]
    )
    [document] = export["documents"]
    assert (document["id"], document["filename"], document["message_id"]) == (
        anna.document_id,
        "mietvertrag.pdf",
        anna.message_id,
    )
    assert "storage_key" not in document  # internal paths stay internal
    [offer] = export["inbound_items"]
    assert offer["id"] == anna.inbound_item_id and offer["payload"]["job_title"].startswith("Fachkraft")
    with db.session() as session:
        notifications = set(session.scalars(select(EmailNotification.id).where(EmailNotification.customer_id == ANNA)))
    assert notifications and {n["id"] for n in export["email_notifications"]} == notifications
    assert {n["message_id"] for n in export["email_notifications"]} <= _message_ids(export)
    staff_reads = [e for e in export["access_log"] if e["actor_kind"] == "staff"]
    assert staff_reads and all(e["actor_id"] is None for e in staff_reads)  # the office, not the official
    assert {e["actor_jobcenter_id"] for e in staff_reads} == {"jc-berlin-mitte"}
    assert export["jobcenters"]["jc-berlin-mitte"] == "Jobcenter Berlin Mitte"
    assert export["retention_days"]["submissions"] == 3650

    text = json.dumps(export, ensure_ascii=False)
    for foreign in (JURGEN, "Weiß", BGS[JURGEN], jurgen.submission_id, jurgen.receipt_number, jurgen.inbound_item_id,
                    jurgen.thread_id, jurgen.draft_id, jurgen.document_id, "juergen.weiss"):  # fmt: skip
        assert foreign not in text
    with db.session() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "export"))
        assert (entry.actor_kind, entry.actor_id, entry.customer_id, entry.purpose, entry.resource_id) == (
            "customer",
            ANNA,
            ANNA,
            "Auskunft nach Art. 15 DSGVO",
            ANNA,
        )


def test_the_zip_carries_every_documents_bytes_and_the_filed_pdf(
    client: TestClient, db: Database, registry: ConnectorRegistry, token_for: TokenFor, efile: EFileStore
) -> None:
    anna = seed(client, token_for(ANNA), registry, ANNA)
    pdf_key, _ = complete(db, efile, anna.submission_id)

    response = client.get("/api/v1/me/data-export", params={"format": "zip"}, headers=token_for(ANNA))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith('attachment; filename="datenauskunft-kd-1001-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    export = json.loads(archive.read("export.json"))
    [document] = export["documents"]
    assert document["file_problem"] is None
    assert archive.read(document["file"]) == anna.attachment
    [sub] = export["submissions"]
    assert sub["efile_pdf"] == f"submissions/{anna.receipt_number}/wba.pdf"
    assert archive.read(sub["efile_pdf"]) == efile.get(pdf_key)
    assert sorted(archive.namelist()) == sorted(["export.json", document["file"], sub["efile_pdf"]])


def test_a_document_missing_from_the_efile_is_named_not_fatal(
    client: TestClient, db: Database, registry: ConnectorRegistry, token_for: TokenFor, efile: EFileStore
) -> None:
    anna = seed(client, token_for(ANNA), registry, ANNA)
    with db.session() as session:
        document = session.get(Document, anna.document_id)
        assert document is not None
        efile.delete(document.storage_key)

    response = client.get("/api/v1/me/data-export?format=zip", headers=token_for(ANNA))

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    [entry] = json.loads(archive.read("export.json"))["documents"]
    assert (entry["id"], entry["file"], entry["file_problem"]) == (anna.document_id, None, "missing")


def test_an_admin_exports_only_customers_and_records_of_their_own_jobcenter(
    client: TestClient, db: Database, registry: ConnectorRegistry, token_for: TokenFor
) -> None:
    anna = seed(client, token_for(ANNA), registry, ANNA)
    url = f"/api/v1/admin/customers/{ANNA}/data-export"
    berlin, leipzig = staff_headers(client, "admin-berlin"), staff_headers(client, "admin-leipzig")

    export = _export(client, berlin, url)
    assert export["scope"] == {"jobcenter_id": "jc-berlin-mitte"}
    assert [s["id"] for s in export["submissions"]] == [anna.submission_id]
    assert [d["id"] for d in export["drafts"]] == [anna.draft_id]
    for headers, target, status in (
        (leipzig, url, 404),  # Anna is not Leipzig's customer
        (leipzig, "/api/v1/admin/customers/kd-0000/data-export", 404),
        (staff_headers(client, "sb-berlin-1"), url, 403),  # staff, but not admin
        (token_for(ANNA), url, 403),
    ):
        refused = client.get(target, headers=headers)
        assert refused.status_code == status, (target, refused.text)
    assert client.get(url, headers=leipzig).json()["error"]["code"] == "customer_not_found"

    with db.session() as session:  # her submission went to Leipzig (say, filed before she moved)
        session.execute(update(Submission).where(Submission.id == anna.submission_id).values(jobcenter_id="jc-leipzig"))
    assert _export(client, berlin, url)["submissions"] == []
    from_leipzig = _export(client, leipzig, url)  # Leipzig holds a record of hers now, and exports just that
    assert [s["id"] for s in from_leipzig["submissions"]] == [anna.submission_id]
    assert from_leipzig["drafts"] == [] and from_leipzig["inbound_items"] == []
    assert {t["jobcenter_id"] for t in from_leipzig["mailbox"]["threads"]} <= {"jc-leipzig"}
    with db.session() as session:
        exports = session.scalars(select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id))
        assert [(e.actor_id, e.actor_jobcenter_id, e.jobcenter_id) for e in exports] == [
            ("admin-berlin", "jc-berlin-mitte", "jc-berlin-mitte"),
            ("admin-berlin", "jc-berlin-mitte", "jc-berlin-mitte"),
            ("admin-leipzig", "jc-leipzig", "jc-leipzig"),
        ]
