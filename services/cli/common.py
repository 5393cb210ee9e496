"""What every command needs: the settings, or a clear message instead of a traceback."""

from __future__ import annotations

import typer

from services.settings import Settings


def settings_or_exit() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's message names the setting and what is wrong
        typer.secho(f"Invalid configuration: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
