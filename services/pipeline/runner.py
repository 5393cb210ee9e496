"""Runs stages against the ledger and concludes each submission's attempt.

A stage already recorded as succeeded is skipped; an attempt's outcome (completed, retry later,
failed) is written only while the worker still holds the submission's lease.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from connectors.sdk.registry import ConnectorRegistry
from services.pipeline.errors import StageFailure
from services.pipeline.job import load_job
from services.pipeline.stage import Stage
from services.store import ledger, outbox
from services.store.db import Database
from services.store.models import Submission, utcnow
from services.transfer.backoff import Backoff

COMPLETED, RETRY_SCHEDULED, FAILED = "completed", "retry_scheduled", "failed"
SUCCEEDED, SKIPPED = "succeeded", "skipped"


@dataclass(frozen=True)
class SubmissionRef:
    """What may be shown in the orchestration layer about a submission: ids only."""

    submission_id: str
    receipt_number: str
    service: str
    jobcenter_id: str | None
    traceparent: str | None = None
    """W3C trace context of the accepting request: the pipeline's spans continue that trace."""


class PipelineRunner:
    def __init__(
        self,
        *,
        db: Database,
        registry: ConnectorRegistry,
        stages: Sequence[Stage],
        max_attempts: int,
        retry_backoff: Backoff,
    ) -> None:
        self.db = db
        self.registry = registry
        self.stages = list(stages)
        self._by_name = {s.name: s for s in self.stages}
        self.max_attempts = max_attempts
        self.retry_backoff = retry_backoff

    @property
    def stage_names(self) -> list[str]:
        return [s.name for s in self.stages]

    def describe(self, submission_ids: Sequence[str]) -> list[SubmissionRef]:
        with self.db.session() as session:
            rows = session.execute(
                select(
                    Submission.id,
                    Submission.receipt_number,
                    Submission.service,
                    Submission.jobcenter_id,
                    Submission.traceparent,
                ).where(Submission.id.in_(list(submission_ids)))
            ).all()
        found = {r[0]: SubmissionRef(*r) for r in rows}
        return [found[i] for i in submission_ids if i in found]

    def run_stage(
        self,
        stage_name: str,
        submission_id: str,
        *,
        flow_run_id: str | None = None,
        task_run_id: str | None = None,
    ) -> str:
        """Run one stage unless the ledger says it succeeded. ``flow_run_id``/``task_run_id`` name the Prefect
        runs of this attempt (recorded in the ledger for the operators' timeline); None when run without Prefect."""
        stage = self._by_name[stage_name]
        runs = {"flow_run_id": flow_run_id, "task_run_id": task_run_id}
        try:
            with self.db.session() as session:  # one short transaction: ledger check, attempt start, snapshot
                row = ledger.get(session, submission_id, stage_name)
                if row is not None and row.status == ledger.SUCCEEDED:
                    return SKIPPED
                ledger.start(session, submission_id, stage_name, **runs)
                job = load_job(session, self.registry, submission_id)
            output = stage.perform(job)
        except Exception as exc:
            with self.db.session() as session:
                ledger.add_tries(session, submission_id, stage_name, getattr(exc, "tries", 1) - 1)
                ledger.fail(session, submission_id, stage_name, f"{type(exc).__name__}: {exc}", **runs)
            raise
        with self.db.session() as session:
            recorded = stage.record(session, job, output)
            ledger.add_tries(session, submission_id, stage_name, output.tries - 1)
            ledger.succeed(session, submission_id, stage_name, recorded or output.reference)
        return SUCCEEDED

    def run_all(self, submission_id: str) -> None:
        """All stages in order, without orchestration (tests, benchmarks, the raw baseline)."""
        for name in self.stage_names:
            self.run_stage(name, submission_id)

    def conclude(self, *, submission_id: str, worker_id: str, attempt: int, failure: StageFailure | None) -> str | None:
        """Record the attempt's outcome; None when the lease was lost (another worker owns it now)."""
        now = utcnow()
        with self.db.session() as session:
            submission = session.get(Submission, submission_id)
            if submission is None:
                return None
            if failure is None:
                if not outbox.finish(session, worker_id=worker_id, submission_id=submission_id, state=outbox.DONE):
                    return None
                submission.status, submission.completed_at, submission.failure_reason = COMPLETED, now, None
                return COMPLETED
            reason = failure.reason
            if failure.permanent or attempt >= self.max_attempts:
                if not outbox.finish(
                    session, worker_id=worker_id, submission_id=submission_id, state=outbox.DEAD, error=reason
                ):
                    return None
                exhausted = "" if failure.permanent else f" (after {attempt} attempts)"
                submission.status, submission.failure_reason = FAILED, f"{reason}{exhausted}"
                return FAILED
            at = now + timedelta(seconds=self.retry_backoff.delay(attempt))
            if not outbox.reschedule(session, worker_id=worker_id, submission_id=submission_id, at=at, error=reason):
                return None
            submission.status, submission.failure_reason = RETRY_SCHEDULED, reason
            return RETRY_SCHEDULED
