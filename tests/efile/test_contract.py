"""The behaviour every e-file store has, run against the filesystem store and the S3 store alike."""

from __future__ import annotations

import pytest

from services.efile.store import EFileIntegrityError, EFileStore, EFileStoreError
from tests.efile.conftest import Tamper

PREFIX = "jc-leipzig/07301BG0003150/EA-2025-000123"
JSON_KEY = f"{PREFIX}/wba.json"
PDF_KEY = f"{PREFIX}/wba.pdf"
GERMAN = '{"name": "Jürgen Weiß", "straße": "Große Straße 5", "hinweis": "Mietvertrag für Ü25 – ½ Zimmer"}'
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) + b"\n%%EOF\n"


def test_round_trip_keeps_german_text_and_binary_pdf_bytes(store: EFileStore) -> None:
    store.put(JSON_KEY, GERMAN.encode(), "application/json")
    store.put(PDF_KEY, PDF, "application/pdf")

    assert store.get(JSON_KEY).decode() == GERMAN
    assert store.get(PDF_KEY) == PDF


def test_an_empty_object_round_trips(store: EFileStore) -> None:
    store.put(f"{PREFIX}/leer.txt", b"", "text/plain")
    assert store.get(f"{PREFIX}/leer.txt") == b""


def test_writing_the_same_key_again_replaces_the_object(store: EFileStore) -> None:
    store.put(PDF_KEY, b"first version", "application/pdf")
    store.put(PDF_KEY, PDF, "application/pdf")
    store.put(PDF_KEY, PDF, "application/pdf")

    assert store.list() == [PDF_KEY]
    assert store.get(PDF_KEY) == PDF


def test_exists_and_list_by_prefix(store: EFileStore) -> None:
    other_household = "jc-leipzig/07301BG0003151/EA-2025-000124/wba.pdf"
    other_jobcenter = "jc-berlin-mitte/96101BG0012342/EA-2025-000125/vaem.json"
    for key in (PDF_KEY, JSON_KEY, other_household, other_jobcenter):
        store.put(key, b"x", "application/octet-stream")

    assert store.exists(PDF_KEY) and not store.exists(f"{PREFIX}/vaem.pdf")
    assert store.list() == sorted([PDF_KEY, JSON_KEY, other_household, other_jobcenter])
    assert store.list("jc-leipzig") == sorted([JSON_KEY, PDF_KEY, other_household])
    assert store.list(PREFIX) == [JSON_KEY, PDF_KEY]
    assert store.list(PREFIX + "/") == [JSON_KEY, PDF_KEY]
    assert store.list("jc-leipzig/07301BG000315") == []  # a prefix names a folder, not the start of a name
    assert store.list("jc-hamburg") == []


def test_a_missing_key_is_a_key_error(store: EFileStore) -> None:
    with pytest.raises(KeyError):
        store.get(PDF_KEY)
    assert not store.exists(PDF_KEY)
    assert store.list() == []


def test_delete_removes_only_that_object(store: EFileStore) -> None:
    neighbour = "jc-leipzig/07301BG0003150/EA-2025-000124/wba.pdf"
    for key in (PDF_KEY, JSON_KEY, neighbour):
        store.put(key, PDF, "application/pdf")

    store.delete(PDF_KEY)

    assert not store.exists(PDF_KEY)
    with pytest.raises(KeyError):
        store.get(PDF_KEY)
    assert store.list() == sorted([JSON_KEY, neighbour])
    assert store.get(JSON_KEY) == PDF and store.get(neighbour) == PDF


def test_deleting_a_missing_key_is_fine_and_deleting_twice_too(store: EFileStore) -> None:
    store.delete(PDF_KEY)  # never written (on S3 the bucket does not even exist yet)
    store.put(PDF_KEY, PDF, "application/pdf")
    store.delete(PDF_KEY)
    store.delete(PDF_KEY)  # what a rerun of retention or erasure does

    assert store.list() == []


def test_a_deleted_key_can_be_written_again(store: EFileStore) -> None:
    store.put(PDF_KEY, b"first version", "application/pdf")
    store.delete(PDF_KEY)
    store.put(PDF_KEY, PDF, "application/pdf")

    assert store.get(PDF_KEY) == PDF and store.list() == [PDF_KEY]


def test_deleting_a_damaged_object_needs_no_valid_checksum(store: EFileStore, tamper: Tamper) -> None:
    store.put(PDF_KEY, PDF, "application/pdf")
    tamper(PDF_KEY, b"garbage", False)

    store.delete(PDF_KEY)

    assert not store.exists(PDF_KEY) and store.list() == []


@pytest.mark.parametrize("key", ["../x", "a/../b", "/abs/path", "a//b", "", "a/", "a/.hidden", "a/b c", "ä/b"])
def test_invalid_keys_are_refused(store: EFileStore, key: str) -> None:
    with pytest.raises(ValueError):
        store.put(key, b"x", "text/plain")
    with pytest.raises(ValueError):
        store.get(key)
    with pytest.raises(ValueError):
        store.exists(key)
    with pytest.raises(ValueError):
        store.delete(key)


@pytest.mark.parametrize("prefix", ["../", "/etc", "a//b"])
def test_invalid_list_prefixes_are_refused(store: EFileStore, prefix: str) -> None:
    with pytest.raises(ValueError):
        store.list(prefix)


def test_content_changed_behind_the_stores_back_fails_the_checksum(store: EFileStore, tamper: Tamper) -> None:
    store.put(PDF_KEY, PDF, "application/pdf")
    tamper(PDF_KEY, PDF[:-10], True)

    with pytest.raises(EFileIntegrityError) as caught:
        store.get(PDF_KEY)
    assert isinstance(caught.value, EFileStoreError)
    assert "EA-2025-000123" in str(caught.value) and "07301BG0003150" not in str(caught.value)


def test_an_object_without_a_recorded_checksum_is_not_trusted(store: EFileStore, tamper: Tamper) -> None:
    store.put(PDF_KEY, PDF, "application/pdf")
    tamper(PDF_KEY, PDF, False)

    with pytest.raises(EFileIntegrityError):
        store.get(PDF_KEY)


def test_rewriting_repairs_a_damaged_object(store: EFileStore, tamper: Tamper) -> None:
    store.put(PDF_KEY, PDF, "application/pdf")
    tamper(PDF_KEY, b"garbage", True)

    store.put(PDF_KEY, PDF, "application/pdf")  # what the e-file stage's rerun does

    assert store.get(PDF_KEY) == PDF


def test_unreachable_storage_is_a_store_error_without_the_bg_number(unreachable_store: EFileStore) -> None:
    for operation in (
        lambda: unreachable_store.put(PDF_KEY, PDF, "application/pdf"),
        lambda: unreachable_store.get(PDF_KEY),
        lambda: unreachable_store.exists(PDF_KEY),
        lambda: unreachable_store.list(),
        lambda: unreachable_store.delete(PDF_KEY),
    ):
        with pytest.raises(EFileStoreError) as caught:
            operation()
        assert not isinstance(caught.value, EFileIntegrityError)
        assert "07301BG0003150" not in str(caught.value)
