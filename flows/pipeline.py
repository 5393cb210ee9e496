"""The submission pipeline as a Prefect flow over what a worker claimed.

One flow run covers a batch (one submission when load is low). Each stage of each submission is a
task run named after the receipt number; parameters, names, tags and logs carry ids and receipt
numbers only (principle 9). Stage failures are concluded per submission inside the flow, so a
failing submission never fails its neighbours; an exception escaping the flow means the
orchestration itself failed and the worker gives the batch back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import anyio
from prefect import Flow, flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.client.orchestration import get_client
from prefect.context import get_run_context

from services.pipeline.errors import StageFailure
from services.pipeline.runner import PipelineRunner, SubmissionRef

FLOW_NAME = "submission-pipeline"


class StageFailed(Exception):
    """Raised into Prefect instead of the original error, whose message may hold personal data."""

    def __init__(self, failure: StageFailure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def flow_run_name(refs: Sequence[SubmissionRef]) -> str:
    if len(refs) == 1:
        return refs[0].receipt_number
    return f"batch of {len(refs)}: {refs[0].receipt_number} …"


def tags_for(refs: Sequence[SubmissionRef]) -> list[str]:
    services = {f"service:{r.service}" for r in refs}
    jobcenters = {f"jobcenter:{r.jobcenter_id}" for r in refs if r.jobcenter_id}
    return sorted(services | jobcenters)


def _stage_task(runner: PipelineRunner, stage_name: str) -> Any:
    @task(
        name=stage_name,
        task_run_name=f"{stage_name} {{receipt_number}}",
        cache_policy=NONE,
        persist_result=False,
        log_prints=False,
    )
    async def run(submission_id: str, receipt_number: str) -> str:
        try:
            return await anyio.to_thread.run_sync(runner.run_stage, stage_name, submission_id)
        except Exception as exc:
            raise StageFailed(StageFailure.from_exception(exc)) from None

    return run


def build_pipeline_flow(runner: PipelineRunner, *, concurrency: int) -> Flow[..., Any]:
    """A flow bound to its dependencies (constructor injection instead of globals)."""
    stage_tasks = [(name, _stage_task(runner, name)) for name in runner.stage_names]

    async def process_one(ref: SubmissionRef, attempt: int, worker_id: str, limiter: asyncio.Semaphore) -> str | None:
        async with limiter:
            failure: StageFailure | None = None
            try:
                for _name, stage_task in stage_tasks:
                    await stage_task(ref.submission_id, ref.receipt_number)
            except StageFailed as exc:
                failure = exc.failure
            return await anyio.to_thread.run_sync(
                lambda: runner.conclude(
                    submission_id=ref.submission_id, worker_id=worker_id, attempt=attempt, failure=failure
                )
            )

    @flow(name=FLOW_NAME, persist_result=False, log_prints=False, validate_parameters=False)
    async def submission_pipeline(claims: list[dict[str, Any]], worker_id: str) -> dict[str, int]:
        logger = get_run_logger()
        attempts = {c["submission_id"]: int(c["attempt"]) for c in claims}
        refs = await anyio.to_thread.run_sync(runner.describe, list(attempts))
        limiter = asyncio.Semaphore(concurrency)
        outcomes = await asyncio.gather(*(process_one(r, attempts[r.submission_id], worker_id, limiter) for r in refs))
        await _tag_with_jobcenters(runner, refs)
        summary: dict[str, int] = {}
        for ref, outcome in zip(refs, outcomes, strict=True):
            summary[outcome or "lease_lost"] = summary.get(outcome or "lease_lost", 0) + 1
            logger.info("%s %s", ref.receipt_number, outcome or "lease lost to another worker")
        return summary

    return submission_pipeline


async def _tag_with_jobcenters(runner: PipelineRunner, refs: Sequence[SubmissionRef]) -> None:
    """Jobcenters are known only after intake; add them to the flow run's tags for the dashboard."""
    fresh = await anyio.to_thread.run_sync(runner.describe, [r.submission_id for r in refs])
    tags = set(tags_for(fresh))
    ctx = get_run_context()
    flow_run = getattr(ctx, "flow_run", None)
    if flow_run is None or tags <= set(flow_run.tags):
        return
    async with get_client() as client:
        await client.update_flow_run(flow_run.id, tags=sorted(tags | set(flow_run.tags)))
