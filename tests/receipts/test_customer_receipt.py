"""What the customer gets shows the proof: the Postfach receipt and the e-file PDF carry digest, key id and
signature; the PDF stays byte-identical when the stage runs again."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from connectors.sdk.registry import ConnectorRegistry
from services.efile.stage import EFileStage
from services.efile.store import efile_store_from_url
from services.pipeline.assembly import build_runner
from services.pipeline.job import load_job
from services.settings import Settings
from services.store.db import Database
from tests.receipts.support import example, file, receipt

TokenFor = Callable[[str], dict[str, str]]


@pytest.mark.usefixtures("simulator")
def test_the_postfach_receipt_and_the_pdf_show_the_signed_proof(
    client: TestClient, token_for: TokenFor, registry: ConnectorRegistry, settings: Settings, db: Database
) -> None:
    headers = token_for("kd-1001")
    filed = file(client, headers, "wba", example(registry, "wba"))
    build_runner(settings, db=db, registry=registry).run_all(filed["id"])
    document = receipt(client, headers, filed["id"])
    digest, key, signature = document["statement"]["digest"], document["key_id"], document["signature"]

    messages = client.get("/api/v1/mailbox", headers=headers).json()["messages"]
    (body,) = [m["body"] for m in messages if m["kind"] == "receipt" and m["submission_id"] == filed["id"]]
    assert f"Prüfsumme (SHA-256) des Eingereichten: {digest}" in body
    assert f"Schlüssel-ID: {key}" in body and f"Signatur (Ed25519): {signature}" in body
    assert "http://127.0.0.1:8000/.well-known/ozgflow-receipt-keys.json" in body

    store = efile_store_from_url(settings.resolved_efile_url)
    pdf_key = f"jc-berlin-mitte/96101BG0012342/{filed['receipt_number']}/wba.pdf"
    first = store.get(pdf_key)
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(first)).pages)
    flat = "".join(text.split())
    assert digest in flat and key in flat and signature in flat
    with db.session() as session:
        job = load_job(session, registry, filed["id"])
    EFileStage(store).perform(job)  # the stage again (a retry): the same bytes
    assert store.get(pdf_key) == first
