"""The MinIO/S3 e-file store (production backend).

Layout: one bucket for the platform; object keys are the e-file keys themselves,
``<jobcenter>/<BG number>/<receipt number>/<file>``. Why not one bucket per jobcenter: 405 jobcenters
would exceed the bucket quotas of many S3 services (AWS's default used to be 100), object lock and
encryption settings must be identical for every tenant anyway, and MinIO/S3 policies can confine a
jobcenter's access to its prefix (``arn:aws:s3:::ozgflow-efile/jc-leipzig/*``). Deleting a jobcenter's
file is a prefix deletion.

Integrity: every object carries its SHA-256 as user metadata (``x-amz-meta-sha256``), checked on
every read; the upload also sends ``x-amz-checksum-sha256``, so the server refuses a body damaged
in transit. Encryption (SSE-S3 or SSE-KMS) and retention (object lock) are applied per object as
configured. Writing content that is already stored under the key is skipped: in a versioned,
locked bucket each rewrite would otherwise leave another undeletable version.
"""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import urllib3
from minio import Minio
from minio.error import MinioException, S3Error
from minio.retention import Retention
from minio.sse import Sse, SseKMS, SseS3

from services.efile.s3_config import S3Config, parse_s3_url
from services.efile.store import (
    EFileIntegrityError,
    EFileStoreError,
    content_digest,
    normalise_prefix,
    receipt_hint,
    validate_key,
)

CHECKSUM_META = "x-amz-meta-sha256"
_MISSING = {"NoSuchKey", "NotFound", "NoSuchObject"}


class S3EFileStore:
    """``EFileStore`` on an S3 API (MinIO in production). Thread-safe: workers share one instance."""

    def __init__(self, config: S3Config, *, client: Minio | None = None) -> None:
        self.config = config
        self._client = client or Minio(
            config.endpoint,
            access_key=config.access_key,
            secret_key=config.secret_key,
            secure=config.secure,
            region=config.region,
            http_client=urllib3.PoolManager(
                timeout=urllib3.Timeout(connect=config.timeout_seconds, read=config.timeout_seconds),
                # few quick retries: the pipeline retries the whole stage with backoff anyway
                retries=urllib3.Retry(total=2, backoff_factor=0.1, status_forcelist=[500, 502, 503, 504]),
                maxsize=16,
            ),
        )
        self._bucket_ready = False
        self._bucket_lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str) -> S3EFileStore:
        return cls(parse_s3_url(url))

    def __repr__(self) -> str:
        c = self.config
        retention = f"{c.retention_mode}/{c.retention_days}d" if c.retention_days else None
        return (
            f"S3EFileStore(endpoint={c.endpoint!r}, bucket={c.bucket!r}, secure={c.secure}, "
            f"sse={c.sse!r}, retention={retention!r})"
        )

    @contextmanager
    def _storage_errors(self, action: str, key: str = "") -> Iterator[None]:
        """Map client and network failures to ``EFileStoreError`` naming only the S3 code or error type:
        minio's and urllib3's own messages contain the object's URL, and with it the BG number."""
        try:
            yield
        except S3Error as exc:
            raise EFileStoreError(f"cannot {action} e-file object{receipt_hint(key)} (S3 {exc.code})") from None
        except (MinioException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise EFileStoreError(
                f"cannot {action} e-file object{receipt_hint(key)} (storage unreachable: {type(exc).__name__})"
            ) from None

    def _ensure_bucket(self) -> None:
        """Once per process: find the bucket, or create it (with object lock when retention is configured)."""
        if self._bucket_ready:
            return
        with self._bucket_lock, self._storage_errors("reach the bucket for"):
            if self._bucket_ready:
                return
            if not self._client.bucket_exists(self.config.bucket):
                if not self.config.create_bucket:
                    raise EFileStoreError(
                        f"e-file bucket {self.config.bucket!r} does not exist (create it, or set create_bucket=true)"
                    )
                try:
                    self._client.make_bucket(
                        self.config.bucket, location=self.config.region, object_lock=bool(self.config.retention_days)
                    )
                except S3Error as exc:
                    if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise  # another worker creating it at the same moment is fine
            self._bucket_ready = True

    def _sse(self) -> Sse | None:
        if self.config.sse == "s3":
            return SseS3()
        if self.config.sse == "kms":
            assert self.config.kms_key_id
            return SseKMS(self.config.kms_key_id, {})
        return None

    def _retention(self) -> Retention | None:
        if not self.config.retention_days:
            return None
        until = datetime.now(UTC) + timedelta(days=self.config.retention_days)
        return Retention(self.config.retention_mode, until)

    def _already_stored(self, key: str, digest: str, server_checksum: str) -> bool:
        """True when the key holds exactly this content: our recorded SHA-256 and the checksum the server
        verified against the body at upload both match (metadata alone could be copied onto other bytes)."""
        try:
            stat = self._client.stat_object(self.config.bucket, key, extra_headers={"x-amz-checksum-mode": "ENABLED"})
        except S3Error as exc:
            if exc.code in _MISSING:
                return False
            raise
        headers = stat.metadata or {}
        return headers.get(CHECKSUM_META) == digest and headers.get("x-amz-checksum-sha256") == server_checksum

    def put(self, key: str, data: bytes, content_type: str) -> None:
        validate_key(key)
        self._ensure_bucket()
        digest = content_digest(data)
        server_checksum = base64.b64encode(bytes.fromhex(digest)).decode()
        with self._storage_errors("write", key):
            if self._already_stored(key, digest, server_checksum):
                return  # the same document is already filed under this deterministic key
            metadata = {
                "sha256": digest,
                # the server checks the body against it; the algorithm header is what object-lock uploads require
                "x-amz-checksum-sha256": server_checksum,
                "x-amz-sdk-checksum-algorithm": "SHA256",
            }
            self._client.put_object(
                self.config.bucket,
                key,
                io.BytesIO(data),
                len(data),
                content_type=content_type,
                metadata=metadata,  # type: ignore[arg-type]
                sse=self._sse(),
                retention=self._retention(),
            )

    def get(self, key: str) -> bytes:
        validate_key(key)
        self._ensure_bucket()
        response = None
        try:
            with self._storage_errors("read", key):
                try:
                    response = self._client.get_object(self.config.bucket, key)
                except S3Error as exc:
                    if exc.code in _MISSING:
                        raise KeyError(key) from None
                    raise
                data = response.read()
                recorded = response.headers.get(CHECKSUM_META)
        finally:
            if response is not None:
                response.close()
                response.release_conn()
        if recorded is None or recorded.strip().lower() != content_digest(data):
            raise EFileIntegrityError(f"e-file object{receipt_hint(key)} does not match its recorded SHA-256")
        return data

    def exists(self, key: str) -> bool:
        validate_key(key)
        self._ensure_bucket()
        with self._storage_errors("check", key):
            try:
                self._client.stat_object(self.config.bucket, key)
            except S3Error as exc:
                if exc.code in _MISSING:
                    return False
                raise
        return True

    def delete(self, key: str) -> None:
        """Remove the object; S3 answers a missing key with success, so a rerun is harmless.

        In a versioned bucket with object lock this writes a delete marker: the object is gone for every
        reader, while the locked version stays until its retention ends and the bucket's lifecycle rule
        (``NoncurrentVersionExpiration``) removes it (docs/security.md)."""
        validate_key(key)
        self._ensure_bucket()
        with self._storage_errors("delete", key):
            try:
                self._client.remove_object(self.config.bucket, key)
            except S3Error as exc:
                if exc.code not in _MISSING:
                    raise

    def list(self, prefix: str = "") -> list[str]:
        segments = normalise_prefix(prefix)
        self._ensure_bucket()
        with self._storage_errors("list"):
            objects = self._client.list_objects(
                self.config.bucket, prefix="/".join(segments) + "/" if segments else None, recursive=True
            )
            return sorted(o.object_name for o in objects if o.object_name and not o.is_dir)
