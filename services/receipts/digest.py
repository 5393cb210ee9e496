"""The digest of what was filed: SHA-256 over the canonical JSON of the filing.

The filing is the object

    {"attachments": ["<sha256 hex of each file filed with the form, e.g. the paper scan>", ...],
     "form": <the validated form data, as stored and as the e-file JSON shows it>,
     "service": "<service key, e.g. wba>",
     "service_version": "<the connector's form version>"}

with ``attachments`` lowercase hex, sorted ascending (an empty list online). Its RFC 8785 bytes
(services.receipts.canonical) are hashed with SHA-256; the digest is written ``sha256:<64 lowercase hex>``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from services.receipts.canonical import canonical_json

DIGEST_PREFIX = "sha256:"
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class InvalidAttachmentHash(ValueError):
    """An attachment is not named by its SHA-256 as 64 hex digits."""


def normalised_attachments(hashes: Iterable[str]) -> list[str]:
    result = []
    for value in hashes:
        text = value.strip().lower() if isinstance(value, str) else ""
        if not SHA256_HEX.fullmatch(text):
            raise InvalidAttachmentHash(f"not a SHA-256 hex digest: {str(value)[:80]!r}")
        result.append(text)
    return sorted(result)


def filed_digest(*, service: str, service_version: str, form: dict[str, Any], attachments: Iterable[str] = ()) -> str:
    """``sha256:<hex>`` of the filing (see the module docstring); raises NotCanonicalisable for values JSON cannot
    carry."""
    filing = {
        "attachments": normalised_attachments(attachments),
        "form": form,
        "service": service,
        "service_version": service_version,
    }
    return DIGEST_PREFIX + hashlib.sha256(canonical_json(filing)).hexdigest()
