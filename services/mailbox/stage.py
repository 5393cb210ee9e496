"""Mailbox stage: the receipt in the customer's Postfach, written at most once per submission."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.pipeline.job import StageJob
from services.pipeline.stage import StageOutput
from services.store.models import MailboxMessage


def receipt_dedup_key(submission_id: str) -> str:
    return f"receipt:{submission_id}"


class MailboxStage:
    name = "mailbox"

    def perform(self, job: StageJob) -> StageOutput:
        ctx = job.require_context()
        text = job.connector.receipt(job.form, ctx)
        return StageOutput(
            reference=receipt_dedup_key(job.submission_id), data={"subject": text.subject, "body": text.body}
        )

    def record(self, session: Session, job: StageJob, output: StageOutput) -> None:
        ctx = job.require_context()
        key = receipt_dedup_key(job.submission_id)
        if session.scalar(select(MailboxMessage.id).where(MailboxMessage.dedup_key == key)) is not None:
            return
        session.add(
            MailboxMessage(
                id=str(uuid.uuid4()),
                customer_id=ctx.customer.customer_id,
                jobcenter_id=ctx.jobcenter.jobcenter_id,
                submission_id=job.submission_id,
                dedup_key=key,
                kind="receipt",
                subject=output.data["subject"],
                body=output.data["body"],
            )
        )
