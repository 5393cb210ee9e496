"""Reading a sign-in's trust level (eIDAS level of assurance) from a token claim.

Identity providers name the same three levels differently: OIDC brokers send eIDAS's LoA URIs in ``acr``
(``http://eidas.europa.eu/LoA/substantial``), BundID still speaks STORK QAA levels (``STORK-QAA-Level-3``: eID
of the identity card), and some send the plain words. All of them map onto ``TrustLevel``; anything unknown or
missing counts as ``LOW``, so a provider that says nothing can never unlock what needs more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from connectors.sdk.trust import TrustLevel

EIDAS_LOA_URI = "http://eidas.europa.eu/LoA/{}"
"""What the embedded development issuer sends, as an eIDAS-notified broker would."""

_WORDS = {"low": TrustLevel.LOW, "substantial": TrustLevel.SUBSTANTIAL, "high": TrustLevel.HIGH}
_EIDAS = re.compile(r"^https?://eidas\.europa\.eu/loa/(?:notnotified/)?(low|substantial|high)$")
_STORK = re.compile(r"^stork-qaa-level-([1-4])$")
_STORK_LEVELS = {
    "1": TrustLevel.LOW,  # self-declared
    "2": TrustLevel.LOW,  # user name and password (BundID "Benutzername/Passwort")
    "3": TrustLevel.SUBSTANTIAL,  # ELSTER certificate, eID of the identity card
    "4": TrustLevel.HIGH,  # eID with a qualified signature card
}


def trust_level_of(value: Any) -> TrustLevel:
    """The level one claim value stands for (a list of values counts as its highest known one)."""
    if isinstance(value, list | tuple):
        return max((trust_level_of(v) for v in value), default=TrustLevel.LOW)
    if not isinstance(value, str):
        return TrustLevel.LOW
    text = value.strip().lower()
    if text in _WORDS:
        return _WORDS[text]
    if match := _EIDAS.match(text):
        return _WORDS[match.group(1)]
    if match := _STORK.match(text):
        return _STORK_LEVELS[match.group(1)]
    return TrustLevel.LOW


def trust_level_from_claims(claims: Mapping[str, Any], claim: str) -> TrustLevel:
    """The trust level of a verified token whose provider puts it into ``claim`` (``acr`` by default)."""
    return trust_level_of(claims.get(claim))


def claim_value(level: TrustLevel) -> str:
    """The claim value the development issuer sends for ``level``."""
    return EIDAS_LOA_URI.format(level.key)
