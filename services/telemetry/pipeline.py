"""Spans and metrics of the pipeline: one span per submission and attempt, a child span per stage.

Why the submission span's parent is the stored ``traceparent``: the accepting HTTP request ended long before a
worker claims the submission (that is the point of the outbox), so the trace context travels through the
database (``submissions.traceparent``). The worker's span continues it, and a submission's whole life — request,
every attempt, every stage, every hand-over try, the back-office system's answer — is one trace.

Failures are recorded by type and by the stage's safe reason (``services.pipeline.errors.safe_message``), never
with an exception's own message, which may echo form content.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from services.telemetry import attributes as attr
from services.telemetry.propagation import context_from_traceparent
from services.telemetry.setup import Telemetry

FAILED_OUTCOMES = frozenset({"failed", "retry_scheduled", "lease_lost"})


class SubmissionLike(Protocol):
    """What the pipeline knows about a submission it runs (``services.pipeline.runner.SubmissionRef``)."""

    @property
    def receipt_number(self) -> str: ...
    @property
    def service(self) -> str: ...
    @property
    def jobcenter_id(self) -> str | None: ...
    @property
    def traceparent(self) -> str | None: ...


def record_failure(span: Span, *, error_type: str, reason: str) -> None:
    """An exception event and error status that carry the error's type and its safe reason only."""
    span.add_event("exception", {"exception.type": error_type, "exception.message": reason})
    span.set_attribute("error.type", error_type)
    span.set_status(Status(StatusCode.ERROR, reason))


@dataclass
class StageScope:
    """One running stage: the caller reports how it ended; the scope closes span and metrics."""

    span: Span
    outcome: str = "failed"
    jobcenter: str | None = None

    def succeeded(self, outcome: str, *, flow_run_id: str | None, task_run_id: str | None) -> None:
        self.outcome = outcome
        self._prefect_ids(flow_run_id, task_run_id)

    def failed(self, *, error_type: str, reason: str, flow_run_id: str | None, task_run_id: str | None) -> None:
        self.outcome = "failed"
        self._prefect_ids(flow_run_id, task_run_id)
        record_failure(self.span, error_type=error_type, reason=reason)

    def _prefect_ids(self, flow_run_id: str | None, task_run_id: str | None) -> None:
        if flow_run_id:
            self.span.set_attribute(attr.FLOW_RUN_ID, flow_run_id)
        if task_run_id:
            self.span.set_attribute(attr.TASK_RUN_ID, task_run_id)


class PipelineTelemetry:
    """The pipeline's view of a ``Telemetry``: spans and metrics for submissions and stages."""

    def __init__(self, telemetry: Telemetry) -> None:
        self.telemetry = telemetry

    @property
    def enabled(self) -> bool:
        return self.telemetry.enabled

    @contextmanager
    def submission(
        self, ref: SubmissionLike, *, attempt: int, worker_id: str, flow_run_id: str | None
    ) -> Iterator[Span]:
        """The span of one attempt at one submission, current while the stages run (child of the request)."""
        attributes = attr.submission_attributes(
            receipt_number=ref.receipt_number, service=ref.service, jobcenter=ref.jobcenter_id, attempt=attempt
        )
        attributes[attr.WORKER_ID] = worker_id
        if flow_run_id:
            attributes[attr.FLOW_RUN_ID] = flow_run_id
        with self.telemetry.tracer.start_as_current_span(
            f"pipeline {ref.receipt_number}",
            context=context_from_traceparent(ref.traceparent),
            kind=SpanKind.CONSUMER,
            attributes=attributes,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            yield span

    def concluded(self, span: Span, ref: SubmissionLike, outcome: str | None) -> None:
        """The attempt's outcome on its span, and a retry counted when one was scheduled."""
        result = outcome or "lease_lost"
        span.set_attribute(attr.OUTCOME, result)
        if ref.jobcenter_id:
            span.set_attribute(attr.JOBCENTER, ref.jobcenter_id)
        if result in FAILED_OUTCOMES:
            span.set_status(Status(StatusCode.ERROR, result))
        if result == "retry_scheduled":
            self.telemetry.metrics.retry_scheduled(ref.service, ref.jobcenter_id)

    @contextmanager
    def stage(self, ref: SubmissionLike, stage: str, *, attempt: int) -> Iterator[StageScope]:
        """Span ``stage <name>`` (child of the submission's span), in-flight gauge and duration histogram."""
        attributes = attr.submission_attributes(
            receipt_number=ref.receipt_number, service=ref.service, jobcenter=ref.jobcenter_id, attempt=attempt
        )
        attributes[attr.STAGE] = stage
        metrics = self.telemetry.metrics
        entry_jobcenter = ref.jobcenter_id
        metrics.stage_entered(ref.service, entry_jobcenter, stage)
        started = time.perf_counter()
        with self.telemetry.tracer.start_as_current_span(
            f"stage {stage}", attributes=attributes, record_exception=False, set_status_on_exception=False
        ) as span:
            scope = StageScope(span=span, jobcenter=entry_jobcenter)
            try:
                yield scope
            finally:
                span.set_attribute(attr.OUTCOME, scope.outcome)
                if scope.jobcenter and scope.jobcenter != entry_jobcenter:
                    span.set_attribute(attr.JOBCENTER, scope.jobcenter)
                metrics.stage_left(
                    ref.service,
                    entry_jobcenter,
                    scope.jobcenter,
                    stage,
                    outcome=scope.outcome,
                    seconds=time.perf_counter() - started,
                )
