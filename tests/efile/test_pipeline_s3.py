"""The pipeline's e-file stage against a real S3 API: deterministic keys, verified content, no duplicates."""

from __future__ import annotations

import io
import json

import pytest
from minio import Minio
from pypdf import PdfReader
from sqlalchemy import delete

from connectors.sdk.registry import ConnectorRegistry
from services.efile.s3 import S3EFileStore
from services.efile.store import EFileStoreError
from services.intake.acceptance import accept_submission
from services.pipeline.assembly import build_runner
from services.pipeline.runner import SKIPPED, SUCCEEDED
from services.settings import Settings
from services.store import ledger
from services.store.db import Database
from services.store.models import StageResult
from tests.efile.conftest import BUCKET, free_port, s3_url


def _file_wba(db: Database, registry: ConnectorRegistry) -> tuple[str, str]:
    connector = registry.get("wba")
    with db.session() as session:
        acceptance = accept_submission(
            session, connector=connector, customer_id="kd-1001", payload=connector.examples()[1], idempotency_key=None
        )
        return acceptance.submission.id, acceptance.submission.receipt_number


def _versions(raw: Minio) -> list[tuple[str, str | None]]:
    return sorted(
        (o.object_name or "", o.version_id) for o in raw.list_objects(BUCKET, recursive=True, include_version=True)
    )


@pytest.mark.usefixtures("simulator")
def test_the_efile_stage_files_pdf_and_json_in_the_bucket_once(
    settings: Settings, db: Database, registry: ConnectorRegistry, s3: str, raw_s3: Minio
) -> None:
    store = S3EFileStore.from_url(s3_url(s3, sse="s3", retention_days="1"))
    runner = build_runner(settings, db=db, registry=registry, efile_store=store)
    sid, receipt = _file_wba(db, registry)

    runner.run_all(sid)

    prefix = f"jc-berlin-mitte/96101BG0012342/{receipt}"
    assert store.list() == [f"{prefix}/wba.json", f"{prefix}/wba.pdf"]
    pdf = raw_s3.stat_object(BUCKET, f"{prefix}/wba.pdf")
    assert pdf.content_type == "application/pdf" and pdf.metadata["x-amz-server-side-encryption"] == "AES256"
    assert pdf.metadata["x-amz-object-lock-mode"] == "GOVERNANCE"
    record = json.loads(store.get(f"{prefix}/wba.json"))
    assert (record["receipt_number"], record["bg_number"]) == (receipt, "96101BG0012342")
    assert receipt in "".join(
        p.extract_text() or "" for p in PdfReader(io.BytesIO(store.get(f"{prefix}/wba.pdf"))).pages
    )
    with db.session() as session:
        assert ledger.get(session, sid, "efile").reference == f"{prefix}/wba.pdf"  # type: ignore[union-attr]
        assert {row.stage: row.status for row in ledger.for_submission(session, sid)} == dict.fromkeys(
            runner.stage_names, ledger.SUCCEEDED
        )
    versions = _versions(raw_s3)
    assert len(versions) == 2

    runner.run_all(sid)  # a rerun skips the stage ...
    with db.session() as session:  # ... and even a rerun that forgot it succeeded writes no second version
        session.execute(delete(StageResult).where(StageResult.submission_id == sid, StageResult.stage == "efile"))
    assert runner.run_stage("efile", sid) == SUCCEEDED
    assert runner.run_stage("efile", sid) == SKIPPED

    assert _versions(raw_s3) == versions


@pytest.mark.usefixtures("simulator")
def test_a_storage_outage_fails_the_stage_retryably_and_keeps_personal_data_out_of_the_ledger(
    settings: Settings, db: Database, registry: ConnectorRegistry, s3: str
) -> None:
    down = S3EFileStore.from_url(s3_url(f"127.0.0.1:{free_port()}", timeout="2"))
    sid, receipt = _file_wba(db, registry)
    runner = build_runner(settings, db=db, registry=registry, efile_store=down)
    assert runner.run_stage("intake", sid) == SUCCEEDED

    with pytest.raises(EFileStoreError):
        runner.run_stage("efile", sid)
    with db.session() as session:
        row = ledger.get(session, sid, "efile")
        assert row is not None and row.status != ledger.SUCCEEDED
        assert row.error and "96101BG0012342" not in row.error and "kd-1001" not in row.error

    up = S3EFileStore.from_url(s3_url(s3))
    build_runner(settings, db=db, registry=registry, efile_store=up).run_all(sid)
    assert up.list() == [f"jc-berlin-mitte/96101BG0012342/{receipt}/{name}" for name in ("wba.json", "wba.pdf")]
