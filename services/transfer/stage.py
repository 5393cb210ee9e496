"""Transfer stage: hand the case over to the back-office system named by the connector."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from sqlalchemy.orm import Session

from services.audit.log import AuditActor, record_access
from services.audit.purposes import Action, Purpose
from services.pipeline.errors import PermanentStageError, SafeStageError
from services.pipeline.job import StageJob
from services.pipeline.stage import StageOutput
from services.store.models import Submission
from services.transfer.client import HandoverRejected, HandoverUnavailable, SpecialistSystemClient


class UnknownSpecialistSystem(PermanentStageError):
    pass


class HandoverRefused(PermanentStageError):
    pass


class HandoverFailed(SafeStageError):
    """The back-office system stayed unreachable through every try of this attempt."""


def idempotency_key_for(submission_id: str) -> str:
    """Stable across reruns and workers: the back-office system keeps exactly one case per submission."""
    return f"ozgflow-{submission_id}"


class TransferStage:
    name = "transfer"

    def __init__(self, clients: Mapping[str, SpecialistSystemClient]) -> None:
        self._clients = clients

    def perform(self, job: StageJob) -> StageOutput:
        ctx = job.require_context()
        system = job.connector.handover_system
        client = self._clients.get(system)
        if client is None:
            raise UnknownSpecialistSystem(f"no back-office system '{system}' is configured")
        # The payload must not depend on this stage's own result (the case reference): a rerun after the case
        # was recorded must send the identical body under the same Idempotency-Key, or the system answers 409.
        payload = job.connector.handover_payload(job.form, replace(ctx, case_reference=None))
        try:
            receipt = client.create_case(idempotency_key=idempotency_key_for(job.submission_id), payload=payload)
        except HandoverRejected as exc:
            raise HandoverRefused(f"{job.receipt_number}: {system} refused the case: {exc}") from None
        except HandoverUnavailable as exc:
            raise HandoverFailed(f"{job.receipt_number}: {exc}", tries=exc.tries) from None
        return StageOutput(reference=receipt.case_reference, tries=receipt.tries)

    def record(self, session: Session, job: StageJob, output: StageOutput) -> None:
        submission = session.get(Submission, job.submission_id)
        assert submission is not None
        submission.case_reference = output.reference
        # The hand-over passed the customer's form data to another system: one audit entry per successful
        # hand-over, in the transaction that marks the stage succeeded (a rerun skips the stage, so none twice).
        record_access(
            session,
            actor=AuditActor.system(self.name),
            action=Action.TRANSFER,
            resource_type="submission",
            resource_id=submission.id,
            purpose=Purpose.TRANSFER,
            customer_id=submission.customer_id,
            jobcenter_id=submission.jobcenter_id,
        )
