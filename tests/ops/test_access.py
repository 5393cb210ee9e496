"""Only operators reach the operator pages and API: 401 without a token, 403 for customers and staff."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.identity.dev_issuer import dev_issuer_for
from services.settings import Settings
from tests.ops.conftest import Headers

RECEIPT = "WBA-20990101-ABCDEFGH"
ENDPOINTS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/ops", {}),
    ("GET", "/ops/roadmap", {}),
    ("GET", "/ops/submissions?q=" + RECEIPT, {}),
    ("GET", f"/ops/submissions/{RECEIPT}", {}),
    ("POST", f"/ops/submissions/{RECEIPT}/retry", {"data": {}}),
    ("POST", "/ops/retry", {"data": {"service": "wba"}}),
    ("GET", "/api/v1/ops/overview", {}),
    ("GET", "/api/v1/ops/series", {}),
    ("GET", "/api/v1/ops/slo", {}),
    ("GET", "/api/v1/ops/failed", {}),
    ("GET", "/api/v1/ops/health", {}),
    ("GET", f"/api/v1/ops/submissions/{RECEIPT}", {}),
    ("POST", f"/api/v1/ops/submissions/{RECEIPT}/retry", {}),
    ("POST", "/api/v1/ops/retry", {"json": {}}),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
def test_only_operators_get_in(
    client: TestClient,
    token_for: Any,
    staff: Headers,
    operator: Headers,
    method: str,
    path: str,
    body: dict[str, Any],
) -> None:
    def call(headers: Headers | None) -> int:
        return client.request(method, path, headers=headers, follow_redirects=False, **body).status_code

    assert call(None) == 401
    assert call({"Authorization": "Bearer not-a-token"}) == 401
    assert call(token_for("kd-1001")) == 403
    assert call(staff) == 403
    assert call(operator) not in (401, 403)


def test_token_links_become_a_cookie_and_keep_the_query(client: TestClient, settings: Settings) -> None:
    issuer = dev_issuer_for(settings)
    customer = issuer.mint("kd-1001", roles=["customer"])
    assert client.get(f"/ops?token={customer}", follow_redirects=False).status_code == 403
    operator = issuer.mint("ops-oncall-1", roles=["operator"])
    handoff = client.get(f"/ops?service=wba&hours=6&token={operator}", follow_redirects=False)
    assert handoff.status_code == 303 and handoff.headers["location"] == "/ops?service=wba&hours=6"
    cookie = handoff.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/ops" in cookie
    assert client.get("/ops?service=wba&hours=6").status_code == 200  # the cookie now carries the token
    assert client.get("/api/v1/ops/overview").status_code == 401  # the cookie is scoped to the pages
