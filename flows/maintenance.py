"""Scheduled maintenance as a Prefect flow (deployed by infra/prefect.yaml).

The workers run the same pass between batches; this schedule keeps reminders and expiry going when no
worker is up. Only counts are returned and logged (principle 9).
"""

from __future__ import annotations

import anyio
from prefect import flow, get_run_logger

from connectors.sdk.registry import ConnectorRegistry
from services.maintenance import run_maintenance
from services.settings import Settings
from services.store.db import database_from_settings


@flow(name="maintenance", persist_result=False, log_prints=False)
async def maintenance() -> dict[str, int]:
    """Deadlines of inbound items (placement offers), notification e-mails and, once a day, retention
    (services/privacy/: deleting what is due) — whatever services/maintenance.py runs. Counts only."""
    settings = Settings()
    db = database_from_settings(settings)
    try:
        counts = await anyio.to_thread.run_sync(run_maintenance, db, ConnectorRegistry.from_entry_points(), settings)
    finally:
        db.dispose()
    get_run_logger().info("maintenance: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts
