"""Load-test evidence: the passing ``LoadTestRun`` of a service's current connector version.

A promotion points at evidence for exactly the version that will serve customers; a pass of an older
version says nothing about the code now installed.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.store.models import LoadTestRun

PASS = "pass"


def _newest_first():  # noqa: ANN202 - a column expression list
    return (func.coalesce(LoadTestRun.finished_at, LoadTestRun.started_at).desc(), LoadTestRun.id.desc())


def passing_run(session: Session, *, service: str, version: str) -> LoadTestRun | None:
    """The newest passing run of this service version, or None."""
    return session.scalar(
        select(LoadTestRun)
        .where(LoadTestRun.service == service, LoadTestRun.service_version == version, LoadTestRun.verdict == PASS)
        .order_by(*_newest_first())
        .limit(1)
    )


def latest_runs(session: Session) -> dict[str, LoadTestRun]:
    """The newest run (any verdict) per service, for the status matrix."""
    newest = select(
        LoadTestRun.id,
        func.row_number().over(partition_by=LoadTestRun.service, order_by=_newest_first()).label("rank"),
    ).subquery()
    rows = session.scalars(select(LoadTestRun).join(newest, newest.c.id == LoadTestRun.id).where(newest.c.rank == 1))
    return {run.service: run for run in rows}
