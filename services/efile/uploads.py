"""Uploads into the e-file (Postfach attachments, scanned paper forms): checked by content, size-limited.

The declared file name and content type are not trusted: the type comes from the first bytes. Only PDF,
JPEG and PNG are accepted — what jobcenters can open and archive. The bytes are stored under a key derived
from their digest, so a retried upload writes the same object again instead of a second copy.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass

from services.efile.store import EFileStore

ACCEPTED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


class UploadRejected(Exception):
    """Why an upload cannot be accepted; ``code`` is machine-readable, ``message`` says what to do (German)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    media_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def sniff_media_type(data: bytes) -> str | None:
    """The media type the content itself shows (magic bytes), or None for anything not accepted."""
    for signature, media_type in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    return None


def safe_filename(name: str | None, media_type: str) -> str:
    """A file name safe for storage keys and downloads, ending in the extension of the real type."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip("._")
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return f"{(stem or 'dokument')[:80]}{ACCEPTED_TYPES[media_type]}"


def check_upload(data: bytes, filename: str | None, *, max_bytes: int) -> CheckedUpload:
    if not data:
        raise UploadRejected("empty_upload", "Die Datei ist leer. Bitte eine PDF-, JPEG- oder PNG-Datei hochladen.")
    if len(data) > max_bytes:
        raise UploadRejected(
            "upload_too_large",
            f"Die Datei ist zu groß ({len(data) // 1024} KiB). Erlaubt sind höchstens {max_bytes // 1024} KiB.",
        )
    media_type = sniff_media_type(data)
    if media_type is None:
        raise UploadRejected(
            "unsupported_file_type",
            "Dieser Dateityp wird nicht angenommen. Bitte eine PDF-, JPEG- oder PNG-Datei hochladen.",
        )
    return CheckedUpload(
        filename=safe_filename(filename, media_type),
        media_type=media_type,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def store_upload(store: EFileStore, prefix: str, upload: CheckedUpload) -> str:
    """Put the bytes under ``<prefix>/documents/<digest prefix>-<name>`` and return the key."""
    key = f"{prefix.rstrip('/')}/documents/{upload.sha256[:16]}-{upload.filename}"
    store.put(key, upload.data, upload.media_type)
    return key


def new_document_id() -> str:
    return str(uuid.uuid4())
