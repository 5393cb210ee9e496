"""Turning the command line into ``Options`` (bad values exit 2 with a message, like typer's own checks)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from services.loadtest.locust_process import parse_duration
from services.loadtest.runner import Options


def _usage(message: str) -> typer.Exit:
    typer.secho(message, fg="red", err=True)
    return typer.Exit(2)


def parse_think_time(text: str) -> tuple[float, float]:
    """'2-10' → (2.0, 10.0); a single number means a fixed think time."""
    low, _, high = text.partition("-")
    first, last = float(low), float(high or low)
    if first < 0 or last < first:
        raise ValueError("think time must be MIN-MAX seconds with 0 ≤ MIN ≤ MAX")
    return first, last


def default_out(service: str, data_dir: Path) -> Path:
    """A folder per run: the LoadTestRun rows point at their reports, so a later run must not overwrite them."""
    return data_dir / "loadtests" / f"{service}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"


def options_from_cli(
    *,
    service: str,
    host: str | None,
    start: bool,
    users: int,
    spawn_rate: float,
    duration: str,
    out: Path | None,
    think_time: str,
    verbis_url: str | None,
    customers: str | None,
    drain: float | None,
    staff: str | None = None,
    data_dir: Path = Path(".ozgflow"),
) -> Options:
    try:
        duration_s = parse_duration(duration)
    except ValueError as exc:
        raise _usage(f"--duration: {exc}") from None
    try:
        think = parse_think_time(think_time)
    except ValueError as exc:
        raise _usage(f"--think-time: {exc}") from None
    return Options(
        service=service,
        host=host,
        start=start,
        users=users,
        spawn_rate=spawn_rate,
        duration_s=duration_s,
        out=out or default_out(service, data_dir),
        think=think,
        verbis_url=verbis_url,
        customers=tuple(c.strip() for c in (customers or "").split(",") if c.strip()),
        staff=tuple(s.strip() for s in (staff or "").split(",") if s.strip()),
        drain_s=drain,
    )
