"""The naive design, for comparison only: one Prefect flow run per submission.

This is what principle 4 argues against. It uses the same stage work, the same ledger and the same
lease/conclude rules as the real pipeline, and the flow is async like the real one (a sync flow waits
~1 s for its heartbeat at the end), so the only difference measured is one flow run per submission
instead of one per batch. Parameters and run names carry ids and receipt numbers only (principle 9).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import anyio
from prefect import Flow, flow, task
from prefect.cache_policies import NONE

from services.pipeline.errors import StageFailure
from services.pipeline.runner import PipelineRunner
from services.store import outbox

NAIVE_FLOW_NAME = "naive-submission"
NAIVE_WORKER_ID = "bench-naive"


class NaiveStageFailed(Exception):
    """Carries a safe reason into Prefect instead of the original message (which may hold personal data)."""

    def __init__(self, failure: StageFailure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def _stage_task(runner: PipelineRunner, stage_name: str) -> Any:
    @task(name=stage_name, task_run_name=f"{stage_name} {{receipt_number}}", cache_policy=NONE, persist_result=False)
    async def run(submission_id: str, receipt_number: str) -> str:
        try:
            return await anyio.to_thread.run_sync(runner.run_stage, stage_name, submission_id)
        except Exception as exc:
            raise NaiveStageFailed(StageFailure.from_exception(exc)) from None

    return run


def build_naive_flow(runner: PipelineRunner) -> Flow[..., Any]:
    """``naive_submission(submission_id, receipt_number, attempt)``: the four stages as tasks, then conclude."""
    stage_tasks = [_stage_task(runner, name) for name in runner.stage_names]

    @flow(name=NAIVE_FLOW_NAME, persist_result=False, validate_parameters=False)
    async def naive_submission(submission_id: str, receipt_number: str, attempt: int) -> str | None:
        failure: StageFailure | None = None
        try:
            for stage_task in stage_tasks:
                await stage_task(submission_id, receipt_number)
        except NaiveStageFailed as exc:
            failure = exc.failure
        return await anyio.to_thread.run_sync(
            lambda: runner.conclude(
                submission_id=submission_id, worker_id=NAIVE_WORKER_ID, attempt=attempt, failure=failure
            )
        )

    return naive_submission


async def run_naive(
    runner: PipelineRunner, *, deadline: float, on_progress: Callable[[int], None] | None = None
) -> int:
    """Claim one submission at a time and run one flow run for it, until the outbox is empty or
    ``deadline`` (monotonic) passes; returns how many flow runs were made."""
    naive_flow = build_naive_flow(runner)
    runs = 0
    while time.monotonic() < deadline:
        claims = await anyio.to_thread.run_sync(_claim_one, runner)
        if not claims:
            break
        ref = (await anyio.to_thread.run_sync(runner.describe, [claims[0].submission_id]))[0]
        await naive_flow.with_options(flow_run_name=ref.receipt_number)(
            submission_id=ref.submission_id, receipt_number=ref.receipt_number, attempt=claims[0].attempt
        )
        runs += 1
        if on_progress is not None:
            on_progress(runs)
        await asyncio.sleep(0)
    return runs


def _claim_one(runner: PipelineRunner) -> list[outbox.Claim]:
    with runner.db.session() as session:
        return outbox.claim(session, worker_id=NAIVE_WORKER_ID, limit=1, lease_seconds=300)
