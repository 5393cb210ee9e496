"""Mailbox stage: the receipt in the submission's Postfach thread, written at most once per submission.

The jobcenter's Postfach may be switched off, or the customer may have no online account (paper only):
then the stage still succeeds — the receipt goes out by letter — and its reference says so.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.mailbox.availability import reaches_customer
from services.mailbox.threads import post_jobcenter_message, submission_thread
from services.pipeline.job import StageJob
from services.pipeline.stage import StageOutput
from services.receipts.document import proof_text
from services.store.models import Customer, Jobcenter, Submission

NO_MESSAGE_PREFIX = "no-postfach-message:"


def receipt_dedup_key(submission_id: str) -> str:
    return f"receipt:{submission_id}"


def _reaches_customer(session: Session, submission: Submission) -> bool:
    jobcenter = session.get(Jobcenter, submission.jobcenter_id)
    customer = session.get(Customer, submission.customer_id)
    assert jobcenter is not None and customer is not None  # routed before this stage runs
    return reaches_customer(jobcenter, customer)


class MailboxStage:
    name = "mailbox"

    def perform(self, job: StageJob) -> StageOutput:
        ctx = job.require_context()
        text = job.connector.receipt(job.form, ctx)
        body = text.body + (proof_text(job.receipt) if job.receipt else "")  # the signed receipt's proof
        return StageOutput(reference=receipt_dedup_key(job.submission_id), data={"subject": text.subject, "body": body})

    def record(self, session: Session, job: StageJob, output: StageOutput) -> str | None:
        """Write the receipt; returns the reference to record when no message could be written
        (``no-postfach-message:receipt:<id>``), None to keep perform's."""
        submission = session.get(Submission, job.submission_id)
        assert submission is not None  # the job was loaded from it
        key = receipt_dedup_key(job.submission_id)
        if not _reaches_customer(session, submission):
            return f"{NO_MESSAGE_PREFIX}{key}"  # no empty thread either
        message = post_jobcenter_message(
            session,
            thread=submission_thread(session, submission),
            kind="receipt",
            subject=output.data["subject"],
            body=output.data["body"],
            dedup_key=key,
        )
        return None if message is not None else f"{NO_MESSAGE_PREFIX}{key}"
