"""A real SMTP server for tests (aiosmtpd) that records what it accepted and can be stopped for an outage."""

from __future__ import annotations

import email
import email.message
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.http_server import free_port


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
