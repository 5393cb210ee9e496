"""Bearer token verification: signature (issuer's keys), issuer, audience, expiry, not-before, trust level.

One ``TokenVerifier`` per issuer. Which roles a token may carry depends on who issued it: the customers'
identity provider (BundID/DeutschlandID) knows nothing about our roles, so its tokens are customers whatever
they claim; the organisation's provider names staff and operators (see ``services.identity.realms``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jwt

from connectors.sdk.trust import TrustLevel
from services.identity.jwks import KeySource, KeysUnavailable, UnknownKey
from services.identity.trust import trust_level_from_claims

ALGORITHMS = ["RS256", "PS256", "ES256"]
"""Asymmetric only: a token cannot pick HS256 and be 'signed' with our public key."""
LEEWAY_SECONDS = 30
"""Clock skew tolerated on exp and nbf between the identity provider and us."""


class InvalidToken(Exception):
    """The token is missing, malformed, expired or not issued for us; the reason is safe to show."""


__all__ = ["InvalidToken", "KeysUnavailable", "Principal", "TokenVerifier"]


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    claims: dict[str, Any]
    trust_level: TrustLevel = TrustLevel.LOW
    """How the person proved who they are (eIDAS level); from the claim ``auth_trust_level_claim`` names."""


class TokenVerifier:
    """Verifies tokens of one issuer against its keys: ``StaticKey`` (dev issuer) or ``JwksKeys`` (its JWKS).

    ``fixed_roles``: every token of this issuer has exactly these roles (the customers' provider).
    ``allowed_roles``: the ``roles`` claim is kept only as far as it names these (the staff provider).
    Neither: the ``roles`` claim as it is (one issuer serving both, as the embedded dev issuer does).
    """

    def __init__(
        self,
        *,
        issuer: str,
        audience: str | Sequence[str],
        keys: KeySource,
        trust_level_claim: str = "acr",
        fixed_roles: frozenset[str] | None = None,
        allowed_roles: frozenset[str] | None = None,
    ) -> None:
        self.issuer = issuer
        self.audiences = [audience] if isinstance(audience, str) else list(dict.fromkeys(audience))
        self.keys = keys
        self.trust_level_claim = trust_level_claim
        self.fixed_roles = fixed_roles
        self.allowed_roles = allowed_roles

    def decode(self, token: str, *, audience: str | Sequence[str] | None = None) -> dict[str, Any]:
        """The claims of a token signed by this issuer for ``audience`` (default: ours) that is valid now.

        Raises ``InvalidToken`` for anything wrong with the token, ``KeysUnavailable`` when the issuer's keys
        cannot be had (then the token may well be fine)."""
        try:
            header = jwt.get_unverified_header(token)
            key = self.keys.key_for(header.get("kid"))
            return jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=audience or self.audiences,
                issuer=self.issuer,
                options={"require": ["exp", "iss", "aud", "sub"], "verify_nbf": True},
                leeway=LEEWAY_SECONDS,
            )
        except UnknownKey as exc:
            raise InvalidToken(f"token rejected: {exc}") from exc
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("token expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"token rejected: {exc}") from exc

    def verify(self, token: str) -> Principal:
        claims = self.decode(token)
        return Principal(
            subject=str(claims["sub"]),
            roles=self._roles(claims),
            claims=claims,
            trust_level=trust_level_from_claims(claims, self.trust_level_claim),
        )

    def _roles(self, claims: dict[str, Any]) -> frozenset[str]:
        if self.fixed_roles is not None:
            return self.fixed_roles
        raw = claims.get("roles") or []
        roles = frozenset(map(str, raw)) if isinstance(raw, list) else frozenset()
        return roles & self.allowed_roles if self.allowed_roles is not None else roles
