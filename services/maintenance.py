"""One maintenance pass, run by every worker between batches and by the scheduled Prefect flow.

Each part is plain, idempotent database work (plus SMTP for notifications), so running it on several
workers at once is safe. Only counts are returned: they are logged and shown in Prefect (principle 9).
"""

from __future__ import annotations

from connectors.sdk.registry import ConnectorRegistry
from services.inbound.deadlines import run_deadlines
from services.settings import Settings
from services.store.db import Database


def run_maintenance(db: Database, registry: ConnectorRegistry, settings: Settings) -> dict[str, int]:
    """Reminders and expiry of inbound items' response deadlines."""
    report = run_deadlines(db, registry)
    return {"reminded": report.reminded, "expired": report.expired}
