"""Helpers for the staff workspace tests: tokens, filing through the portal, paper intake, small scans."""

from __future__ import annotations

import copy
import io
import json
import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from reportlab.pdfgen import canvas

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker
from services.store.db import Database
from tests.support.pipeline import file_submission, run_worker_until, statuses
from tests.support.sample_files import png

Headers = dict[str, str]
TokenFor = Callable[[str], Headers]

BERLIN = "jc-berlin-mitte"
LEISTUNG_1, LEISTUNG_2, VAEM_TEAM = (f"{BERLIN}/{t}" for t in ("leistung-1", "leistung-2", "veraenderungen"))
PNG = png()  # a real picture: uploads are checked by content


def staff_headers(client: TestClient, staff_id: str) -> Headers:
    response = client.post("/api/v1/dev/token", json={"role": "staff", "staff_id": staff_id})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def staff_token(client: TestClient, staff_id: str) -> str:
    return staff_headers(client, staff_id)["Authorization"].removeprefix("Bearer ")


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def page_csrf_token(html: str) -> str:
    """The CSRF token a page put into its forms, as a browser posts it back (services/portal/csrf.py)."""
    tokens = set(CSRF_FIELD.findall(html))
    assert len(tokens) == 1, "every form of a page carries the same token"
    return tokens.pop()


def signed_in_page(client: TestClient, path: str, staff_id: str = "sb-berlin-1") -> str:
    """Sign the browser (cookie) in through the token link, open `path` and return its CSRF token."""
    handoff = client.get(f"{path}?token={staff_token(client, staff_id)}", follow_redirects=False)
    assert handoff.status_code == 303
    page = client.get(path)
    assert page.status_code == 200, page.text
    return page_csrf_token(page.text)


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
