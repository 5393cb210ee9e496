"""Plain-data fixtures for connector tests: no database, no Prefect, no HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.sdk import CustomerSummary, JobcenterSummary, SubmissionContext

# 26.11.2026, 23:30 UTC is already 27.11.2026 in Berlin: documents must show the German date.
SUBMITTED_AT = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
RECEIPT_NUMBER = "EB-2026-11-0004711"


def make_context(service_key: str) -> SubmissionContext:
    return SubmissionContext(
        submission_id="0b4f3c1e-5a0e-4c55-9a51-3f1f6d2f9a10",
        receipt_number=RECEIPT_NUMBER,
        service_key=service_key,
        service_version="1.0.0",
        channel="online",
        submitted_at=SUBMITTED_AT,
        customer=CustomerSummary(
            customer_id="cust-000042",
            bg_number="04109BG0012345",
            given_name="Lena",
            family_name="Schmidt",
            street="Karl-Liebknecht-Str. 12",
            postal_code="04107",
            city="Leipzig",
        ),
        jobcenter=JobcenterSummary(
            jobcenter_id="jc-04109",
            name="Jobcenter Leipzig",
            street="Georg-Schumann-Str. 150",
            postal_code="04159",
            city="Leipzig",
            email="jobcenter-leipzig@jobcenter-ge.de",
            phone="0341 913-10705",
        ),
        team_name="Leistung Team 4",
    )


@pytest.fixture
def wba_ctx() -> SubmissionContext:
    return make_context("wba")


@pytest.fixture
def vaem_ctx() -> SubmissionContext:
    return make_context("vaem")
