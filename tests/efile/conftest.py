"""e-file fixtures: a real S3 API on loopback (moto's server) and one ``store`` fixture that runs every
contract test against the filesystem store and the S3 store."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from minio import Minio

from services.efile.s3 import S3EFileStore
from services.efile.store import EFileStore, FilesystemEFileStore
from services.loopback import free_port
from tests.support.clamd import Clamd

BUCKET = "ozgflow-efile-test"
ACCESS, SECRET = "testing", "testing-secret"


@pytest.fixture
def s3(s3_endpoint: str) -> Iterator[str]:
    """A clean S3 API for one test: moto forgets every bucket before and after."""
    httpx.post(f"http://{s3_endpoint}/moto-api/reset").raise_for_status()
    yield s3_endpoint
    httpx.post(f"http://{s3_endpoint}/moto-api/reset").raise_for_status()


@pytest.fixture
def raw_s3(s3: str) -> Minio:
    """The plain minio client, to look at (and tamper with) objects behind the store's back."""
    return Minio(s3, access_key=ACCESS, secret_key=SECRET, secure=False, region="us-east-1")


def s3_url(endpoint: str, bucket: str = BUCKET, **options: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"secure": "false", "create_bucket": "true", **options}.items())
    return f"s3://{ACCESS}:{SECRET}@{endpoint}/{bucket}?{query}"


@pytest.fixture(params=["filesystem", "s3"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> EFileStore:
    if backend == "filesystem":
        return FilesystemEFileStore(tmp_path / "efile")
    return S3EFileStore.from_url(s3_url(request.getfixturevalue("s3")))


Tamper = Callable[[str, bytes, bool], None]


@pytest.fixture
def tamper(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Tamper:
    """Replace an object's bytes without going through the store; ``keep_checksum`` leaves the recorded
    SHA-256 of the old content in place (bit rot, a stray client), otherwise no checksum remains."""
    if backend == "filesystem":

        def overwrite_file(key: str, data: bytes, keep_checksum: bool) -> None:
            path = tmp_path / "efile" / key
            path.write_bytes(data)
            if not keep_checksum:
                path.with_name(f".{path.name}.sha256").unlink()

        return overwrite_file
    raw: Minio = request.getfixturevalue("raw_s3")

    def overwrite_object(key: str, data: bytes, keep_checksum: bool) -> None:
        recorded = raw.stat_object(BUCKET, key).metadata["x-amz-meta-sha256"]
        metadata = {"sha256": recorded} if keep_checksum else None
        raw.put_object(BUCKET, key, io.BytesIO(data), len(data), metadata=metadata)

    return overwrite_object


@pytest.fixture
def unreachable_store(backend: str, tmp_path: Path) -> EFileStore:
    """Storage that is down: an S3 endpoint where nothing listens; a file where the root folder should be."""
    if backend == "filesystem":
        blocker = tmp_path / "efile"
        blocker.write_text("not a directory")
        return FilesystemEFileStore(blocker)
    return S3EFileStore.from_url(s3_url(f"127.0.0.1:{free_port()}", timeout="2"))


@pytest.fixture(scope="session")
def clamd() -> Iterator[Clamd]:
    """One real clamd for the session (EICAR signature only); skipped where Debian's clamav-daemon is absent."""
    server = Clamd().start()
    yield server
    server.close()
