"""Abuse limits: how often one person and one client address may file or sign in.

Why here and not at a proxy: the budget "per customer" needs the token's subject, which only the portal knows
after it checked the token. Counters live where ``OZGFLOW_RATE_LIMIT_STORAGE_URL`` says: in the process
(``memory://``, one portal) or in Redis (``redis://``, shared by every portal replica, so a client cannot
multiply its budget by the number of replicas). Limits use the ``limits`` notation ("20/minute;200/day").

A counter store that does not answer lets requests through (and logs it): accepting submissions must keep
working when a helper system is down (principle 1); the request size ceiling and the access table still hold.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter
from starlette.requests import Request

from services.portal.errors import ApiError
from services.settings import Settings

log = logging.getLogger("ozgflow.portal.rate_limits")

LimitClass = Literal["none", "submission", "login"]
LIMIT_CLASSES: tuple[LimitClass, ...] = get_args(LimitClass)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_REDIS_TIMEOUTS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
"""A slow Redis must not hold requests: after half a second the request goes on without a count."""


class InvalidRateLimit(ValueError):
    """A limit setting that the ``limits`` notation does not understand (the portal does not start)."""


def parse_limits(setting: str, value: str) -> tuple[RateLimitItem, ...]:
    """``"20/minute;200/day"`` → its windows; empty → none (no limit)."""
    if not value.strip():
        return ()
    try:
        return tuple(parse_many(value))
    except ValueError as exc:
        raise InvalidRateLimit(
            f"OZGFLOW_{setting.upper()}={value!r} is no rate limit; write e.g. '20/minute' or '20/minute;200/day' "
            f"({exc})"
        ) from None


def trusted_networks(values: Sequence[str]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())
    except ValueError as exc:
        raise InvalidRateLimit(f"OZGFLOW_TRUSTED_PROXIES: {exc}") from None


def client_address(request: Request, trusted: Sequence[Network]) -> str:
    """The client's address: the peer, or — when the peer is a trusted proxy — the right-most address in
    X-Forwarded-For that is not itself a trusted proxy (the left part of the header is whatever the client
    claimed and proves nothing)."""
    peer = request.client.host if request.client else "unknown"
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


def _is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in trusted)


@dataclass(frozen=True)
class Budget:
    """One limit on one kind of key: ``per`` is ``subject`` (the signed-in person) or ``address``."""

    name: str
    per: Literal["subject", "address"]
    windows: tuple[RateLimitItem, ...]


class RateLimits:
    """The portal's counters; one instance per app (``app.state.rate_limits``), built from settings."""

    def __init__(
        self,
        *,
        storage_url: str,
        key_prefix: str,
        submissions_per_customer: str,
        submissions_per_address: str,
        logins_per_address: str,
        trusted_proxies: Sequence[str] = (),
    ) -> None:
        options = _REDIS_TIMEOUTS if storage_url.startswith(("redis", "valkey")) else {}
        self.storage_url_scheme = storage_url.split(":", 1)[0]
        self._storage = storage_from_string(storage_url, wrap_exceptions=True, **options)  # type: ignore[arg-type]
        self._limiter = SlidingWindowCounterRateLimiter(self._storage)
        self.key_prefix = key_prefix
        self.trusted = trusted_networks(trusted_proxies)
        self.budgets: dict[LimitClass, tuple[Budget, ...]] = {
            "none": (),
            "submission": (
                Budget(
                    "submissions_per_customer",
                    "subject",
                    parse_limits("rate_limit_submissions_per_customer", submissions_per_customer),
                ),
                Budget(
                    "submissions_per_address",
                    "address",
                    parse_limits("rate_limit_submissions_per_address", submissions_per_address),
                ),
            ),
            "login": (
                Budget(
                    "logins_per_address", "address", parse_limits("rate_limit_logins_per_address", logins_per_address)
                ),
            ),
        }

    @classmethod
    def from_settings(cls, settings: Settings, *, key_prefix: str | None = None) -> RateLimits:
        return cls(
            storage_url=settings.rate_limit_storage_url,
            key_prefix=key_prefix or settings.rate_limit_key_prefix,
            submissions_per_customer=settings.rate_limit_submissions_per_customer,
            submissions_per_address=settings.rate_limit_submissions_per_address,
            logins_per_address=settings.rate_limit_logins_per_address,
            trusted_proxies=settings.trusted_proxies,
        )

    def check(self, limit_class: LimitClass, *, subject: str | None, address: str) -> None:
        """Count this request against its class's budgets; 429 with ``Retry-After`` when one is used up."""
        for budget in self.budgets[limit_class]:
            key = subject if budget.per == "subject" else address
            if key is None:
                continue  # nobody signed in: only the address budget applies
            for window in budget.windows:
                identifiers = (self.key_prefix, limit_class, budget.per, key)
                try:
                    allowed = self._limiter.hit(window, *identifiers)
                    if allowed:
                        continue
                    reset_at = self._limiter.get_window_stats(window, *identifiers).reset_time
                except StorageError as exc:
                    cause = type(exc.storage_error).__name__
                    log.warning("rate-limit storage unavailable (%s); request let through", cause)
                    return
                raise _too_many(limit_class, math.ceil(max(1.0, reset_at - time.time())))


_WHAT = {"submission": "Einreichungen und Nachrichten", "login": "Anmeldeversuche"}


def _too_many(limit_class: LimitClass, retry_after: int) -> ApiError:
    return ApiError(
        429,
        "rate_limited",
        f"Zu viele {_WHAT.get(limit_class, 'Anfragen')} in kurzer Zeit. Bitte in {retry_after} Sekunden erneut "
        "versuchen.",
        headers={"Retry-After": str(retry_after)},
    )


def rate_limits_of(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits
