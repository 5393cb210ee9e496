"""Fixtures of the operator tests: tokens per role, a pipeline worker on the shared Prefect server, and
submissions written in a chosen state (for the aggregation maths, where the real pipeline cannot pick times)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

import pytest

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker, worker_from_settings
from services.identity.dev_issuer import dev_issuer_for
from services.pipeline.assembly import build_runner
from services.pipeline.stages import STAGE_ORDER
from services.settings import Settings
from services.store.db import Database
from services.store.models import OutboxEntry, StageResult, Submission

Headers = dict[str, str]
OPERATOR = "ops-oncall-1"
"""The operator's token subject: recorded as the actor of retries."""


@pytest.fixture
def operator(settings: Settings) -> Headers:
    return {"Authorization": f"Bearer {dev_issuer_for(settings).mint(OPERATOR, roles=['operator'])}"}


@pytest.fixture
def staff(settings: Settings) -> Headers:
    return {"Authorization": f"Bearer {dev_issuer_for(settings).mint('sb-berlin-1', roles=['staff'])}"}


@pytest.fixture
def worker(prefect_server: str, settings: Settings, db: Database, registry: ConnectorRegistry) -> PipelineWorker:
    return worker_from_settings(settings, runner=build_runner(settings, db=db, registry=registry), worker_id="ops-test")


MakeSubmission = Callable[..., str]


@pytest.fixture
def make_submission(db: Database) -> MakeSubmission:
    """Write a submission as the pipeline would have left it; returns its id."""

    def make(
        *,
        service: str = "wba",
        jobcenter_id: str | None = "jc-berlin-mitte",
        status: str = "accepted",
        created_at: datetime,
        completed_at: datetime | None = None,
        succeeded: Sequence[str] = (),
        failed_stage: str | None = None,
        attempts: int = 0,
        outbox_state: str = "ready",
    ) -> str:
        sid = str(uuid.uuid4())
        with db.session() as session:
            session.add(
                Submission(
                    id=sid,
                    receipt_number=f"{service.upper()}-{created_at:%Y%m%d}-{uuid.uuid4().hex[:8].upper()}",
                    service=service,
                    service_version="1.0.0",
                    customer_id="kd-1001",
                    status=status,
                    form_data={},
                    request_hash="0" * 64,
                    jobcenter_id=jobcenter_id,
                    created_at=created_at,
                    updated_at=completed_at or created_at,
                    completed_at=completed_at,
                )
            )
            session.flush()
            session.add(
                OutboxEntry(
                    submission_id=sid,
                    state=outbox_state,
                    available_at=created_at,
                    attempts=attempts,
                    created_at=created_at,
                )
            )
            for stage in succeeded:
                session.add(StageResult(submission_id=sid, stage=stage, status="succeeded", attempts=1))
            if failed_stage is not None:
                session.add(
                    StageResult(submission_id=sid, stage=failed_stage, status="failed", attempts=attempts, error="x")
                )
        return sid

    return make


def stages_before(stage: str) -> tuple[str, ...]:
    return STAGE_ORDER[: STAGE_ORDER.index(stage)]
