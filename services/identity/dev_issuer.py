"""The embedded development token issuer.

It signs RS256 tokens exactly like an OIDC provider would, so the verifier has one code path for
development and production; only where the public key comes from differs (a local key file here,
the provider's JWKS in production). The key lives in the data folder so the portal and the
`ozgflow token` command agree on it. With ``services.identity.dev_provider`` and the routes under
``/dev-issuer`` it is a small OIDC provider (authorization code + PKCE) for the pages' sign-in in `make run`.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from connectors.sdk.trust import TrustLevel
from services.crypto.dev_file import read_or_create
from services.identity.dev_provider import AuthorizationCodes
from services.identity.trust import claim_value

if TYPE_CHECKING:
    from services.settings import Settings

KEY_ID = "ozgflow-dev-1"


class DevIssuer:
    def __init__(
        self, key_path: Path, *, issuer: str, audience: str, ttl_seconds: int, trust_level_claim: str = "acr"
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.ttl_seconds = ttl_seconds
        self.trust_level_claim = trust_level_claim
        self._private_key = self._load_or_create(key_path)
        self.codes = AuthorizationCodes()
        """Authorization codes handed out by this process's sign-in page (one portal process in `make run`)."""

    @staticmethod
    def _load_or_create(path: Path) -> rsa.RSAPrivateKey:
        """One key per data folder, shared by every process of `make run` (services/crypto/dev_file.py)."""

        def new_pem() -> bytes:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )

        key = serialization.load_pem_private_key(read_or_create(path, new_pem), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self._private_key.public_key()

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.public_key))
        jwk.update({"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def mint(
        self,
        subject: str,
        *,
        roles: list[str],
        extra: dict[str, Any] | None = None,
        trust_level: TrustLevel | None = TrustLevel.SUBSTANTIAL,
        audience: str | None = None,
    ) -> str:
        """An access token. Trust level "substantial" unless told otherwise: a demo customer signed in with the
        eID may do everything, so tests and curl examples need not say so; ``None`` leaves the claim out."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": audience or self.audience,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + self.ttl_seconds,
            "jti": uuid.uuid4().hex,
            "roles": roles,
        }
        if trust_level is not None:
            claims[self.trust_level_claim] = claim_value(trust_level)
        return self._sign({**claims, **(extra or {})})

    def id_token(
        self, subject: str, *, client_id: str, nonce: str | None, trust_level: TrustLevel | None, name: str
    ) -> str:
        """The OIDC ID token: who signed in, for which client, answering which request (``nonce``)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": client_id,
            "sub": subject,
            "iat": now,
            "auth_time": now,
            "exp": now + min(self.ttl_seconds, 600),
            "name": name,
        }
        if nonce:
            claims["nonce"] = nonce
        if trust_level is not None:
            claims[self.trust_level_claim] = claim_value(trust_level)
        return self._sign(claims)

    def _sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._private_key, algorithm="RS256", headers={"kid": KEY_ID})


def dev_issuer_for(settings: Settings) -> DevIssuer:
    return DevIssuer(
        settings.data_dir / "dev-issuer-key.pem",
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        ttl_seconds=settings.dev_token_ttl_seconds,
        trust_level_claim=settings.auth_trust_level_claim,
    )
