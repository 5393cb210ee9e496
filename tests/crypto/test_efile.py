"""e-file objects are encrypted with their jobcenter's key in the filesystem store and in S3 (moto's server)."""

from __future__ import annotations

import contextvars
import io
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from minio import Minio

from services.crypto.envelope import is_envelope, read_header
from services.efile.encrypted import SEALED_CONTENT_TYPE, EncryptedEFileStore, efile_store_from_settings
from services.efile.s3 import S3EFileStore
from services.efile.store import EFileIntegrityError, EFileStore, FilesystemEFileStore
from services.settings import Settings
from services.store.db import Database
from tests.crypto.conftest import keyed_db
from tests.efile.conftest import BUCKET, s3_url

PDF = b"%PDF-1.7\n Lena Schmidt, Baeckerei Krause GmbH, IBAN DE02120300000000202051\n%%EOF"
KEY = "jc-berlin-mitte/96101BG0012342/WBA-2026-000001/wba.pdf"


@pytest.fixture(params=["filesystem", "s3"])
def inner(request: pytest.FixtureRequest, tmp_path: Path) -> EFileStore:
    if request.param == "filesystem":
        return FilesystemEFileStore(tmp_path / "efile")
    return S3EFileStore.from_url(s3_url(request.getfixturevalue("s3"), sse="s3"))


@pytest.fixture
def sealed(inner: EFileStore, sqlite_keyed: Database) -> EncryptedEFileStore:
    assert sqlite_keyed.keyring is not None
    return EncryptedEFileStore(inner, sqlite_keyed.keyring)


def test_objects_are_stored_encrypted_and_read_plain(sealed: EncryptedEFileStore, inner: EFileStore) -> None:
    sealed.put(KEY, PDF, "application/pdf")
    stored = inner.get(KEY)  # the inner store still verifies its checksum, of the ciphertext
    assert is_envelope(stored) and b"Krause" not in stored and b"DE0212" not in stored
    assert read_header(stored)[0].scope == "jc-berlin-mitte"
    assert sealed.get(KEY) == PDF
    assert sealed.exists(KEY) and sealed.list("jc-berlin-mitte") == [KEY]
    sealed.put(KEY, PDF, "application/pdf")
    assert inner.get(KEY) == stored  # a rerun writes the very same bytes
    sealed.delete(KEY)
    assert not sealed.exists(KEY)


def test_the_filesystem_holds_no_plaintext_anywhere(sqlite_keyed: Database, tmp_path: Path) -> None:
    root = tmp_path / "efile"
    store = EncryptedEFileStore(FilesystemEFileStore(root), sqlite_keyed.keyring)  # type: ignore[arg-type]
    for n in range(3):
        store.put(KEY.replace("wba.pdf", f"doc{n}.pdf"), PDF, "application/pdf")
    files = [p for p in root.rglob("*") if p.is_file()]
    assert len(files) == 6  # three documents and their checksum sidecars
    assert all(b"Krause" not in p.read_bytes() for p in files)


def test_s3_objects_hold_no_plaintext_and_keep_server_side_encryption(
    sqlite_keyed: Database, s3: str, raw_s3: Minio
) -> None:
    store = EncryptedEFileStore(S3EFileStore.from_url(s3_url(s3, sse="s3")), sqlite_keyed.keyring)  # type: ignore[arg-type]
    store.put(KEY, PDF, "application/pdf")
    response = raw_s3.get_object(BUCKET, KEY)
    try:
        body = response.read()
    finally:
        response.close()
        response.release_conn()
    assert b"Krause" not in body and is_envelope(body)
    stat = raw_s3.stat_object(BUCKET, KEY)
    assert stat.metadata["x-amz-server-side-encryption"] == "AES256"
    assert stat.content_type == SEALED_CONTENT_TYPE
    assert store.get(KEY) == PDF


def test_an_object_moved_to_another_key_or_jobcenter_does_not_open(
    sealed: EncryptedEFileStore, inner: EFileStore
) -> None:
    sealed.put(KEY, PDF, "application/pdf")
    ciphertext = inner.get(KEY)
    for target in (
        KEY.replace("wba.pdf", "other.pdf"),  # same folder, another name
        KEY.replace("jc-berlin-mitte", "jc-leipzig"),  # another jobcenter's folder
    ):
        inner.put(target, ciphertext, SEALED_CONTENT_TYPE)  # copied with a valid checksum of its own
        with pytest.raises(EFileIntegrityError, match="does not decrypt"):
            sealed.get(target)


def test_altered_ciphertext_with_a_matching_checksum_is_detected(
    sealed: EncryptedEFileStore, inner: EFileStore
) -> None:
    sealed.put(KEY, PDF, "application/pdf")
    altered = bytearray(inner.get(KEY))
    altered[-20] ^= 0x01
    inner.put(KEY, bytes(altered), SEALED_CONTENT_TYPE)  # the inner checksum now matches the altered bytes
    with pytest.raises(EFileIntegrityError):
        sealed.get(KEY)


def test_objects_from_before_encryption_still_read(sealed: EncryptedEFileStore, inner: EFileStore) -> None:
    inner.put(KEY, PDF, "application/pdf")
    assert sealed.get(KEY) == PDF
    assert not sealed.is_current(KEY)
    assert sealed.reseal(KEY) and sealed.is_current(KEY) and b"Krause" not in inner.get(KEY)
    assert not sealed.reseal(KEY)
    assert sealed.get(KEY) == PDF


def test_strict_mode_refuses_plaintext_objects(sqlite_keyed: Database, tmp_path: Path) -> None:
    inner = FilesystemEFileStore(tmp_path / "efile")
    inner.put(KEY, PDF, "application/pdf")
    strict = keyed_db(sqlite_keyed.url, sqlite_keyed.keyring.masters, require_envelopes=True)  # type: ignore[union-attr]
    with pytest.raises(EFileIntegrityError, match="not encrypted"):
        EncryptedEFileStore(inner, strict.keyring).get(KEY)  # type: ignore[arg-type]
    strict.dispose()


def test_settings_build_the_encrypting_store_only_with_a_keyring(settings: Settings, sqlite_keyed: Database) -> None:
    assert isinstance(efile_store_from_settings(settings, keyring=sqlite_keyed.keyring), EncryptedEFileStore)
    assert isinstance(efile_store_from_settings(settings, keyring=None), FilesystemEFileStore)


def test_writing_inside_an_open_transaction_creates_the_key_there(sealed_db: Database, tmp_path: Path) -> None:
    """Attachments are filed inside the request's transaction: on SQLite that transaction holds the only write
    lock, so a key created over another connection would wait for it forever. It must not."""
    store = EncryptedEFileStore(FilesystemEFileStore(tmp_path / "efile"), sealed_db.keyring)  # type: ignore[arg-type]
    key = KEY.replace("jc-berlin-mitte", "jc-bremen")
    done: list[bytes] = []

    def file_in_transaction() -> None:
        with sealed_db.session() as session:
            session.connection()  # the transaction has begun (SQLite: BEGIN IMMEDIATE holds the lock)
            store.put(key, PDF, "application/pdf")
            done.append(store.get(key))

    worker = threading.Thread(target=file_in_transaction, daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert done == [PDF], "filing inside a transaction blocked on the key"
    fresh = keyed_db(sealed_db.url, sealed_db.keyring.masters)  # type: ignore[union-attr]
    assert EncryptedEFileStore(FilesystemEFileStore(tmp_path / "efile"), fresh.keyring).get(key) == PDF  # type: ignore[arg-type]
    fresh.dispose()


def test_a_copied_efile_folder_does_not_open_under_another_jobcenter(sqlite_keyed: Database, tmp_path: Path) -> None:
    root = tmp_path / "efile"
    store = EncryptedEFileStore(FilesystemEFileStore(root), sqlite_keyed.keyring)  # type: ignore[arg-type]
    store.put(KEY, PDF, "application/pdf")
    shutil.copytree(root / "jc-berlin-mitte", root / "jc-dortmund")  # documents and their sidecars
    with pytest.raises(EFileIntegrityError):
        store.get(KEY.replace("jc-berlin-mitte", "jc-dortmund"))
    assert io.BytesIO(store.get(KEY)).read() == PDF


def test_within_a_request_the_transaction_is_found_from_another_thread(sealed_db: Database, tmp_path: Path) -> None:
    """FastAPI opens a request's session in a dependency and runs the handler in another worker thread, each with a
    copy of the request's context (as here); the keyring's request scope still finds the request's transaction."""
    keyring = sealed_db.keyring
    assert keyring is not None
    store = EncryptedEFileStore(FilesystemEFileStore(tmp_path / "efile"), keyring)
    key = KEY.replace("jc-berlin-mitte", "jc-dortmund")
    done: list[bytes] = []

    def in_thread(fn: Callable[[], None], context: contextvars.Context) -> None:
        worker = threading.Thread(target=context.run, args=(fn,), daemon=True)
        worker.start()
        worker.join(timeout=20)

    with keyring.request_scope(), sealed_db.session() as session:
        request = contextvars.copy_context()
        in_thread(lambda: session.connection() and None, request.copy())  # the dependency begins the transaction
        in_thread(lambda: done.append(store.put(key, PDF, "application/pdf") or store.get(key)), request.copy())
    assert done == [PDF], "the handler's e-file write blocked on the request's own transaction"
