"""`ozgflow audit …`: check the audit log's hash chain."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from services.cli.common import settings_or_exit as _settings

audit_app = typer.Typer(help="The audit log (who accessed which personal data).", no_args_is_help=True)

_ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _anchor(value: str | None) -> tuple[int, str] | None:
    if value is None:
        return None
    match = _ANCHOR.fullmatch(value.strip())
    if match is None:
        typer.secho("--anchor must look like ID:HASH (the head printed by an earlier run).", fg="red", err=True)
        raise typer.Exit(2)
    return int(match.group(1)), match.group(2)


@audit_app.command("verify")
def verify(
    anchor: Annotated[
        str | None,
        typer.Option(help="ID:HASH of a head noted earlier outside the database; it must still be there unchanged."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, only the result.")] = False,
) -> None:
    """Verify every entry and link of the audit log. Exit 0 when intact; 1 naming the first broken entry."""
    from services.audit.verify import check_chain
    from services.store.db import database_from_settings

    expected = _anchor(anchor)
    shown = {"percent": -1}

    def progress(done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if not quiet and percent != shown["percent"]:
            shown["percent"] = percent
            typer.echo(f"\r{done}/{total} entries checked ({percent} %)", err=True, nl=False)

    db = database_from_settings(_settings())
    try:
        with db.session() as session:
            report = check_chain(session, anchor=expected, progress=progress)
    finally:
        db.dispose()
    if shown["percent"] >= 0:
        typer.echo("", err=True)
    if report.broken is not None:
        typer.secho(
            f"audit log BROKEN at entry {report.broken.entry_id}: {report.broken.reason} "
            f"({report.checked} entries before it verified)",
            fg="red",
            err=True,
        )
        raise typer.Exit(1)
    if report.head_id is None:
        typer.echo("audit log intact: no entries")
        return
    pruned = ", oldest entries removed by retention" if report.pruned else ""
    typer.echo(f"audit log intact: {report.checked} entries, ids {report.first_id}-{report.head_id}{pruned}")
    typer.echo(f"head (note it as --anchor for later runs): {report.head_id}:{report.head_hash}")
