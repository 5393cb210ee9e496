"""Receipts through the portal, on SQLite and PostgreSQL: every channel signs at acceptance, a replay returns the
same receipt, the customer downloads it, anyone verifies it (and a form against it), bad input is a 4xx."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import update

from connectors.sdk.registry import ConnectorRegistry
from services.portal.app import create_app
from services.receipts.digest import filed_digest
from services.receipts.keys import key_id
from services.settings import Settings
from services.store.db import Database
from services.store.models import Submission
from tests.placement.conftest import VERBIS_KEY, make_offer
from tests.receipts.support import example, file, receipt, verify, with_keys
from tests.staff.support import paper, scan_pdf, staff_headers

TokenFor = Callable[[str], dict[str, str]]


def test_an_online_filing_is_signed_and_verifies_with_its_form(
    client: TestClient, token_for: TokenFor, registry: ConnectorRegistry, db: Database
) -> None:
    form = example(registry, "wba")
    filed = file(client, token_for("kd-1001"), "wba", form)
    document = receipt(client, token_for("kd-1001"), filed["id"])
    statement = document["statement"]
    with db.session() as session:
        stored = session.get(Submission, filed["id"])
        assert stored is not None
        assert (
            stored.filed_digest
            == statement["digest"]
            == filed_digest(service="wba", service_version=stored.service_version, form=stored.form_data)
        )
        assert (stored.receipt_signature, stored.receipt_key_id) == (document["signature"], document["key_id"])
        created = stored.created_at
    assert statement["receipt_number"] == filed["receipt_number"]
    assert (statement["service"], statement["channel"], statement["attachments"]) == ("wba", "online", [])
    assert statement["filed_at"] == created.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert statement["issuer"] == "http://127.0.0.1:8000"
    assert document["filed"]["form"] == stored.form_data
    assert document["verification"]["keys_url"] == "http://127.0.0.1:8000/.well-known/ozgflow-receipt-keys.json"

    as_downloaded = verify(client, document)  # the download as it is: its 'filed' form is checked too
    assert (as_downloaded["valid"], as_downloaded["reason"], as_downloaded["digest_checked"]) == (True, "valid", True)
    assert as_downloaded["receipt_number"] == filed["receipt_number"]
    typed = verify(client, {"statement": statement, "signature": document["signature"], "form": form})
    assert typed["valid"] and typed["digest_checked"]  # the form as the customer sent it (before validation)
    bare = verify(client, {"statement": statement, "signature": document["signature"]})
    assert bare["valid"] and not bare["digest_checked"]


def test_a_changed_form_or_statement_is_invalid_with_the_reason(
    client: TestClient, token_for: TokenFor, registry: ConnectorRegistry
) -> None:
    filed = file(client, token_for("kd-1001"), "wba", example(registry, "wba"))
    document = receipt(client, token_for("kd-1001"), filed["id"])
    changed_form = copy.deepcopy(document["filed"]["form"])
    changed_form["bg_number"] = "96101BG0012343"
    mismatch = verify(client, {**document, "form": changed_form})
    assert (mismatch["valid"], mismatch["reason"]) == (False, "digest_mismatch")
    assert "Formulardaten passen nicht" in mismatch["message"]
    later = {**document["statement"], "filed_at": "2099-01-01T00:00:00Z"}
    forged = verify(client, {"statement": later, "signature": document["signature"]})
    assert (forged["valid"], forged["reason"]) == (False, "bad_signature")


def test_a_replay_returns_the_same_receipt_and_signs_nothing_new(
    client: TestClient, token_for: TokenFor, registry: ConnectorRegistry
) -> None:
    headers = {**token_for("kd-1001"), "Idempotency-Key": "receipt-replay-1"}
    first = file(client, headers, "wba", example(registry, "wba"))
    again = client.post("/api/v1/submissions/wba", json=example(registry, "wba"), headers=headers)
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json()["id"] == first["id"]
    assert receipt(client, headers, first["id"]) == receipt(client, headers, again.json()["id"])


def test_a_filed_draft_is_signed(client: TestClient, token_for: TokenFor, registry: ConnectorRegistry) -> None:
    headers = token_for("kd-1001")
    file(client, headers, "vaem", example(registry, "vaem"))
    draft = client.post("/api/v1/drafts/vaem", headers=headers).json()
    assert "missing" not in draft["sections"].values(), draft["sections"]
    for section in draft["sections"]:
        confirmed = client.put(
            f"/api/v1/drafts/{draft['id']}/sections/{section}", json={"confirm": True}, headers=headers
        )
        assert confirmed.status_code == 200, confirmed.text
    submitted = client.post(f"/api/v1/drafts/{draft['id']}/submit", headers=headers)
    assert submitted.status_code == 202, submitted.text
    document = receipt(client, headers, submitted.json()["id"])
    assert document["statement"]["receipt_number"] == submitted.json()["receipt_number"]
    assert verify(client, document)["valid"]


def test_a_placement_answer_is_signed(client: TestClient, token_for: TokenFor, registry: ConnectorRegistry) -> None:
    offer = make_offer()
    pushed = client.post("/api/v1/inbound/placement", json=offer, headers={"X-API-Key": VERBIS_KEY})
    assert pushed.status_code in (200, 201, 202), pushed.text
    answer = {
        "offer_id": offer["offer_id"],
        "outcome": "applied",
        "applied_on": (date.today() - timedelta(days=1)).isoformat(),
    }
    filed = file(client, token_for("kd-1001"), "placement", answer)
    document = receipt(client, token_for("kd-1001"), filed["id"])
    assert document["statement"]["service"] == "placement"
    assert verify(client, {**document, "form": answer})["valid"]


def test_paper_is_signed_with_its_scan_in_the_digest(
    client: TestClient, token_for: TokenFor, registry: ConnectorRegistry
) -> None:
    scan = scan_pdf("Weiterbewilligungsantrag, Papier, Eingang Poststelle")
    form = example(registry, "wba")
    clerk = staff_headers(client, "ez-berlin")
    accepted = paper(client, clerk, service="wba", form=form, scan=scan, customer_id="kd-1001")
    assert accepted.status_code in (201, 202), accepted.text
    submission_id = accepted.json()["id"]
    document = receipt(client, token_for("kd-1001"), submission_id)
    statement = document["statement"]
    scan_hash = hashlib.sha256(scan).hexdigest()
    assert (statement["channel"], statement["attachments"]) == ("paper", [scan_hash])
    assert statement["digest"] == filed_digest(
        service="wba",
        service_version=statement["service_version"],
        form=document["filed"]["form"],
        attachments=[scan_hash],
    )
    assert verify(client, document)["valid"]
    replay_key = {"Idempotency-Key": "paper-receipt-1"}
    once = paper(client, clerk, service="wba", form=form, scan=scan, customer_id="kd-1001", extra_headers=replay_key)
    twice = paper(client, clerk, service="wba", form=form, scan=scan, customer_id="kd-1001", extra_headers=replay_key)
    assert once.json()["id"] == twice.json()["id"]
    assert (
        receipt(client, token_for("kd-1001"), once.json()["id"])["signature"]
        == receipt(client, token_for("kd-1001"), twice.json()["id"])["signature"]
    )


def test_only_the_customer_gets_their_receipt(
    client: TestClient, token_for: TokenFor, registry: ConnectorRegistry, db: Database
) -> None:
    filed = file(client, token_for("kd-1001"), "wba", example(registry, "wba"))
    other = client.get(f"/api/v1/submissions/{filed['id']}/receipt", headers=token_for("kd-1002"))
    assert (other.status_code, other.json()["error"]["code"]) == (404, "submission_not_found")
    assert client.get(f"/api/v1/submissions/{filed['id']}/receipt").status_code == 401
    with db.session() as session:  # accepted before receipts were signed
        session.execute(
            update(Submission)
            .where(Submission.id == filed["id"])
            .values(filed_digest=None, receipt_signature=None, receipt_key_id=None, receipt_statement=None)
        )
    legacy = client.get(f"/api/v1/submissions/{filed['id']}/receipt", headers=token_for("kd-1001"))
    assert (legacy.status_code, legacy.json()["error"]["code"]) == (404, "receipt_not_signed")


def test_after_rotation_the_portal_publishes_both_keys_and_old_receipts_verify(
    settings: Settings, db: Database, registry: ConnectorRegistry, token_for: TokenFor
) -> None:
    old_key, new_key, stranger = (Ed25519PrivateKey.generate() for _ in range(3))
    with TestClient(create_app(with_keys(settings, old_key), db=db, registry=registry)) as before:
        filed = file(before, token_for("kd-1001"), "wba", example(registry, "wba"))
        old_receipt = receipt(before, token_for("kd-1001"), filed["id"])
    assert old_receipt["key_id"] == key_id(old_key.public_key())
    with TestClient(create_app(with_keys(settings, new_key, old_key), db=db, registry=registry)) as after:
        jwks = after.get("/.well-known/ozgflow-receipt-keys.json").json()
        assert [(k["kid"], k["status"]) for k in jwks["keys"]] == [
            (key_id(new_key.public_key()), "current"),
            (key_id(old_key.public_key()), "previous"),
        ]
        checked = verify(after, old_receipt)
        assert (checked["valid"], checked["key_status"]) == (True, "previous")
        newer = file(after, token_for("kd-1001"), "wba", example(registry, "wba"))
        assert receipt(after, token_for("kd-1001"), newer["id"])["key_id"] == key_id(new_key.public_key())
        assert receipt(after, token_for("kd-1001"), filed["id"]) == old_receipt  # stored as signed
    with TestClient(create_app(with_keys(settings, stranger), db=db, registry=registry)) as elsewhere:
        unknown = verify(elsewhere, old_receipt)
        assert (unknown["valid"], unknown["reason"]) == (False, "unknown_key")


BAD_INPUT: list[tuple[Any, int, str]] = [
    ("[1, 2", 400, "invalid_json"),
    ([], 422, "validation_failed"),
    ({"signature": "x"}, 422, "validation_failed"),
    ({"statement": {"key_id": "k"}, "signature": 5}, 422, "validation_failed"),
    ({"statement": {"no_key_id": 1}, "signature": "x"}, 422, "invalid_statement"),
    ({"statement": {"key_id": "k"}, "signature": "!!"}, 422, "invalid_signature"),
    ({"statement": {"key_id": "k"}, "signature": "A" * 500}, 422, "validation_failed"),
    ({"statement": {"key_id": "k", "n": 1e400}, "signature": "A" * 86}, 422, "invalid_statement"),
    ({"statement": {"key_id": "k"}, "signature": "A" * 86, "form": "not an object"}, 422, "validation_failed"),
]


def test_bad_input_to_verify_is_a_4xx_with_a_code(client: TestClient) -> None:
    for body, status, code in BAD_INPUT:
        raw = body if isinstance(body, str) else json.dumps(body, allow_nan=True)
        response = client.post("/api/v1/receipts/verify", content=raw, headers={"Content-Type": "application/json"})
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), (body, response.text)


def test_the_keys_are_public_and_cacheable(client: TestClient) -> None:
    response = client.get("/.well-known/ozgflow-receipt-keys.json")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=300"
    (only,) = response.json()["keys"]
    assert {k: only[k] for k in ("kty", "crv", "alg", "use", "status")} == {
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": "EdDSA",
        "use": "sig",
        "status": "current",
    }
    assert "d" not in only  # never the private part
