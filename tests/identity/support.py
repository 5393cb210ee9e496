"""An identity provider's signing side for tests: RSA keys with ids, tokens, and a JWKS server on loopback
whose published keys a test changes while it runs (rotation), counting how often it was asked."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Response
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://idp.example/realms/bund"
AUDIENCE = "ozgflow-portal"


@dataclass
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )

    def jwk(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        return {**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def token(self, subject: str = "kd-1001", **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": ISSUER, "aud": AUDIENCE, "sub": subject, "iat": now, "exp": now + 300, **claims}
        return jwt.encode({k: v for k, v in body.items() if v is not None}, self.private, "RS256", {"kid": self.kid})


@dataclass
class JwksServer:
    """What the IdP publishes right now (``keys``), whether it answers at all, and how often it was asked."""

    keys: list[SigningKey] = field(default_factory=list)
    fetches: int = 0
    failing: bool = False

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/certs")
        def certs() -> Response:
            self.fetches += 1
            if self.failing:
                return Response(status_code=503)
            return Response(json.dumps({"keys": [k.jwk() for k in self.keys]}), media_type="application/json")

        return app


class FakeClock:
    """Time that moves only when the test says so (the JWKS cache's bounds are about intervals, not sleeping)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
