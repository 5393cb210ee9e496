"""The three ways of doing the same work; each returns when the outbox is drained (or time is up) and
reports the moment its clock started.

All phases share the stage code, the ledger, the lease and ``conclude``; they differ only in orchestration:
(a) plain threads with the worker's batch size and concurrency — the floor; (b) ``PipelineWorker.run_once``
with one Prefect flow run per batch, in this process (1 worker) or in spawned processes (2+);
(c) one Prefect flow run per submission, one after another in this process.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import queue
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors.sdk.registry import ConnectorRegistry
from services.bench.scenario import completed_count
from services.bench.workers import build_worker, drain, worker_process
from services.pipeline.assembly import build_runner
from services.pipeline.errors import StageFailure
from services.pipeline.runner import PipelineRunner
from services.settings import Settings
from services.store import outbox
from services.store.db import Database
from services.store.models import utcnow

RAW_WORKER_ID = "bench-raw"


@dataclass(frozen=True)
class PhaseSetup:
    """Everything a phase needs; ``settings_kwargs`` are plain values so spawned workers get them too.

    ``accept`` files the phase's submissions. Each phase calls it once its machinery is built (runner,
    worker, spawned processes), right before starting its clock, so set-up is not counted as latency."""

    db: Database
    registry: ConnectorRegistry
    settings_kwargs: dict[str, Any]
    accept: Callable[[], object]
    timeout_seconds: float
    child_env: dict[str, str]
    progress: Callable[[int], None]

    def settings(self) -> Settings:
        return Settings(_env_file=None, **self.settings_kwargs)  # type: ignore[call-arg]

    def runner(self) -> PipelineRunner:
        return build_runner(self.settings(), db=self.db, registry=self.registry)


def _process_raw(runner: PipelineRunner, claim: outbox.Claim) -> str | None:
    """What the flow does for one submission, minus Prefect: the stages in order, then conclude."""
    failure: StageFailure | None = None
    try:
        runner.run_all(claim.submission_id)
    except Exception as exc:
        failure = StageFailure.from_exception(exc)
    return runner.conclude(
        submission_id=claim.submission_id, worker_id=RAW_WORKER_ID, attempt=claim.attempt, failure=failure
    )


def run_raw(setup: PhaseSetup) -> tuple[datetime, dict[str, Any]]:
    """(a) Claim batches from the outbox and run them on a thread pool as wide as the worker's concurrency."""
    settings = setup.settings()
    runner = setup.runner()
    deadline = time.monotonic() + setup.timeout_seconds
    done = batches = 0
    setup.accept()
    started = utcnow()
    with ThreadPoolExecutor(settings.worker_concurrency, thread_name_prefix="bench-raw") as pool:
        while time.monotonic() < deadline:
            with runner.db.session() as session:
                claims = outbox.claim(
                    session, worker_id=RAW_WORKER_ID, limit=settings.worker_batch_size, lease_seconds=300
                )
            if not claims:
                break
            list(pool.map(lambda c: _process_raw(runner, c), claims))
            done, batches = done + len(claims), batches + 1
            setup.progress(done)
    return started, {"batches": batches, "threads": settings.worker_concurrency}


def run_pipeline_in_process(setup: PhaseSetup) -> tuple[datetime, dict[str, Any]]:
    """(b) with one worker: ``run_once`` loops in this process, against the Prefect server in context."""
    worker = build_worker(setup.settings_kwargs, "bench-worker-1")
    try:
        setup.accept()
        started = utcnow()
        outcome = asyncio.run(drain(worker, deadline=time.monotonic() + setup.timeout_seconds, on_batch=setup.progress))
    finally:
        worker.runner.db.dispose()
    return started, {"workers": [{"worker_id": worker.worker_id, **outcome}], "processes": "in-process"}


def run_pipeline_processes(setup: PhaseSetup, workers: int) -> tuple[datetime, dict[str, Any]]:
    """(b) with several workers: spawned processes that compete for the outbox; the clock starts when all
    are built and waiting."""
    ctx = multiprocessing.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [
        ctx.Process(
            target=worker_process,
            args=(
                setup.child_env,
                setup.settings_kwargs,
                f"bench-worker-{i + 1}",
                ready,
                go,
                results,
                setup.timeout_seconds,
            ),
            name=f"bench-worker-{i + 1}",
        )
        for i in range(workers)
    ]
    for proc in procs:
        proc.start()
    outcomes: list[dict[str, Any]] = []
    try:
        for _ in procs:
            ready.get(timeout=180)
        setup.accept()
        started = utcnow()
        go.set()
        deadline = time.monotonic() + setup.timeout_seconds + 30
        while len(outcomes) < workers and time.monotonic() < deadline:
            try:
                outcomes.append(results.get(timeout=1.0))
            except queue.Empty:
                if not any(p.is_alive() for p in procs):
                    break
            setup.progress(completed_count(setup.db))
    finally:
        for proc in procs:
            proc.join(30)
            if proc.is_alive():  # only our own children, by handle
                proc.terminate()
                proc.join(10)
    return started, {"workers": outcomes, "processes": "spawned"}


def run_naive_phase(setup: PhaseSetup) -> tuple[datetime, dict[str, Any]]:
    """(c) One flow run per submission, called one after another in this process."""
    from services.bench.naive import run_naive

    runner = setup.runner()
    setup.accept()
    started = utcnow()
    runs = asyncio.run(run_naive(runner, deadline=time.monotonic() + setup.timeout_seconds, on_progress=setup.progress))
    return started, {"flow_runs": runs, "mode": "in-process flow call per submission (no deployment)"}
