"""Bearer token verification: signature, issuer, audience, expiry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


class InvalidToken(Exception):
    """The token is missing, malformed, expired or not issued for us; the reason is safe to show."""


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    claims: dict[str, Any]


class TokenVerifier:
    """Verifies RS256 tokens against a fixed public key (dev issuer) or an OIDC JWKS URL."""

    def __init__(
        self, *, issuer: str, audience: str, public_key: rsa.RSAPublicKey | None = None, jwks_url: str | None = None
    ) -> None:
        if public_key is None and not jwks_url:
            raise ValueError("a token verifier needs a public key or a JWKS URL")
        self.issuer = issuer
        self.audience = audience
        self._public_key = public_key
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url else None

    def _key_for(self, token: str) -> Any:
        if self._jwks is not None:
            return self._jwks.get_signing_key_from_jwt(token).key
        return self._public_key

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key_for(token),
                algorithms=["RS256"],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iss", "aud", "sub"]},
                leeway=30,
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("token expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"token rejected: {exc}") from exc
        roles = claims.get("roles") or []
        return Principal(subject=str(claims["sub"]), roles=frozenset(map(str, roles)), claims=claims)
