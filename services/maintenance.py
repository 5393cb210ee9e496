"""One maintenance pass, run by every worker between batches and by the scheduled Prefect flow.

Each part is plain, idempotent database work (plus SMTP for notifications), so running it on several
workers at once is safe. Only counts are returned: they are logged and shown in Prefect (principle 9).
Retention (services/privacy/) runs in the pass once per ``retention_interval_seconds``; its counts appear as
``retention_*`` only in the pass that ran it.
"""

from __future__ import annotations

import functools

from connectors.sdk.registry import ConnectorRegistry
from services.efile.store import efile_store_from_url
from services.inbound.deadlines import run_deadlines
from services.mailbox.sender import send_due_notifications
from services.privacy.schedule import run_retention
from services.settings import Settings
from services.store.db import Database


def run_maintenance(db: Database, registry: ConnectorRegistry, settings: Settings) -> dict[str, int]:
    """Reminders and expiry of inbound items' response deadlines, then the notification e-mails that are due
    (after the deadlines, so a reminder written now is announced in the same pass)."""
    report = run_deadlines(db, registry)
    notices = send_due_notifications(db, settings)
    counts = {
        "reminded": report.reminded,
        "expired": report.expired,
        "notified": notices.sent,
        "notifications_retrying": notices.retrying,
        "notifications_failed": notices.failed,
    }
    # retention only lists and deletes objects: the plain store will do, no data keys needed
    retention = run_retention(db, functools.partial(efile_store_from_url, settings.resolved_efile_url), settings)
    if retention is not None:
        counts.update({f"retention_{name}": count for name, count in retention.counts().items()})
    return counts
