"""Retention runs in the scheduled maintenance flow (the real Prefect server), once per interval, and Prefect
sees counts only."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
from prefect.logging.handlers import APILogHandler
from sqlalchemy import select

from connectors.sdk.registry import ConnectorRegistry
from flows.maintenance import maintenance
from services.efile.store import EFileStore
from services.settings import Settings
from services.store.db import Database
from services.store.models import AuditEntry, Customer, Submission
from tests.privacy.support import BGS, age_customer, complete, count, seed
from tests.support.smtp import SmtpSink

TokenFor = Callable[[str], dict[str, str]]
ANNA, JURGEN = "kd-1001", "kd-1002"


async def _logs(flow_run_id: UUID) -> list[str]:
    await APILogHandler.aflush()
    async with get_client() as prefect:
        logs = await prefect.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
    return [entry.message for entry in logs]


def test_the_maintenance_flow_deletes_what_is_due_once_per_interval(
    prefect_server: str,
    settings: Settings,
    db: Database,
    client: TestClient,
    registry: ConnectorRegistry,
    token_for: TokenFor,
    efile: EFileStore,
    smtp_sink: SmtpSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    anna, jurgen = (seed(client, token_for(c), registry, c) for c in (ANNA, JURGEN))
    complete(db, efile, anna.submission_id)
    jurgen_keys = complete(db, efile, jurgen.submission_id)
    age_customer(db, ANNA, 3651)
    for name, value in {
        "DATABASE_URL": settings.resolved_database_url,
        "EFILE_URL": settings.resolved_efile_url,  # the same folder as the ``efile`` fixture's store
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_sink.port),
    }.items():
        monkeypatch.setenv(f"OZGFLOW_{name}", value)

    state = asyncio.run(maintenance(return_state=True))  # type: ignore[call-overload]
    counts = state.result()

    assert {k: v for k, v in counts.items() if k.startswith("retention_")} == {
        "retention_submissions": 1,
        "retention_inbound_items": 1,
        "retention_conversations": 1,
        "retention_drafts": 1,
        "retention_email_notifications": 0,  # hers went with their messages
        "retention_customers": 0,
        "retention_objects": 3,
        "retention_audit_entries": 0,
    }
    assert count(db, Submission, ANNA) == 0 and count(db, Submission, JURGEN) == 1
    assert efile.list(f"jc-berlin-mitte/{BGS[ANNA]}") == [] and all(efile.exists(k) for k in jurgen_keys)
    logs = asyncio.run(_logs(state.state_details.flow_run_id))
    assert any("retention_submissions 1" in line for line in logs)
    with db.session() as session:
        customer = session.get(Customer, ANNA)
        assert customer is not None
        personal = (ANNA, BGS[ANNA], customer.family_name, anna.receipt_number, anna.submission_id)
    assert not [line for line in logs for value in personal if value in line]  # principle 9

    again = asyncio.run(maintenance())
    assert not [k for k in again if k.startswith("retention_")]  # once a day: not due again yet
    monkeypatch.setenv("OZGFLOW_RETENTION_INTERVAL_SECONDS", "0.001")
    third = asyncio.run(maintenance())
    assert third["retention_submissions"] == 0 and third["retention_objects"] == 0  # nothing left that is due
    with db.session() as session:
        runs = session.scalars(select(AuditEntry.resource_id).where(AuditEntry.resource_type == "retention_run"))
        assert len(list(runs)) == 2
