"""Postfach tests: the portal with a small upload limit, notification e-mails into a real SMTP sink."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from services.identity.dev_issuer import dev_issuer_for
from services.settings import Settings
from services.store.db import Database
from services.store.models import Customer, Jobcenter
from tests.support.sample_files import Doc, classic, png
from tests.support.smtp import SmtpSink

PDF = classic(Doc())  # real files: uploads are checked by content (tests/efile/test_upload_safety.py)
PNG = png()
PORTAL_URL = "https://portal.ozgflow.invalid"
ANNA_EMAIL = "anna.schmidt@example.invalid"


@pytest.fixture
def settings(settings: Settings, smtp_sink: SmtpSink) -> Settings:
    """The suite's settings plus SMTP to the sink, a public portal URL and a 4 KiB upload limit."""
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_sink.port,
            "public_url": PORTAL_URL,
            "mail_sender": "postfach@ozgflow.invalid",
            "upload_max_bytes": 4096,
            "notification_max_attempts": 3,
        }
    )


@pytest.fixture
def staff_token(settings: Settings) -> Callable[[str], dict[str, str]]:
    issuer = dev_issuer_for(settings)

    def headers(staff_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issuer.mint(staff_id, roles=['staff'])}"}

    return headers


def set_email(db: Database, customer_id: str, address: str | None = ANNA_EMAIL) -> None:
    with db.session() as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        customer.email = address


def set_postfach(db: Database, jobcenter_id: str, **values: Any) -> None:
    """Change a jobcenter's Postfach columns (``mailbox_state`` …) directly."""
    with db.session() as session:
        jobcenter = session.get(Jobcenter, jobcenter_id)
        assert jobcenter is not None
        for name, value in values.items():
            setattr(jobcenter, name, value)
