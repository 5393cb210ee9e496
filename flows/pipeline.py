"""The submission pipeline as a Prefect flow over what a worker claimed.

One flow run covers a batch (one submission when load is low). Each stage of each submission is a
task run named after the receipt number; parameters, names, tags and logs carry ids and receipt
numbers only (principle 9). Stage failures are concluded per submission inside the flow, so a
failing submission never fails its neighbours; an exception escaping the flow means the
orchestration itself failed and the worker gives the batch back.

Telemetry (docs/telemetry.md): each submission's attempt is a span continuing the trace of its
accepting request, each stage a child span; the stage's work runs in a worker thread with that
span's context attached, so the hand-over's HTTP call joins the same trace. The ledger records each
stage's Prefect flow run and task run, which the operators' timeline links to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import anyio
from opentelemetry import context as otel_context
from prefect import Flow, flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.client.orchestration import get_client
from prefect.context import TaskRunContext, get_run_context

from services.pipeline.errors import StageFailure
from services.pipeline.runner import PipelineRunner, SubmissionRef
from services.telemetry import Telemetry, disabled_telemetry
from services.telemetry.pipeline import PipelineTelemetry

FLOW_NAME = "submission-pipeline"


@dataclass(frozen=True)
class PrefectRuns:
    """The Prefect flow run and task run a stage ran in (ids only)."""

    flow_run_id: str | None = None
    task_run_id: str | None = None


@dataclass(frozen=True)
class StageRun:
    """What a stage task returns: the ledger's outcome (succeeded or skipped) and where it ran."""

    outcome: str
    runs: PrefectRuns


class StageFailed(Exception):
    """Raised into Prefect instead of the original error, whose message may hold personal data."""

    def __init__(self, failure: StageFailure, *, error_type: str = "", runs: PrefectRuns | None = None) -> None:
        super().__init__(failure.reason)
        self.failure = failure
        self.error_type = error_type or type(self).__name__
        self.runs = runs or PrefectRuns()


def flow_run_name(refs: Sequence[SubmissionRef]) -> str:
    if len(refs) == 1:
        return refs[0].receipt_number
    return f"batch of {len(refs)}: {refs[0].receipt_number} …"


def tags_for(refs: Sequence[SubmissionRef]) -> list[str]:
    services = {f"service:{r.service}" for r in refs}
    jobcenters = {f"jobcenter:{r.jobcenter_id}" for r in refs if r.jobcenter_id}
    return sorted(services | jobcenters)


def _current_prefect_runs() -> PrefectRuns:
    ctx = TaskRunContext.get()
    if ctx is None:
        return PrefectRuns()
    flow_run_id = ctx.task_run.flow_run_id
    return PrefectRuns(flow_run_id=str(flow_run_id) if flow_run_id else None, task_run_id=str(ctx.task_run.id))


def _stage_task(runner: PipelineRunner, stage_name: str) -> Any:
    @task(
        name=stage_name,
        task_run_name=f"{stage_name} {{receipt_number}}",
        cache_policy=NONE,
        persist_result=False,
        log_prints=False,
    )
    async def run(submission_id: str, receipt_number: str) -> StageRun:
        runs = _current_prefect_runs()
        trace_context = otel_context.get_current()  # the stage's span, current in process_one

        def perform() -> str:
            token = otel_context.attach(trace_context)  # explicitly: the thread must not depend on copied context
            try:
                return runner.run_stage(
                    stage_name, submission_id, flow_run_id=runs.flow_run_id, task_run_id=runs.task_run_id
                )
            finally:
                otel_context.detach(token)

        try:
            return StageRun(await anyio.to_thread.run_sync(perform), runs)
        except Exception as exc:
            raise StageFailed(StageFailure.from_exception(exc), error_type=type(exc).__name__, runs=runs) from None

    return run


def build_pipeline_flow(
    runner: PipelineRunner, *, concurrency: int, telemetry: Telemetry | None = None
) -> Flow[..., Any]:
    """A flow bound to its dependencies (constructor injection instead of globals)."""
    stage_tasks = [(name, _stage_task(runner, name)) for name in runner.stage_names]
    tracing = PipelineTelemetry(telemetry or disabled_telemetry("worker"))

    async def routed(ref: SubmissionRef) -> SubmissionRef:
        """After intake the jobcenter is known: later stages' spans and metrics carry it (looked up only if traced)."""
        if ref.jobcenter_id is not None or not tracing.enabled:
            return ref
        fresh = await anyio.to_thread.run_sync(runner.describe, [ref.submission_id])
        return fresh[0] if fresh else ref

    async def run_stages(ref: SubmissionRef, attempt: int) -> tuple[SubmissionRef, StageFailure | None]:
        for name, stage_task in stage_tasks:
            with tracing.stage(ref, name, attempt=attempt) as stage:
                try:
                    result: StageRun = await stage_task(ref.submission_id, ref.receipt_number)
                except StageFailed as exc:
                    stage.failed(
                        error_type=exc.error_type,
                        reason=exc.failure.reason,
                        flow_run_id=exc.runs.flow_run_id,
                        task_run_id=exc.runs.task_run_id,
                    )
                    return ref, exc.failure
                stage.succeeded(
                    result.outcome, flow_run_id=result.runs.flow_run_id, task_run_id=result.runs.task_run_id
                )
                if name == "intake":
                    ref = await routed(ref)
                    stage.jobcenter = ref.jobcenter_id
        return ref, None

    async def process_one(
        ref: SubmissionRef, attempt: int, worker_id: str, flow_run_id: str | None, limiter: asyncio.Semaphore
    ) -> str | None:
        async with limiter:
            with tracing.submission(ref, attempt=attempt, worker_id=worker_id, flow_run_id=flow_run_id) as span:
                ref, failure = await run_stages(ref, attempt)
                outcome = await anyio.to_thread.run_sync(
                    lambda: runner.conclude(
                        submission_id=ref.submission_id, worker_id=worker_id, attempt=attempt, failure=failure
                    )
                )
                tracing.concluded(span, ref, outcome)
                return outcome

    @flow(name=FLOW_NAME, persist_result=False, log_prints=False, validate_parameters=False)
    async def submission_pipeline(claims: list[dict[str, Any]], worker_id: str) -> dict[str, int]:
        logger = get_run_logger()
        attempts = {c["submission_id"]: int(c["attempt"]) for c in claims}
        refs = await anyio.to_thread.run_sync(runner.describe, list(attempts))
        limiter = asyncio.Semaphore(concurrency)
        flow_run = getattr(get_run_context(), "flow_run", None)
        flow_run_id = str(flow_run.id) if flow_run is not None else None
        outcomes = await asyncio.gather(
            *(process_one(r, attempts[r.submission_id], worker_id, flow_run_id, limiter) for r in refs)
        )
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
