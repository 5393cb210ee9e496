"""e-file stage: file a readable PDF and the JSON of what was filed under deterministic keys."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from services.efile.document import render_submission_pdf
from services.efile.store import EFileStore
from services.pipeline.job import StageJob
from services.pipeline.stage import StageOutput


def efile_prefix(job: StageJob) -> str:
    """``<jobcenter>/<BG number>/<receipt number>``: one folder per submission in the household's file."""
    ctx = job.require_context()
    return f"{ctx.jobcenter.jobcenter_id}/{ctx.customer.bg_number}/{ctx.receipt_number}"


class EFileStage:
    name = "efile"

    def __init__(self, store: EFileStore) -> None:
        self._store = store

    def perform(self, job: StageJob) -> StageOutput:
        ctx = job.require_context()
        prefix = efile_prefix(job)
        record = {
            "receipt_number": ctx.receipt_number,
            "service": ctx.service_key,
            "service_version": ctx.service_version,
            "channel": ctx.channel,
            "submitted_at": ctx.submitted_at.isoformat(),
            "bg_number": ctx.customer.bg_number,
            "customer_id": ctx.customer.customer_id,
            "jobcenter_id": ctx.jobcenter.jobcenter_id,
            "attached_to_receipt_number": ctx.parent_receipt_number,
            "form": job.form.model_dump(mode="json"),
        }
        json_key = f"{prefix}/{ctx.service_key}.json"
        pdf_key = f"{prefix}/{ctx.service_key}.pdf"
        self._store.put(
            json_key, json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True).encode(), "application/json"
        )
        pdf = render_submission_pdf(job.connector.title, job.connector.document(job.form, ctx), ctx, proof=job.receipt)
        self._store.put(pdf_key, pdf, "application/pdf")
        return StageOutput(reference=pdf_key)

    def record(self, session: Session, job: StageJob, output: StageOutput) -> None:
        """The ledger's reference is the record; nothing else to store."""
