"""A long-lived pipeline worker: claims ready submissions from the outbox with a lease and runs the
pipeline flow over them (principle 4: Prefect orchestrates; it does not queue).

While a batch runs, its leases are renewed; if the worker dies, they expire and another worker
(or this one, restarted) claims the work again. If Prefect itself is unreachable the batch is given
back without counting an attempt, and the worker waits before trying again.

Between batches the worker also runs the periodic maintenance it is given (reminders and expiry of
inbound items' response deadlines): plain database work, idempotent, safe to run on every worker.

Its telemetry (``OZGFLOW_OTEL_*``, docs/telemetry.md) traces every submission's attempt and stage and
reports the stage metrics and the outbox backlog gauges.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import anyio
from prefect import Flow, tags

from flows.pipeline import build_pipeline_flow, flow_run_name, tags_for
from services.pipeline.runner import PipelineRunner
from services.settings import Settings
from services.store import outbox
from services.telemetry import Telemetry, disabled_telemetry, telemetry_from_settings
from services.telemetry.backlog import backlog
from services.transfer.backoff import Backoff

log = logging.getLogger("ozgflow.worker")


def new_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class PipelineWorker:
    def __init__(
        self,
        runner: PipelineRunner,
        *,
        batch_size: int,
        concurrency: int,
        lease_seconds: float,
        poll_seconds: float,
        worker_id: str | None = None,
        orchestration_backoff: Backoff | None = None,
        maintenance: Callable[[], object] | None = None,
        maintenance_interval_seconds: float = 60.0,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.runner = runner
        self.batch_size = batch_size
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.worker_id = worker_id or new_worker_id()
        self.telemetry = telemetry or disabled_telemetry("worker")
        self.telemetry.metrics.watch_backlog(functools.partial(backlog, runner.db))
        self.flow: Flow[..., Any] = build_pipeline_flow(runner, concurrency=concurrency, telemetry=self.telemetry)
        self._orchestration_backoff = orchestration_backoff or Backoff(1.0, 30.0)
        self._orchestration_failures = 0
        self.maintenance = maintenance
        self.maintenance_interval_seconds = maintenance_interval_seconds
        self._maintenance_due = 0.0  # monotonic time; the first loop round runs it

    def _claim(self) -> list[outbox.Claim]:
        with self.runner.db.session() as session:
            return outbox.claim(
                session, worker_id=self.worker_id, limit=self.batch_size, lease_seconds=self.lease_seconds
            )

    def _renew(self, ids: list[str]) -> None:
        with self.runner.db.session() as session:
            outbox.renew(session, worker_id=self.worker_id, submission_ids=ids, lease_seconds=self.lease_seconds)

    def _release(self, ids: list[str]) -> None:
        with self.runner.db.session() as session:
            outbox.release(session, worker_id=self.worker_id, submission_ids=ids)

    async def _keep_leases(self, ids: list[str]) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            await anyio.to_thread.run_sync(self._renew, ids)

    async def run_once(self) -> int:
        """Claim and process one batch; returns how many submissions were claimed."""
        claims = await anyio.to_thread.run_sync(self._claim)
        if not claims:
            return 0
        ids = [c.submission_id for c in claims]
        refs = await anyio.to_thread.run_sync(self.runner.describe, ids)
        keeper = asyncio.create_task(self._keep_leases(ids))
        try:
            with tags(*tags_for(refs)):
                await self.flow.with_options(flow_run_name=flow_run_name(refs))(
                    claims=[{"submission_id": c.submission_id, "attempt": c.attempt} for c in claims],
                    worker_id=self.worker_id,
                )
            self._orchestration_failures = 0
        except Exception as exc:
            self._orchestration_failures += 1
            log.warning("orchestration failed for %d submission(s), giving them back: %s", len(ids), type(exc).__name__)
            await anyio.to_thread.run_sync(self._release, ids)
            await asyncio.sleep(self._orchestration_backoff.delay(self._orchestration_failures))
        finally:
            keeper.cancel()
        return len(claims)

    async def run_maintenance(self) -> None:
        """Run the maintenance if it is due; its result (counts only, no personal data) is logged."""
        if self.maintenance is None or time.monotonic() < self._maintenance_due:
            return
        self._maintenance_due = time.monotonic() + self.maintenance_interval_seconds
        try:
            result = await anyio.to_thread.run_sync(self.maintenance)
        except Exception as exc:  # the next round tries again; submissions must keep flowing meanwhile
            log.warning("maintenance failed: %s", type(exc).__name__)
            return
        log.info("maintenance: %s", result)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        log.info("worker %s started", self.worker_id)
        while not stop.is_set():
            await self.run_maintenance()
            try:
                claimed = await self.run_once()
            except Exception:  # database briefly unavailable: keep the worker alive
                log.exception("worker loop error")
                claimed = 0
            if claimed == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.poll_seconds)
        log.info("worker %s stopped", self.worker_id)


def worker_from_settings(
    settings: Settings,
    *,
    runner: PipelineRunner | None = None,
    worker_id: str | None = None,
    telemetry: Telemetry | None = None,
) -> PipelineWorker:
    """The worker as configured by ``OZGFLOW_WORKER_*``, ``OZGFLOW_LEASE_SECONDS``,
    ``OZGFLOW_INBOUND_DEADLINE_INTERVAL_SECONDS`` (reminders and expiry of inbound items) and ``OZGFLOW_OTEL_*``
    (``telemetry`` overrides the latter; a given ``runner`` brings its own back-office clients)."""
    from services.maintenance import run_maintenance

    telemetry = telemetry or telemetry_from_settings(settings, component="worker")
    if runner is None:
        from connectors.sdk.registry import ConnectorRegistry
        from services.pipeline.assembly import build_runner
        from services.store.db import database_from_settings

        runner = build_runner(
            settings,
            db=database_from_settings(settings),
            registry=ConnectorRegistry.from_entry_points(),
            telemetry=telemetry,
        )
    return PipelineWorker(
        runner,
        batch_size=settings.worker_batch_size,
        concurrency=settings.worker_concurrency,
        lease_seconds=settings.lease_seconds,
        poll_seconds=settings.worker_poll_seconds,
        worker_id=worker_id,
        maintenance=functools.partial(run_maintenance, runner.db, runner.registry, settings),
        maintenance_interval_seconds=settings.inbound_deadline_interval_seconds,
        telemetry=telemetry,
    )


def run_until_signalled(worker: PipelineWorker) -> None:
    """Run ``worker`` until SIGINT or SIGTERM, then let it finish the batch in hand and return.

    Why the loop runs in a thread of its own: while a flow runs, Prefect's engine replaces the main thread's
    SIGTERM handler with one that raises ``TerminationSignal`` wherever the main thread happens to be. Raised
    inside an HTTP callback it is lost: the batch hangs on a broken connection and the worker never stops
    (Kubernetes would kill it after its grace period, mid-batch). Outside the main thread Prefect leaves
    signals alone, so here a signal always means the same: finish what was claimed, claim nothing new, exit.
    """
    started = threading.Event()
    running: dict[str, Any] = {}
    failure: list[BaseException] = []

    async def serve() -> None:
        running["loop"], running["stop"] = asyncio.get_running_loop(), asyncio.Event()
        started.set()
        await worker.run(running["stop"])

    def in_thread() -> None:
        try:
            asyncio.run(serve())
        except BaseException as exc:  # handed to the main thread, which exits with it
            failure.append(exc)
        finally:
            started.set()

    def request_stop(signum: int, _frame: object) -> None:
        log.info("signal %d: finishing the current batch, then stopping", signum)
        if "loop" in running:
            running["loop"].call_soon_threadsafe(running["stop"].set)

    thread = threading.Thread(target=in_thread, name="pipeline-worker")
    thread.start()
    started.wait()
    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while thread.is_alive():
            thread.join(0.5)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failure:
        raise failure[0]
