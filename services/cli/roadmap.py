"""`ozgflow roadmap …`: check the plan, show the rollout matrix, promote or demote a service at a jobcenter.

Exit codes: 0 done, 2 refused or invalid (a script can tell "the gate said no" from a crash).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from connectors.sdk.registry import ConnectorRegistry
from roadmap.check import check_against
from roadmap.errors import RoadmapError
from roadmap.model import Roadmap, RolloutState, load_roadmap
from services.settings import Settings

roadmap_app = typer.Typer(help="OZG roadmap: stages, maturity, rollout per jobcenter, load-test gates.")


def _settings() -> Settings:
    from services.cli.common import settings_or_exit as settings

    return settings()


def _roadmap(settings: Settings) -> Roadmap:
    try:
        return load_roadmap(settings.roadmap_path)
    except RoadmapError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None


@roadmap_app.command("check")
def check() -> None:
    """Validate roadmap.yaml and compare it with the installed connectors (exit 2 on errors)."""
    settings = _settings()
    roadmap = _roadmap(settings)
    report = check_against(
        roadmap, ConnectorRegistry.from_entry_points(), unlisted=settings.resolved_rollout_default_unlisted
    )
    for warning in report.warnings:
        typer.secho(f"warning: {warning}", fg="yellow")
    for error in report.errors:
        typer.secho(f"error: {error}", fg="red", err=True)
    if report.errors:
        raise typer.Exit(2)
    typer.echo(f"roadmap ok: {len(roadmap.stages)} stages, {len(roadmap.services)} services")


@roadmap_app.command("status")
def status() -> None:
    """Print the matrix: service × stage × maturity × rollout per jobcenter × last load test."""
    from services.rollout.matrix import build_matrix
    from services.store.db import database_from_settings

    settings = _settings()
    roadmap = _roadmap(settings)
    registry = ConnectorRegistry.from_entry_points()
    with database_from_settings(settings).session() as session:
        matrix = build_matrix(
            session,
            roadmap=roadmap,
            registry=registry,
            unlisted=RolloutState(settings.resolved_rollout_default_unlisted),
        )
    table = Table(title="OZG roadmap and rollout")
    for column in ("service", "stage", "maturity", "version"):
        table.add_column(column)
    for _, name in matrix.jobcenters:
        table.add_column(name)
    table.add_column("last load test")
    for row in matrix.rows:
        table.add_row(
            row.service,
            "–" if row.stage is None else str(row.stage),
            "–" if row.maturity is None else str(row.maturity),
            row.version or "planned",
            *(state.value for state in row.states),
            row.load_test.label if row.load_test else "none",
        )
    Console(width=None if typer.get_text_stream("stdout").isatty() else 200).print(table)


@roadmap_app.command("promote")
def promote(
    service: str,
    jobcenter: Annotated[str, typer.Option("--jobcenter", help="Jobcenter id, e.g. jc-leipzig.")],
    to: Annotated[RolloutState, typer.Option("--to", help="Target state: off, pilot or live.")],
    by: Annotated[str | None, typer.Option("--by", help="Who decides (default: $USER).")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why, for the record.")] = None,
) -> None:
    """Move SERVICE at one jobcenter to a rollout state; promotions need a passing load test."""
    import getpass

    from services.rollout import RolloutRefused
    from services.rollout import promote as promote_service
    from services.store.db import database_from_settings

    settings = _settings()
    roadmap = _roadmap(settings)
    with database_from_settings(settings).session() as session:
        try:
            change = promote_service(
                session,
                roadmap=roadmap,
                registry=ConnectorRegistry.from_entry_points(),
                service=service,
                jobcenter_id=jobcenter,
                to_state=to,
                changed_by=by or getpass.getuser(),
                reason=reason,
                unlisted=RolloutState(settings.resolved_rollout_default_unlisted),
            )
        except RolloutRefused as exc:
            typer.secho(f"refused ({exc.code}): {exc.message}", fg="red", err=True)
            raise typer.Exit(2) from None
        evidence = f", load test {change.load_test_run_id}" if change.load_test_run_id else ""
        typer.echo(
            f"{service} at {jobcenter}: {change.from_state} → {change.to_state} by {change.changed_by}{evidence}"
        )
