"""How times and durations read on the operator pages: German local time, short durations."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ZONE = "Europe/Berlin"


@cache
def local_zone() -> tzinfo:
    """German time where the zone database is installed, else UTC (labelled as such by ``zone_label``)."""
    try:
        return ZoneInfo(ZONE)
    except ZoneInfoNotFoundError:
        return UTC


def zone_label() -> str:
    return "deutscher Zeit" if local_zone() is not UTC else "UTC"


def timestamp(value: datetime | None, *, seconds: bool = True) -> str:
    if value is None:
        return "–"
    return value.astimezone(local_zone()).strftime("%d.%m.%Y %H:%M:%S" if seconds else "%d.%m.%Y %H:%M")


def clock(value: datetime, *, with_date: bool = False) -> str:
    local = value.astimezone(local_zone())
    return local.strftime("%d.%m. %H:%M") if with_date else local.strftime("%H:%M")


def duration(seconds: float | None) -> str:
    """``850 ms``, ``42 s``, ``7 min 3 s``, ``5 h 12 min``, ``3 d 4 h``."""
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s".replace(".", ",") if seconds < 10 else f"{seconds:.0f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.2f} %".replace(".", ",")


STATUS_LABELS = {
    "accepted": "angenommen, wartet",
    "processing": "in Bearbeitung",
    "retry_scheduled": "Wiederholung geplant",
    "completed": "abgeschlossen",
    "failed": "fehlgeschlagen",
}
"""Submission statuses (services/store/outbox.py, services/pipeline/runner.py)."""

STAGE_LABELS = {"intake": "Eingang", "efile": "E-Akte", "transfer": "Übergabe", "mailbox": "Postfach"}

STEP_LABELS = {"pending": "ausstehend", "running": "läuft", "succeeded": "erfolgreich", "failed": "fehlgeschlagen"}
"""Stage ledger statuses (services/store/ledger.py)."""

OUTBOX_LABELS = {"ready": "bereit", "leased": "in Arbeit (Lease)", "done": "erledigt", "dead": "Dead Letter"}

KIND_LABELS = {
    "any": "alle fehlgeschlagenen",
    "exhausted": "alle Versuche aufgebraucht",
    "permanent": "vorzeitig aufgegeben (endgültiger Fehler)",
}
"""Bulk retry filter (services/ops/retry.py)."""

SLO_LABELS = {"ok": "eingehalten", "breached": "verletzt", "no_data": "keine Daten"}
