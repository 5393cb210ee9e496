"""The stage ledger: which stage of which submission succeeded, how often it was tried, and why
it failed. A stage recorded as succeeded is never run again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.store.models import StageResult, utcnow

PENDING, RUNNING, SUCCEEDED, FAILED = "pending", "running", "succeeded", "failed"


def get(session: Session, submission_id: str, stage: str) -> StageResult | None:
    return session.scalar(
        select(StageResult).where(StageResult.submission_id == submission_id, StageResult.stage == stage)
    )


def for_submission(session: Session, submission_id: str) -> list[StageResult]:
    return list(session.scalars(select(StageResult).where(StageResult.submission_id == submission_id)))


def start(
    session: Session,
    submission_id: str,
    stage: str,
    *,
    flow_run_id: str | None = None,
    task_run_id: str | None = None,
) -> StageResult:
    """Record the start of an attempt; creates the row on first use (race-safe).

    ``flow_run_id``/``task_run_id`` are the Prefect runs of this attempt (None when it runs without Prefect):
    the row always names the runs of its *last* attempt, which the operators' timeline links to."""
    row = get(session, submission_id, stage)
    if row is None:
        try:
            with session.begin_nested():
                row = StageResult(submission_id=submission_id, stage=stage, status=PENDING, attempts=0)
                session.add(row)
        except IntegrityError:
            row = get(session, submission_id, stage)
            assert row is not None
    row.status = RUNNING
    row.attempts += 1
    row.started_at = utcnow()
    row.error = None
    row.flow_run_id, row.task_run_id = flow_run_id, task_run_id
    return row


def add_tries(session: Session, submission_id: str, stage: str, extra: int) -> None:
    """Count retries that happened inside one attempt (e.g. HTTP tries of a hand-over)."""
    row = get(session, submission_id, stage)
    if row is not None and extra > 0:
        row.attempts += extra


def succeed(session: Session, submission_id: str, stage: str, reference: str | None) -> None:
    row = get(session, submission_id, stage)
    assert row is not None, "start() must be called first"
    row.status = SUCCEEDED
    row.reference = reference
    row.finished_at = utcnow()
    row.error = None


def fail(
    session: Session,
    submission_id: str,
    stage: str,
    error: str,
    *,
    flow_run_id: str | None = None,
    task_run_id: str | None = None,
) -> None:
    """Record a failed attempt; its Prefect runs are set again because the attempt's start may have been rolled
    back with the failure (e.g. the stored form no longer loads)."""
    row = get(session, submission_id, stage)
    if row is None:
        row = start(session, submission_id, stage)
    row.flow_run_id, row.task_run_id = flow_run_id, task_run_id
    row.status = FAILED
    row.error = error[:2000]
    row.finished_at = utcnow()
