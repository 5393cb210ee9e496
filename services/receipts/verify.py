"""Verifying a receipt with nothing but the published keys: the portal's verify endpoint and the CLI share this.

Order of checks: the receipt's shape (a malformed one is refused, not judged), then the key, the signature,
the statement's type, and — only for a genuine statement — whether a form (and files) match its digest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from pydantic import ValidationError

from connectors.sdk.registry import ConnectorRegistry
from services.receipts.canonical import NotCanonicalisable, canonical_json
from services.receipts.digest import DIGEST_PREFIX, InvalidAttachmentHash, filed_digest, normalised_attachments
from services.receipts.keys import KeySet, b64url_decode
from services.receipts.statement import STATEMENT_TYPE, STATEMENT_VERSION

VALID = "valid"
Normaliser = Callable[[str, str, dict[str, Any]], dict[str, Any] | None]
"""(service, service_version, form as the customer has it) → the validated form data, or None if unknown."""


class MalformedReceipt(ValueError):
    """Not something that can be judged; ``code`` for clients, ``message`` (German) says what to fix."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: str
    """``valid``, ``unknown_key``, ``key_id_mismatch``, ``bad_signature``, ``unsupported_statement``,
    ``digest_mismatch`` or ``attachment_mismatch``."""
    message: str
    key_id: str
    key_status: str | None = None
    digest_checked: bool = False


@dataclass(frozen=True)
class Receipt:
    statement: dict[str, Any]
    signature: bytes
    outer_key_id: str | None


def parse_receipt(document: Any) -> Receipt:
    """``{"statement": {...}, "signature": "...", "key_id": "..."?}`` (the receipt download has more; ignored)."""
    if not isinstance(document, dict):
        raise MalformedReceipt("invalid_receipt", "Die Eingangsbestätigung muss ein JSON-Objekt sein.")
    statement = document.get("statement")
    if not isinstance(statement, dict) or not isinstance(statement.get("key_id"), str):
        raise MalformedReceipt(
            "invalid_statement",
            "Das Feld 'statement' fehlt oder ist kein Objekt mit 'key_id'. Bitte die Eingangsbestätigung "
            "unverändert übermitteln.",
        )
    try:
        canonical_json(statement)
    except NotCanonicalisable as exc:
        raise MalformedReceipt("invalid_statement", f"Das Feld 'statement' ist kein gültiges JSON ({exc}).") from None
    signature_text = document.get("signature")
    try:
        signature = b64url_decode(signature_text) if isinstance(signature_text, str) else b""
    except ValueError:
        signature = b""
    if len(signature) != 64:
        raise MalformedReceipt(
            "invalid_signature",
            "Das Feld 'signature' muss die Ed25519-Signatur sein (64 Bytes, base64url). Bitte unverändert übermitteln.",
        )
    outer = document.get("key_id")
    if outer is not None and not isinstance(outer, str):
        raise MalformedReceipt("invalid_key_id", "Das Feld 'key_id' muss ein Text sein.")
    return Receipt(statement, signature, outer)


def _digest_of(statement: dict[str, Any], form: dict[str, Any]) -> str | None:
    try:
        return filed_digest(
            service=str(statement.get("service")),
            service_version=str(statement.get("service_version")),
            form=form,
            attachments=statement.get("attachments") or [],
        )
    except (NotCanonicalisable, InvalidAttachmentHash):
        return None


def verify_receipt(
    receipt: Receipt,
    keys: KeySet,
    *,
    form: dict[str, Any] | None = None,
    files: Iterable[str] = (),
    normalise: Normaliser | None = None,
) -> Verdict:
    """Judge a parsed receipt against ``keys``; ``form`` (and ``files``: SHA-256 hex of files the verifier
    holds) are checked against the signed digest. ``normalise`` gives a second chance to a form as the customer
    typed it (the digest covers the *validated* form: defaults filled in, amounts written out)."""
    statement = receipt.statement
    kid = statement["key_id"]
    if receipt.outer_key_id is not None and receipt.outer_key_id != kid:
        return Verdict(False, "key_id_mismatch", "Die Schlüssel-ID passt nicht zur signierten Erklärung.", kid)
    published = keys.get(kid)
    if published is None:
        return Verdict(
            False,
            "unknown_key",
            f"Der Schlüssel {kid} gehört nicht zu den veröffentlichten Schlüsseln der Plattform: "
            "Die Eingangsbestätigung lässt sich nicht bestätigen.",
            kid,
        )
    try:
        published.key.verify(receipt.signature, canonical_json(statement))
    except InvalidSignature:
        return Verdict(
            False,
            "bad_signature",
            "Die Signatur passt nicht zur Eingangsbestätigung: Sie wurde verändert oder nicht von der Plattform "
            "ausgestellt.",
            kid,
            published.status,
        )
    if statement.get("type") != STATEMENT_TYPE or statement.get("version") != STATEMENT_VERSION:
        return Verdict(False, "unsupported_statement", "Das ist keine Eingangsbestätigung dieser Art.", kid)
    notes: list[str] = []
    if form is not None:
        candidates = [form]
        if normalise is not None:
            normalised = normalise(str(statement.get("service")), str(statement.get("service_version")), form)
            if normalised is not None and normalised != form:
                candidates.append(normalised)
        if statement.get("digest") not in {_digest_of(statement, candidate) for candidate in candidates}:
            return Verdict(
                False,
                "digest_mismatch",
                "Die Signatur ist echt, aber die Formulardaten passen nicht zur Prüfsumme: So wurde das Formular "
                "nicht eingereicht.",
                kid,
                published.status,
            )
        notes.append(" Die Formulardaten stimmen mit der Prüfsumme überein.")
    held = normalised_attachments(files)
    if held:
        listed = set(statement.get("attachments") or [])
        if not set(held) <= listed:
            return Verdict(
                False,
                "attachment_mismatch",
                "Die Signatur ist echt, aber eine Datei gehört nicht zu dieser Einreichung (ihre SHA-256-Prüfsumme "
                "steht nicht in der Eingangsbestätigung).",
                kid,
                published.status,
            )
        notes.append(" Die Dateien gehören zu dieser Einreichung.")
    digest = str(statement.get("digest", ""))
    return Verdict(
        True,
        VALID,
        f"Die Eingangsbestätigung {statement.get('receipt_number')} ist echt: signiert mit dem Schlüssel {kid} "
        f"der Plattform ({'aktuell' if published.status == 'current' else 'früherer Schlüssel'}), "
        f"Prüfsumme {digest.removeprefix(DIGEST_PREFIX)[:16]}….{''.join(notes)}",
        kid,
        published.status,
        form is not None,
    )


def registry_normaliser(registry: ConnectorRegistry) -> Normaliser:
    """Validate a form with the connector it was filed with (same service *and* version), as at acceptance."""

    def normalise(service: str, version: str, form: dict[str, Any]) -> dict[str, Any] | None:
        if service not in registry or registry.get(service).version != version:
            return None
        try:
            return registry.get(service).form.model_validate(form).model_dump(mode="json")
        except ValidationError:
            return None

    return normalise
