"""Is every dependency of the pipeline reachable? Database, e-file store, Prefect API and each back-office system.

All checks run at once, each with a short timeout, so one dead dependency costs the page at most one timeout
instead of hanging it. Blocking checks (database, e-file store) run in threads that are abandoned, not waited
for, when they overrun. Details name status codes and exception types only, never URLs with credentials.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
from sqlalchemy import text

from services.efile.store import EFileStore
from services.pipeline.assembly import specialist_system_clients
from services.settings import Settings
from services.store.db import Database

DEFAULT_TIMEOUT_SECONDS = 2.0
PROBE_KEY = "ops-health/probe"
"""Looked up, never written: answering "no such object" proves the store is readable."""


@dataclass(frozen=True)
class HealthCheck:
    name: str
    kind: str
    """``database``, ``efile``, ``orchestration`` or ``specialist_system``."""
    target: str
    up: bool
    detail: str
    elapsed_ms: int


def _public(url: str) -> str:
    """A URL without user info (an s3:// or database URL may carry secrets)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class _Down(Exception):
    """A dependency answered, but not as a healthy one does."""


async def _timed(name: str, kind: str, target: str, probe: Callable[[], Awaitable[str]], timeout: float) -> HealthCheck:
    started = time.monotonic()
    try:
        detail = await asyncio.wait_for(probe(), timeout)
        up = True
    except TimeoutError:
        up, detail = False, f"keine Antwort innerhalb von {timeout:g} s"
    except _Down as exc:
        up, detail = False, str(exc)
    except Exception as exc:  # noqa: BLE001 - any failure means "down"; its type is the safe detail
        up, detail = False, type(exc).__name__
    return HealthCheck(name, kind, target, up, detail, int((time.monotonic() - started) * 1000))


def _http_probe(client: httpx.AsyncClient, url: str) -> Callable[[], Awaitable[str]]:
    async def probe() -> str:
        response = await client.get(url)
        if response.status_code != 200:
            raise _Down(f"HTTP {response.status_code}")
        return "HTTP 200"

    return probe


def _database_probe(db: Database) -> Callable[[], Awaitable[str]]:
    def query() -> str:
        with db.session() as session:
            session.execute(text("SELECT 1"))
        return "SELECT 1 ok"

    return lambda: asyncio.to_thread(query)


def _efile_probe(store: EFileStore) -> Callable[[], Awaitable[str]]:
    def lookup() -> str:
        store.exists(PROBE_KEY)
        return "lesbar"

    return lambda: asyncio.to_thread(lookup)


def back_office_systems(settings: Settings) -> list[tuple[str, str]]:
    """``(name, base URL)`` of every back-office system the pipeline hands over to (one source: assembly)."""
    systems = []
    for client in specialist_system_clients(settings).values():
        systems.append((client.system_name, client.base_url))
        client.close()
    return systems


async def check_dependencies(
    *, settings: Settings, db: Database, efile: EFileStore, timeout: float = DEFAULT_TIMEOUT_SECONDS
) -> list[HealthCheck]:
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
        checks = [
            _timed("Datenbank", "database", db.backend, _database_probe(db), timeout),
            _timed("E-Akte-Speicher", "efile", type(efile).__name__, _efile_probe(efile), timeout),
            _timed(
                "Prefect-API",
                "orchestration",
                _public(settings.prefect_api_url),
                _http_probe(client, f"{settings.prefect_api_url}/health"),
                timeout,
            ),
        ]
        for name, base_url in back_office_systems(settings):
            url = f"{base_url.rstrip('/')}/healthz"
            checks.append(_timed(name, "specialist_system", _public(base_url), _http_probe(client, url), timeout))
        return list(await asyncio.gather(*checks))
