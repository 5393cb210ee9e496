"""The receipt statement: what the platform attests, signed with Ed25519 over its canonical bytes.

    {"attachments": ["<sha256 hex of each file filed with the form (the paper scan)>", ...],
     "channel": "online" | "paper",
     "digest": "sha256:<hex of the filing, services.receipts.digest>",
     "filed_at": "<acceptance time, UTC, ISO 8601 to the second: 2026-11-26T09:30:05Z>",
     "issuer": "<the platform's public URL>",
     "key_id": "<RFC 7638 thumbprint of the signing key>",
     "receipt_number": "WBA-20261126-7K3M9Q2T",
     "service": "wba",
     "service_version": "1.0",
     "type": "ozgflow-receipt",
     "version": 1}

The signature is Ed25519 (RFC 8032) over ``canonical_json(statement)`` (RFC 8785), written base64url without
padding. ``attachments`` repeats what the digest covers besides the form, so a verifier holding only the form
can recompute the digest (and check a file it holds against the list). ``type`` keeps a receipt signature from
being mistaken for any other thing the key might sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.receipts.canonical import canonical_json
from services.receipts.keys import b64url, key_id

STATEMENT_TYPE = "ozgflow-receipt"
STATEMENT_VERSION = 1
ALGORITHM = "Ed25519"


def filed_at_text(at: datetime) -> str:
    """UTC to the second; a naive datetime is taken as UTC (how the store returns SQLite values)."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_statement(
    *,
    receipt_number: str,
    service: str,
    service_version: str,
    channel: str,
    filed_at: datetime,
    digest: str,
    issuer: str,
    signing_key_id: str,
    attachments: list[str],
) -> dict[str, Any]:
    return {
        "type": STATEMENT_TYPE,
        "version": STATEMENT_VERSION,
        "receipt_number": receipt_number,
        "service": service,
        "service_version": service_version,
        "channel": channel,
        "filed_at": filed_at_text(filed_at),
        "digest": digest,
        "attachments": attachments,
        "issuer": issuer.rstrip("/"),
        "key_id": signing_key_id,
    }


@dataclass(frozen=True)
class SignedStatement:
    statement: dict[str, Any]
    canonical: str
    """The exact signed bytes (UTF-8), kept so the receipt never depends on later configuration."""
    signature: str
    key_id: str


def sign_statement(statement: dict[str, Any], key: Ed25519PrivateKey) -> SignedStatement:
    kid = key_id(key.public_key())
    if statement.get("key_id") != kid:
        raise ValueError("the statement names another key than the one signing it")
    data = canonical_json(statement)
    return SignedStatement(statement, data.decode("utf-8"), b64url(key.sign(data)), kid)
