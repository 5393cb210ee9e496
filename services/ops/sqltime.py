"""Time arithmetic in SQL that works on SQLite and PostgreSQL alike, so aggregation stays in the database.

SQLite keeps our UTC timestamps as text and has neither ``extract(epoch …)`` nor (in every build) ``floor``;
PostgreSQL rounds when casting to integer. These helpers hide both differences.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, Integer, cast, extract, func
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

_UNIX_EPOCH_JULIAN_DAY = 2440587.5


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def epoch_seconds(dialect: str, column: Any) -> ColumnElement[float]:
    """Seconds since 1970 of a UTC timestamp column."""
    if dialect == "postgresql":
        return cast(extract("epoch", column), Float)
    return (func.julianday(column) - _UNIX_EPOCH_JULIAN_DAY) * 86400.0


def seconds_between(dialect: str, start: Any, end: Any) -> ColumnElement[float]:
    return epoch_seconds(dialect, end) - epoch_seconds(dialect, start)


def bucket_index(dialect: str, column: Any, *, since: datetime, bucket_seconds: float) -> ColumnElement[int]:
    """Which fixed-width bucket after ``since`` a timestamp falls into (0, 1, …); rows before ``since`` must be
    filtered out by the caller (a cast truncates towards zero)."""
    offset = (epoch_seconds(dialect, column) - since.timestamp()) / bucket_seconds
    if dialect == "postgresql":
        return cast(func.floor(offset), Integer)
    return cast(offset, Integer)


def nearest_rank(count: Any, percent: int) -> ColumnElement[int]:
    """The rank of the ``percent``-th percentile among ``count`` ordered values: ceil(percent/100 · count),
    in integer arithmetic (identical on both backends)."""
    return (count * percent + 99) // 100
