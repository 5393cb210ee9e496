"""A development SMTP sink: accepts every e-mail and files it as ``<folder>/<time>-<id>.eml``.

Why: notification e-mails go over real SMTP in every environment (the same code path as production),
and on a laptop nothing should leave the machine. `ozgflow up` starts this sink when no SMTP server is
configured; developers open the .eml files to see exactly what a customer would get.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class EmlFolderHandler:
    """aiosmtpd handler writing each received message as one .eml file (atomically: temp name, rename)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        partial = self.folder / f".{name}.part"
        data = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        partial.write_bytes(data)
        os.replace(partial, self.folder / name)
        return "250 Message accepted for delivery"


def start_dev_sink(host: str, port: int, folder: Path) -> Controller:
    """Start the sink in a background thread; the caller stops it with ``.stop()``."""
    controller = Controller(EmlFolderHandler(folder), hostname=host, port=port)
    controller.start()
    return controller
