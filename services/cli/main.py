"""The `ozgflow` command line."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
from pathlib import Path
from typing import Annotated

import typer

from services.cli.roadmap import roadmap_app
from services.settings import Settings

app = typer.Typer(
    help="ozgflow: Jobcenter online services (SGB II) under the OZG.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data for the embedded platform.", no_args_is_help=True)
connector_app = typer.Typer(help="Connector packages (one OZG service each).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(connector_app, name="connector")
app.add_typer(demo_app, name="demo")
app.add_typer(roadmap_app, name="roadmap")


def _settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's message names the setting and what is wrong
        typer.secho(f"Invalid configuration: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the migrations up to REVISION (default: head)."""
    from services.store.migrate import upgrade

    settings = _settings()
    upgrade(settings.resolved_database_url, revision)
    typer.echo(f"database at {revision}")


@demo_app.command("seed")
def demo_seed() -> None:
    """Load the demo jobcenters and customers (idempotent)."""
    from services.demo.seed import seed_demo_data
    from services.store.db import Database

    db = Database(_settings().resolved_database_url)
    with db.session() as session:
        counts = seed_demo_data(session)
    typer.echo(f"demo data: {counts['jobcenters']} jobcenters, {counts['customers']} customers")


@app.command()
def token(
    customer_id: Annotated[str | None, typer.Argument(help="Demo customer, e.g. kd-1001.")] = None,
    operator: Annotated[bool, typer.Option("--operator", help="An operator token (ops pages) instead.")] = False,
) -> None:
    """Print a development bearer token for a demo customer or an operator (development mode only)."""
    from services.identity.dev_issuer import dev_issuer_for
    from services.store.db import Database
    from services.store.models import Customer

    settings = _settings()
    if not settings.dev_mode or settings.auth_jwks_url:
        typer.secho("Tokens can only be minted by the embedded issuer in development mode.", fg="red", err=True)
        raise typer.Exit(2)
    if operator:
        from services.portal.routes.dev import DEV_OPERATOR

        typer.echo(dev_issuer_for(settings).mint(DEV_OPERATOR, roles=["operator"]))
        return
    if customer_id is None:
        typer.secho("Name a demo customer (e.g. kd-1001) or pass --operator.", fg="red", err=True)
        raise typer.Exit(2)
    with Database(settings.resolved_database_url).session() as session:
        if session.get(Customer, customer_id) is None:
            typer.secho(
                f"Unknown customer '{customer_id}'. GET /api/v1/dev/customers lists the demo customers.",
                fg="red",
                err=True,
            )
            raise typer.Exit(1)
    typer.echo(dev_issuer_for(settings).mint(customer_id, roles=["customer"]))


@app.command()
def portal(
    host: Annotated[str | None, typer.Option()] = None, port: Annotated[int | None, typer.Option()] = None
) -> None:
    """Run the portal (FastAPI) alone."""
    import uvicorn

    from services.portal.app import create_app

    settings = _settings()
    uvicorn.run(
        create_app(settings), host=host or settings.host, port=port or settings.portal_port, log_level="warning"
    )


@app.command()
def simulator(
    port: Annotated[int | None, typer.Option(help="Port (default OZGFLOW_SIMULATOR_PORT).")] = None,
    error_rate: Annotated[float, typer.Option(min=0, max=1, help="Share of case requests answered 503.")] = 0.0,
    latency_ms: Annotated[int, typer.Option(min=0, help="Delay of every case request.")] = 0,
    outage: Annotated[bool, typer.Option(help="Start in an outage (every request 503).")] = False,
    push_url: Annotated[
        str | None, typer.Option(help="Where VerBIS pushes offers (default OZGFLOW_SIMULATOR_PUSH_URL).")
    ] = None,
    push_api_key: Annotated[
        str | None, typer.Option(help="VerBIS's API key for the push (default: 'verbis' in OZGFLOW_INBOUND_API_KEYS).")
    ] = None,
) -> None:
    """Run the back-office simulators: ALLEGRO at /, VerBIS under /verbis; faults at /_simulator/faults."""
    import uvicorn

    from services.transfer.placement_simulator import OfferPusher, create_simulator_process_app
    from services.transfer.simulator import Faults, SimulatorState

    settings = _settings()
    state = SimulatorState(faults=Faults(error_rate=error_rate, latency_ms=latency_ms, outage=outage))
    pusher = OfferPusher(
        push_url or settings.resolved_simulator_push_url, push_api_key or settings.inbound_api_keys.get("verbis")
    )
    app_ = create_simulator_process_app(state, pusher=pusher)
    uvicorn.run(app_, host=settings.host, port=port or settings.simulator_port, log_level="warning")


@app.command()
def worker() -> None:
    """Run one pipeline worker until interrupted."""
    from flows.worker import worker_from_settings

    settings = _settings()
    os.environ.setdefault("PREFECT_API_URL", settings.prefect_api_url)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    pipeline_worker = worker_from_settings(settings)

    async def _run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await pipeline_worker.run(stop)

    asyncio.run(_run())


@connector_app.command("new")
def connector_new(
    name: str,
    path: Annotated[Path | None, typer.Option(help="Target folder (default ./ozgflow-connector-NAME).")] = None,
    title: Annotated[str | None, typer.Option(help="German title of the service.")] = None,
) -> None:
    """Create an installable connector package NAME with form, checks, examples, tests and a load scenario."""
    from connectors.sdk.registry import ConnectorRegistry
    from services.cli.scaffold import ScaffoldError, names_for, scaffold

    try:
        names = names_for(name, title)
        target = path or Path(names.distribution)
        files = scaffold(names, target, taken=set(ConnectorRegistry.from_entry_points().keys()))
    except ScaffoldError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None
    for file in files:
        typer.echo(f"  created {file}")
    typer.echo(
        f"\nNext: pip install -e {target} && (cd {target} && pytest), then restart ozgflow: "
        f"'{names.key}' appears in GET /api/v1/services."
    )


@app.command()
def examples(service: str) -> None:
    """Print the example forms of SERVICE as JSON."""
    from connectors.sdk.registry import ConnectorRegistry, UnknownService

    try:
        connector = ConnectorRegistry.from_entry_points().get(service)
    except UnknownService:
        typer.secho(f"Unknown service '{service}'.", fg="red", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(connector.examples(), ensure_ascii=False, indent=2))


@app.command()
def up(
    database_url: Annotated[str | None, typer.Option(help="Database URL (default: SQLite in the data folder).")] = None,
    efile_url: Annotated[
        str | None, typer.Option(help="e-file store URL (default: file:// in the data folder).")
    ] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Project-local data folder (default .ozgflow).")] = None,
    prefect_database_url: Annotated[
        str | None, typer.Option(help="Database of the Prefect server (default: SQLite in the data folder).")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=32, help="Pipeline worker processes (default 1).")] = None,
) -> None:
    """Start the whole platform: Prefect server, simulator, portal, workers. Ctrl-C stops it.

    Embedded by default; the same stack on PostgreSQL and S3 is a matter of options (or OZGFLOW_* settings):
    ozgflow up --database-url postgresql+psycopg://… --prefect-database-url postgresql://… --efile-url s3://…
    """
    from services.cli.stack import run_stack

    given = {
        "database_url": database_url,
        "efile_url": efile_url,
        "data_dir": data_dir,
        "prefect_database_url": prefect_database_url,
        "workers": workers,
    }
    overrides = {k: v for k, v in given.items() if v is not None}
    settings = _settings().model_copy(update=overrides)
    raise typer.Exit(run_stack(settings))


@app.command()
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


@app.command()
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
        think_time=think_time, verbis_url=verbis_url, customers=customers, drain=drain, data_dir=settings.data_dir,
    )  # fmt: skip
    raise typer.Exit(run(options, settings))


if __name__ == "__main__":
    app()
