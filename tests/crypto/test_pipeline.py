"""The whole pipeline on the encrypted platform: portal, Prefect worker, e-file, transfer, Postfach.

Everything a customer or staff member sees is plain; everything stored (rows, e-file objects, attachments)
is sealed with the jobcenter's key.
"""

from __future__ import annotations

import copy
from pathlib import Path
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker, worker_from_settings
from services.crypto.envelope import is_envelope, read_header
from services.pipeline.assembly import build_runner
from services.settings import Settings
from services.store.db import Database
from tests.crypto.conftest import WBA_SECRET, raw_rows
from tests.staff.support import staff_headers
from tests.support.pipeline import file_submission, run_worker_until, statuses
from tests.support.sample_files import Doc, classic

ATTACHMENT = classic(Doc(content=b"BT /F1 12 Tf 72 700 Td (Lohnabrechnung Quellwasser) Tj ET", content_filters=()))


@pytest.fixture
def sealed_worker(
    prefect_server: str, settings: Settings, sealed_db: Database, registry: ConnectorRegistry
) -> PipelineWorker:
    runner = build_runner(settings, db=sealed_db, registry=registry)  # e-file store from settings: encrypting
    return worker_from_settings(settings, runner=runner, worker_id="crypto-worker")


@pytest.mark.usefixtures("simulator")
def test_a_submission_completes_end_to_end_with_everything_stored_encrypted(
    sealed_client: TestClient,
    sealed_db: Database,
    sealed_worker: PipelineWorker,
    settings: Settings,
    registry: ConnectorRegistry,
    token_for: ...,
) -> None:
    anna = token_for("kd-1001")
    filed = file_submission(sealed_client, anna, "wba", copy.deepcopy(registry.get("wba").examples()[1]))
    thread = sealed_client.post(
        "/api/v1/mailbox/threads",
        data={"topic": "nachweise", "subject": "Nachweis", "body": "Anbei die Abrechnung."},
        files=[("files", ("abrechnung.pdf", ATTACHMENT, "application/pdf"))],
        headers=anna,
    )
    assert thread.status_code == 201, thread.text
    assert b"Quellwasser" in ATTACHMENT

    run_worker_until(sealed_worker, lambda: statuses(sealed_db, [filed["id"]])[filed["id"]] == "completed")

    root = Path(urlparse(settings.resolved_efile_url).path)
    objects = [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert {p.suffix for p in objects} == {".pdf", ".json"} and len(objects) == 3  # PDF, JSON, attachment
    for path in objects:
        stored = path.read_bytes()
        assert is_envelope(stored) and WBA_SECRET.encode() not in stored and b"Quellwasser" not in stored
        assert read_header(stored)[0].scope == "jc-berlin-mitte"
    for table in ("submissions", "mailbox_messages", "drafts"):
        assert WBA_SECRET not in raw_rows(sealed_db, table)

    staff = staff_headers(sealed_client, "sb-berlin-1")
    pdf = sealed_client.get(f"/api/v1/staff/submissions/{filed['id']}/pdf", headers=staff)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    record = sealed_client.get(f"/api/v1/staff/submissions/{filed['id']}/json", headers=staff)
    assert "Bäckerei Krause GmbH" in record.text
    attachment_url = thread.json()["message_list"][0]["attachments"][0]["url"]
    assert sealed_client.get(attachment_url, headers=anna).content == ATTACHMENT
    postfach = sealed_client.get("/api/v1/mailbox", headers=anna).json()["messages"]
    assert any(filed["receipt_number"] in m["body"] for m in postfach)
