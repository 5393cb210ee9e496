"""Helpers for the staff workspace tests: tokens, filing through the portal, paper intake, small scans."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from reportlab.pdfgen import canvas

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker
from services.store.db import Database
from tests.support.pipeline import file_submission, run_worker_until, statuses

Headers = dict[str, str]
TokenFor = Callable[[str], Headers]

BERLIN = "jc-berlin-mitte"
LEISTUNG_1, LEISTUNG_2, VAEM_TEAM = (f"{BERLIN}/{t}" for t in ("leistung-1", "leistung-2", "veraenderungen"))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def staff_headers(client: TestClient, staff_id: str) -> Headers:
    response = client.post("/api/v1/dev/token", json={"role": "staff", "staff_id": staff_id})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def staff_token(client: TestClient, staff_id: str) -> str:
    return staff_headers(client, staff_id)["Authorization"].removeprefix("Bearer ")


def scan_pdf(text: str = "Weiterbewilligungsantrag (Papier)") -> bytes:
    """A real one-page PDF, as a scanner would deliver (content does not matter, the type does)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pdf.drawString(72, 720, text)
    pdf.save()
    return buffer.getvalue()


def example(registry: ConnectorRegistry, service: str) -> dict[str, Any]:
    return copy.deepcopy(registry.get(service).examples()[0])


def file_and_route(
    client: TestClient,
    token_for: TokenFor,
    registry: ConnectorRegistry,
    db: Database,
    worker: PipelineWorker,
    plan: list[tuple[str, str]],
) -> dict[tuple[str, str], dict[str, Any]]:
    """File ``(customer, service)`` pairs through the portal and run the worker until all are completed."""
    filed = {
        (customer, service): file_submission(client, token_for(customer), service, example(registry, service))
        for customer, service in plan
    }
    ids = [f["id"] for f in filed.values()]
    run_worker_until(worker, lambda: set(statuses(db, ids).values()) == {"completed"}, max_rounds=400)
    return filed


def paper(
    client: TestClient,
    headers: Headers,
    *,
    service: str,
    form: Any,
    scan: bytes | None = None,
    filename: str = "scan.pdf",
    extra_headers: Headers | None = None,
    **person: str,
) -> Any:
    files = {"scan": (filename, scan if scan is not None else scan_pdf(), "application/octet-stream")}
    data = {"service": service, "form": form if isinstance(form, str) else json.dumps(form), **person}
    return client.post(
        "/api/v1/staff/paper-submissions", headers={**headers, **(extra_headers or {})}, data=data, files=files
    )


def inbox(client: TestClient, headers: Headers, **params: str) -> dict[str, Any]:
    response = client.get("/api/v1/staff/inbox", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def receipts(listing: dict[str, Any]) -> set[str]:
    return {i["receipt_number"] for i in listing["items"] if i["kind"] == "submission"}


def written(message: dict[str, Any]) -> str:
    """What staff wrote: a jobcenter's message body before the closing the platform adds (its contact)."""
    return str(message["body"]).split("\n\nBei Fragen erreichen Sie uns", 1)[0]
