"""Canonical JSON is RFC 8785: the published test vectors, and equal to plain ``json.dumps`` for what we sign."""

from __future__ import annotations

import json
import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.receipts.canonical import NotCanonicalisable, canonical_json

# RFC 8785, Appendix B: IEEE 754 doubles (hex) and their canonical text.
NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "expected"), NUMBERS)
def test_numbers_are_written_as_rfc_8785_says(bits: str, expected: str) -> None:
    value = struct.unpack(">d", bytes.fromhex(bits))[0]
    assert canonical_json(value) == expected.encode()


def test_names_are_sorted_by_utf16_code_units_and_strings_escaped_minimally() -> None:
    # RFC 8785 section 3.2.3: the sorting example (an emoji sorts before U+FB33 in UTF-16 order).
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    names = [name for name, _ in json.loads(canonical_json(value)).items()]
    assert names == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    assert canonical_json({"b": [1, True, None], "a": 'ä\u001f\n"\\/€'}) == (
        '{"a":"ä\\u001f\\n\\"\\\\/€","b":[1,true,null]}'.encode()
    )


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), "\ud800", {1: "x"}, {"a": object()}, [b"bytes"]], ids=repr
)
def test_values_json_cannot_carry_are_refused(value: Any) -> None:
    with pytest.raises(NotCanonicalisable):
        canonical_json(value)


def test_absurd_nesting_is_refused_not_a_crash() -> None:
    nested: Any = []
    for _ in range(5000):
        nested = [nested]
    with pytest.raises(NotCanonicalisable):
        canonical_json(nested)


_ascii_names = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12)
_strings = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)  # any Unicode but lone surrogates
_signed_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _strings,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_ascii_names, inner, max_size=5),
    max_leaves=30,
)


@given(_signed_values)
def test_for_what_receipts_contain_it_equals_plain_json_dumps(value: Any) -> None:
    """What docs/security.md promises a verifier who has no RFC 8785 library."""
    plain = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert canonical_json(value) == plain
