"""The portal's one Jinja2 environment for server-rendered pages (autoescaping on)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape


@cache
def templates() -> Environment:
    return Environment(
        loader=PackageLoader("services.portal", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml", "j2")),
    )
