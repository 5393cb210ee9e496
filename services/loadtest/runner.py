"""`ozgflow loadtest SERVICE`: start or find the stack, run Locust, collect, judge, report, record.

Exit codes: 0 the SLOs are met, 1 they are not (or the run could not be carried out), 2 usage errors
(unknown service, bad option, unreachable host, invalid roadmap).
"""

from __future__ import annotations

import importlib.util
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from services.loadtest import completion as completion_mod
from services.loadtest import metrics
from services.loadtest.locust_process import LOCUSTFILE, LocustFailed, LocustRun, run_locust
from services.loadtest.record import record_run
from services.loadtest.report import build_report, print_verdict, write_report
from services.loadtest.slo import Slo, check_slos, slo_for, verdict
from services.loadtest.stack import StartedStack, new_stack
from services.settings import Settings


class UsageError(Exception):
    """Exit 2 with this message."""


@dataclass(frozen=True)
class Options:
    service: str
    host: str | None
    start: bool
    users: int
    spawn_rate: float
    duration_s: int
    out: Path
    think: tuple[float, float]
    verbis_url: str | None = None
    customers: tuple[str, ...] = ()
    drain_s: float | None = None
    staff: tuple[str, ...] = ()
    """Demo staff working their inbox during the run; ('none',) for none, empty for any."""


def _locust_available() -> None:
    """Checked without importing locust (its gevent patching must stay out of this process)."""
    if importlib.util.find_spec("locust") is None:
        raise UsageError("Locust is not installed: pip install -e '.[dev]' (or pip install locust).")
    if not LOCUSTFILE.exists():
        raise UsageError(f"The scenarios are not here: {LOCUSTFILE} (run from a checkout of ozgflow).")


def _connector_version(service: str) -> str:
    from connectors.sdk.registry import ConnectorRegistry

    registry = ConnectorRegistry.from_entry_points()
    if service not in registry:
        raise UsageError(f"Unknown service '{service}'. Installed: {', '.join(registry.keys())}.")
    return registry.get(service).version


def _slo(service: str, settings: Settings) -> Slo:
    from roadmap.errors import RoadmapError

    try:
        slo = slo_for(service, settings.roadmap_path)
    except RoadmapError as exc:
        raise UsageError(str(exc)) from None
    if slo.source == "default":
        typer.secho(f"'{service}' is not in roadmap.yaml: using the default SLOs {slo.as_dict()}", fg="yellow")
    return slo


def _reachable(host: str) -> None:
    try:
        httpx.get(f"{host.rstrip('/')}/healthz", timeout=5.0).raise_for_status()
    except httpx.HTTPError as exc:
        raise UsageError(f"No ozgflow portal answers at {host} ({exc}); start one (make run) or use --start.") from None


def run(options: Options, settings: Settings) -> int:
    try:
        return _run(options, settings)
    except UsageError as exc:
        typer.secho(str(exc), fg="red", err=True)
        return 2


def _run(options: Options, settings: Settings) -> int:
    if options.host and options.start:
        raise UsageError("Use either --host URL (a running stack) or --start (a new one), not both.")
    _locust_available()
    version = _connector_version(options.service)
    slo = _slo(options.service, settings)
    out = options.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    stack: StartedStack | None = None
    try:
        if options.start:
            stack = new_stack(out, settings)
            typer.echo(f"starting a platform in {stack.data_dir} …")
            try:
                stack.start()
            except RuntimeError as exc:
                typer.secho(str(exc), fg="red", err=True)
                return 1
            host, verbis, database_url = (
                stack.host,
                stack.settings.resolved_verbis_url,
                stack.settings.resolved_database_url,
            )
        else:
            host = (options.host or settings.resolved_public_url).rstrip("/")
            verbis, database_url = settings.resolved_verbis_url, settings.resolved_database_url
            _reachable(host)
        return _measure(options, version, slo, out, host, options.verbis_url or verbis, database_url)
    finally:
        if stack is not None:
            stack.stop()


def _measure(options: Options, version: str, slo: Slo, out: Path, host: str, verbis: str, database_url: str) -> int:
    locust = LocustRun(
        service=options.service, host=host, users=options.users, spawn_rate=options.spawn_rate,
        duration_s=options.duration_s, out=out, verbis_url=verbis, think=options.think, customers=options.customers,
        staff=options.staff,
    )  # fmt: skip
    started_at = datetime.now(UTC)
    try:
        stats_path = run_locust(locust)
    except LocustFailed as exc:
        typer.secho(str(exc), fg="red", err=True)
        return 1
    entries = json.loads(stats_path.read_text(encoding="utf-8"))
    filed = completion_mod.read_ledger(locust.ledger)
    drain = options.drain_s if options.drain_s is not None else slo.completion_p95_s
    typer.echo(f"collecting completion times of {len(filed)} submissions (waiting at most {drain:.0f} s) …")
    done = completion_mod.collect(host, filed, drain_s=drain)
    accept = metrics.accept_stats(entries, options.service)
    if accept.requests == 0:
        typer.secho(f"Nothing was filed: see {out / 'locust.log'} and {out / 'locust_exceptions.csv'}", fg="yellow")
    totals = metrics.error_rate(entries)
    checks = check_slos(slo, accept, totals[2], done)
    report = build_report(
        run_id=str(uuid.uuid4()), service=options.service, version=version, target=host, started_at=started_at,
        finished_at=datetime.now(UTC), totals=totals, accept=accept, completion=done,
        endpoints=metrics.endpoint_stats(entries), slo=slo, checks=checks, verdict=verdict(checks),
        parameters={"users": options.users, "spawn_rate": options.spawn_rate, "duration_s": options.duration_s,
                    "think_time_s": list(options.think), "start": options.start},
        files={"json": str(out / "report.json"), "html": str(out / "report.html"), "locust_html": str(locust.html),
               "locust_stats": str(stats_path), "submissions": str(locust.ledger)},
    )  # fmt: skip
    write_report(report, out)
    print_verdict(report)
    try:
        record_run(database_url, report)
    except SQLAlchemyError as exc:  # without the row a promotion finds no evidence: not a pass
        typer.secho(f"Could not record the run in {make_url(database_url)!r} (ozgflow db upgrade?): {exc}", fg="red")
        return 1
    return 0 if report["verdict"] == "pass" else 1
