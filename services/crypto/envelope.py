"""The envelope: how one encrypted value is laid out, and the AES-256-GCM that seals and opens it.

Binary layout (objects in the e-file store)::

    "OZGE" 0x01 | len(scope) scope | key version (uint32, big endian) | nonce (12) | ciphertext + tag (16)
    '------------------- header -------------------------------------'

The header names the jobcenter (the *scope*: a jobcenter id, or ``_platform`` for data that belongs to no
jobcenter yet) and the data key version, so a reader finds the right key even after rotations. The header
and the *context* — what the value is (``db:submissions.form_data:<id>``, ``efile:<object key>``) — are the
associated data: a ciphertext copied to another record, column, object key or jobcenter fails to open
instead of being shown as someone else's data. The context is not stored; the reader supplies it.

Nonces are synthetic (HMAC of header, context and plaintext under a key of their own, as in SIV modes):
sealing the same content for the same record with the same key gives the same bytes. The e-file store
relies on that — a rerun of a stage rewrites identical objects, which the S3 store skips instead of adding
versions to a locked bucket — and a nonce can only repeat for identical input, where it reveals nothing new.

Database columns hold the text form: ``ozgflow-sealed:`` + base64 of the binary envelope.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"OZGE\x01"
TEXT_PREFIX = "ozgflow-sealed:"
NONCE_BYTES = 12
TAG_BYTES = 16
PLATFORM_SCOPE = "_platform"
"""Scope of data that belongs to no jobcenter yet (drafts, submissions before routing). No jobcenter id can
take this name: jobcenter ids are the first segment of e-file keys, which must start with a letter or digit."""


class EnvelopeError(Exception):
    """A value does not open: altered, truncated, moved to another record or jobcenter, or not an envelope."""


@dataclass(frozen=True)
class Header:
    scope: str
    version: int

    def encode(self) -> bytes:
        scope = self.scope.encode()
        if not 0 < len(scope) < 256:
            raise ValueError("an envelope scope has 1 to 255 bytes")
        return MAGIC + bytes([len(scope)]) + scope + struct.pack(">I", self.version)


def is_envelope(data: bytes) -> bool:
    return data.startswith(MAGIC)


def is_sealed_text(value: object) -> bool:
    return isinstance(value, str) and value.startswith(TEXT_PREFIX)


def read_header(data: bytes) -> tuple[Header, int]:
    """The header and where it ends."""
    if not is_envelope(data) or len(data) < len(MAGIC) + 1:
        raise EnvelopeError("not an envelope")
    scope_len = data[len(MAGIC)]
    end = len(MAGIC) + 1 + scope_len + 4
    if scope_len == 0 or len(data) < end + NONCE_BYTES + TAG_BYTES:
        raise EnvelopeError("truncated envelope")
    try:
        scope = data[len(MAGIC) + 1 : end - 4].decode()
    except UnicodeDecodeError:
        raise EnvelopeError("malformed envelope header") from None
    (version,) = struct.unpack(">I", data[end - 4 : end])
    return Header(scope, version), end


def to_text(envelope: bytes) -> str:
    return TEXT_PREFIX + base64.b64encode(envelope).decode()


def from_text(value: str) -> bytes:
    try:
        return base64.b64decode(value[len(TEXT_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise EnvelopeError("malformed sealed text") from None


def _aad(header: bytes, context: str) -> bytes:
    # The header is self-delimiting (its scope is length-prefixed), so header + context is unambiguous.
    return header + context.encode()


@dataclass(frozen=True)
class DataKey:
    """One version of one scope's data key, ready to use (the raw key never leaves this object)."""

    scope: str
    version: int
    _aead: AESGCM = field(repr=False)
    _nonce_key: bytes = field(repr=False)

    @classmethod
    def from_raw(cls, scope: str, version: int, raw: bytes) -> DataKey:
        def derive(purpose: bytes) -> bytes:
            return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ozgflow/" + purpose).derive(raw)

        return cls(scope, version, AESGCM(derive(b"aes-256-gcm")), derive(b"synthetic-nonce"))

    def seal(self, plaintext: bytes, context: str) -> bytes:
        header = Header(self.scope, self.version).encode()
        aad = _aad(header, context)
        mac = hmac.new(self._nonce_key, digestmod=hashlib.sha256)
        mac.update(struct.pack(">I", len(aad)) + aad)
        mac.update(plaintext)
        nonce = mac.digest()[:NONCE_BYTES]
        return header + nonce + self._aead.encrypt(nonce, plaintext, aad)

    def open(self, envelope: bytes, context: str) -> bytes:
        header, end = read_header(envelope)
        if (header.scope, header.version) != (self.scope, self.version):
            raise EnvelopeError("the envelope names another key")
        nonce = envelope[end : end + NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, envelope[end + NONCE_BYTES :], _aad(envelope[:end], context))
        except InvalidTag:
            raise EnvelopeError("the envelope does not open: altered, or not this record's") from None
