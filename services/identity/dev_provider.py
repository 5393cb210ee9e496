"""The embedded issuer's authorization code grant (OIDC core + PKCE), for `make run` and the tests.

A real provider (Keycloak in front of BundID, say) does the same: the browser arrives with an authorization
request, the person is identified (here: picked from the demo data), a one-time code goes back to the client's
``redirect_uri``, and the client trades it for tokens at the token endpoint with its PKCE verifier. Codes are
short-lived, bound to client, redirect URI and PKCE challenge, and burnt on first use — also when that use fails,
so a stolen code cannot be tried against verifiers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from connectors.sdk.trust import TrustLevel
from services.identity import pkce

CODE_TTL_SECONDS = 60.0
"""A code is used within a second by a working client; a minute covers slow machines, not storage."""
CALLBACK_PATH = "/auth/callback"


class RequestRefused(Exception):
    """An authorization or token request the provider does not serve; ``error`` is the OAuth 2.0 error code."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class AuthorizationRequest:
    """What a client asked for (RFC 6749 4.1.1, OIDC core 3.1.2.1, RFC 7636 4.3), checked."""

    client_id: str
    redirect_uri: str
    state: str
    nonce: str
    code_challenge: str
    scope: str = "openid"


@dataclass(frozen=True)
class Grant:
    """Who signed in, in answer to which request: what a code stands for until it is redeemed."""

    request: AuthorizationRequest
    subject: str
    roles: tuple[str, ...]
    trust_level: TrustLevel | None
    name: str
    claims: Mapping[str, Any] = field(default_factory=dict)


def origin(url: str) -> str:
    """``scheme://host:port`` of ``url``, lower-case: what a redirect URI is checked against."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_authorization_request(
    params: Mapping[str, str], *, clients: Mapping[str, str], allowed_origins: set[str]
) -> AuthorizationRequest:
    """The request as the sign-in page may serve it, or ``RequestRefused`` (shown on the page, not redirected:
    a request naming an unknown client or a foreign ``redirect_uri`` must not send anyone anywhere)."""
    client_id = params.get("client_id", "")
    if client_id not in clients:
        raise RequestRefused("unauthorized_client", f"Unbekannter Client '{client_id}'.")
    redirect_uri = params.get("redirect_uri", "")
    parts = urlsplit(redirect_uri)
    if parts.path != CALLBACK_PATH or parts.query or parts.fragment or origin(redirect_uri) not in allowed_origins:
        raise RequestRefused(
            "invalid_request",
            f"Die Rückkehradresse '{redirect_uri}' ist nicht zugelassen. Zugelassen ist {CALLBACK_PATH} unter "
            f"{', '.join(sorted(allowed_origins))} (OZGFLOW_PUBLIC_URL bestimmt die Adresse des Portals).",
        )
    if params.get("response_type") != "code":
        raise RequestRefused("unsupported_response_type", "Nur response_type=code wird unterstützt.")
    if "openid" not in params.get("scope", "").split():
        raise RequestRefused("invalid_scope", "Der scope muss 'openid' enthalten.")
    if params.get("code_challenge_method") != "S256" or not pkce.VERIFIER.fullmatch(params.get("code_challenge", "")):
        raise RequestRefused("invalid_request", "PKCE ist Pflicht: code_challenge mit code_challenge_method=S256.")
    if not params.get("state"):
        raise RequestRefused("invalid_request", "Der Parameter state fehlt.")
    return AuthorizationRequest(
        client_id=client_id,
        redirect_uri=redirect_uri,
        state=params["state"],
        nonce=params.get("nonce", ""),
        code_challenge=params["code_challenge"],
        scope=params.get("scope", "openid"),
    )


class AuthorizationCodes:
    """One-time, short-lived codes held in memory (the dev issuer runs in one portal process)."""

    def __init__(self, *, ttl_seconds: float = CODE_TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._grants: dict[str, tuple[Grant, float]] = {}

    def issue(self, grant: Grant) -> str:
        code = pkce.new_token()
        with self._lock:
            now = self._clock()
            self._grants = {c: g for c, g in self._grants.items() if g[1] > now}  # forget the expired ones
            self._grants[code] = (grant, now + self.ttl_seconds)
        return code

    def redeem(self, code: str, *, client_id: str, redirect_uri: str, code_verifier: str) -> Grant:
        """The grant behind ``code`` if everything matches; the code is gone afterwards either way."""
        with self._lock:
            entry = self._grants.pop(code, None)
            now = self._clock()
        if entry is None or entry[1] <= now:
            raise RequestRefused("invalid_grant", "The authorization code is unknown, used or expired.")
        grant = entry[0]
        if grant.request.client_id != client_id:
            raise RequestRefused("invalid_grant", "The authorization code was issued to another client.")
        if grant.request.redirect_uri != redirect_uri:
            raise RequestRefused("invalid_grant", "redirect_uri differs from the authorization request's.")
        if not pkce.verifier_matches(code_verifier, grant.request.code_challenge):
            raise RequestRefused("invalid_grant", "PKCE verification failed: code_verifier does not match.")
        return grant
