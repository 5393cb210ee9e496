"""The envelope format: AES-256-GCM with header and context as associated data, synthetic nonces."""

from __future__ import annotations

import os

import pytest

from services.crypto.envelope import (
    PLATFORM_SCOPE,
    DataKey,
    EnvelopeError,
    from_text,
    is_envelope,
    is_sealed_text,
    read_header,
    to_text,
)


@pytest.fixture
def key() -> DataKey:
    return DataKey.from_raw("jc-leipzig", 3, os.urandom(32))


def test_seal_and_open_round_trip_and_the_header_names_scope_and_version(key: DataKey) -> None:
    sealed = key.seal(b"Lena Schmidt, Baeckerei Krause", "db:submissions.form_data:s-1")
    assert is_envelope(sealed) and b"Krause" not in sealed
    header, _ = read_header(sealed)
    assert (header.scope, header.version) == ("jc-leipzig", 3)
    assert key.open(sealed, "db:submissions.form_data:s-1") == b"Lena Schmidt, Baeckerei Krause"


def test_the_same_content_for_the_same_record_gives_the_same_bytes(key: DataKey) -> None:
    assert key.seal(b"x" * 100, "efile:a/b") == key.seal(b"x" * 100, "efile:a/b")
    assert key.seal(b"x" * 100, "efile:a/b") != key.seal(b"x" * 100, "efile:a/c")  # other record: other nonce
    assert key.seal(b"x" * 100, "efile:a/b") != key.seal(b"y" * 100, "efile:a/b")


def test_another_record_or_column_does_not_open(key: DataKey) -> None:
    sealed = key.seal(b"secret", "db:submissions.form_data:s-1")
    for other in ("db:submissions.form_data:s-2", "db:drafts.form_data:s-1", ""):
        with pytest.raises(EnvelopeError):
            key.open(sealed, other)


def test_a_header_naming_another_jobcenter_or_version_does_not_open(key: DataKey) -> None:
    sealed = key.seal(b"secret", "ctx")
    moved = sealed.replace(b"jc-leipzig", b"jc-dortmun", 1)  # same length: only the scope differs
    with pytest.raises(EnvelopeError):
        key.open(moved, "ctx")
    other_jobcenter = DataKey.from_raw("jc-dortmun", 3, os.urandom(32))
    with pytest.raises(EnvelopeError):
        other_jobcenter.open(moved, "ctx")  # and its own key cannot open it either


@pytest.mark.parametrize("position", [0, 6, 20, 30, -1])
def test_any_flipped_byte_or_truncation_is_detected(key: DataKey, position: int) -> None:
    sealed = bytearray(key.seal(b"the form data" * 10, "ctx"))
    sealed[position] ^= 0x01
    with pytest.raises(EnvelopeError):
        key.open(bytes(sealed), "ctx")
    with pytest.raises(EnvelopeError):
        key.open(key.seal(b"abc", "ctx")[:-1], "ctx")


def test_text_form_for_database_columns(key: DataKey) -> None:
    sealed = key.seal("Grüße".encode(), "ctx")
    text = to_text(sealed)
    assert is_sealed_text(text) and not is_sealed_text("Grüße") and not is_sealed_text({"a": 1})
    assert key.open(from_text(text), "ctx").decode() == "Grüße"
    with pytest.raises(EnvelopeError):
        from_text("ozgflow-sealed:not base64!")


def test_the_platform_scope_cannot_be_a_jobcenter_id() -> None:
    from services.efile.store import validate_key

    with pytest.raises(ValueError):
        validate_key(f"{PLATFORM_SCOPE}/96101BG0012342/R-1/wba.pdf")
