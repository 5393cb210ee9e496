"""Scheduled maintenance as a Prefect flow (deployed by infra/prefect.yaml).

The workers run the same pass between batches; this schedule keeps reminders and expiry going when no
worker is up. Only counts are returned and logged (principle 9).
"""

from __future__ import annotations

import anyio
from prefect import flow, get_run_logger

from connectors.sdk.registry import ConnectorRegistry
from services.inbound.deadlines import run_deadlines
from services.settings import Settings
from services.store.db import Database


@flow(name="maintenance", persist_result=False, log_prints=False)
async def maintenance() -> dict[str, int]:
    """Reminders before and expiry after the response deadline of inbound items (placement offers)."""
    settings = Settings()
    db = Database(settings.resolved_database_url)
    try:
        report = await anyio.to_thread.run_sync(run_deadlines, db, ConnectorRegistry.from_entry_points())
    finally:
        db.dispose()
    get_run_logger().info("reminded %d, expired %d", report.reminded, report.expired)
    return {"reminded": report.reminded, "expired": report.expired}
