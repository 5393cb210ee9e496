"""e-file object storage. The filesystem store is the embedded default; object keys are
deterministic, so writing the same document twice replaces it instead of adding a second one."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class EFileStoreError(Exception):
    """The e-file store could not be read or written (retryable: storage outages pass)."""


class EFileStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def list(self, prefix: str = "") -> list[str]: ...


def validate_key(key: str) -> list[str]:
    """Keys are slash-separated safe segments; anything else could escape the store's root."""
    segments = key.split("/")
    if not segments or not all(_SEGMENT.fullmatch(s) for s in segments):
        raise ValueError(f"invalid e-file key: {key!r}")
    return segments


class FilesystemEFileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key))

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)  # atomic: readers see the old or the new document, never half of one
        except OSError as exc:
            raise EFileStoreError(f"cannot write e-file object ({exc.strerror})") from exc

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None
        except OSError as exc:
            raise EFileStoreError(f"cannot read e-file object ({exc.strerror})") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self, prefix: str = "") -> list[str]:
        base = self.root.joinpath(*validate_key(prefix.rstrip("/"))) if prefix.strip("/") else self.root
        if not base.exists():
            return []
        return sorted(
            p.relative_to(self.root).as_posix() for p in base.rglob("*") if p.is_file() and not p.name.startswith(".")
        )


def efile_store_from_url(url: str) -> EFileStore:
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return FilesystemEFileStore(Path(parsed.path))
    raise ValueError(f"unsupported e-file store URL scheme {parsed.scheme!r} (supported: file://)")
