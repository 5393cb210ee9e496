"""e-file object storage. The filesystem store is the embedded default; object keys are
deterministic, so writing the same document twice replaces it instead of adding a second one.

Every store records a SHA-256 of each object when writing it and verifies it when reading: an
e-file is evidence of what a customer filed, so a silently altered or truncated document must fail
loudly (``EFileIntegrityError``) instead of being shown to staff or handed on.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_CHECKSUM_SUFFIX = ".sha256"


class EFileStoreError(Exception):
    """The e-file store could not be read or written (retryable: storage outages pass).

    Messages name at most the receipt number: they end up in the stage ledger and Prefect logs,
    while keys also carry BG numbers."""


class EFileIntegrityError(EFileStoreError):
    """A stored object does not match the checksum recorded when it was written."""


class EFileStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def list(self, prefix: str = "") -> list[str]: ...
    def delete(self, key: str) -> None:
        """Remove the object; a missing key is fine (retention and erasure rerun until everything is gone)."""
        ...


def validate_key(key: str) -> list[str]:
    """Keys are slash-separated safe segments; anything else could escape the store's root."""
    segments = key.split("/")
    if not segments or not all(_SEGMENT.fullmatch(s) for s in segments):
        raise ValueError(f"invalid e-file key: {key!r}")
    return segments


def normalise_prefix(prefix: str) -> list[str]:
    """A list prefix names a folder (``jc/BG``, trailing slash optional); empty means everything."""
    return validate_key(prefix.rstrip("/")) if prefix.strip("/") else []


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def receipt_hint(key: str) -> str:
    """The part of a key that may appear in error messages: `` (receipt <number>)`` or nothing.

    Keys are ``<jobcenter>/<BG number>/<receipt number>/<file>``; the BG number stays out."""
    segments = key.split("/")
    return f" (receipt {segments[2]})" if len(segments) >= 4 else ""


class FilesystemEFileStore:
    """Objects are files under ``root``; each has a hidden sidecar ``.<name>.sha256`` with its checksum.

    Why a sidecar and not an extended attribute: xattrs are not available on every laptop filesystem
    (and not from Python on macOS). Both files are written to temporary names, fsynced and renamed
    (sidecar first), so a reader never sees half a document; a reader that meets the sidecar of a new
    version next to the old document (a concurrent rewrite between the two renames) reads once more
    before reporting a mismatch, and a crash between the renames is repaired by the stage's rerun.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def __repr__(self) -> str:
        return f"FilesystemEFileStore(root={str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key))

    def _check_root(self, key: str = "") -> bool:
        """False when the root does not exist yet; an error when something else occupies it."""
        if self.root.exists() and not self.root.is_dir():
            raise EFileStoreError(f"e-file store root is not a directory{receipt_hint(key)}")
        return self.root.is_dir()

    @staticmethod
    def _sidecar(path: Path) -> Path:
        return path.with_name(f".{path.name}{_CHECKSUM_SUFFIX}")

    @staticmethod
    def _write_temp(directory: Path, name: str, data: bytes) -> Path:
        tmp = directory / f".{name}.{uuid.uuid4().hex}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        return tmp

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        temps: list[Path] = []
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temps.append(self._write_temp(path.parent, f"{path.name}{_CHECKSUM_SUFFIX}", content_digest(data).encode()))
            temps.append(self._write_temp(path.parent, path.name, data))
            os.replace(temps[0], self._sidecar(path))
            os.replace(temps[1], path)  # atomic: readers see the old or the new document, never half of one
        except OSError as exc:
            for tmp in temps:
                tmp.unlink(missing_ok=True)
            raise EFileStoreError(f"cannot write e-file object{receipt_hint(key)} ({exc.strerror})") from exc

    def _read_verified(self, key: str, path: Path) -> bytes | None:
        """The document if it matches its recorded checksum, else None."""
        data = path.read_bytes()
        try:
            recorded = self._sidecar(path).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        return data if recorded == content_digest(data) else None

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            self._check_root(key)
            for _ in range(2):  # the second read covers a rewrite caught between its two renames
                data = self._read_verified(key, path)
                if data is not None:
                    return data
        except FileNotFoundError:
            raise KeyError(key) from None
        except OSError as exc:
            raise EFileStoreError(f"cannot read e-file object{receipt_hint(key)} ({exc.strerror})") from exc
        raise EFileIntegrityError(f"e-file object{receipt_hint(key)} does not match its recorded SHA-256")

    def exists(self, key: str) -> bool:
        path = self._path(key)
        return self._check_root(key) and path.is_file()

    def list(self, prefix: str = "") -> list[str]:
        base = self.root.joinpath(*normalise_prefix(prefix))
        if not self._check_root() or not base.is_dir():
            return []
        try:
            return sorted(
                p.relative_to(self.root).as_posix()
                for p in base.rglob("*")
                if p.is_file() and not p.name.startswith(".")
            )
        except OSError as exc:
            raise EFileStoreError(f"cannot list e-file objects ({exc.strerror})") from exc

    def delete(self, key: str) -> None:
        """Remove the document, then its sidecar, then folders left empty (their names carry BG and receipt
        numbers). Idempotent: a crash between the steps leaves at most a hidden sidecar or an empty folder,
        which the next delete of the key removes. A ``put`` racing the removal of its empty parent folder
        fails with a retryable ``EFileStoreError``."""
        path = self._path(key)
        try:
            if not self._check_root(key):
                return
            path.unlink(missing_ok=True)
            self._sidecar(path).unlink(missing_ok=True)
            folder = path.parent
            while folder != self.root and folder.is_relative_to(self.root):
                try:
                    folder.rmdir()  # only succeeds while empty: another document keeps its folder
                except OSError:
                    break
                folder = folder.parent
        except OSError as exc:
            raise EFileStoreError(f"cannot delete e-file object{receipt_hint(key)} ({exc.strerror})") from exc


def efile_store_from_url(url: str) -> EFileStore:
    """``file:///path`` for the embedded store, ``s3://...`` for MinIO/S3 (see services/efile/s3_config.py)."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return FilesystemEFileStore(Path(parsed.path))
    if parsed.scheme == "s3":
        from services.efile.s3 import S3EFileStore  # imported lazily: the filesystem default needs no S3 client

        return S3EFileStore.from_url(url)
    raise ValueError(f"unsupported e-file store URL scheme {parsed.scheme!r} (supported: file://, s3://)")
