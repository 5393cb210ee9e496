"""The embedded development token issuer.

It signs RS256 tokens exactly like an OIDC provider would, so the verifier has one code path for
development and production; only where the public key comes from differs (a local key file here,
the provider's JWKS in production). The key lives in the data folder so the portal and the
`ozgflow token` command agree on it.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

if TYPE_CHECKING:
    from services.settings import Settings

KEY_ID = "ozgflow-dev-1"


class DevIssuer:
    def __init__(self, key_path: Path, *, issuer: str, audience: str, ttl_seconds: int) -> None:
        self.issuer = issuer
        self.audience = audience
        self.ttl_seconds = ttl_seconds
        self._private_key = self._load_or_create(key_path)

    @staticmethod
    def _load_or_create(path: Path) -> rsa.RSAPrivateKey:
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            assert isinstance(key, rsa.RSAPrivateKey)
            return key
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
        tmp.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # atomic and first-writer-wins when two processes start at once
        except FileExistsError:
            tmp.unlink()
            return DevIssuer._load_or_create(path)
        tmp.unlink()
        return key

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self._private_key.public_key()

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.public_key))
        jwk.update({"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def mint(self, subject: str, *, roles: list[str], extra: dict[str, Any] | None = None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + self.ttl_seconds,
            "jti": uuid.uuid4().hex,
            "roles": roles,
            **(extra or {}),
        }
        return jwt.encode(claims, self._private_key, algorithm="RS256", headers={"kid": KEY_ID})


def dev_issuer_for(settings: Settings) -> DevIssuer:
    return DevIssuer(
        settings.data_dir / "dev-issuer-key.pem",
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        ttl_seconds=settings.dev_token_ttl_seconds,
    )
