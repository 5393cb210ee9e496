"""Charts as inline SVG, drawn on the server: no JavaScript, no chart library, nothing from a CDN.

Each chart is an ``<svg role="img">`` with a title and a description that states the figures in words; the
page shows the same numbers in a table for screen readers and keyboard users. Series are told apart by colour
and by dash pattern, so they stay distinguishable in greyscale and for colour-blind readers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from services.ops.display import clock, duration
from services.ops.series import Series

WIDTH, HEIGHT = 720, 250
LEFT, RIGHT, TOP, BOTTOM = 84, 16, 34, 40
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
BLUE, ORANGE, RED, GRID = "#0b4a8b", "#a34700", "#a00000", "#c8c8c8"


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    values: Sequence[float | None]
    dash: str = ""


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k at or above ``value`` (an axis that ends on a round number)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= value)


def axis_top(value: float) -> float:
    """The top of a four-step axis whose every gridline is a round number (step 1, 2 or 5 × 10^k)."""
    return 4 * nice_ceiling(value / 4)


TIME_STEPS_S: tuple[float, ...] = (
    0.25,
    0.5,
    1,
    2,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    7200,
    21600,
    43200,
    86400,
)
"""Gridline steps of a time axis: steps that read as round durations (30 s, 2 min, 6 h …)."""


def time_axis_top(seconds: float) -> float:
    """The top of a four-step time axis with round gridlines (beyond a day: whole days)."""
    step = next((s for s in TIME_STEPS_S if 4 * s >= seconds), None)
    return 4 * (step if step is not None else 86400 * math.ceil(seconds / 4 / 86400))


def _time_label(seconds: float) -> str:
    return "0" if seconds == 0 else duration(seconds)


def _y(value: float, top: float) -> float:
    return TOP + PLOT_H - (value / top) * PLOT_H


def _frame(
    chart_id: str, title: str, description: str, top: float, label: Callable[[float], str], series: Series
) -> list[str]:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'class="chart" id="{chart_id}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
    ]
    for i in range(5):
        value = top * i / 4
        y = _y(value, top)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        text = label(value)
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12">{escape(text)}</text>')
    band = PLOT_W / len(series.buckets)
    with_date = series.scope.hours > 24
    for i, bucket in enumerate(series.buckets):
        if i % 4 == 0:
            x = LEFT + i * band
            stamp = escape(clock(bucket.start, with_date=with_date))
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP + PLOT_H}" y2="{TOP + PLOT_H + 5}" stroke="#555"/>')
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 18}" text-anchor="middle" font-size="12">{stamp}</text>')
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + PLOT_H}" y2="{TOP + PLOT_H}" stroke="#555"/>'
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + PLOT_H}" stroke="#555"/>'
    )
    return parts


def _legend(entries: Sequence[tuple[str, str, str]], *, bars: bool = False) -> str:
    """Swatches above the plot: bars as filled squares (outlined when ``dash`` is set), lines as strokes."""
    x, parts = LEFT, []
    for label, colour, dash in entries:
        if bars:
            parts.append(f'<rect x="{x}" y="6" width="16" height="14" {_bar_style(colour, outlined=bool(dash))}/>')
        else:
            dashing = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<line x1="{x}" x2="{x + 24}" y1="14" y2="14" stroke="{colour}" stroke-width="3"{dashing}/>')
        parts.append(f'<text x="{x + 30}" y="18" font-size="13">{escape(label)}</text>')
        x += 40 + 8 * len(label)
    return "".join(parts)


def _bar_style(colour: str, *, outlined: bool) -> str:
    """Solid, or light with a strong outline: two series readable without colour."""
    if outlined:
        return f'fill="{colour}" fill-opacity="0.35" stroke="{colour}" stroke-width="1.5"'
    return f'fill="{colour}"'


def throughput_chart(series: Series, chart_id: str = "chart-throughput") -> str:
    """Accepted and completed submissions per bucket, as paired bars."""
    accepted = [b.accepted for b in series.buckets]
    completed = [b.completed for b in series.buckets]
    top = axis_top(max([*accepted, *completed, 4]))
    per = duration(series.bucket_seconds)
    description = (
        f"Je {per}: eingegangen insgesamt {sum(accepted)}, abgeschlossen insgesamt {sum(completed)}; "
        f"höchstens {max(accepted)} eingegangen und {max(completed)} abgeschlossen in einem Abschnitt."
    )
    parts = _frame(chart_id, f"Durchsatz je {per}", description, top, lambda v: f"{v:.0f}", series)
    band = PLOT_W / len(series.buckets)
    bar = band * 0.38
    for i, (a, c) in enumerate(zip(accepted, completed, strict=True)):
        x = LEFT + i * band + band * 0.1
        for offset, value, colour, outlined in ((0.0, a, BLUE, False), (bar, c, ORANGE, True)):
            if value:
                y = _y(value, top)
                parts.append(
                    f'<rect x="{x + offset:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{TOP + PLOT_H - y:.1f}" '
                    f"{_bar_style(colour, outlined=outlined)}/>"
                )
    parts.append(_legend([("eingegangen", BLUE, ""), ("abgeschlossen", ORANGE, "outlined")], bars=True))
    parts.append("</svg>")
    return "".join(parts)


def _polyline(line: Line, top: float, band: float) -> list[str]:
    """Contiguous runs of values as polylines (gaps where a bucket has no data), each point marked."""
    parts, run = [], []
    dashing = f' stroke-dasharray="{line.dash}"' if line.dash else ""
    for i, value in enumerate([*line.values, None]):
        if value is not None:
            x = LEFT + (i + 0.5) * band
            y = _y(min(value, top), top)
            run.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{line.colour}"/>')
        elif run:
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="{line.colour}" stroke-width="2.5"{dashing}/>'
            )
            run = []
    return parts


def latency_chart(series: Series, target_s: float | None = None, chart_id: str = "chart-latency") -> str:
    """Completion latency (accepted → completed) p50 and p95 per bucket, with the SLO target if one applies."""
    p50 = [b.latency_p50_s for b in series.buckets]
    p95 = [b.latency_p95_s for b in series.buckets]
    measured = [v for v in (*p50, *p95) if v is not None]
    top = time_axis_top(max([*measured, target_s or 0.0, 1.0]))
    worst = duration(max(measured)) if measured else "–"
    description = (
        f"Laufzeit vom Eingang bis zum Abschluss je {duration(series.bucket_seconds)}: "
        f"{len([v for v in p95 if v is not None])} Abschnitte mit Abschlüssen, höchstes p95 {worst}"
        + (f", Ziel (SLO) p95 höchstens {duration(target_s)}." if target_s else ".")
    )
    parts = _frame(chart_id, "Laufzeit bis zum Abschluss (p50, p95)", description, top, _time_label, series)
    band = PLOT_W / len(series.buckets)
    legend = [("p50", BLUE, ""), ("p95", ORANGE, "6 3")]
    if target_s:
        y = _y(target_s, top)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{RED}" stroke-width="2" '
            f'stroke-dasharray="2 3"/>'
        )
        legend.append(("Ziel p95", RED, "2 3"))
    for line in (Line("p50", BLUE, p50), Line("p95", ORANGE, p95, "6 3")):
        parts.extend(_polyline(line, top, band))
    parts.append(_legend(legend))
    parts.append("</svg>")
    return "".join(parts)
