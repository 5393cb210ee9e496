"""Every metric ozgflow records, in one place, with the only attributes they may carry: service and jobcenter
(plus stage and outcome where the metric is about a stage). No customer ids, names or content.

| metric | kind | attributes |
|---|---|---|
| ozgflow.submissions.accepted | counter | service |
| ozgflow.stage.in_flight | up-down counter | service, jobcenter, stage |
| ozgflow.stage.duration | histogram (s) | service, jobcenter, stage, outcome |
| ozgflow.stage.failures | counter | service, jobcenter, stage |
| ozgflow.submission.retries | counter | service, jobcenter |
| ozgflow.outbox.backlog_age | gauge (s) | service, jobcenter |
| ozgflow.outbox.backlog_size | gauge | service, jobcenter |
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from opentelemetry.metrics import CallbackOptions, Meter, Observation

from services.telemetry.attributes import METRIC_OUTCOME, METRIC_STAGE, metric_attributes

if TYPE_CHECKING:  # the store is imported only by the processes that watch the backlog (workers)
    from services.telemetry.backlog import BacklogGroup

log = logging.getLogger("ozgflow.telemetry")

STAGE_DURATION_BUCKETS: Sequence[float] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
"""Seconds: from a skipped stage (milliseconds) to a hand-over that waits out its back-off (minutes)."""

BacklogSource = Callable[[], "Sequence[BacklogGroup]"]


class PipelineMetrics:
    """The instruments, created once per meter provider; the pipeline and the portal call the methods."""

    def __init__(self, meter: Meter) -> None:
        self._accepted = meter.create_counter(
            "ozgflow.submissions.accepted", unit="{submission}", description="Submissions accepted (202) by the portal."
        )
        self._in_flight = meter.create_up_down_counter(
            "ozgflow.stage.in_flight", unit="{submission}", description="Submissions currently in a stage."
        )
        self._duration = meter.create_histogram(
            "ozgflow.stage.duration",
            unit="s",
            description="Duration of one stage of one submission (outcome succeeded, skipped or failed).",
            explicit_bucket_boundaries_advisory=STAGE_DURATION_BUCKETS,
        )
        self._failures = meter.create_counter(
            "ozgflow.stage.failures", unit="{failure}", description="Failed stage attempts."
        )
        self._retries = meter.create_counter(
            "ozgflow.submission.retries", unit="{retry}", description="Pipeline attempts rescheduled for a retry."
        )
        self._backlog_source: BacklogSource | None = None
        meter.create_observable_gauge(
            "ozgflow.outbox.backlog_age",
            callbacks=[self._observe_backlog_age],
            unit="s",
            description="How long the oldest claimable outbox entry has waited.",
        )
        meter.create_observable_gauge(
            "ozgflow.outbox.backlog_size",
            callbacks=[self._observe_backlog_size],
            unit="{submission}",
            description="Claimable outbox entries (waiting for a worker).",
        )

    def submission_accepted(self, service: str) -> None:
        self._accepted.add(1, metric_attributes(service))

    def stage_entered(self, service: str, jobcenter: str | None, stage: str) -> None:
        self._in_flight.add(1, metric_attributes(service, jobcenter, **{METRIC_STAGE: stage}))

    def stage_left(
        self,
        service: str,
        jobcenter_at_entry: str | None,
        jobcenter: str | None,
        stage: str,
        *,
        outcome: str,
        seconds: float,
    ) -> None:
        """The stage ended; in-flight goes down with the attributes it went up with (the jobcenter may be new)."""
        self._in_flight.add(-1, metric_attributes(service, jobcenter_at_entry, **{METRIC_STAGE: stage}))
        self._duration.record(
            seconds, metric_attributes(service, jobcenter, **{METRIC_STAGE: stage, METRIC_OUTCOME: outcome})
        )
        if outcome == "failed":
            self._failures.add(1, metric_attributes(service, jobcenter, **{METRIC_STAGE: stage}))

    def retry_scheduled(self, service: str, jobcenter: str | None) -> None:
        self._retries.add(1, metric_attributes(service, jobcenter))

    def watch_backlog(self, source: BacklogSource) -> None:
        """Report the backlog gauges from ``source`` (the workers do; a query per collection, e.g. every 60 s)."""
        self._backlog_source = source

    def _backlog(self) -> Sequence[BacklogGroup]:
        if self._backlog_source is None:
            return ()
        try:
            return self._backlog_source()
        except Exception as exc:  # a database hiccup must not break the metric export of everything else
            log.warning("backlog gauge: %s", type(exc).__name__)
            return ()

    def _observe_backlog_age(self, options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(g.oldest_age_seconds, metric_attributes(g.service, g.jobcenter)) for g in self._backlog()]

    def _observe_backlog_size(self, options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(g.size, metric_attributes(g.service, g.jobcenter)) for g in self._backlog()]
