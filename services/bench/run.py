"""Orchestrates one benchmark run: servers up, then per database every phase on a fresh database with
the same accepted submissions, then the report. Every loop is bounded by ``timeout_seconds`` per phase."""

from __future__ import annotations

import os
import platform
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from connectors.sdk.registry import ConnectorRegistry
from services.bench import phases, scenario
from services.bench.measure import summarize
from services.bench.report import ratios
from services.bench.servers import prefect_server
from services.loopback import UvicornThread
from services.settings import Settings
from services.store.db import database_from_settings
from services.transfer.simulator import SimulatorState, create_simulator_app

DEFAULT_PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"
CHILD_LOGGING = {"PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING"}


@dataclass(frozen=True)
class BenchOptions:
    submissions: int = 200
    databases: tuple[str, ...] = ("sqlite",)
    postgres_dsn: str = DEFAULT_PG_DSN
    workers: tuple[int, ...] = (1, 2)
    naive_limit: int | None = 100
    prefect_api_url: str | None = None
    timeout_seconds: float = 900.0
    workdir: Path | None = None
    settings_overrides: dict[str, Any] = field(default_factory=dict)
    command: str = "ozgflow benchmark"


class PhaseProgress:
    """One line when a phase starts and ends, and a count line at most every two seconds in between."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._label, self._total, self._last = "", 0, 0.0

    def begin(self, label: str, total: int) -> Callable[[int], None]:
        self._label, self._total, self._last = label, total, time.monotonic()
        self.console.print(f"[bold]{label}[/bold]: {total} submissions accepted, running …")
        return self.update

    def update(self, done: int) -> None:
        if time.monotonic() - self._last >= 2.0 or done >= self._total:
            self._last = time.monotonic()
            self.console.print(f"  {self._label}: {done}/{self._total}")


def machine() -> dict[str, Any]:
    import prefect

    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "prefect": prefect.__version__,
        "platform": platform.platform(),
    }


@contextmanager
def _prefect_api(options: BenchOptions, workdir: Path, console: Console) -> Iterator[tuple[str, str]]:
    """The Prefect API to use, made current for this process; yields (url, how it was provided)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if options.prefect_api_url:
        with temporary_settings(updates={PREFECT_API_URL: options.prefect_api_url}):
            yield options.prefect_api_url, "given (--prefect-api-url)"
        return
    console.print("starting a temporary Prefect server (`prefect server start`, SQLite, own PREFECT_HOME) …")
    started = time.monotonic()
    with prefect_server(workdir) as url:
        console.print(f"  Prefect server ready at {url} ({time.monotonic() - started:.1f} s)")
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url, "temporary `prefect server start` subprocess (SQLite) with its own PREFECT_HOME"


def _phase_plan(options: BenchOptions) -> list[tuple[str, int | None, int]]:
    """(phase, workers, submissions) in the order they run."""
    plan: list[tuple[str, int | None, int]] = [("raw", None, options.submissions)]
    plan += [("ozgflow", w, options.submissions) for w in options.workers]
    naive_n = min(options.submissions, options.naive_limit or options.submissions)
    plan.append(("naive", None, naive_n))
    return plan


def _label(phase: str, workers: int | None) -> str:
    if phase == "raw":
        return "(a) raw stages, no Prefect"
    if phase == "naive":
        return "(c) naive, 1 flow run per submission"
    return f"(b) ozgflow, {workers} worker{'s' if workers != 1 else ''}"


def _run_phase(phase: str, workers: int | None, setup: phases.PhaseSetup) -> tuple[Any, dict[str, Any]]:
    if phase == "raw":
        return phases.run_raw(setup)
    if phase == "naive":
        return phases.run_naive_phase(setup)
    assert workers is not None
    if workers == 1:
        return phases.run_pipeline_in_process(setup)
    return phases.run_pipeline_processes(setup, workers)


@dataclass
class _RunContext:
    """What all phases of a run share."""

    options: BenchOptions
    registry: ConnectorRegistry
    workdir: Path
    simulator: SimulatorState
    simulator_url: str
    child_env: dict[str, str]
    progress: PhaseProgress


def _measure_phase(
    ctx: _RunContext, bench_db: scenario.BenchDatabase, phase: str, workers: int | None, count: int
) -> dict[str, Any]:
    """Fresh database, run the phase (which accepts ``count`` submissions once it is ready), measure, verify."""
    name = f"{bench_db.backend}-{phase}{workers or ''}"
    settings_kwargs = {
        "environment": "development",
        "data_dir": ctx.workdir / name,
        "database_url": bench_db.fresh(name),
        "efile_url": f"file://{ctx.workdir / name / 'efile'}",
        "allegro_url": ctx.simulator_url,
        "worker_poll_seconds": 0.05,
        **ctx.options.settings_overrides,
    }
    # encrypted like the platform: the workers build theirs from the same settings (same data_dir, same key)
    db = database_from_settings(Settings(_env_file=None, **settings_kwargs))  # type: ignore[call-arg]
    ctx.simulator.reset()
    ids: list[str] = []
    accept_seconds: list[float] = []

    def accept() -> None:
        begun = time.monotonic()
        ids.extend(scenario.accept_submissions(db, ctx.registry, count))
        accept_seconds.append(time.monotonic() - begun)

    setup = phases.PhaseSetup(
        db=db,
        registry=ctx.registry,
        settings_kwargs=settings_kwargs,
        accept=accept,
        timeout_seconds=ctx.options.timeout_seconds,
        child_env=ctx.child_env,
        progress=ctx.progress.begin(f"{bench_db.backend} {_label(phase, workers)}", count),
    )
    try:
        started, details = _run_phase(phase, workers, setup)
        stats = summarize(scenario.timings(db), started)
        verification = scenario.verify(db, ctx.simulator, ids)
    finally:
        db.dispose()
    ctx.progress.console.print(
        f"  done: {stats.completed}/{count} in {stats.seconds:.1f} s, "
        f"{stats.per_second:.1f}/s, checks {'ok' if verification.ok else 'FAILED'}"
    )
    return {
        "database": bench_db.backend,
        "phase": phase,
        "workers": workers,
        "label": _label(phase, workers),
        "stats": stats.as_dict(),
        "verification": verification.as_dict(),
        "accept_seconds": round(sum(accept_seconds), 3),
        "details": details,
    }


def _flush_prefect_logs() -> None:
    """Send the queued flow-run logs while the server is still up (otherwise they fail at exit)."""
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=15)


def run_benchmark(options: BenchOptions, console: Console | None = None) -> dict[str, Any]:
    """Run every phase on every database and return the report (see ``report.py`` for its shape)."""
    console = console or Console()
    registry = ConnectorRegistry.from_entry_points()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="ozgflow-bench-", dir=options.workdir) as tmp:
        workdir = Path(tmp)
        state = SimulatorState()
        with UvicornThread(create_simulator_app(state)) as sim, _prefect_api(options, workdir, console) as api:
            sim_url = sim.url
            prefect_url, prefect_how = api
            ctx = _RunContext(
                options=options,
                registry=registry,
                workdir=workdir,
                simulator=state,
                simulator_url=sim_url,
                child_env={"PREFECT_API_URL": prefect_url, **CHILD_LOGGING},
                progress=PhaseProgress(console),
            )
            for backend in options.databases:
                with scenario.BenchDatabase(backend, workdir, options.postgres_dsn) as bench_db:
                    for phase, workers, count in _phase_plan(options):
                        results.append(_measure_phase(ctx, bench_db, phase, workers, count))
            _flush_prefect_logs()
    settings = Settings(_env_file=None, **options.settings_overrides)  # type: ignore[call-arg]
    return {
        "command": options.command,
        "machine": machine(),
        "options": {
            "submissions": options.submissions,
            "databases": list(options.databases),
            "workers": list(options.workers),
            "naive_limit": options.naive_limit,
            "batch_size": settings.worker_batch_size,
            "concurrency": settings.worker_concurrency,
        },
        "prefect_server": prefect_how,
        "naive_mode": "in-process call of an async flow per submission (no deployment, no run_deployment)",
        "results": results,
        "ratios": ratios(results),
        "ok": all(r["verification"]["ok"] for r in results),
    }
