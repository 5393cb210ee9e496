"""Filing: 202 with receipt, idempotency, German field messages, nothing stored on bad input,
no access to other customers' submissions."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from connectors.sdk.registry import ConnectorRegistry
from services.store.db import Database
from services.store.models import OutboxEntry, Submission


def _example(registry: ConnectorRegistry, key: str, index: int = 0) -> dict[str, Any]:
    return copy.deepcopy(registry.get(key).examples()[index])


def _counts(db: Database) -> tuple[int, int]:
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Submission)) or 0,
            session.scalar(select(func.count()).select_from(OutboxEntry)) or 0,
        )


def test_accepts_wba_with_receipt_and_status_url(
    client: TestClient, registry: ConnectorRegistry, token_for, db: Database
) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/submissions/wba", json=_example(registry, "wba"), headers=token_for("kd-1001"))
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id", "receipt_number", "status", "status_url"}
    assert re.fullmatch(r"WBA-\d{8}-[0-9A-Z]{8}", body["receipt_number"])
    assert body["status"] == "accepted"
    assert response.headers["location"] == body["status_url"]
    status = client.get(body["status_url"], headers=token_for("kd-1001")).json()
    assert status["receipt_number"] == body["receipt_number"]
    assert [s["stage"] for s in status["stages"]] == ["intake", "efile", "transfer", "mailbox"]
    assert all(s["status"] == "pending" for s in status["stages"])
    assert _counts(db) == (1, 1)  # the submission and its outbox entry, written together


def test_same_idempotency_key_returns_the_same_submission(
    client: TestClient, registry: ConnectorRegistry, token_for, db: Database
) -> None:  # type: ignore[no-untyped-def]
    headers = {**token_for("kd-1001"), "Idempotency-Key": "wba-2026-11-a"}
    first = client.post("/api/v1/submissions/wba", json=_example(registry, "wba"), headers=headers)
    second = client.post("/api/v1/submissions/wba", json=_example(registry, "wba"), headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert _counts(db) == (1, 1)


def test_reusing_an_idempotency_key_for_other_content_is_409(
    client: TestClient, registry: ConnectorRegistry, token_for, db: Database
) -> None:  # type: ignore[no-untyped-def]
    headers = {**token_for("kd-1001"), "Idempotency-Key": "k-1"}
    assert client.post("/api/v1/submissions/wba", json=_example(registry, "wba", 0), headers=headers).status_code == 202
    other = client.post("/api/v1/submissions/wba", json=_example(registry, "wba", 1), headers=headers)
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert _counts(db) == (1, 1)


def test_idempotency_keys_are_per_customer(
    client: TestClient, registry: ConnectorRegistry, token_for, db: Database
) -> None:  # type: ignore[no-untyped-def]
    a = client.post(
        "/api/v1/submissions/wba",
        json=_example(registry, "wba"),
        headers={**token_for("kd-1001"), "Idempotency-Key": "same"},
    )
    b = client.post(
        "/api/v1/submissions/wba",
        json=_example(registry, "wba"),
        headers={**token_for("kd-1002"), "Idempotency-Key": "same"},
    )
    assert a.json()["id"] != b.json()["id"]
    assert _counts(db) == (2, 2)


def test_missing_and_wrong_fields_give_german_messages_per_field_and_store_nothing(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for,
    db: Database,  # type: ignore[no-untyped-def]
) -> None:
    form = _example(registry, "wba")
    del form["declarations"]
    form["unexpected"] = "x"
    response = client.post("/api/v1/submissions/wba", json=form, headers=token_for("kd-1001"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    fields = {f["field"]: f for f in error["fields"]}
    assert fields["declarations"]["code"] == "missing"
    assert "Pflichtfeld" in fields["declarations"]["message"]
    assert fields["unexpected"]["code"] == "extra_forbidden"
    assert _counts(db) == (0, 0)


def test_plausibility_problems_are_422_with_field_paths(
    client: TestClient, registry: ConnectorRegistry, token_for, db: Database
) -> None:  # type: ignore[no-untyped-def]
    form = _example(registry, "vaem")
    form["changes"] = []
    response = client.post("/api/v1/submissions/vaem", json=form, headers=token_for("kd-1001"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] in {"plausibility_failed", "validation_failed"}
    assert any(f["field"].startswith("changes") for f in error["fields"])
    assert all(f["message"] and not f["message"].startswith("Value error") for f in error["fields"])
    assert _counts(db) == (0, 0)


@pytest.mark.parametrize(
    "raw, expected_status, expected_code",
    [
        (b"{not json", 400, "invalid_json"),
        (b"[1, 2, 3]", 422, "validation_failed"),
        (b'"text"', 422, "validation_failed"),
        (b"null", 422, "validation_failed"),
        (b"", 422, "validation_failed"),
    ],
)
def test_malformed_bodies_are_4xx_never_500(
    client: TestClient, token_for, db: Database, raw: bytes, expected_status: int, expected_code: str
) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/submissions/wba", content=raw, headers={**token_for("kd-1001"), "Content-Type": "application/json"}
    )
    assert response.status_code == expected_status, response.text
    assert response.json()["error"]["code"] == expected_code
    assert _counts(db) == (0, 0)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda f: f.update({"household": "none"}),
        lambda f: f.update({"household": {"changed": "vielleicht"}}),
        lambda f: f.update(
            {
                "declarations": {
                    "truthful_information": False,
                    "duty_to_report_changes": False,
                    "data_processing_acknowledged": False,
                }
            }
        ),
        lambda f: f.update({"bank_details": {"changed": True, "iban": "DE00 0000", "account_holder": "X"}}),
        lambda f: f.update({"income": {"changed": True, "entries": [{"gross_monthly": "-5"}]}}),
        lambda f: f.update({k: None for k in list(f)}),
        lambda f: f.update({"housing": {"changed": True, "basic_rent": "1e400"}}),
    ],
)
def test_hostile_variations_of_a_valid_form_are_422(
    client: TestClient, registry: ConnectorRegistry, token_for, db: Database, mutate
) -> None:  # type: ignore[no-untyped-def]
    form = _example(registry, "wba")
    mutate(form)
    response = client.post("/api/v1/submissions/wba", json=form, headers=token_for("kd-1001"))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["fields"]
    assert _counts(db) == (0, 0)


def test_unknown_service_and_bad_idempotency_key(client: TestClient, registry: ConnectorRegistry, token_for) -> None:  # type: ignore[no-untyped-def]
    unknown = client.post("/api/v1/submissions/kindergeld", json={}, headers=token_for("kd-1001"))
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_service"
    too_long = client.post(
        "/api/v1/submissions/wba",
        json=_example(registry, "wba"),
        headers={**token_for("kd-1001"), "Idempotency-Key": "x" * 201},
    )
    assert too_long.status_code == 422
    blank = client.post(
        "/api/v1/submissions/wba",
        json=_example(registry, "wba"),
        headers={**token_for("kd-1001"), "Idempotency-Key": "   "},
    )
    assert blank.status_code == 400 and blank.json()["error"]["code"] == "invalid_idempotency_key"


def test_another_customers_submission_is_404(client: TestClient, registry: ConnectorRegistry, token_for) -> None:  # type: ignore[no-untyped-def]
    mine = client.post("/api/v1/submissions/wba", json=_example(registry, "wba"), headers=token_for("kd-1001")).json()
    theirs = client.get(mine["status_url"], headers=token_for("kd-1002"))
    assert theirs.status_code == 404
    assert theirs.json()["error"]["code"] == "submission_not_found"
    missing = client.get("/api/v1/submissions/00000000-0000-0000-0000-000000000000", headers=token_for("kd-1001"))
    assert missing.status_code == 404
    assert theirs.json() == missing.json()  # indistinguishable from a submission that does not exist
