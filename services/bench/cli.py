"""Turns the `ozgflow benchmark` options into a run and prints the report; the typer command in
services/cli/main.py only forwards to ``run_from_cli`` so the command line stays a thin shell."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import typer
from rich.console import Console

from services.bench.report import render, write_json
from services.bench.run import BenchOptions, run_benchmark


def parse_databases(value: str) -> tuple[str, ...]:
    choice = value.strip().lower()
    if choice == "both":
        return ("sqlite", "postgresql")
    if choice in ("sqlite", "postgresql"):
        return (choice,)
    raise typer.BadParameter("--database must be sqlite, postgresql or both")


def parse_workers(value: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise typer.BadParameter("--workers takes comma-separated counts, e.g. 1,2") from None
    if not counts or any(c < 1 for c in counts):
        raise typer.BadParameter("--workers takes counts of at least 1, e.g. 1,2")
    return counts


def run_from_cli(
    *,
    submissions: int,
    database: str,
    postgres_dsn: str,
    workers: str,
    naive_limit: int,
    prefect_api_url: str | None,
    json_path: Path | None,
    timeout: float,
) -> int:
    """Run, print table and ratios, write JSON; exit code 1 when any phase lost or duplicated work."""
    console = Console(width=None if sys.stdout.isatty() else 150)  # a log file gets the whole table
    options = BenchOptions(
        submissions=submissions,
        databases=parse_databases(database),
        postgres_dsn=postgres_dsn,
        workers=parse_workers(workers),
        naive_limit=naive_limit or None,
        prefect_api_url=prefect_api_url,
        timeout_seconds=timeout,
        command=shlex.join(["ozgflow", *sys.argv[1:]]),
    )
    report = run_benchmark(options, console)
    render(report, console)
    if json_path is not None:
        write_json(report, json_path)
        console.print(f"JSON report written to {json_path}")
    if not report["ok"]:
        console.print("[red]some phase did not complete every submission exactly once (see 'checks')[/red]")
        return 1
    return 0
