"""Master keys: the keys that wrap the jobcenters' data keys, and nothing else.

They come from settings only (``OZGFLOW_ENCRYPTION_MASTER_KEYS``, a JSON map of id → base64 of 32 bytes, and
``OZGFLOW_ENCRYPTION_ACTIVE_MASTER_KEY``). Several may be configured at once: the active one wraps new and
re-wrapped data keys, the others only unwrap until ``ozgflow keys rewrap`` has moved every data key to the
active one (master key rotation without downtime). In development, when none is configured, a random key is
generated once in the data folder, so ``make run`` needs no set-up and restarts keep reading their data.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.crypto.dev_file import read_or_create

if TYPE_CHECKING:
    from services.settings import Settings

KEY_BYTES = 32
NONCE_BYTES = 12
DEV_MASTER_KEY_ID = "dev-local"
DEV_MASTER_KEY_FILE = "encryption-master-key.json"


class KeyUnavailable(Exception):
    """A key needed to read data is not configured (or cannot be unwrapped): a configuration problem."""


def decode_master_key(key_id: str, encoded: str) -> bytes:
    """The raw 32 bytes of a configured master key; the message never repeats the key."""
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"encryption master key '{key_id}' is not valid base64") from None
    if len(raw) != KEY_BYTES:
        raise ValueError(
            f"encryption master key '{key_id}' must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`), "
            f"not {len(raw)} bytes"
        )
    return raw


def _wrap_aad(scope: str, version: int) -> bytes:
    """A wrapped data key names what it belongs to: a row moved to another jobcenter or version fails to unwrap."""
    return f"ozgflow-data-key\x00{scope}\x00{version}".encode()


@dataclass(frozen=True)
class MasterKeys:
    keys: Mapping[str, bytes] = field(repr=False)
    active_id: str

    def __post_init__(self) -> None:
        if self.active_id not in self.keys:
            raise ValueError(f"the active master key '{self.active_id}' is not among the configured master keys")

    def __repr__(self) -> str:
        return f"MasterKeys(ids={sorted(self.keys)!r}, active_id={self.active_id!r})"

    def wrap(self, data_key: bytes, *, scope: str, version: int) -> tuple[str, str]:
        """``(wrapped, master key id)``: AES-256-GCM under the active master key, bound to scope and version."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.active_id]).encrypt(nonce, data_key, _wrap_aad(scope, version))
        return base64.b64encode(nonce + sealed).decode(), self.active_id

    def unwrap(self, wrapped: str, *, master_key_id: str, scope: str, version: int) -> bytes:
        master = self.keys.get(master_key_id)
        if master is None:
            raise KeyUnavailable(
                f"the data key {scope} v{version} is wrapped with master key '{master_key_id}', which is not "
                "configured (OZGFLOW_ENCRYPTION_MASTER_KEYS); keep it configured until `ozgflow keys rewrap` ran"
            )
        raw = base64.b64decode(wrapped)
        try:
            return AESGCM(master).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _wrap_aad(scope, version))
        except InvalidTag:
            raise KeyUnavailable(
                f"the data key {scope} v{version} does not unwrap with master key '{master_key_id}' "
                "(a different key under the same id, or an altered row)"
            ) from None


def _dev_master_key(path: Path) -> tuple[str, bytes]:
    """Made once in the data folder; processes starting together get the same key (services/crypto/dev_file.py)."""

    def make() -> bytes:
        key = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()
        return json.dumps({"id": DEV_MASTER_KEY_ID, "key": key}).encode()

    stored = json.loads(read_or_create(path, make))
    return str(stored["id"]), decode_master_key(str(stored["id"]), str(stored["key"]))


def master_keys_from_settings(settings: Settings) -> MasterKeys:
    """The configured master keys; in development without any, the one kept in the data folder."""
    if settings.encryption_master_keys:
        keys = {kid: decode_master_key(kid, value) for kid, value in settings.encryption_master_keys.items()}
        active = settings.encryption_active_master_key or (next(iter(keys)) if len(keys) == 1 else "")
        if not active:
            raise ValueError("OZGFLOW_ENCRYPTION_ACTIVE_MASTER_KEY must name one of several configured master keys")
        return MasterKeys(keys, active)
    if not settings.dev_mode:
        raise ValueError("OZGFLOW_ENCRYPTION_MASTER_KEYS must be set outside development")
    key_id, key = _dev_master_key(settings.data_dir / DEV_MASTER_KEY_FILE)
    return MasterKeys({key_id: key}, key_id)
