"""`ozgflow db …` and `ozgflow demo …`: the schema and the demo data."""

from __future__ import annotations

import typer

from services.cli.common import settings_or_exit as _settings

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data for the embedded platform.", no_args_is_help=True)


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
    from services.store.db import database_from_settings

    db = database_from_settings(_settings())
    with db.session() as session:
        counts = seed_demo_data(session)
    jobcenters, customers, staff = counts["jobcenters"], counts["customers"], counts["staff"]
    typer.echo(f"demo data: {jobcenters} jobcenters, {customers} customers, {staff} staff members")
