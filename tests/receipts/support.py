"""Helpers for the receipt tests: keys, signed statements, the portal's receipt endpoints."""

from __future__ import annotations

import copy
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from services.receipts.keys import private_key_pem, public_key_pem
from services.settings import Settings

Headers = dict[str, str]


def pem(key: Ed25519PrivateKey) -> str:
    return private_key_pem(key).decode()


def public_pem(key: Ed25519PrivateKey) -> str:
    return public_key_pem(key.public_key())


def with_keys(settings: Settings, signing: Ed25519PrivateKey, *previous: Ed25519PrivateKey) -> Settings:
    """The same installation with another signing key (and earlier keys still published)."""
    return settings.model_copy(
        update={"receipt_signing_key": pem(signing), "receipt_previous_public_keys": [public_pem(k) for k in previous]}
    )


def example(registry: ConnectorRegistry, service: str, index: int = 0) -> dict[str, Any]:
    return copy.deepcopy(registry.get(service).examples()[index])


def file(client: TestClient, headers: Headers, service: str, form: dict[str, Any], **extra: str) -> dict[str, Any]:
    response = client.post(f"/api/v1/submissions/{service}", json=form, headers={**headers, **extra})
    assert response.status_code == 202, response.text
    return dict(response.json())


def receipt(client: TestClient, headers: Headers, submission_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/submissions/{submission_id}/receipt", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def verify(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/v1/receipts/verify", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())
