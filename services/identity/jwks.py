"""Where token signing keys come from: the issuer's JWKS over HTTP (production) or one fixed key (dev issuer).

Identity providers rotate their signing keys: they publish the next key in their JWKS, start signing with it,
and later drop the old one. ``JwksKeys`` follows that without a restart:
- the key set is fetched on first use and again once it is ``max_age_seconds`` old, so a dropped key stops
  being accepted at the latest then;
- a token naming a key id the cached set lacks triggers one fetch at once (the provider has just rotated);
- but such unknown-kid fetches happen at most once per ``min_refetch_seconds``: a stream of tokens with made-up
  key ids costs the identity provider one request per interval, not one per token;
- a failed fetch keeps the last good key set (an IdP outage does not sign everyone out) and is not retried
  before ``min_refetch_seconds`` have passed; without any key set, verification fails with ``KeysUnavailable``.
A key that a fresh fetch no longer lists is refused: the whole set is replaced on every fetch.

Why not ``jwt.PyJWKClient``: it refetches on *every* unknown kid (no bound), fetches with urllib and cannot
be given a clock, so neither the bound nor rotation can be tested without sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx
import jwt


class KeysUnavailable(Exception):
    """No signing keys could be had from the identity provider (and none are cached): not the token's fault."""


class UnknownKey(Exception):
    """The token names a key id the issuer does not publish (rotated out, or made up)."""


class KeySource(Protocol):
    def key_for(self, kid: str | None) -> Any:
        """The public key for ``kid``; raises ``UnknownKey`` or ``KeysUnavailable``."""
        ...


class StaticKey:
    """One fixed public key (the embedded development issuer's): every key id maps to it."""

    def __init__(self, key: Any) -> None:
        self._key = key

    def key_for(self, kid: str | None) -> Any:
        return self._key


class JwksKeys:
    """The signing keys an issuer publishes at ``url``, cached, refreshed and refetched within bounds."""

    def __init__(
        self,
        url: str,
        *,
        max_age_seconds: float = 600.0,
        min_refetch_seconds: float = 30.0,
        timeout_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url
        self.max_age_seconds = max_age_seconds
        self.min_refetch_seconds = min_refetch_seconds
        self._timeout = timeout_seconds
        self._clock = clock
        self._transport = transport
        self._lock = threading.Lock()
        self._keys: dict[str, Any] | None = None
        self._fetched_at = float("-inf")
        """When the current key set was fetched (or a failed fetch was last tried)."""
        self._last_unknown_refetch = float("-inf")

    def key_for(self, kid: str | None) -> Any:
        with self._lock:
            now = self._clock()
            refreshed = now - self._fetched_at >= self.max_age_seconds
            if refreshed:
                self._refresh(now)
            key = self._lookup(kid)
            unknown = key is None and self._keys is not None  # (without any keys the schedule above retries)
            if unknown and not refreshed and now - self._last_unknown_refetch >= self.min_refetch_seconds:
                self._last_unknown_refetch = now
                self._refresh(now)
                key = self._lookup(kid)
            if self._keys is None:
                raise KeysUnavailable(f"the identity provider's keys could not be fetched from {self.url}")
            if key is None:
                raise UnknownKey("the token is signed with a key the issuer does not publish")
            return key

    def _lookup(self, kid: str | None) -> Any:
        if not self._keys:
            return None
        if kid is None:  # allowed only while the issuer publishes exactly one key
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid)

    def _refresh(self, now: float) -> None:
        """Replace the key set by what the issuer publishes now; on failure keep the old one until a retry."""
        self._fetched_at = now
        try:
            self._keys = self._fetch()
        except (httpx.HTTPError, ValueError, jwt.PyJWTError):
            # retry after min_refetch_seconds, whatever max_age says: an IdP outage is not hammered
            self._fetched_at = now - self.max_age_seconds + self.min_refetch_seconds

    def _fetch(self) -> dict[str, Any]:
        with httpx.Client(timeout=self._timeout, transport=self._transport) as client:
            response = client.get(self.url, headers={"Accept": "application/json"})
            response.raise_for_status()
            data = response.json()
        keys: dict[str, Any] = {}
        for jwk in data.get("keys", []) if isinstance(data, dict) else []:
            if not isinstance(jwk, dict) or jwk.get("use", "sig") != "sig" or "kid" not in jwk:
                continue
            try:
                keys[str(jwk["kid"])] = jwt.PyJWK.from_dict(jwk).key
            except jwt.PyJWTError:
                continue  # a key type we cannot use (e.g. an encryption key) is skipped, not fatal
        if not keys:
            raise ValueError("the JWKS holds no usable signing key")
        return keys
