"""The scheduled maintenance flow runs the deadline and notification passes against the configured database."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from flows.maintenance import maintenance
from services.settings import Settings
from services.store.db import Database
from services.store.models import InboundItem, utcnow
from tests.placement.conftest import VERBIS_KEY, make_offer
from tests.support.smtp import SmtpSink


def test_maintenance_flow_reminds_once_on_the_configured_database(
    prefect_server: str,
    settings: Settings,
    db: Database,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    smtp_sink: SmtpSink,
) -> None:
    pushed = client.post(
        "/api/v1/inbound/placement", json=make_offer(respond_in_days=10), headers={"X-API-Key": VERBIS_KEY}
    )
    assert pushed.status_code == 201, pushed.text
    with db.session() as session:  # the reminder is due now
        session.execute(update(InboundItem).values(remind_at=utcnow() - timedelta(minutes=1)))
    monkeypatch.setenv("OZGFLOW_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("OZGFLOW_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OZGFLOW_SMTP_PORT", str(smtp_sink.port))
    sent = {"notified": 2, "notifications_retrying": 0, "notifications_failed": 0}  # the offer and the reminder
    assert _without_retention(asyncio.run(maintenance())) == {"reminded": 1, "expired": 0, **sent}
    quiet = {"notified": 0, "notifications_retrying": 0, "notifications_failed": 0}
    assert _without_retention(asyncio.run(maintenance())) == {"reminded": 0, "expired": 0, **quiet}  # idempotent
    assert len(smtp_sink.capture.messages) == 2 and smtp_sink.capture.recipients[0] == ["anna.schmidt@example.org"]


def _without_retention(counts: dict[str, int]) -> dict[str, int]:
    """Retention's counts (tests/privacy/test_maintenance.py) appear in the pass that ran it."""
    return {name: value for name, value in counts.items() if not name.startswith("retention_")}
