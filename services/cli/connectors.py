"""`ozgflow connector new NAME`: scaffold a connector package."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

connector_app = typer.Typer(help="Connector packages (one OZG service each).", no_args_is_help=True)


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
