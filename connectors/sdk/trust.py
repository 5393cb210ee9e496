"""Trust levels of a sign-in (eIDAS levels of assurance), as connectors see them.

A connector says which level a form needs (``Connector.required_trust_level``); the platform compares it with
the level the customer's sign-in reached and refuses the filing when it is lower. Ordered, so ``<`` compares.
"""

from __future__ import annotations

from enum import IntEnum


class TrustLevel(IntEnum):
    """eIDAS level of assurance: a user name and password is ``LOW``; the eID of the identity card (Online-
    Ausweis) is ``SUBSTANTIAL`` or ``HIGH``."""

    LOW = 1
    SUBSTANTIAL = 2
    HIGH = 3

    @property
    def label(self) -> str:
        """The German name customers read (as on BundID's pages)."""
        return {1: "niedrig", 2: "substanziell", 3: "hoch"}[int(self)]

    @property
    def key(self) -> str:
        """``low``, ``substantial`` or ``high``: the name in settings, URLs and JSON."""
        return self.name.lower()

    @classmethod
    def from_key(cls, key: str) -> TrustLevel:
        return cls[key.upper()]
