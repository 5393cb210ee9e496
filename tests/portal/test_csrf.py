"""CSRF protection of the pages: a form post of a signed-in browser is taken only with the token the page put
into the form and only from this site; bearer-token clients are exempt; a refused post changes nothing."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from services.identity.dev_issuer import dev_issuer_for
from services.portal.app import create_app
from services.portal.csrf import SECRET_KEY_FILE, CsrfTokens, secret_key
from services.settings import Settings
from services.store.db import Database
from services.store.models import MailboxMessage, MailboxThread, OutboxEntry, StageResult, Submission, utcnow
from tests.staff.support import page_csrf_token, signed_in_page, staff_token
from tests.support.production import production_settings

TEMPLATES = Path(__file__).resolve().parents[2] / "services" / "portal" / "templates"
Headers = dict[str, str]


def test_every_form_that_posts_carries_the_token() -> None:
    """Except the development identity provider's (it stands in for another site, see services/portal/csrf.py)."""
    forms = 0
    for template in sorted(TEMPLATES.glob("*.j2")):
        for form in re.findall(r"<form\b[^>]*>.*?</form>", template.read_text(), flags=re.S | re.I):
            if re.search(r'method="post"', form, flags=re.I) and 'action="/dev-issuer/' not in form:
                forms += 1
                assert 'name="csrf_token" value="{{ csrf_token }}"' in form, f"{template.name}: {form[:120]}"
    assert forms >= 10


@pytest.fixture
def thread_id(client: TestClient, token_for: Callable[[str], Headers]) -> str:
    """A conversation kd-1001 started with Berlin, on a topic of sb-berlin-1's team."""
    started = client.post(
        "/api/v1/mailbox/threads",
        data={"topic": "geldleistungen", "subject": "Abschlag", "body": "Geht das?"},
        headers=token_for("kd-1001"),
    )
    assert started.status_code == 201, started.text
    return str(started.json()["id"])


def _state(db: Database, thread_id: str) -> tuple[str, int]:
    with db.session() as session:
        thread = session.get(MailboxThread, thread_id)
        assert thread is not None
        messages = session.query(MailboxMessage).filter_by(thread_id=thread_id).count()
        return thread.status, messages


def _refused(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "csrf_failed"


def test_forged_posts_without_or_with_a_wrong_token_change_nothing(
    client: TestClient, db: Database, thread_id: str, settings: Settings, registry: ConnectorRegistry
) -> None:
    url = f"/staff/threads/{thread_id}"
    token = signed_in_page(client, url)
    before = _state(db, thread_id)

    _refused(client.post(f"{url}/processed", follow_redirects=False))
    _refused(client.post(f"{url}/processed", data={"csrf_token": "forged"}, follow_redirects=False))
    _refused(client.post(f"{url}/processed", data={"csrf_token": "ä" * 43}, follow_redirects=False))  # not a 500
    _refused(client.post(f"{url}/reply", data={"body": "Ja.", "csrf_token": token[:-2] + "xx"}))
    # a token of another installation (another key) is no token here
    foreign = CsrfTokens(b"another-installation's-key-of-32-bytes").issue(client.cookies["ozgflow_staff"])
    _refused(client.post(f"{url}/processed", data={"csrf_token": foreign}, follow_redirects=False))
    # the right token, but the browser says the post comes from elsewhere
    _refused(
        client.post(
            f"{url}/processed",
            data={"csrf_token": token},
            headers={"Origin": "https://evil.example"},
            follow_redirects=False,
        )
    )
    _refused(
        client.post(
            f"{url}/processed",
            data={"csrf_token": token},
            headers={"Sec-Fetch-Site": "cross-site"},
            follow_redirects=False,
        )
    )
    # "Origin: null" is what browsers send for our own forms (Referrer-Policy: no-referrer): the token decides
    _refused(client.post(f"{url}/processed", data={"csrf_token": "forged"}, headers={"Origin": "null"}))
    assert _state(db, thread_id) == before

    done = client.post(
        f"{url}/processed",
        data={"csrf_token": token},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},  # as Chromium posts our forms
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"{url}?notice=processed"
    assert _state(db, thread_id)[0] == "processed"
    replied = client.post(
        f"{url}/reply",
        data={"body": "Ja, das geht.", "csrf_token": token},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert replied.status_code == 303 and _state(db, thread_id)[1] == before[1] + 1
    header_token = client.post(f"{url}/reopen", headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert header_token.status_code == 303


def test_the_token_is_bound_to_the_sign_in(client: TestClient, db: Database, thread_id: str) -> None:
    """A token from one staff member's page does not work with another's cookie."""
    url = f"/staff/threads/{thread_id}"
    token = signed_in_page(client, url, "sb-berlin-1")
    signed_in_page(client, "/staff/inbox", "sb-berlin-2")  # same browser, signed in again as someone else
    _refused(client.post(f"{url}/processed", data={"csrf_token": token}, follow_redirects=False))
    assert _state(db, thread_id)[0] == "open"


def test_bearer_token_clients_are_exempt(client: TestClient, db: Database, thread_id: str) -> None:
    """An Authorization header is never added by a browser to another site's form: no token needed."""
    headers = {"Authorization": f"Bearer {staff_token(client, 'sb-berlin-1')}"}
    page_post = client.post(f"/staff/threads/{thread_id}/processed", headers=headers, follow_redirects=False)
    assert page_post.status_code == 303 and _state(db, thread_id)[0] == "processed"
    api = client.post(f"/api/v1/staff/threads/{thread_id}/reopen", headers=headers)
    assert api.status_code == 200 and _state(db, thread_id)[0] == "open"


def test_paper_form_and_sign_out_need_the_token(client: TestClient, registry: ConnectorRegistry, db: Database) -> None:
    token = signed_in_page(client, "/staff/paper", "ez-berlin")
    form = {"service": "wba", "form": '{"x": 1}', "customer_id": "kd-1001"}
    files = {"scan": ("scan.pdf", b"%PDF-1.4 nothing", "application/pdf")}
    _refused(client.post("/staff/paper", data=form, files=files))
    taken = client.post("/staff/paper", data={**form, "csrf_token": token}, files=files)
    assert taken.status_code == 422  # past the CSRF check: the keyed-in form itself is what is wrong
    _refused(client.post("/staff/logout"))
    assert client.get("/staff/paper").status_code == 200  # still signed in
    signed_out = client.post("/staff/logout", data={"csrf_token": token})
    assert signed_out.status_code == 200 and client.get("/staff/paper").status_code == 401


def _dead_lettered(db: Database) -> tuple[str, str]:
    """A submission the pipeline gave up on (failed, outbox entry dead): what an operator retries."""
    sid, now = str(uuid.uuid4()), utcnow()
    receipt = f"WBA-{now:%Y%m%d}-{uuid.uuid4().hex[:8].upper()}"
    with db.session() as session:
        session.add(
            Submission(
                id=sid, receipt_number=receipt, service="wba", service_version="1.0.0", customer_id="kd-1001",
                status="failed", form_data={}, request_hash="0" * 64, jobcenter_id="jc-berlin-mitte",
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
        session.flush()
        session.add(OutboxEntry(submission_id=sid, state="dead", available_at=now, attempts=3, created_at=now))
        session.add(StageResult(submission_id=sid, stage="transfer", status="failed", attempts=3, error="x"))
    return sid, receipt


def _outbox_state(db: Database, sid: str) -> str:
    with db.session() as session:
        entry = session.query(OutboxEntry).filter_by(submission_id=sid).one()
        return entry.state


def test_ops_retry_forms_need_the_token(client: TestClient, settings: Settings, db: Database) -> None:
    sid, receipt = _dead_lettered(db)
    operator = dev_issuer_for(settings).mint("ops-oncall-1", roles=["operator"])
    assert client.get(f"/ops?token={operator}", follow_redirects=False).status_code == 303
    overview = client.get("/ops")
    token = page_csrf_token(overview.text)  # the failed list's retry forms and the bulk retry form
    assert page_csrf_token(client.get(f"/ops/submissions/{receipt}").text) == token
    _refused(client.post(f"/ops/submissions/{receipt}/retry"))
    _refused(client.post("/ops/retry", data={"kind": "any", "csrf_token": "forged"}))
    assert _outbox_state(db, sid) == "dead"
    retried = client.post(f"/ops/submissions/{receipt}/retry", data={"csrf_token": token}, follow_redirects=False)
    assert retried.status_code == 303 and retried.headers["location"].endswith("?retried=1")
    assert _outbox_state(db, sid) == "ready"


def test_the_key_comes_from_settings_or_is_kept_in_the_data_dir(
    settings: Settings, db: Database, registry: ConnectorRegistry
) -> None:
    generated = secret_key(settings)
    assert (settings.data_dir / SECRET_KEY_FILE).read_bytes().strip() == generated and len(generated) >= 32
    assert secret_key(settings) == generated  # kept: every portal process on this data_dir agrees
    configured = settings.model_copy(update={"secret_key": "x" * 40})
    assert secret_key(configured) == b"x" * 40
    app = create_app(configured, db=db, registry=registry)
    assert (
        app.state.csrf.issue("cookie") == CsrfTokens(b"x" * 40).issue("cookie") != CsrfTokens(generated).issue("cookie")
    )


def test_production_requires_a_secret_key() -> None:
    for missing in ("", "too-short"):
        with pytest.raises(ValueError, match="OZGFLOW_SECRET_KEY"):
            production_settings(secret_key=missing)
    assert production_settings(secret_key="k" * 48).secret_key == "k" * 48
