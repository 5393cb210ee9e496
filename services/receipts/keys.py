"""The platform's receipt keys: one Ed25519 key that signs, earlier public keys that still verify.

A key is named by its RFC 7638 JWK thumbprint (``key_id``): SHA-256 over the canonical JWK
``{"crv":"Ed25519","kty":"OKP","x":"<public key, base64url>"}``, base64url without padding. Anyone holding the
published JWKS can recompute it, so the id cannot be attached to another key unnoticed.

Rotation: set the new private key as ``OZGFLOW_RECEIPT_SIGNING_KEY`` and move the old key's public half into
``OZGFLOW_RECEIPT_PREVIOUS_PUBLIC_KEYS``: receipts signed before keep verifying, new ones use the new key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from services.crypto.dev_file import read_or_create
from services.receipts.canonical import canonical_json

if TYPE_CHECKING:
    from services.settings import Settings

DEV_KEY_FILE = "receipt-signing-key.pem"
CURRENT, PREVIOUS = "current", "previous"


class ReceiptKeyError(ValueError):
    """A configured key cannot be read; the message says which setting and what is expected."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url (padding optional); raises ValueError on anything else."""
    if not isinstance(text, str) or not text.isascii() or any(c in text for c in "+/ \n\r\t"):
        raise ValueError("not base64url")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except binascii.Error:
        raise ValueError("not base64url") from None


def key_id(key: Ed25519PublicKey) -> str:
    """RFC 7638 thumbprint of the key's JWK."""
    return b64url(
        hashlib.sha256(canonical_json({"crv": "Ed25519", "kty": "OKP", "x": b64url(key.public_bytes_raw())})).digest()
    )


def jwk(key: Ed25519PublicKey) -> dict[str, str]:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(key.public_bytes_raw()),
        "kid": key_id(key),
        "use": "sig",
        "alg": "EdDSA",
    }


def _raw_base64(text: str) -> bytes | None:
    compact = "".join(text.split())
    for altchars in (None, b"-_"):
        try:
            return base64.b64decode(compact + "=" * (-len(compact) % 4), altchars=altchars, validate=True)
        except binascii.Error:
            continue
    return None


def private_key_from_text(text: str, *, setting: str = "OZGFLOW_RECEIPT_SIGNING_KEY") -> Ed25519PrivateKey:
    """A PEM (PKCS#8) Ed25519 private key, or the base64/base64url of its raw 32 bytes."""
    stripped = text.strip()
    if stripped.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(stripped.encode(), password=None)
        except (ValueError, TypeError):
            raise ReceiptKeyError(f"{setting}: the PEM cannot be read (unencrypted PKCS#8 expected).") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ReceiptKeyError(f"{setting}: the PEM holds a {type(key).__name__}, not an Ed25519 key.")
        return key
    raw = _raw_base64(stripped)
    if raw is None or len(raw) != 32:
        raise ReceiptKeyError(f"{setting}: expected a PEM Ed25519 private key or the base64 of its raw 32 bytes.")
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_from_text(text: str, *, setting: str = "OZGFLOW_RECEIPT_PREVIOUS_PUBLIC_KEYS") -> Ed25519PublicKey:
    """A PEM (SubjectPublicKeyInfo) Ed25519 public key, or the base64/base64url of its raw 32 bytes."""
    stripped = text.strip()
    if stripped.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(stripped.encode())
        except (ValueError, TypeError):
            raise ReceiptKeyError(f"{setting}: a PEM public key cannot be read.") from None
        if not isinstance(key, Ed25519PublicKey):
            raise ReceiptKeyError(f"{setting}: a PEM holds a {type(key).__name__}, not an Ed25519 key.")
        return key
    raw = _raw_base64(stripped)
    if raw is None or len(raw) != 32:
        raise ReceiptKeyError(f"{setting}: expected PEM Ed25519 public keys or the base64 of their raw 32 bytes.")
    return Ed25519PublicKey.from_public_bytes(raw)


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def development_key(path: Path) -> Ed25519PrivateKey:
    """The development signing key in the data folder, made once and shared (services/crypto/dev_file.py)."""
    pem = read_or_create(path, lambda: private_key_pem(Ed25519PrivateKey.generate()))
    return private_key_from_text(pem.decode(), setting=str(path))


@dataclass(frozen=True)
class PublishedKey:
    key: Ed25519PublicKey
    key_id: str
    status: str  # "current" or "previous"


@dataclass(frozen=True)
class KeySet:
    """The keys a verifier trusts, by key id (from our settings, a JWKS file or a JWKS URL)."""

    keys: dict[str, PublishedKey] = field(default_factory=dict)

    def get(self, kid: str) -> PublishedKey | None:
        return self.keys.get(kid)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [{**jwk(k.key), "status": k.status} for k in self.keys.values()]}

    @classmethod
    def from_jwks(cls, document: Any) -> KeySet:
        """Keys from a JWKS document; entries that are not Ed25519 signing keys are skipped.

        The ``kid`` is recomputed from the key material, so a JWKS cannot name a key falsely."""
        if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
            raise ReceiptKeyError('not a JWKS: expected {"keys": [...]}')
        keys: dict[str, PublishedKey] = {}
        for entry in document["keys"]:
            if not isinstance(entry, dict) or entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
                continue
            try:
                raw = b64url_decode(entry.get("x", ""))
            except ValueError:
                continue
            if len(raw) != 32:
                continue
            public = Ed25519PublicKey.from_public_bytes(raw)
            kid = key_id(public)
            status = entry.get("status") if entry.get("status") in (CURRENT, PREVIOUS) else PREVIOUS
            keys[kid] = PublishedKey(public, kid, status)
        return cls(keys)


@dataclass(frozen=True)
class ReceiptKeys:
    """The signing key and everything published: built once per portal from settings."""

    signing_key: Ed25519PrivateKey = field(repr=False)
    previous: tuple[Ed25519PublicKey, ...] = ()

    @cached_property
    def key_id(self) -> str:
        return key_id(self.signing_key.public_key())

    def published(self) -> KeySet:
        current = self.signing_key.public_key()
        keys = {self.key_id: PublishedKey(current, self.key_id, CURRENT)}
        for old in self.previous:
            keys.setdefault(key_id(old), PublishedKey(old, key_id(old), PREVIOUS))
        return KeySet(keys)

    @classmethod
    def from_settings(cls, settings: Settings) -> ReceiptKeys:
        """Production takes the configured key (the settings refuse to start without one); development
        generates one once in the data folder so the portal and the CLI agree on it."""
        if settings.receipt_signing_key:
            signing = private_key_from_text(settings.receipt_signing_key)
        else:
            signing = development_key(settings.data_dir / DEV_KEY_FILE)
        previous = tuple(public_key_from_text(text) for text in settings.receipt_previous_public_keys)
        return cls(signing, previous)
