"""Encryption of e-file objects: a wrapper around any e-file store.

Every object is sealed with the data key of the jobcenter named by its key's first segment
(``<jobcenter>/<BG number>/<receipt number>/<file>``) and bound to its full key, so an object copied to
another path or another jobcenter's folder does not open (``EFileIntegrityError``). The inner store keeps
doing what it does — checksums, atomic writes, S3 server-side encryption and object lock — on the
ciphertext. Envelopes are deterministic for the same content, key and key version (services/crypto/envelope.py),
so a rerun that rewrites a document leaves the object unchanged. Objects written before encryption was
switched on are returned as they are (unless the keyring requires envelopes); ``ozgflow keys reencrypt``
seals them. The inner store sees ``application/octet-stream``: the real type lives in our database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.crypto.envelope import EnvelopeError, is_envelope
from services.crypto.master import KeyUnavailable
from services.efile.store import (
    EFileIntegrityError,
    EFileStore,
    EFileStoreError,
    efile_store_from_url,
    receipt_hint,
    validate_key,
)

if TYPE_CHECKING:
    from services.crypto.keyring import Keyring
    from services.settings import Settings

SEALED_CONTENT_TYPE = "application/octet-stream"


def object_context(key: str) -> str:
    return f"efile:{key}"


class EncryptedEFileStore:
    """``EFileStore`` that encrypts on ``put`` and decrypts on ``get``; everything else is the inner store's."""

    def __init__(self, inner: EFileStore, keyring: Keyring) -> None:
        self.inner = inner
        self._keyring = keyring

    def __repr__(self) -> str:
        return f"EncryptedEFileStore({self.inner!r})"

    def __getattr__(self, name: str) -> Any:
        # config, probes, ...: whatever else the inner store offers
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        scope = validate_key(key)[0]
        try:
            sealed = self._keyring.seal(scope, data, object_context(key))
        except KeyUnavailable as exc:
            raise EFileStoreError(f"cannot encrypt e-file object{receipt_hint(key)} ({exc})") from None
        self.inner.put(key, sealed, SEALED_CONTENT_TYPE)

    def get(self, key: str) -> bytes:
        return self._open(key, self.inner.get(key))

    def _open(self, key: str, stored: bytes) -> bytes:
        scope = validate_key(key)[0]
        if not is_envelope(stored):
            if self._keyring.require_envelopes:
                raise EFileIntegrityError(f"e-file object{receipt_hint(key)} is not encrypted")
            return stored  # written before encryption was switched on
        try:
            return self._keyring.open(stored, object_context(key), scopes={scope})
        except EnvelopeError:
            raise EFileIntegrityError(
                f"e-file object{receipt_hint(key)} does not decrypt: altered, or moved from another key"
            ) from None
        except KeyUnavailable as exc:
            raise EFileStoreError(f"cannot decrypt e-file object{receipt_hint(key)} ({exc})") from None

    def exists(self, key: str) -> bool:
        return self.inner.exists(key)

    def list(self, prefix: str = "") -> list[str]:
        return self.inner.list(prefix)

    def delete(self, key: str) -> None:
        self.inner.delete(key)

    def is_current(self, key: str) -> bool:
        """Whether the object is sealed with its jobcenter's active data key."""
        return self._keyring.is_current(self.inner.get(key), validate_key(key)[0])

    def reseal(self, key: str) -> bool:
        """Seal the object anew with its jobcenter's active data key (plaintext ones too); False if it was.
        Reads the object once: ``keys reencrypt`` goes through every object in the store."""
        stored = self.inner.get(key)
        if self._keyring.is_current(stored, validate_key(key)[0]):
            return False
        self.put(key, self._open(key, stored), SEALED_CONTENT_TYPE)
        return True


def efile_store_from_settings(settings: Settings, *, keyring: Keyring | None) -> EFileStore:
    """The configured store, encrypted with ``keyring`` (the database's: ``db.keyring``) when there is one."""
    store = efile_store_from_url(settings.resolved_efile_url)
    return EncryptedEFileStore(store, keyring) if keyring is not None else store
