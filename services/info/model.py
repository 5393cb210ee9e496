"""The shape of a public information page: a topic made of sections, in plain German.

Content is data rather than HTML so that every topic page shares one accessible template (headings in
order, tables with caption and scope) and tests can check the content itself (every linked online service
exists, every page has a summary and a legal basis).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """A small table; the first column of each row is its row header."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    """One ``<h2>`` section: a few short paragraphs, optionally a list of points and a table.

    ``services`` names online services (connector keys) that belong to this section; the page links each to
    the catalogue and leaves out any that are not installed.
    """

    heading: str
    paragraphs: tuple[str, ...] = ()
    points: tuple[str, ...] = ()
    table: Table | None = None
    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    summary: str
    """One sentence for the start page and the page's description."""
    sections: tuple[Section, ...]
    legal_basis: tuple[str, ...]
    """The paragraphs of law the page explains, e.g. "§ 22 SGB II" (for readers who want the source)."""

    @property
    def services(self) -> tuple[str, ...]:
        """Every online service the topic links to, in order of first mention."""
        return tuple(dict.fromkeys(key for section in self.sections for key in section.services))
