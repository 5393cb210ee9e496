"""What the customer gets: the receipt as a file (statement, signature, what it covers, how to check it), and
the lines that show digest, key id and signature in the Postfach receipt and the e-file PDF."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from services.receipts.statement import ALGORITHM
from services.store.models import Submission

KEYS_PATH = "/.well-known/ozgflow-receipt-keys.json"
VERIFY_PATH = "/api/v1/receipts/verify"
CANONICALISATION = "RFC 8785 (JSON Canonicalization Scheme)"


@dataclass(frozen=True)
class ReceiptProof:
    """The signed receipt of one submission, as stored at acceptance."""

    statement: dict[str, Any]
    signature: str
    key_id: str
    digest: str

    @property
    def issuer(self) -> str:
        return str(self.statement.get("issuer", ""))

    @property
    def attachments(self) -> list[str]:
        return list(self.statement.get("attachments") or [])


def proof_of(submission: Submission) -> ReceiptProof | None:
    """None for a submission accepted before receipts were signed (or by a tool that does not sign)."""
    if not (submission.receipt_statement and submission.receipt_signature and submission.receipt_key_id):
        return None
    return ReceiptProof(
        statement=json.loads(submission.receipt_statement),
        signature=submission.receipt_signature,
        key_id=submission.receipt_key_id,
        digest=submission.filed_digest or "",
    )


def receipt_document(submission: Submission, proof: ReceiptProof, *, public_url: str) -> dict[str, Any]:
    """The downloadable receipt: everything a third party needs to check it, offline if they have the key."""
    base = public_url.rstrip("/")
    return {
        "receipt_number": submission.receipt_number,
        "statement": proof.statement,
        "signature": proof.signature,
        "algorithm": ALGORITHM,
        "key_id": proof.key_id,
        "filed": {
            "service": submission.service,
            "service_version": submission.service_version,
            "form": submission.form_data,
            "attachments": proof.attachments,
        },
        "verification": {
            "keys_url": base + KEYS_PATH,
            "verify_url": base + VERIFY_PATH,
            "canonicalization": CANONICALISATION,
            "signed_bytes": "canonical JSON (RFC 8785) of 'statement', UTF-8",
            "digest": "sha256 over the canonical JSON of 'filed' (attachments: sorted SHA-256 hex of the files)",
            "cli": "ozgflow receipt verify RECEIPT.json --keys " + base + KEYS_PATH,
        },
    }


def proof_text(proof: ReceiptProof) -> str:
    """The block appended to the receipt message in the Postfach (German, for the customer)."""
    return (
        "\n\nNachweis Ihrer Einreichung (elektronisch signiert)\n"
        f"Prüfsumme (SHA-256) des Eingereichten: {proof.digest}\n"
        f"Schlüssel-ID: {proof.key_id}\n"
        f"Signatur ({ALGORITHM}): {proof.signature}\n"
        "Die signierte Eingangsbestätigung können Sie zu Ihrer Einreichung als Datei abrufen. Mit ihr können Sie "
        "und andere jederzeit prüfen, was Sie wann eingereicht haben: mit dem öffentlichen Schlüssel der "
        f"Plattform ({proof.issuer}{KEYS_PATH}) oder unter {proof.issuer}{VERIFY_PATH}."
    )


def proof_lines(proof: ReceiptProof) -> list[str]:
    """The lines under the receipt number in the e-file PDF (same bytes on every rerun: all stored values)."""
    return [
        f"Prüfsumme des Eingereichten: {proof.digest}",
        f"Signiert von {proof.issuer} · Schlüssel-ID {proof.key_id} · {ALGORITHM}-Signatur {proof.signature}",
    ]
