"""Postfach tests: the portal with a small upload limit, notification e-mails into a real SMTP sink."""

from __future__ import annotations

import email
import email.message
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from services.identity.dev_issuer import dev_issuer_for
from services.settings import Settings
from services.store.db import Database
from services.store.models import Customer, Jobcenter
from tests.support.http_server import free_port

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PORTAL_URL = "https://portal.ozgflow.invalid"
ANNA_EMAIL = "anna.schmidt@example.invalid"


class Capture:
    """An SMTP server's inbox: every message it accepted, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook
        self.messages.append(email.message_from_bytes(envelope.content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


class SmtpSink:
    """A real aiosmtpd server on a port picked up front; it can be stopped and started again (an outage)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.capture = Capture()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.capture, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


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
