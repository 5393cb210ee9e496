"""A jobcenter's own identity on pages and documents (principle 7), kept accessible.

Each jobcenter chooses its colours, but white text on its primary colour must still reach the 4.5:1 contrast
of WCAG 2.1 AA. Where identity is configured, ``colour_problems`` refuses a colour that fails, with a German
message saying what to choose; where identity is shown, ``brand_of`` falls back to an accessible default for a
colour that slipped through (older rows, hand-edited databases), so a customer never gets unreadable text.

The layout template repeats the same contrast check in Jinja for pages that pass a raw ``Jobcenter`` row as
``brand``; tests/info/test_branding.py keeps the two in agreement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from connectors.sdk import FieldProblem
from connectors.sdk.contract import DEFAULT_COLOUR_ACCENT, DEFAULT_COLOUR_PRIMARY
from services.store.models import Jobcenter

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = "#ffffff"
MIN_TEXT_CONTRAST = 4.5
"""WCAG 2.1 AA (1.4.3) for normal text: the header's white text sits on the primary colour."""

DEFAULT_PRIMARY = DEFAULT_COLOUR_PRIMARY
DEFAULT_ACCENT = DEFAULT_COLOUR_ACCENT


def is_hex_colour(value: object) -> bool:
    return isinstance(value, str) and HEX_COLOUR.fullmatch(value) is not None


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``; ValueError for anything else."""
    if not is_hex_colour(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio (1 … 21) between two ``#rrggbb`` colours."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def white_text_passes(colour: object) -> bool:
    return is_hex_colour(colour) and contrast_ratio(str(colour), WHITE) >= MIN_TEXT_CONTRAST


def accessible_primary(colour: object) -> str:
    """The colour itself (lower case) when white text on it reaches 4.5:1, else the accessible default."""
    return str(colour).lower() if white_text_passes(colour) else DEFAULT_PRIMARY


def accessible_accent(colour: object) -> str:
    """The accent only decorates (a stripe, a rule), never carries text: any valid colour is kept."""
    return str(colour).lower() if is_hex_colour(colour) else DEFAULT_ACCENT


def _ratio_text(ratio: float) -> str:
    return f"{ratio:.1f}".replace(".", ",")


def colour_problems(*, colour_primary: object, colour_accent: object) -> list[FieldProblem]:
    """What is wrong with a jobcenter's colours, for the place that configures or seeds them (empty: fine)."""
    problems: list[FieldProblem] = []
    if not is_hex_colour(colour_primary):
        problems.append(
            FieldProblem(
                "colour_primary", "invalid_colour", "Bitte die Hauptfarbe als Hex-Farbwert angeben, z. B. #1d4f91."
            )
        )
    elif not white_text_passes(colour_primary):
        ratio = contrast_ratio(str(colour_primary), WHITE)
        problems.append(
            FieldProblem(
                "colour_primary",
                "insufficient_contrast",
                f"Weiße Schrift auf der Hauptfarbe {colour_primary} hat nur einen Kontrast von {_ratio_text(ratio)}:1; "
                "nötig sind mindestens 4,5:1 (WCAG 2.1 AA). Bitte eine dunklere Hauptfarbe wählen.",
            )
        )
    if not is_hex_colour(colour_accent):
        problems.append(
            FieldProblem(
                "colour_accent", "invalid_colour", "Bitte die Akzentfarbe als Hex-Farbwert angeben, z. B. #e2001a."
            )
        )
    return problems


@dataclass(frozen=True)
class OpeningHours:
    """One line of opening hours, e.g. days "Mo, Di, Fr", hours "08:00–12:30"."""

    days: str
    hours: str


def opening_hours_of(value: Iterable[Any] | None) -> tuple[OpeningHours, ...]:
    """The stored JSON lines as values; malformed entries are skipped rather than shown half."""
    lines = []
    for entry in value or ():
        if isinstance(entry, dict) and isinstance(entry.get("days"), str) and isinstance(entry.get("hours"), str):
            lines.append(OpeningHours(days=entry["days"], hours=entry["hours"]))
    return tuple(lines)


@dataclass(frozen=True)
class Brand:
    """A jobcenter as it presents itself: what every page footer, PDF and letter shows.

    Same attribute names as the ``Jobcenter`` row, so templates take either as ``brand``; the colours here
    are already the accessible ones.
    """

    id: str
    name: str
    street: str
    postal_code: str
    city: str
    phone: str
    email: str
    website: str | None
    opening_hours: tuple[OpeningHours, ...]
    colour_primary: str
    colour_accent: str

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"


def _website(value: str | None) -> str | None:
    """Only web addresses become links (a ``javascript:`` value would run in the customer's browser)."""
    return value if value and value.startswith(("https://", "http://")) else None


def brand_of(jobcenter: Jobcenter) -> Brand:
    return Brand(
        id=jobcenter.id,
        name=jobcenter.name,
        street=jobcenter.street,
        postal_code=jobcenter.postal_code,
        city=jobcenter.city,
        phone=jobcenter.phone,
        email=jobcenter.email,
        website=_website(jobcenter.website),
        opening_hours=opening_hours_of(jobcenter.opening_hours),
        colour_primary=accessible_primary(jobcenter.colour_primary),
        colour_accent=accessible_accent(jobcenter.colour_accent),
    )
