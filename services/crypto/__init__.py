"""Encryption at rest: envelope encryption with a data key per jobcenter, wrapped by master keys from settings.

- ``master``: master keys (settings; a generated one in development) that wrap data keys;
- ``envelope``: the format of one encrypted value and AES-256-GCM with the header and context as AAD;
- ``keyring``: data keys per jobcenter (created on first use, rotated, re-wrapped), cached per process;
- ``orm``: transparent encryption of form data, inbound payloads and Postfach bodies in the database;
- ``reencrypt``: moving stored records and e-file objects to the newest data key (``ozgflow keys``);
- ``dev_file``: development keys made once in the data folder (this master key, the receipt signing key);
- ``compare``: comparing outside values with secrets in constant time (tokens, keys, OAuth parameters).
The e-file store's wrapper is services/efile/encrypted.py. docs/security.md, "Encryption at rest".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.crypto.keyring import Keyring
from services.crypto.master import master_keys_from_settings

if TYPE_CHECKING:
    from services.settings import Settings


def keyring_from_settings(settings: Settings) -> Keyring:
    return Keyring(
        master_keys_from_settings(settings),
        active_cache_seconds=settings.encryption_key_cache_seconds,
        require_envelopes=settings.encryption_require_envelopes,
    )


__all__ = ["Keyring", "keyring_from_settings"]
