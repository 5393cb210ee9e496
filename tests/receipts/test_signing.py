"""Signing and verifying without a portal: round trip, tampering, rotation, unknown keys, key formats."""

from __future__ import annotations

import base64
import copy
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from services.receipts.digest import filed_digest
from services.receipts.keys import (
    KeySet,
    ReceiptKeyError,
    ReceiptKeys,
    b64url,
    development_key,
    key_id,
    private_key_from_text,
    public_key_from_text,
)
from services.receipts.signing import ReceiptSigner
from services.receipts.statement import sign_statement
from services.receipts.verify import MalformedReceipt, parse_receipt, verify_receipt
from services.settings import Settings
from services.store.models import Submission
from tests.receipts.support import pem, public_pem
from tests.support.production import production_settings

FORM: dict[str, Any] = {"bg_number": "96101BG0012342", "income": {"monthly": "450.00"}, "note": "Grüße, €"}
SCAN = "ab" * 32


def _submission(channel: str = "online") -> Submission:
    return Submission(
        receipt_number="WBA-20261126-7K3M9Q2T",
        service="wba",
        service_version="1.0",
        channel=channel,
        form_data=copy.deepcopy(FORM),
        created_at=datetime(2026, 11, 26, 9, 30, 5, 123456, tzinfo=UTC),
    )


def _signed(signer: ReceiptSigner, *, attachments: tuple[str, ...] = ()) -> dict[str, Any]:
    """The receipt as a verifier gets it (statement, signature, key id), signed as at acceptance."""
    import json

    sub = _submission("paper" if attachments else "online")
    signer.sign(sub, attachments=attachments)
    assert sub.receipt_statement is not None
    return {
        "statement": json.loads(sub.receipt_statement),
        "signature": sub.receipt_signature,
        "key_id": sub.receipt_key_id,
    }


def _verdict(document: dict[str, Any], keys: KeySet, **kwargs: Any) -> Any:
    return verify_receipt(parse_receipt(document), keys, **kwargs)


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def signer(key: Ed25519PrivateKey) -> ReceiptSigner:
    return ReceiptSigner(ReceiptKeys(key), "https://portal.example/")


def test_round_trip_names_what_was_filed_and_when(signer: ReceiptSigner, key: Ed25519PrivateKey) -> None:
    document = _signed(signer)
    statement = document["statement"]
    assert statement == {
        "type": "ozgflow-receipt",
        "version": 1,
        "receipt_number": "WBA-20261126-7K3M9Q2T",
        "service": "wba",
        "service_version": "1.0",
        "channel": "online",
        "filed_at": "2026-11-26T09:30:05Z",
        "digest": filed_digest(service="wba", service_version="1.0", form=FORM),
        "attachments": [],
        "issuer": "https://portal.example",
        "key_id": key_id(key.public_key()),
    }
    verdict = _verdict(document, signer.keys.published(), form=FORM)
    assert (verdict.valid, verdict.reason, verdict.key_status, verdict.digest_checked) == (
        True,
        "valid",
        "current",
        True,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("receipt_number", "WBA-20261126-7K3M9Q2X"),
        ("filed_at", "2026-11-25T09:30:05Z"),
        ("digest", "sha256:" + "1" * 64),
        ("channel", "paper"),
        ("service_version", "1.1"),
        ("issuer", "https://elsewhere.example"),
        ("attachments", [SCAN]),
        ("extra", "a field the platform never signed"),
    ],
)
def test_any_change_to_the_statement_breaks_the_signature(signer: ReceiptSigner, field: str, value: Any) -> None:
    document = _signed(signer)
    document["statement"][field] = value
    verdict = _verdict(document, signer.keys.published())
    assert (verdict.valid, verdict.reason) == (False, "bad_signature")


def test_a_changed_signature_or_key_id_is_caught(signer: ReceiptSigner) -> None:
    document = _signed(signer)
    raw = bytearray(base64.urlsafe_b64decode(document["signature"] + "=="))
    raw[10] ^= 0x01
    flipped = {**document, "signature": b64url(bytes(raw))}
    assert _verdict(flipped, signer.keys.published()).reason == "bad_signature"
    assert _verdict({**document, "key_id": "x" * 43}, signer.keys.published()).reason == "key_id_mismatch"


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f["income"].update(monthly="451.00"),
        lambda f: f.update(note="Grüße, $"),
        lambda f: f.update(added=None),
        lambda f: f.pop("note"),
    ],
    ids=["amount", "text", "added-field", "removed-field"],
)
def test_any_change_to_the_form_flips_the_verdict(signer: ReceiptSigner, change: Any) -> None:
    document = _signed(signer)
    form = copy.deepcopy(FORM)
    change(form)
    verdict = _verdict(document, signer.keys.published(), form=form)
    assert (verdict.valid, verdict.reason) == (False, "digest_mismatch")
    assert _verdict(document, signer.keys.published(), form=copy.deepcopy(FORM)).valid


def test_the_scan_is_covered_by_the_digest(signer: ReceiptSigner) -> None:
    document = _signed(signer, attachments=(SCAN.upper(),))
    assert document["statement"]["attachments"] == [SCAN]
    assert document["statement"]["digest"] == filed_digest(
        service="wba", service_version="1.0", form=FORM, attachments=[SCAN]
    )
    assert document["statement"]["digest"] != filed_digest(service="wba", service_version="1.0", form=FORM)
    keys = signer.keys.published()
    assert _verdict(document, keys, form=FORM, files=[SCAN]).valid
    assert _verdict(document, keys, form=FORM, files=["cd" * 32]).reason == "attachment_mismatch"


def test_after_rotation_old_receipts_verify_and_unknown_keys_do_not(key: Ed25519PrivateKey) -> None:
    old = _signed(ReceiptSigner(ReceiptKeys(key), "https://portal.example"))
    new_key = Ed25519PrivateKey.generate()
    rotated = ReceiptKeys(new_key, previous=(key.public_key(),))
    assert [(k.key_id, k.status) for k in rotated.published().keys.values()] == [
        (key_id(new_key.public_key()), "current"),
        (key_id(key.public_key()), "previous"),
    ]
    verdict = _verdict(old, rotated.published(), form=FORM)
    assert (verdict.valid, verdict.key_status) == (True, "previous")
    new = _signed(ReceiptSigner(rotated, "https://portal.example"))
    assert new["key_id"] == key_id(new_key.public_key())  # the previous key never signs again
    forger = _signed(ReceiptSigner(ReceiptKeys(Ed25519PrivateKey.generate()), "https://portal.example"))
    assert _verdict(forger, rotated.published()).reason == "unknown_key"
    # A forger who names our key id but signs with theirs:
    forged = {**forger, "statement": {**forger["statement"], "key_id": rotated.key_id}, "key_id": rotated.key_id}
    assert _verdict(forged, rotated.published()).reason == "bad_signature"


def test_a_jwks_cannot_name_a_key_falsely(key: Ed25519PrivateKey) -> None:
    other = Ed25519PrivateKey.generate()
    jwks = ReceiptKeys(key).published().jwks()
    forged_x = b64url(other.public_key().public_bytes_raw())
    jwks["keys"].append({"kty": "OKP", "crv": "Ed25519", "x": forged_x, "kid": ReceiptKeys(key).key_id})
    jwks["keys"].append({"kty": "RSA", "n": "x", "e": "AQAB"})
    parsed = KeySet.from_jwks(jwks)
    assert set(parsed.keys) == {key_id(key.public_key()), key_id(other.public_key())}


def test_key_id_is_the_rfc_7638_thumbprint() -> None:
    # RFC 8037, Appendix A.1-A.3: the Ed25519 example key and its JWK thumbprint.
    private = private_key_from_text("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
    assert b64url(private.public_key().public_bytes_raw()) == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    assert key_id(private.public_key()) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_keys_are_read_as_pem_or_base64_raw(key: Ed25519PrivateKey) -> None:
    raw = key.private_bytes_raw()
    for text in (pem(key), base64.b64encode(raw).decode(), b64url(raw), "\n  " + pem(key) + "\n"):
        assert key_id(private_key_from_text(text).public_key()) == key_id(key.public_key())
    public = key.public_key()
    for text in (public_pem(key), base64.b64encode(public.public_bytes_raw()).decode()):
        assert key_id(public_key_from_text(text)) == key_id(public)


@pytest.mark.parametrize(
    "text", ["", "not a key", base64.b64encode(b"short").decode(), "-----BEGIN PRIVATE KEY-----\nxx\n"]
)
def test_an_unreadable_key_names_the_setting(text: str) -> None:
    with pytest.raises(ReceiptKeyError, match="OZGFLOW_RECEIPT_SIGNING_KEY"):
        private_key_from_text(text)


def test_a_statement_naming_another_key_is_not_signed(key: Ed25519PrivateKey) -> None:
    with pytest.raises(ValueError, match="another key"):
        sign_statement({"key_id": "someone-else"}, key)


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ([], "invalid_receipt"),
        ({"signature": "x"}, "invalid_statement"),
        ({"statement": {"key_id": 5}, "signature": "x"}, "invalid_statement"),
        ({"statement": {"key_id": "k", "x": "\ud800"}, "signature": "x"}, "invalid_statement"),
        ({"statement": {"key_id": "k"}, "signature": "not base64!"}, "invalid_signature"),
        ({"statement": {"key_id": "k"}, "signature": b64url(b"\0" * 63)}, "invalid_signature"),
        ({"statement": {"key_id": "k"}, "signature": b64url(b"\0" * 64), "key_id": 7}, "invalid_key_id"),
    ],
)
def test_a_malformed_receipt_is_refused_with_a_code(document: Any, code: str) -> None:
    with pytest.raises(MalformedReceipt) as refused:
        parse_receipt(document)
    assert refused.value.code == code


def test_development_key_is_made_once_and_shared(tmp_path: Path) -> None:
    path = tmp_path / "data" / "receipt-signing-key.pem"
    made: list[str] = []
    threads = [
        threading.Thread(target=lambda: made.append(key_id(development_key(path).public_key()))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(made)) == 1 and len(made) == 8
    assert path.stat().st_mode & 0o777 == 0o600
    assert list(path.parent.iterdir()) == [path]  # no temporary files left behind
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    assert ReceiptKeys.from_settings(settings).key_id == made[0]


def test_production_requires_a_signing_key_and_keeps_it_out_of_repr(key: Ed25519PrivateKey) -> None:
    with pytest.raises(ValidationError, match="OZGFLOW_RECEIPT_SIGNING_KEY"):
        production_settings(receipt_signing_key="")
    configured = Settings(_env_file=None, receipt_signing_key=pem(key))  # type: ignore[call-arg]
    assert "PRIVATE KEY" not in repr(configured) and "receipt_signing_key" not in repr(configured)
    production = production_settings(receipt_signing_key=pem(key))
    assert "PRIVATE KEY" not in repr(production)
    assert ReceiptKeys.from_settings(production).key_id == key_id(key.public_key())
