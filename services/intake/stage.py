"""Intake stage: decide which jobcenter and team are responsible."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.intake.routing import RoutingFailed, route
from services.pipeline.errors import PermanentStageError
from services.pipeline.job import StageJob
from services.pipeline.stage import StageOutput
from services.store.db import Database
from services.store.models import Customer, Submission


class NotRoutable(PermanentStageError):
    pass


class IntakeStage:
    name = "intake"

    def __init__(self, db: Database) -> None:
        self._db = db

    def perform(self, job: StageJob) -> StageOutput:
        with self._db.session() as session:
            customer = session.get(Customer, job.customer.customer_id)
            assert customer is not None
            try:
                decision = route(session, customer=customer, service=job.connector.key)
            except RoutingFailed as exc:
                raise NotRoutable(f"{job.receipt_number}: {exc}") from None
            return StageOutput(
                reference=f"{decision.jobcenter.id} / {decision.team.id}",
                data={"jobcenter_id": decision.jobcenter.id, "team_id": decision.team.id},
            )

    def record(self, session: Session, job: StageJob, output: StageOutput) -> None:
        submission = session.get(Submission, job.submission_id)
        assert submission is not None
        submission.jobcenter_id = output.data["jobcenter_id"]
        submission.team_id = output.data["team_id"]
