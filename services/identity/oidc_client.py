"""The portal as an OIDC client: discovery, the authorization request, the code exchange, the ID token check.

Authorization code flow with PKCE (S256), ``state`` against login CSRF and ``nonce`` against replayed ID tokens.
The endpoints come from the provider's discovery document (cached for an hour); the ID token is verified with the
realm's keys for ``aud`` = our client id, ``iss`` and ``nonce``; the access token with the realm's verifier, the
one every API request goes through, and both must name the same person.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from services.crypto.compare import same_secret
from services.identity.jwks import KeysUnavailable
from services.identity.realms import Realm
from services.identity.verifier import InvalidToken, Principal, TokenVerifier

DISCOVERY_TTL_SECONDS = 3600.0


class SignInFailed(Exception):
    """The sign-in cannot be completed; ``message`` is German and says what to do, ``status`` the HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


_UNAVAILABLE = "Der Anmeldedienst ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten erneut."


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    end_session_endpoint: str | None = None


@dataclass(frozen=True)
class SignedIn:
    access_token: str
    principal: Principal

    @property
    def expires_at(self) -> int:
        return int(self.principal.claims["exp"])


class OidcClient:
    """One realm's provider, seen from the portal. ``transport`` lets the portal reach its embedded dev issuer
    in-process (the same HTTP exchange, without the portal calling its own socket)."""

    def __init__(
        self,
        realm: Realm,
        verifier: TokenVerifier,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.realm = realm
        self.verifier = verifier
        self._transport = transport
        self._timeout = timeout_seconds
        self._clock = clock
        self._metadata: tuple[ProviderMetadata, float] | None = None

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self._timeout, transport=self._transport)

    async def metadata(self) -> ProviderMetadata:
        if self._metadata is not None and self._clock() < self._metadata[1]:
            return self._metadata[0]
        url = f"{self.realm.issuer.rstrip('/')}/.well-known/openid-configuration"
        try:
            async with self._client() as client:
                response = await client.get(url, headers={"Accept": "application/json"})
                response.raise_for_status()
                doc = response.json()
            meta = ProviderMetadata(
                issuer=str(doc["issuer"]),
                authorization_endpoint=str(doc["authorization_endpoint"]),
                token_endpoint=str(doc["token_endpoint"]),
                end_session_endpoint=doc.get("end_session_endpoint"),
            )
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise SignInFailed(502, "identity_provider_unavailable", _UNAVAILABLE) from exc
        if meta.issuer != self.realm.issuer:  # OIDC Discovery 4.3: the document must be the issuer's own
            raise SignInFailed(502, "identity_provider_misconfigured", _UNAVAILABLE)
        self._metadata = (meta, self._clock() + DISCOVERY_TTL_SECONDS)
        return meta

    def authorization_url(
        self, meta: ProviderMetadata, *, redirect_uri: str, state: str, nonce: str, code_challenge: str
    ) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.realm.client_id,
                "redirect_uri": redirect_uri,
                "scope": "openid",
                "state": state,
                "nonce": nonce,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        separator = "&" if "?" in meta.authorization_endpoint else "?"
        return f"{meta.authorization_endpoint}{separator}{query}"

    async def sign_in(self, code: str, *, redirect_uri: str, code_verifier: str, nonce: str) -> SignedIn:
        """Trade the code for tokens and check them; ``SignInFailed`` says why not."""
        tokens = await self._exchange(code, redirect_uri=redirect_uri, code_verifier=code_verifier)
        # in a thread: the check may fetch the provider's JWKS (blocking HTTP), which must not stall the event loop
        return await asyncio.to_thread(self._check, tokens, nonce)

    def _check(self, tokens: dict[str, Any], nonce: str) -> SignedIn:
        """The ID token is for our client and this sign-in (``nonce``), the access token passes as on every API
        request, and both name the same person."""
        try:
            id_claims = self.verifier.decode(str(tokens["id_token"]), audience=self.realm.client_id)
            principal = self.verifier.verify(str(tokens["access_token"]))
        except KeyError as exc:
            raise SignInFailed(502, "identity_provider_misconfigured", _UNAVAILABLE) from exc
        except KeysUnavailable as exc:
            raise SignInFailed(502, "identity_provider_unavailable", _UNAVAILABLE) from exc
        except InvalidToken as exc:
            raise SignInFailed(400, "invalid_id_token", f"Die Anmeldung wurde nicht bestätigt ({exc}).") from exc
        if not same_secret(str(id_claims.get("nonce", "")), nonce):
            raise SignInFailed(400, "nonce_mismatch", "Die Anmeldung gehört nicht zu dieser Sitzung.")
        if str(id_claims["sub"]) != principal.subject:
            raise SignInFailed(400, "invalid_id_token", "ID-Token und Zugangstoken nennen verschiedene Personen.")
        return SignedIn(access_token=str(tokens["access_token"]), principal=principal)

    async def _exchange(self, code: str, *, redirect_uri: str, code_verifier: str) -> dict[str, Any]:
        meta = await self.metadata()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
            "client_id": self.realm.client_id,
        }
        auth = (self.realm.client_id, self.realm.client_secret) if self.realm.client_secret else None
        try:
            async with self._client() as client:
                response = await client.post(
                    meta.token_endpoint, data=form, auth=auth, headers={"Accept": "application/json"}
                )
                body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SignInFailed(502, "identity_provider_unavailable", _UNAVAILABLE) from exc
        if response.status_code == 400 and isinstance(body, dict) and body.get("error") == "invalid_grant":
            raise SignInFailed(
                400,
                "code_rejected",
                "Die Anmeldung ist abgelaufen oder wurde schon verwendet. Bitte melden Sie sich erneut an.",
            )
        if response.status_code != 200 or not isinstance(body, dict):
            raise SignInFailed(502, "identity_provider_refused", _UNAVAILABLE)
        return body
