"""PKCE (RFC 7636, method S256) and the random values of an OIDC sign-in.

The client keeps a random ``code_verifier`` and sends only its SHA-256 (``code_challenge``) with the
authorization request; the token endpoint gives tokens only to whoever shows the verifier. A code caught on its
way back through the browser (history, a proxy's log, a malicious app) is worthless without it.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

from services.crypto.compare import same_secret

VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
"""RFC 7636 section 4.1: 43-128 unreserved characters."""


def new_verifier() -> str:
    return secrets.token_urlsafe(48)  # 64 characters of [A-Za-z0-9_-]


def new_token() -> str:
    """A random value for ``state``, ``nonce`` or an authorization code."""
    return secrets.token_urlsafe(32)


def challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verifier_matches(verifier: str, expected_challenge: str) -> bool:
    """Whether ``verifier`` is well formed and hashes to ``expected_challenge`` (compared in constant time)."""
    if not VERIFIER.fullmatch(verifier):
        return False
    return same_secret(challenge(verifier), expected_challenge)
