"""The staff pages: signed in by a token link, worked with forms that POST and redirect, and usable with the
keyboard alone in headless Chromium (every control reached with Tab, pressed with Enter)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker, worker_from_settings
from services.mailbox.conversations import start_thread
from services.pipeline.assembly import build_runner
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from services.store.models import Customer, Document, Submission
from services.transfer.simulator import SimulatorState
from tests.pages.accessibility import SERIOUS, axe_violations
from tests.staff.support import LEISTUNG_2, PNG, example, page_csrf_token, scan_pdf, staff_token, written
from tests.support.http_server import UvicornThread
from tests.support.pipeline import run_worker_until, statuses

RECEIPT = re.compile(r"Eingangsnummer: ([A-Z0-9_]+-\d{8}-[0-9A-Z]{8})")


@pytest.fixture
def worker(prefect_server: str, settings: Settings, db: Database, registry: ConnectorRegistry) -> PipelineWorker:
    return worker_from_settings(settings, runner=build_runner(settings, db=db, registry=registry), worker_id="pages")


def _paper_fields(registry: ConnectorRegistry, **overrides: str) -> dict[str, str]:
    return {"service": "wba", "form": json.dumps(example(registry, "wba")), "customer_id": "kd-1001", **overrides}


def _csrf(page: str) -> dict[str, str]:
    return {"csrf_token": page_csrf_token(page)}


def test_token_link_becomes_a_staff_cookie_and_pages_need_the_right_role(client: TestClient, token_for) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/staff/inbox").status_code == 401
    customer = token_for("kd-1001")["Authorization"].removeprefix("Bearer ")
    assert client.get(f"/staff/inbox?token={customer}", follow_redirects=False).status_code == 403

    handoff = client.get(f"/staff/inbox?state=all&token={staff_token(client, 'sb-berlin-1')}", follow_redirects=False)
    assert handoff.status_code == 303 and handoff.headers["location"] == "/staff/inbox?state=all"
    cookie = handoff.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/staff" in cookie
    page = client.get("/staff/inbox")
    assert page.status_code == 200 and "<caption>Posteingang: 0 Einträge" in page.text
    assert "Jobcenter Berlin Mitte" in page.text and 'href="/staff/paper"' not in page.text
    assert client.get("/staff/paper").status_code == 403  # the paper channel is for the intake zone


def test_paper_form_errors_re_render_with_the_german_message_and_keep_the_input(
    client: TestClient, registry: ConnectorRegistry, db: Database
) -> None:
    client.get(f"/staff/paper?token={staff_token(client, 'ez-berlin')}")
    form = client.get("/staff/paper?service=vaem")
    assert form.status_code == 200 and '<option value="vaem" selected>' in form.text

    fields = _paper_fields(registry, customer_id="", bg_number="96101BG0099991", given_name="Karl", **_csrf(form.text))
    refused = client.post("/staff/paper", data=fields, files={"scan": ("scan.pdf", scan_pdf(), "application/pdf")})
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    assert "Die Angaben zur Person sind unvollständig" in refused.text and "customer.family_name" in refused.text
    assert 'value="96101BG0099991"' in refused.text and 'value="Karl"' in refused.text

    wrong_type = client.post(
        "/staff/paper", data=_paper_fields(registry, **_csrf(form.text)), files={"scan": ("x.pdf", b"GIF89a", "")}
    )
    assert wrong_type.status_code == 415 and "Dieser Dateityp wird nicht angenommen" in wrong_type.text
    with db.session() as session:
        assert session.query(Submission).count() == 0 and session.query(Document).count() == 0

    accepted = client.post(
        "/staff/paper",
        data=_paper_fields(registry, **_csrf(form.text)),
        files={"scan": ("scan.pdf", scan_pdf(), "application/pdf")},
        follow_redirects=False,
    )
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/staff/paper?notice=paper")
    notice = client.get(accepted.headers["location"]).text
    assert RECEIPT.search(notice) and 'role="status"' in notice


@pytest.fixture
def portal(settings: Settings, db: Database, registry: ConnectorRegistry) -> Iterator[UvicornThread]:
    with UvicornThread(create_app(settings, db=db, registry=registry)) as server:
        yield server


def _tab_to(page: Any, target: Any, *, limit: int = 120) -> None:
    """Press Tab until ``target`` has the focus: it is reachable with the keyboard alone."""
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
    raise AssertionError(f"not reachable with Tab: {target}")


def _press(page: Any, target: Any) -> None:
    """Reach a button with Tab and press Enter; returns once the next page (after the 303) has loaded."""
    _tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _no_axe_violations(page: Any) -> None:
    assert axe_violations(page, wcag_only=False, impacts=SERIOUS) == []


def _run_worker(worker: PipelineWorker, db: Database, submission_id: str) -> None:
    run_worker_until(worker, lambda: statuses(db, [submission_id])[submission_id] == "completed", max_rounds=400)


def test_paper_form_to_processed_with_the_keyboard_in_chromium(  # type: ignore[no-untyped-def]
    portal: UvicornThread,
    client: TestClient,
    db: Database,
    worker: PipelineWorker,
    simulator: SimulatorState,
    token_for,
    page,
) -> None:
    page.goto(f"{portal.url}/staff/paper?token={staff_token(client, 'ez-berlin')}")
    assert page.url == f"{portal.url}/staff/paper"  # the token left the address bar
    assert page.get_by_role("heading", level=1).inner_text() == "Papiereingang: Formular erfassen"
    _no_axe_violations(page)
    _tab_to(page, page.get_by_label("Kundennummer"))
    page.keyboard.type("kd-1001")
    page.get_by_label("Scan des Papierformulars").set_input_files(
        files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": scan_pdf()}]
    )
    _press(page, page.get_by_role("button", name="Papierformular erfassen"))
    notice = page.get_by_role("status").inner_text()
    match = RECEIPT.search(notice)
    assert match, notice
    receipt = match.group(1)
    with db.session() as session:
        submission_id = session.query(Submission.id).filter_by(receipt_number=receipt).scalar()
    _run_worker(worker, db, submission_id)

    page.goto(f"{portal.url}/staff/inbox?token={staff_token(client, 'sb-berlin-1')}")
    inbox = page.get_by_role("table", name="Posteingang")
    row = inbox.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(receipt)))
    assert "(Papier)" in row.inner_text() and "Leistungsteam 1" in row.inner_text()
    _no_axe_violations(page)
    _press(page, row.get_by_role("link", name=receipt))
    assert receipt in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("link", name="Antrag als PDF öffnen").is_visible()
    assert page.get_by_role("table", name="Dokumente").get_by_role("link", name="scan.pdf").is_visible()
    _no_axe_violations(page)

    _tab_to(page, page.get_by_label("Ihre Nachricht an Anna Schmidt"))
    page.keyboard.type("Ihr Antrag ist eingegangen; bitte noch den Mietvertrag senden.")
    _press(page, page.get_by_role("button", name="Antwort senden"))
    assert "Ihre Antwort steht im Postfach" in page.get_by_role("status").inner_text()
    postfach = httpx.get(f"{portal.url}/api/v1/mailbox", headers=token_for("kd-1001")).json()
    sent = "Ihr Antrag ist eingegangen; bitte noch den Mietvertrag senden."
    assert sent in {written(m) for m in postfach["messages"]}

    _tab_to(page, page.get_by_label("Team", exact=True))
    page.keyboard.press("ArrowDown")  # Leistungsteam 1 → Leistungsteam 2 (the options are sorted by name)
    _press(page, page.get_by_role("button", name="Team zuweisen"))
    assert "dem gewählten Team zugewiesen" in page.get_by_role("status").inner_text()
    with db.session() as session:
        assert session.get(Submission, submission_id).team_id == LEISTUNG_2  # type: ignore[union-attr]

    _press(page, page.get_by_role("button", name="Als erledigt markieren"))
    assert page.get_by_role("status").inner_text() == "Als erledigt markiert."
    assert page.get_by_role("button", name="Wieder öffnen").is_visible()
    history = page.get_by_role("table", name="Verlauf des Vorgangs").inner_text()
    for entry in ("Papierformular erfasst", "Antwort ins Postfach", "Team geändert", "Als erledigt markiert"):
        assert entry in history


def test_submission_and_conversation_pages_act_and_explain_refusals(
    client: TestClient, registry: ConnectorRegistry, db: Database, settings: Settings, token_for, simulator
) -> None:  # type: ignore[no-untyped-def]
    filed = client.post("/api/v1/submissions/wba", json=example(registry, "wba"), headers=token_for("kd-1001")).json()
    build_runner(settings, db=db, registry=registry).run_all(filed["id"])  # routed and filed, without Prefect
    client.get(f"/staff/inbox?token={staff_token(client, 'sb-berlin-1')}")
    url = f"/staff/submissions/{filed['id']}"
    page = client.get(url)
    assert page.status_code == 200 and '<h2 id="efile-heading">e-Akte</h2>' in page.text
    assert client.get(f"{url}/pdf").content.startswith(b"%PDF-")

    csrf = _csrf(page.text)
    refused = client.post(f"{url}/reassign", data={"team_id": "jc-bremen/leistung", **csrf})
    assert refused.status_code == 422 and "Dieses Team gibt es in Ihrem Jobcenter nicht" in refused.text
    empty = client.post(
        f"{url}/reply", data={"body": "  ", **csrf}, files={"attachment": ("", b"", "application/octet-stream")}
    )
    assert empty.status_code == 422 and "Die Nachricht ist leer" in empty.text

    replied = client.post(
        f"{url}/reply",
        data={"body": "Anbei der Bescheid.", **csrf},
        files={"attachment": ("bescheid.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert replied.status_code == 303 and replied.headers["location"] == f"{url}?notice=replied"
    page = client.get(replied.headers["location"])
    assert "Ihre Antwort steht im Postfach" in page.text and "bescheid.png" in page.text
    postfach = client.get("/api/v1/mailbox", headers=token_for("kd-1001")).json()
    assert "Anbei der Bescheid." in {written(m) for m in postfach["messages"]}
    assert client.post(f"{url}/unknown-action", data=csrf).status_code == 404

    store = client.app.state.ozgflow.efile  # type: ignore[attr-defined]
    with db.session() as session:
        customer = session.get(Customer, "kd-1001")
        thread, _ = start_thread(
            session,
            store,
            customer=customer,
            topic_key="geldleistungen",
            subject="Abschlag",
            body="Geht das? <script>alert(1)</script>",
        )
    thread_page = client.get(f"/staff/threads/{thread.id}")
    assert thread_page.status_code == 200 and "Geht das? &lt;script&gt;alert(1)&lt;/script&gt;" in thread_page.text
    assert "<script>" not in thread_page.text  # customers' text is escaped
    done = client.post(f"/staff/threads/{thread.id}/processed", data=_csrf(thread_page.text), follow_redirects=False)
    assert done.status_code == 303 and "Als erledigt markiert" in client.get(done.headers["location"]).text
    client.get(f"/staff/inbox?token={staff_token(client, 'sb-bremen-1')}")
    assert client.get(f"/staff/threads/{thread.id}").status_code == 404
    assert client.get(url).status_code == 404
