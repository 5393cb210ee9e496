"""`ozgflow benchmark` and `ozgflow loadtest`: measurements, registered on the app in main.py."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from services.cli.common import settings_or_exit as _settings


def benchmark(
    submissions: Annotated[int, typer.Option(min=1, help="Submissions per phase.")] = 200,
    database: Annotated[str, typer.Option(help="sqlite, postgresql or both.")] = "sqlite",
    postgres_dsn: Annotated[
        str, typer.Option(help="Admin DSN; a fresh database is created there and dropped after.")
    ] = "postgresql://postgres@127.0.0.1:5432/test",
    workers: Annotated[str, typer.Option(help="Worker counts for (b), comma-separated.")] = "1,2",
    naive_limit: Annotated[int, typer.Option(min=0, help="Run (c) on at most M submissions (0: all).")] = 100,
    prefect_api_url: Annotated[
        str | None, typer.Option(help="Use this Prefect server (default: start a temporary one).")
    ] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the report as JSON here.")] = None,
    timeout: Annotated[float, typer.Option(min=1, help="Upper bound per phase, in seconds.")] = 900.0,
) -> None:
    """Raw stages vs ozgflow's workers vs one flow run per submission, as ratios measured in one run."""
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")  # before Prefect is imported
    from services.bench.cli import run_from_cli

    raise typer.Exit(
        run_from_cli(
            submissions=submissions,
            database=database,
            postgres_dsn=postgres_dsn,
            workers=workers,
            naive_limit=naive_limit,
            prefect_api_url=prefect_api_url,
            json_path=json_path,
            timeout=timeout,
        )
    )


def loadtest(
    service: Annotated[str, typer.Argument(help="Service key, e.g. wba (GET /api/v1/services lists them).")],
    host: Annotated[
        str | None, typer.Option(help="Portal of a running stack (default: this configuration's, e.g. make run).")
    ] = None,
    start: Annotated[
        bool, typer.Option("--start", help="Start a fresh stack on free ports in OUT/stack, stop it after.")
    ] = False,
    users: Annotated[int, typer.Option(min=1, help="Concurrent simulated customers.")] = 20,
    spawn_rate: Annotated[float, typer.Option(min=0.01, help="Customers started per second.")] = 5.0,
    duration: Annotated[str, typer.Option(help="How long Locust runs: 60s, 5m, 1h.")] = "60s",
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder for report.json, report.html, Locust's files (default DATA_DIR/loadtests/SERVICE-TIME)."
        ),
    ] = None,
    think_time: Annotated[str, typer.Option(help="Think time between a customer's actions, MIN-MAX seconds.")] = "2-10",
    verbis_url: Annotated[
        str | None, typer.Option(help="VerBIS simulator that pushes placement offers (default: the configured one).")
    ] = None,
    customers: Annotated[
        str | None, typer.Option(help="Only these demo customers, comma-separated (e.g. a pilot jobcenter's).")
    ] = None,
    staff: Annotated[
        str | None,
        typer.Option(
            help="Staff working their inbox: these demo staff ids, comma-separated, or 'none' (default: any)."
        ),
    ] = None,
    drain: Annotated[
        float | None,
        typer.Option(min=0, help="Seconds to wait for open submissions after the run (default: the completion SLO)."),
    ] = None,
) -> None:
    """Load-test SERVICE with Locust and judge it against its SLOs in roadmap.yaml (exit 0 pass, 1 fail, 2 usage).

    Writes OUT/report.json and OUT/report.html and records a LoadTestRun, the evidence `ozgflow roadmap promote` needs.
    """
    from services.loadtest.cli import options_from_cli
    from services.loadtest.runner import run

    settings = _settings()
    options = options_from_cli(
        service=service, host=host, start=start, users=users, spawn_rate=spawn_rate, duration=duration, out=out,
        think_time=think_time, verbis_url=verbis_url, customers=customers, staff=staff, drain=drain,
        data_dir=settings.data_dir,
    )  # fmt: skip
    raise typer.Exit(run(options, settings))
