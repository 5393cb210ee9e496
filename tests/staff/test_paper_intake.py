"""The paper channel: a keyed-in form with its scan becomes the same submission as an online one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker
from services.efile.store import FilesystemEFileStore
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from services.store.models import Customer, Document, MailboxMessage, OutboxEntry, Submission, SubmissionEvent
from services.transfer.simulator import SimulatorState
from tests.staff.support import PNG, TokenFor, example, inbox, paper, receipts, scan_pdf, staff_headers
from tests.support.pipeline import run_worker_until, statuses

NEW_PERSON = {
    "bg_number": "96101bg0099991",  # Berlin Mitte's office; last digit 1 → Leistungsteam 1
    "given_name": "Karl",
    "family_name": "Brief",
    "street": "Torstraße 1",
    "postal_code": "10119",
    "city": "Berlin",
}


def _done(worker: PipelineWorker, db: Database, ids: list[str]) -> None:
    run_worker_until(worker, lambda: set(statuses(db, ids).values()) == {"completed"}, max_rounds=400)


def _counts(db: Database) -> tuple[int, ...]:
    with db.session() as session:
        return tuple(session.query(model).count() for model in (Submission, OutboxEntry, Document, Customer))


def _efile_files(settings: Settings) -> list[Path]:
    root = Path(settings.resolved_efile_url.removeprefix("file://"))
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_paper_form_of_an_existing_customer_runs_the_same_flow_and_reaches_their_postfach(
    client: TestClient,
    registry: ConnectorRegistry,
    db: Database,
    worker: PipelineWorker,
    token_for: TokenFor,
    simulator: SimulatorState,
    settings: Settings,
) -> None:
    clerk = staff_headers(client, "ez-berlin")
    scan = scan_pdf()
    accepted = paper(client, clerk, service="wba", form=example(registry, "wba"), scan=scan, customer_id="kd-1001")
    assert accepted.status_code == 202, accepted.text
    wba = accepted.json()
    assert (wba["channel"], wba["customer_id"], wba["customer_created"]) == ("paper", "kd-1001", False)
    anlage = paper(
        client,
        clerk,
        service="anlage_kdu",
        form=example(registry, "anlage_kdu"),
        scan=PNG,
        filename="kdu.png",
        customer_id="kd-1001",
        attach_to=wba["receipt_number"],
    )
    assert anlage.status_code == 202, anlage.text
    _done(worker, db, [wba["id"], anlage.json()["id"]])

    status = client.get(f"/api/v1/submissions/{wba['id']}", headers=token_for("kd-1001")).json()
    assert status["channel"] == "paper" and status["status"] == "completed"
    assert status["attachments"] == [anlage.json()["id"]]
    postfach = client.get("/api/v1/mailbox", headers=token_for("kd-1001")).json()
    assert wba["receipt_number"] in {m["receipt_number"] for m in postfach["messages"]}

    sb1 = staff_headers(client, "sb-berlin-1")
    [item] = [i for i in inbox(client, sb1)["items"] if i["receipt_number"] == wba["receipt_number"]]
    assert item["channel"] == "paper"
    view = client.get(wba["status_url"], headers=sb1).json()
    assert client.get(view["json_url"], headers=sb1).json()["channel"] == "paper"
    assert view["attachments"][0]["receipt_number"] == anlage.json()["receipt_number"]
    [document] = view["documents"]
    assert (document["id"], document["kind"], document["media_type"]) == (wba["document_id"], "scan", "application/pdf")
    download = client.get(document["url"], headers=sb1)
    assert download.status_code == 200 and download.content == scan
    assert download.headers["content-disposition"].startswith("attachment")
    [event] = view["events"]
    assert (event["kind"], event["actor"]) == ("paper_intake", "ez-berlin")
    assert event["detail"]["document_id"] == document["id"]
    with db.session() as session:
        stored = session.get(Document, document["id"])
        assert stored is not None
        assert stored.storage_key.startswith(f"jc-berlin-mitte/96101BG0012342/{wba['receipt_number']}/documents/")
    assert client.get(document["url"], headers=staff_headers(client, "sb-bremen-1")).status_code == 404


def test_paper_form_of_a_new_person_is_filed_without_a_postfach(
    client: TestClient,
    registry: ConnectorRegistry,
    db: Database,
    worker: PipelineWorker,
    simulator: SimulatorState,
) -> None:
    clerk = staff_headers(client, "ez-berlin")
    accepted = paper(client, clerk, service="wba", form=example(registry, "wba"), **NEW_PERSON)
    assert accepted.status_code == 202, accepted.text
    filed = accepted.json()
    assert filed["customer_created"] is True
    _done(worker, db, [filed["id"]])

    with db.session() as session:
        person = session.get(Customer, filed["customer_id"])
        assert person is not None and person.online_account is False and person.bg_number == "96101BG0099991"
        assert session.query(Submission).filter_by(customer_id=person.id).one().channel == "paper"
        assert session.query(MailboxMessage).filter_by(customer_id=person.id).count() == 0
    assert filed["receipt_number"] in {c["eingangsnummer"] for c in simulator.cases()}
    sb1 = staff_headers(client, "sb-berlin-1")
    assert filed["receipt_number"] in receipts(inbox(client, sb1))
    view = client.get(filed["status_url"], headers=sb1).json()
    assert view["customer"]["online_account"] is False and view["pdf_url"]
    assert client.get(view["pdf_url"], headers=sb1).content.startswith(b"%PDF-")

    again = paper(client, clerk, service="vaem", form=example(registry, "vaem"), **{**NEW_PERSON, "given_name": "KARL"})
    assert again.status_code == 202 and again.json()["customer_id"] == filed["customer_id"]
    assert again.json()["customer_created"] is False


def test_refused_paper_intake_stores_nothing(
    client: TestClient, registry: ConnectorRegistry, db: Database, settings: Settings
) -> None:
    clerk = staff_headers(client, "ez-berlin")
    before, files_before = _counts(db), _efile_files(settings)
    form = example(registry, "wba")

    for scan, code, status in ((b"GIF89a....", "unsupported_file_type", 415), (b"", "empty_upload", 422)):
        refused = paper(client, clerk, service="wba", form=form, scan=scan, customer_id="kd-1001")
        assert refused.status_code == status and refused.json()["error"]["code"] == code

    broken = {**form, "declarations": {**form["declarations"], "truthful_information": "vielleicht"}}
    refused = paper(client, clerk, service="wba", form=broken, **NEW_PERSON)
    online = client.post("/api/v1/submissions/wba", json=broken, headers=_customer(client, "kd-1001"))
    assert refused.status_code == online.status_code == 422
    assert refused.json()["error"] == online.json()["error"]  # the same per-field German problems as online

    wrong_person = {**NEW_PERSON, "bg_number": "21401BG0000001", "postal_code": "28195", "given_name": ""}
    refused = paper(client, clerk, service="wba", form=form, **wrong_person)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_customer"
    problems = {f["field"]: f["code"] for f in refused.json()["error"]["fields"]}
    assert problems == {
        "customer.given_name": "missing",
        "customer.bg_number": "bg_number_other_jobcenter",
        "customer.postal_code": "postal_code_other_jobcenter",
    }
    # Arabic-Indic and full-width digits look like a BG number or postal code on screen but are none
    foreign_digits = {**NEW_PERSON, "bg_number": "٩٦١٠١BG٠٠٩٩٩٩١", "postal_code": "１０１１５"}
    refused = paper(client, clerk, service="wba", form=form, **foreign_digits)
    problems = {f["field"]: f["code"] for f in refused.json()["error"]["fields"]}
    assert problems == {"customer.bg_number": "invalid_bg_number", "customer.postal_code": "invalid_postal_code"}
    for bad, code, status in (
        ({"customer_id": "kd-4001"}, "customer_not_found", 404),  # Bremen's customer looks missing
        ({"customer_id": "kd-1001", "bg_number": "96101BG0012342"}, "customer_ambiguous", 422),
        ({"customer_id": "kd-1001", "service": "nope"}, "unknown_service", 422),
        ({"customer_id": "kd-1001", "form": "{kaputt"}, "invalid_json", 422),
    ):
        fields = {"service": "wba", "form": form, **bad}
        refused = paper(client, clerk, **fields)  # type: ignore[arg-type]
        assert refused.status_code == status and refused.json()["error"]["code"] == code, refused.text
    kdu = example(registry, "anlage_kdu")
    stray = paper(client, clerk, service="anlage_kdu", form=kdu, customer_id="kd-1001", attach_to="WBA-20260101-0000")
    assert stray.status_code == 422 and stray.json()["error"]["code"] == "unknown_parent"

    assert _counts(db) == before and _efile_files(settings) == files_before


def _customer(client: TestClient, customer_id: str) -> dict[str, str]:
    token = client.post("/api/v1/dev/token", json={"customer_id": customer_id}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_paper_intake_needs_the_intake_role_and_repeats_idempotently(
    client: TestClient, registry: ConnectorRegistry, db: Database
) -> None:
    form = example(registry, "wba")
    refused = paper(client, staff_headers(client, "sb-berlin-1"), service="wba", form=form, customer_id="kd-1001")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"

    clerk, key = staff_headers(client, "ez-berlin"), {"Idempotency-Key": "scan-2026-0815"}
    first = paper(client, clerk, service="wba", form=form, customer_id="kd-1001", extra_headers=key)
    second = paper(client, clerk, service="wba", form=form, customer_id="kd-1001", extra_headers=key)
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    with db.session() as session:
        assert session.query(Document).filter_by(submission_id=first.json()["id"]).count() == 1
        assert session.query(SubmissionEvent).filter_by(submission_id=first.json()["id"]).count() == 1


@pytest.mark.parametrize("staff_id", ["ez-bremen"])
def test_a_clerk_keys_in_only_for_their_own_jobcenter(
    client: TestClient, registry: ConnectorRegistry, staff_id: str
) -> None:
    response: Any = paper(
        client, staff_headers(client, staff_id), service="wba", form=example(registry, "wba"), **NEW_PERSON
    )
    assert response.status_code == 422
    assert {f["code"] for f in response.json()["error"]["fields"]} == {
        "bg_number_other_jobcenter",
        "postal_code_other_jobcenter",
    }


def test_an_efile_outage_refuses_the_scan_and_keeps_nothing(
    settings: Settings, db: Database, registry: ConnectorRegistry, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("the e-file store's root is occupied: every write fails")
    app = create_app(settings, db=db, registry=registry, efile=FilesystemEFileStore(blocked))
    with TestClient(app) as client:
        before = _counts(db)
        clerk = staff_headers(client, "ez-berlin")
        refused = paper(client, clerk, service="wba", form=example(registry, "wba"), **NEW_PERSON)
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "efile_unavailable"
        assert _counts(db) == before  # neither the new person nor the submission nor its outbox entry
