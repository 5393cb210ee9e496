"""The operators' roadmap page: same matrix as the CLI, operators only, readable in a real browser."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from services.identity.dev_issuer import dev_issuer_for
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from tests.support.http_server import UvicornThread
from tests.support.rollout import add_load_test_run

Headers = Callable[[str], dict[str, str]]


@pytest.fixture
def operator_token(client: TestClient) -> str:
    response = client.post("/api/v1/dev/token", json={"role": "operator"})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_page_is_for_operators_only(client: TestClient, token_for: Headers, operator_token: str) -> None:
    assert client.get("/ops/roadmap").status_code == 401
    assert client.get("/ops/roadmap", headers=token_for("kd-1001")).status_code == 403
    customer_link = token_for("kd-1001")["Authorization"].removeprefix("Bearer ")
    assert client.get(f"/ops/roadmap?token={customer_link}", follow_redirects=False).status_code == 403
    page = client.get("/ops/roadmap", headers={"Authorization": f"Bearer {operator_token}"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<caption>" in page.text and 'scope="col"' in page.text and 'scope="row"' in page.text
    assert "Anna" not in page.text and "Schmidt" not in page.text  # metadata only


def test_token_link_becomes_an_httponly_cookie(client: TestClient, operator_token: str) -> None:
    handoff = client.get(f"/ops/roadmap?token={operator_token}", follow_redirects=False)
    assert handoff.status_code == 303 and handoff.headers["location"] == "/ops/roadmap"
    cookie = handoff.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/ops" in cookie
    assert client.get("/ops/roadmap").status_code == 200  # the cookie now carries the token


@pytest.fixture
def portal(settings: Settings, db: Database, registry: ConnectorRegistry) -> Iterator[UvicornThread]:
    with db.session() as session:
        add_load_test_run(session, service="placement")
    with UvicornThread(create_app(settings, db=db, registry=registry)) as server:
        yield server


def test_matrix_in_headless_chromium(portal: UvicornThread, settings: Settings, page) -> None:  # type: ignore[no-untyped-def]
    issuer = dev_issuer_for(settings)
    page.goto(f"{portal.url}/ops/roadmap?token={issuer.mint('dev-operator', roles=['operator'])}")
    assert page.url == f"{portal.url}/ops/roadmap"  # the token left the address bar
    assert page.get_by_role("heading", level=1).inner_text().startswith("OZG-Fahrplan")
    table = page.get_by_role("table", name="Dienst × Stufe")
    assert table.get_by_role("columnheader", name="Jobcenter Leipzig").is_visible()
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="placement"))
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells[:3] == ["3", "3", "1.0.0"]  # stage, maturity, version (the service is the row header)
    assert cells[3:7] == ["pilot", "off", "off", "off"]  # Berlin Mitte, Leipzig, Dortmund, Bremen
    assert cells[-1].startswith("pass 1.0.0")

    customer = issuer.mint("kd-1001", roles=["customer"])
    response = page.context.new_page().goto(f"{portal.url}/ops/roadmap?token={customer}")
    assert response is not None and response.status == 403
