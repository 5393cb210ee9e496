"""One complete set of production settings for tests of the production checks.

Each part of issue 8 added a setting that production refuses to run without. Tests that check one of those
refusals (or that something works in production) start from this set and change the one thing they are about,
so a later part's new requirement does not make every earlier test fail for the wrong reason.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from services.settings import Settings

PRODUCTION_SETTINGS: dict[str, Any] = {
    "environment": "production",
    "database_url": "postgresql+psycopg://ozgflow@db/ozgflow",
    "auth_jwks_url": "https://login.example.org/certs",
    "inbound_api_keys": {"verbis": "a-long-random-production-key"},
    "receipt_signing_key": base64.b64encode(bytes(range(32))).decode(),
    "secret_key": "s" * 48,
    "clamd_url": "tcp://clamav:3310",
    "encryption_master_keys": {"2026-1": base64.b64encode(bytes(range(32, 64))).decode()},
}


def production_settings(**changes: Any) -> Settings:
    """Valid production settings with `changes` applied (validation runs, so a change can be refused)."""
    return Settings(_env_file=None, **{**PRODUCTION_SETTINGS, **changes})  # type: ignore[arg-type]


def production_env(**changes: Any) -> dict[str, str]:
    """The same set as OZGFLOW_* environment variables, for commands run through the CLI or a subprocess."""
    merged = {**PRODUCTION_SETTINGS, **changes}
    return {
        f"OZGFLOW_{name.upper()}": value if isinstance(value, str) else json.dumps(value)
        for name, value in merged.items()
    }
