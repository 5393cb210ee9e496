"""What part of the pipeline an operator is looking at: a service, a jobcenter, a time window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select

from services.store.models import Submission, utcnow

WINDOW_HOURS: tuple[int, ...] = (1, 6, 24, 72, 168)
"""The windows the dashboard offers; charts always have ``BUCKETS`` buckets, so their width follows."""
BUCKETS = 24

WAITING, PROCESSING, RETRY_SCHEDULED = "accepted", "processing", "retry_scheduled"
COMPLETED, FAILED = "completed", "failed"
OPEN_STATUSES: tuple[str, ...] = (WAITING, PROCESSING, RETRY_SCHEDULED)
"""Submission statuses the pipeline still owes an outcome (see services/store/outbox.py and pipeline/runner.py)."""


@dataclass(frozen=True)
class Scope:
    """A filter on service and jobcenter (None = all) plus the window that counts as "recent"."""

    service: str | None = None
    jobcenter_id: str | None = None
    hours: int = 24
    now: datetime | None = None

    @property
    def until(self) -> datetime:
        return self.now or utcnow()

    @property
    def since(self) -> datetime:
        return self.until - timedelta(hours=self.hours)

    @property
    def bucket_seconds(self) -> float:
        return self.hours * 3600 / BUCKETS

    def apply(self, statement: Select[Any]) -> Select[Any]:
        """Restrict a statement over ``submissions`` to this scope's service and jobcenter."""
        if self.service is not None:
            statement = statement.where(Submission.service == self.service)
        if self.jobcenter_id is not None:
            statement = statement.where(Submission.jobcenter_id == self.jobcenter_id)
        return statement
