"""Uploads into the e-file (Postfach attachments, scanned paper forms): checked by content, size-limited.

The declared file name and content type are not trusted: the type comes from the first bytes. Only PDF,
JPEG and PNG are accepted — what jobcenters can open and archive — and only when the content is what it
claims: a readable image, a PDF without active content (``pdf_safety``). When a malware scanner is configured
(clamd) every file is scanned first, before our own parsers touch it; a file it cannot scan is not stored
(fail closed). The bytes are stored under a key derived from their digest, so a retried upload writes the
same object again instead of a second copy.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from dataclasses import dataclass
from typing import BinaryIO

from services.efile.image_safety import inspect_image
from services.efile.malware import MalwareScanner, ScanUnavailable
from services.efile.pdf_safety import inspect_pdf
from services.efile.rejections import UploadRejected
from services.efile.store import EFileStore

__all__ = ["CheckedUpload", "UploadChecker", "UploadRejected", "check_upload", "sniff_media_type", "store_upload"]

log = logging.getLogger("ozgflow.uploads")

ACCEPTED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


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


def check_upload(
    data: bytes, filename: str | None, *, max_bytes: int, scanner: MalwareScanner | None = None
) -> CheckedUpload:
    """Refuse (``UploadRejected``) what must not reach the e-file; nothing is stored here."""
    if not data:
        raise UploadRejected("empty_upload")
    if len(data) > max_bytes:
        raise UploadRejected(
            "upload_too_large",
            f"Die Datei ist zu groß ({len(data) // 1024} KiB). Erlaubt sind höchstens {max_bytes // 1024} KiB.",
        )
    digest = hashlib.sha256(data).hexdigest()
    if scanner is not None:
        _scan(scanner, data, digest)
    media_type = sniff_media_type(data)
    if media_type is None:
        raise UploadRejected("unsupported_file_type")
    try:
        if media_type == "application/pdf":
            inspect_pdf(data)
        else:
            inspect_image(data, media_type)
    except UploadRejected as exc:
        log.info("upload refused: %s (%s), sha256 %s, %d bytes", exc.code, exc.detail, digest[:16], len(data))
        raise
    return CheckedUpload(filename=safe_filename(filename, media_type), media_type=media_type, data=data, sha256=digest)


def _scan(scanner: MalwareScanner, data: bytes, digest: str) -> None:
    """Log the verdict with the digest only: never the content, never the (personal) file name."""
    try:
        signature = scanner.scan(data)
    except ScanUnavailable as exc:
        log.error("upload refused: malware scan unavailable (%s), sha256 %s", exc, digest[:16])
        raise UploadRejected("malware_scan_unavailable", detail=str(exc)) from None
    if signature is not None:
        log.warning("upload refused: malware found (%s), sha256 %s, %d bytes", signature, digest, len(data))
        raise UploadRejected("malware_found", detail=signature)


@dataclass(frozen=True)
class UploadChecker:
    """Everything an upload must pass, with plain constructor arguments; the portal builds it from the settings
    (``services/portal/uploads_dep.py``, ``UploadCheckerDep``) and both upload paths use it."""

    max_bytes: int
    scanner: MalwareScanner | None = None

    def check(self, data: bytes, filename: str | None) -> CheckedUpload:
        return check_upload(data, filename, max_bytes=self.max_bytes, scanner=self.scanner)

    def read(self, file: BinaryIO, filename: str | None) -> CheckedUpload:
        """Read at most one byte more than allowed, so an oversized file is refused without reading it all."""
        return self.check(file.read(self.max_bytes + 1), filename)


def store_upload(store: EFileStore, prefix: str, upload: CheckedUpload) -> str:
    """Put the bytes under ``<prefix>/documents/<digest prefix>-<name>`` and return the key."""
    key = f"{prefix.rstrip('/')}/documents/{upload.sha256[:16]}-{upload.filename}"
    store.put(key, upload.data, upload.media_type)
    return key


def new_document_id() -> str:
    return str(uuid.uuid4())
