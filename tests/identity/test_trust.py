"""Trust levels as identity providers name them, mapped onto eIDAS low < substantial < high."""

from __future__ import annotations

import pytest

from connectors.sdk.trust import TrustLevel
from services.identity.trust import claim_value, trust_level_from_claims, trust_level_of

LOW, SUBSTANTIAL, HIGH = TrustLevel.LOW, TrustLevel.SUBSTANTIAL, TrustLevel.HIGH


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("low", LOW),
        ("substantial", SUBSTANTIAL),
        ("high", HIGH),
        (" Substantial ", SUBSTANTIAL),
        ("http://eidas.europa.eu/LoA/low", LOW),
        ("http://eidas.europa.eu/LoA/substantial", SUBSTANTIAL),
        ("http://eidas.europa.eu/LoA/high", HIGH),
        ("http://eidas.europa.eu/LoA/NotNotified/substantial", SUBSTANTIAL),
        ("STORK-QAA-Level-1", LOW),
        ("STORK-QAA-Level-2", LOW),
        ("STORK-QAA-Level-3", SUBSTANTIAL),
        ("STORK-QAA-Level-4", HIGH),
        (["STORK-QAA-Level-1", "http://eidas.europa.eu/LoA/high"], HIGH),
        # what must never unlock anything: unknown words, look-alikes, other types, nothing
        ("urn:mace:incommon:iap:silver", LOW),
        ("http://evil.example/LoA/high", LOW),
        ("http://eidas.europa.eu/LoA/highest", LOW),
        ("STORK-QAA-Level-5", LOW),
        ("substantial-ish", LOW),
        ("", LOW),
        (3, LOW),
        (None, LOW),
        ({"level": "high"}, LOW),
        ([], LOW),
    ],
)
def test_claim_values_map_to_eidas_levels(value: object, level: TrustLevel) -> None:
    assert trust_level_of(value) is level


def test_levels_are_ordered_and_named_in_german() -> None:
    assert LOW < SUBSTANTIAL < HIGH
    assert [t.label for t in TrustLevel] == ["niedrig", "substanziell", "hoch"]
    assert [TrustLevel.from_key(t.key) for t in TrustLevel] == list(TrustLevel)


def test_the_claim_named_in_the_settings_is_read() -> None:
    claims = {"acr": "STORK-QAA-Level-3", "loa": "low"}
    assert trust_level_from_claims(claims, "acr") is SUBSTANTIAL
    assert trust_level_from_claims(claims, "loa") is LOW
    assert trust_level_from_claims(claims, "missing") is LOW
    assert all(trust_level_of(claim_value(level)) is level for level in TrustLevel)  # the dev issuer round-trips
