"""Filing with hostile bodies through the real portal: malformed is always a 4xx with the error shape, the
problems are exactly those the connector's own validation names, and nothing is stored; valid is a 202.

Bodies: any JSON value, examples with parts replaced or removed or unknown keys added, and raw bytes that
are not JSON at all. Runs on SQLite and PostgreSQL (the ``client`` fixture), derandomized and bounded.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from connectors.sdk.registry import ConnectorRegistry
from connectors.sdk.testkit import problems_of
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from services.store.models import Submission
from tests.connectors.form_strategies import json_values, mutated

TokenFor = Callable[[str], dict[str, str]]
SERVICES = ("wba", "vaem", "anlage_kdu")
BODIES = settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture
def client(settings: Settings, db: Database, registry: ConnectorRegistry) -> Iterator[TestClient]:
    """The shared ``client``, with the abuse limits lifted: a 429 after twenty filings would end the search."""
    unlimited = settings.model_copy(
        update={"rate_limit_submissions_per_customer": "", "rate_limit_submissions_per_address": ""}
    )
    with TestClient(create_app(unlimited, db=db, registry=registry)) as test_client:
        yield test_client


def _stored(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Submission)) or 0


def _assert_error_shape(response: Any) -> dict[str, Any]:
    error = response.json()["error"]
    assert isinstance(error["code"], str) and error["message"].strip(), error
    for field in error.get("fields", []):
        assert set(field) == {"field", "code", "message"} and field["message"].strip(), field
    return error


def test_hostile_forms_are_refused_exactly_as_the_connector_validates_them(
    client: TestClient, token_for: TokenFor, registry: ConnectorRegistry, db: Database
) -> None:
    headers = token_for("kd-1001")
    forms = st.sampled_from(SERVICES).flatmap(
        lambda service: st.tuples(
            st.just(service), json_values | st.sampled_from(registry.get(service).examples()).flatmap(mutated)
        )
    )

    @BODIES
    @given(filed=forms)
    def run(filed: tuple[str, Any]) -> None:
        service, body = filed
        expected = problems_of(registry.get(service), copy.deepcopy(body)) if isinstance(body, dict) else None
        before = _stored(db)
        response = client.post(f"/api/v1/submissions/{service}", json=body, headers=headers)
        if expected == []:
            assert response.status_code == 202, response.text
            return
        assert response.status_code == 422, response.text
        error = _assert_error_shape(response)
        if expected is not None:
            assert {(f["field"], f["code"]) for f in error["fields"]} == {(p.field, p.code) for p in expected}
        assert _stored(db) == before, "a refused submission must leave nothing behind"

    run()


@BODIES
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_bodies_that_are_not_json_are_a_400_and_store_nothing(
    client: TestClient, token_for: TokenFor, db: Database, raw: bytes
) -> None:
    try:
        json.loads(raw)
        return  # valid JSON by chance: covered above
    except ValueError:
        pass
    before = _stored(db)
    response = client.post(
        "/api/v1/submissions/wba",
        content=raw,
        headers={**token_for("kd-1001"), "Content-Type": "application/json"},
    )
    if not raw.strip():  # no body at all: the form is missing
        assert response.status_code == 422 and _assert_error_shape(response)["fields"][0]["field"] == "body"
    else:
        assert response.status_code == 400, response.text
        assert _assert_error_shape(response)["code"] == "invalid_json"
    assert _stored(db) == before
