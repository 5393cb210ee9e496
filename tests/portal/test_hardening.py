"""Security headers on every response, and a ceiling on request bodies before any handler reads them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from connectors.sdk.registry import ConnectorRegistry
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from services.store.models import Submission
from tests.support.http_server import UvicornThread

Headers = Callable[[str], dict[str, str]]


def _submissions(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Submission)) or 0


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/api/v1/services", "/", "/mein-jobcenter?plz=10115", "/api/v1/submissions/nope", "/docs"):
        response = client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "no-referrer" and response.headers["x-frame-options"] == "DENY"
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "script" not in policy
    assert "content-security-policy" not in client.get("/api/v1/services").headers  # JSON needs none
    assert "content-security-policy" not in client.get("/docs").headers  # Swagger UI brings its own scripts
    assert "strict-transport-security" not in page.headers  # plain HTTP on loopback: HSTS would mean nothing


def test_an_oversized_body_is_refused_before_anything_is_stored(
    settings: Settings, db: Database, registry: ConnectorRegistry, token_for: Headers
) -> None:
    small = settings.model_copy(update={"request_max_bytes": 64 * 1024})
    app = create_app(small, db=db, registry=registry)
    form = {**registry.get("wba").examples()[0], "padding": "x" * (80 * 1024)}
    with TestClient(app) as client:
        declared = client.post("/api/v1/submissions/wba", json=form, headers=token_for("kd-1001"))
    assert declared.status_code == 413 and declared.json()["error"]["code"] == "request_too_large"
    assert "64 KiB" in declared.json()["error"]["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit must hold while streaming
        yield b'{"padding": "'
        for _ in range(20):
            yield b"x" * 8192
        yield b'"}'

    with UvicornThread(app) as server:
        streamed = httpx.post(
            f"{server.url}/api/v1/submissions/wba",
            content=chunks(),
            headers={**token_for("kd-1001"), "Content-Type": "application/json"},
        )
    assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "request_too_large"
    assert _submissions(db) == 0
