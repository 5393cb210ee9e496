"""Comparing a value from outside with a secret we hold, in constant time.

Why one function: ``hmac.compare_digest`` raises ``TypeError`` for ``str`` with non-ASCII characters, so every
caller comparing text (OAuth ``state`` and ``nonce``, PKCE challenges, client secrets, CSRF tokens, API keys)
would otherwise have to remember to encode first — and one that forgot turned ``?state=ä`` into a 500.
"""

from __future__ import annotations

import hmac


def same_secret(value: str, expected: str) -> bool:
    """``value == expected``, in time that does not reveal how much of ``value`` was right."""
    return hmac.compare_digest(value.encode(), expected.encode())
