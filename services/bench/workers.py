"""Pipeline workers for phase (b): a bounded drain loop, in this process or in spawned processes.

Why spawned processes for two or more workers: threads of one interpreter would share its GIL and its
engine pool, so they would not really compete for the outbox the way separate worker pods do. Each child
builds its worker (imports, Prefect client, connectors) *before* it reports ready; the parent starts the
clock only when all are ready, so process start-up is not counted as pipeline time.

This module imports Prefect only inside functions: a spawned child must set ``PREFECT_API_URL`` in its
environment before Prefect reads its settings.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import anyio

from services.bench.scenario import pending
from services.store.db import database_from_settings

if TYPE_CHECKING:
    from flows.worker import PipelineWorker


async def drain(
    worker: PipelineWorker,
    *,
    deadline: float,
    poll_seconds: float = 0.02,
    on_batch: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Run ``worker.run_once`` until the outbox has nothing ready or leased, or ``deadline`` (monotonic).

    An empty claim while work is still pending means another worker holds it: wait briefly, since its
    lease may yet expire and the work come back."""
    claimed = rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        got = await worker.run_once()
        claimed += got
        if got and on_batch is not None:
            on_batch(claimed)
        if got == 0:
            if await anyio.to_thread.run_sync(pending, worker.runner.db) == 0:
                break
            await asyncio.sleep(poll_seconds)
    return {"claimed": claimed, "rounds": rounds}


def build_worker(settings_kwargs: dict[str, Any], worker_id: str) -> PipelineWorker:
    """The worker exactly as ``ozgflow worker`` builds it, from explicit settings (no ``.env``)."""
    from connectors.sdk.registry import ConnectorRegistry
    from flows.worker import worker_from_settings
    from services.pipeline.assembly import build_runner
    from services.settings import Settings

    settings = Settings(_env_file=None, **settings_kwargs)  # type: ignore[call-arg]
    runner = build_runner(settings, db=database_from_settings(settings), registry=ConnectorRegistry.from_entry_points())
    return worker_from_settings(settings, runner=runner, worker_id=worker_id)


def worker_process(
    env: dict[str, str],
    settings_kwargs: dict[str, Any],
    worker_id: str,
    ready: Any,
    go: Any,
    results: Any,
    timeout_seconds: float,
) -> None:
    """Entry point of a spawned worker process: build, report ready, wait for the start, drain, report."""
    os.environ.update(env)
    worker = build_worker(settings_kwargs, worker_id)
    ready.put(worker_id)
    if not go.wait(timeout_seconds):
        results.put({"worker_id": worker_id, "claimed": 0, "rounds": 0, "error": "never started"})
        return
    try:
        outcome = asyncio.run(drain(worker, deadline=time.monotonic() + timeout_seconds))
        results.put({"worker_id": worker_id, **outcome})
    except Exception as exc:  # reported to the parent, which marks the phase as failed
        results.put({"worker_id": worker_id, "claimed": 0, "rounds": 0, "error": type(exc).__name__})
    finally:
        worker.runner.db.dispose()
