"""What only the S3 store does: encryption, retention, bucket creation, idempotent uploads, no secrets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from minio import Minio
from minio.error import S3Error

from services.efile.s3 import S3EFileStore
from services.efile.store import EFileStoreError
from tests.efile.conftest import BUCKET, SECRET, s3_url

KEY = "jc-leipzig/07301BG0003150/EA-2025-000123/wba.pdf"
PDF = b"%PDF-1.4\n\xe2\xe3\xcf\xd3 Antrag auf Weiterbewilligung\n%%EOF\n"


def _versions(raw: Minio, key: str = KEY) -> list[str | None]:
    return [o.version_id for o in raw.list_objects(BUCKET, prefix=key, include_version=True)]


def test_sse_s3_encrypts_every_object(s3: str, raw_s3: Minio) -> None:
    store = S3EFileStore.from_url(s3_url(s3, sse="s3"))
    store.put(KEY, PDF, "application/pdf")

    stat = raw_s3.stat_object(BUCKET, KEY)
    assert stat.metadata["x-amz-server-side-encryption"] == "AES256"
    assert stat.content_type == "application/pdf"
    assert store.get(KEY) == PDF


def test_without_sse_nothing_is_requested(s3: str, raw_s3: Minio) -> None:
    S3EFileStore.from_url(s3_url(s3)).put(KEY, PDF, "application/pdf")
    assert "x-amz-server-side-encryption" not in raw_s3.stat_object(BUCKET, KEY).metadata


@pytest.mark.parametrize("mode", ["GOVERNANCE", "COMPLIANCE"])
def test_retention_locks_each_object_for_the_configured_days(s3: str, raw_s3: Minio, mode: str) -> None:
    store = S3EFileStore.from_url(s3_url(s3, retention_days="30", retention_mode=mode))
    before = datetime.now(UTC)
    store.put(KEY, PDF, "application/pdf")

    stat = raw_s3.stat_object(BUCKET, KEY)
    until = datetime.fromisoformat(stat.metadata["x-amz-object-lock-retain-until-date"].replace("Z", "+00:00"))
    assert stat.metadata["x-amz-object-lock-mode"] == mode
    assert before + timedelta(days=29) < until < before + timedelta(days=31)
    with pytest.raises(S3Error) as refused:
        raw_s3.remove_object(BUCKET, KEY, version_id=stat.version_id)
    assert refused.value.code == "AccessDenied"
    assert store.get(KEY) == PDF


def test_the_bucket_is_created_with_object_lock_when_retention_is_configured(s3: str, raw_s3: Minio) -> None:
    S3EFileStore.from_url(s3_url(s3, retention_days="1")).list()
    assert raw_s3.get_object_lock_config(BUCKET) is not None


def test_rewriting_the_same_content_leaves_no_second_version(s3: str, raw_s3: Minio) -> None:
    store = S3EFileStore.from_url(s3_url(s3, retention_days="1"))
    store.put(KEY, PDF, "application/pdf")
    store.put(KEY, PDF, "application/pdf")
    assert len(_versions(raw_s3)) == 1

    store.put(KEY, PDF + b"\n% korrigiert", "application/pdf")  # new content is a new, also retained version
    assert len(_versions(raw_s3)) == 2
    assert store.list() == [KEY]
    assert store.get(KEY) == PDF + b"\n% korrigiert"


def test_a_missing_bucket_is_an_error_unless_creation_is_allowed(s3: str, raw_s3: Minio) -> None:
    store = S3EFileStore.from_url(s3_url(s3, create_bucket="false"))
    with pytest.raises(EFileStoreError, match="does not exist.*create_bucket=true"):
        store.put(KEY, PDF, "application/pdf")
    assert not raw_s3.bucket_exists(BUCKET)

    raw_s3.make_bucket(BUCKET)
    store.put(KEY, PDF, "application/pdf")
    assert store.get(KEY) == PDF


def test_an_existing_bucket_is_used_as_it_is(s3: str, raw_s3: Minio) -> None:
    raw_s3.make_bucket(BUCKET)
    store = S3EFileStore.from_url(s3_url(s3))
    store.put(KEY, PDF, "application/pdf")
    assert [o.object_name for o in raw_s3.list_objects(BUCKET, recursive=True)] == [KEY]


def test_server_errors_name_the_s3_code_and_the_receipt_only(s3: str, raw_s3: Minio) -> None:
    store = S3EFileStore.from_url(s3_url(s3))
    store.list()  # bucket created
    raw_s3.remove_bucket(BUCKET)  # deleted behind the store's back: now every call fails on the server

    with pytest.raises(EFileStoreError) as caught:
        store.get(KEY)
    message = str(caught.value)
    assert "NoSuchBucket" in message and "EA-2025-000123" in message
    assert "07301BG0003150" not in message and SECRET not in message


def test_repr_shows_where_but_not_the_secret(s3: str) -> None:
    store = S3EFileStore.from_url(s3_url(s3, sse="s3", retention_days="7"))
    text = repr(store) + repr(store.config)
    assert SECRET not in text and "testing" not in text
    assert BUCKET in text and s3 in text and "GOVERNANCE/7d" in text
