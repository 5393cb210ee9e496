"""The real ways a file enters the e-file, for the upload-safety tests: a customer's Postfach attachment, an
intake clerk's paper scan and a staff member's reply attachment — and what any of them left behind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from connectors.sdk.registry import ConnectorRegistry
from services.settings import Settings
from services.store.db import Database
from services.store.models import Document, MailboxMessage, OutboxEntry, Submission
from tests.staff.support import example, paper, signed_in_page, staff_headers

CUSTOMER = "kd-1001"  # Berlin Mitte: Postfach live, topic "nachweise"
CLERK = "ez-berlin"  # intake clerk of Berlin Mitte
CASEWORKER = "sb-berlin-1"  # Berlin Mitte, team of the topic "geldleistungen"


@dataclass(frozen=True)
class Stored:
    """Rows and e-file objects that an upload could have written."""

    documents: int
    submissions: int
    outbox: int
    messages: int
    files: tuple[str, ...]


def stored(db: Database, settings: Settings) -> Stored:
    with db.session() as session:
        counts = [
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Document, Submission, OutboxEntry, MailboxMessage)
        ]
    root = Path(settings.resolved_efile_url.removeprefix("file://"))
    files = tuple(sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())) if root.exists() else ()
    return Stored(*counts, files=files)


def postfach_attachment(
    client: TestClient, token_for: Callable[[str], dict[str, str]], filename: str, data: bytes
) -> Any:
    """A customer starts a conversation with one attachment (declared as a PDF, whatever it is)."""
    return client.post(
        "/api/v1/mailbox/threads",
        data={"topic": "nachweise", "subject": "Nachweis", "body": "Anbei mein Nachweis."},
        files=[("files", (filename, data, "application/pdf"))],
        headers=token_for(CUSTOMER),
    )


def paper_scan(client: TestClient, registry: ConnectorRegistry, filename: str, data: bytes) -> Any:
    """An intake clerk files a keyed-in WBA with its scan for an existing customer."""
    clerk = staff_headers(client, CLERK)
    return paper(
        client, clerk, service="wba", form=example(registry, "wba"), scan=data, filename=filename, customer_id=CUSTOMER
    )


def staff_reply_thread(client: TestClient, token_for: Callable[[str], dict[str, str]]) -> str:
    """A conversation the customer started on a topic of the caseworker's team, for `staff_reply_attachment`."""
    started = client.post(
        "/api/v1/mailbox/threads",
        data={"topic": "geldleistungen", "subject": "Abschlag", "body": "Geht das?"},
        headers=token_for(CUSTOMER),
    )
    assert started.status_code == 201, started.text
    return str(started.json()["id"])


def staff_reply_attachment(client: TestClient, thread_id: str, filename: str, data: bytes) -> Any:
    """The caseworker answers on the staff page with one attachment, as the browser posts the reply form."""
    url = f"/staff/threads/{thread_id}"
    token = signed_in_page(client, url, CASEWORKER)
    return client.post(
        f"{url}/reply",
        data={"body": "Anbei der Bescheid.", "csrf_token": token},
        files=[("attachment", (filename, data, "application/pdf"))],
        follow_redirects=False,
    )


def error_of(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]
