"""The `ozgflow` command line."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Annotated

import typer

from services.cli.audit import audit_app
from services.cli.common import settings_or_exit as _settings
from services.cli.connectors import connector_app
from services.cli.data import db_app, demo_app
from services.cli.keys import keys_app
from services.cli.measure import benchmark, loadtest
from services.cli.receipts import receipt_app
from services.cli.roadmap import roadmap_app

app = typer.Typer(
    help="ozgflow: Jobcenter online services (SGB II) under the OZG.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(connector_app, name="connector")
app.add_typer(demo_app, name="demo")
app.add_typer(keys_app, name="keys")
app.add_typer(roadmap_app, name="roadmap")
app.add_typer(receipt_app, name="receipt")


@app.command()
def token(
    customer_id: Annotated[str | None, typer.Argument(help="Demo customer, e.g. kd-1001.")] = None,
    operator: Annotated[bool, typer.Option("--operator", help="An operator token (ops pages) instead.")] = False,
    staff: Annotated[
        str | None, typer.Option("--staff", help="A jobcenter staff member's token, e.g. --staff sb-berlin-1.")
    ] = None,
    trust_level: Annotated[
        str,
        typer.Option(
            "--trust-level",
            help="A customer's sign-in level: low (password: no address or bank changes), substantial (eID), high.",
        ),
    ] = "substantial",
) -> None:
    """Print a development bearer token for a demo customer, a staff member or an operator (development only)."""
    from connectors.sdk.trust import TrustLevel
    from services.identity.dev_issuer import dev_issuer_for
    from services.store.db import database_from_settings
    from services.store.models import Customer, StaffMember

    settings = _settings()
    if not settings.dev_mode or settings.auth_jwks_url:
        typer.secho("Tokens can only be minted by the embedded issuer in development mode.", fg="red", err=True)
        raise typer.Exit(2)
    if operator:
        from services.portal.routes.dev import DEV_OPERATOR

        typer.echo(dev_issuer_for(settings).mint(DEV_OPERATOR, roles=["operator"]))
        return
    if staff is not None:
        from services.portal.routes.dev import staff_token_claims

        with database_from_settings(settings).session() as session:
            member = session.get(StaffMember, staff)
            if member is None:
                typer.secho(f"Unknown staff member '{staff}'. GET /api/v1/dev/staff lists them.", fg="red", err=True)
                raise typer.Exit(1)
            claims = staff_token_claims(member)
        typer.echo(dev_issuer_for(settings).mint(staff, roles=["staff"], extra=claims))
        return
    if customer_id is None:
        typer.secho("Name a demo customer (e.g. kd-1001), --staff ID or --operator.", fg="red", err=True)
        raise typer.Exit(2)
    with database_from_settings(settings).session() as session:
        if session.get(Customer, customer_id) is None:
            typer.secho(
                f"Unknown customer '{customer_id}'. GET /api/v1/dev/customers lists the demo customers.",
                fg="red",
                err=True,
            )
            raise typer.Exit(1)
    if trust_level not in {level.key for level in TrustLevel}:
        typer.secho("--trust-level must be low, substantial or high.", fg="red", err=True)
        raise typer.Exit(2)
    level = TrustLevel.from_key(trust_level)
    typer.echo(dev_issuer_for(settings).mint(customer_id, roles=["customer"], trust_level=level))


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

    from services.telemetry import telemetry_from_settings
    from services.transfer.placement_simulator import OfferPusher, create_simulator_process_app
    from services.transfer.simulator import Faults, SimulatorState

    settings = _settings()
    state = SimulatorState(faults=Faults(error_rate=error_rate, latency_ms=latency_ms, outage=outage))
    pusher = OfferPusher(
        push_url or settings.resolved_simulator_push_url, push_api_key or settings.inbound_api_keys.get("verbis")
    )
    app_ = create_simulator_process_app(
        state, pusher=pusher, telemetry=telemetry_from_settings(settings, component="simulator")
    )
    uvicorn.run(app_, host=settings.host, port=port or settings.simulator_port, log_level="warning")


@app.command()
def worker() -> None:
    """Run one pipeline worker until interrupted."""
    from flows.worker import run_until_signalled, worker_from_settings

    settings = _settings()
    os.environ.setdefault("PREFECT_API_URL", settings.prefect_api_url)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    run_until_signalled(worker_from_settings(settings))


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


app.command()(benchmark)
app.command()(loadtest)


if __name__ == "__main__":
    app()
