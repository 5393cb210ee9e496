"""The endpoint × role table as a matrix: every row called by every persona — allowed personas are not refused,
all others get 401/403 — plus the tenancy attempts a role table cannot express (another jobcenter's or another
customer's ids are 404; an admin reaches only their own jobcenter's Postfach), and operators never see personal
data on any ops page or endpoint."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from connectors.sdk.registry import ConnectorRegistry
from services.demo.data import CUSTOMERS
from services.identity.dev_issuer import dev_issuer_for
from services.pipeline.assembly import build_runner
from services.portal import access
from services.portal.app import create_app
from services.settings import DEV_INBOUND_API_KEYS, Settings
from services.store.db import Database
from services.store.models import Jobcenter, MailboxTopic, OutboxEntry, StageResult, Submission
from tests.staff.support import PNG

ROOT = Path(__file__).resolve().parents[2]
Headers = dict[str, str]


@dataclass(frozen=True)
class Persona:
    name: str
    roles: frozenset[str]
    subject: str | None = None
    token_roles: tuple[str, ...] = ()
    api_key: str | None = None


PERSONAS = (
    Persona("anonymous", frozenset()),
    Persona("customer kd-1001", frozenset({"customer"}), "kd-1001", ("customer",)),
    Persona("customer kd-1002", frozenset({"customer"}), "kd-1002", ("customer",)),
    Persona("staff sb-berlin-1", frozenset({"staff"}), "sb-berlin-1", ("staff",)),
    Persona("staff sb-leipzig-1", frozenset({"staff", "intake"}), "sb-leipzig-1", ("staff",)),
    Persona("intake ez-berlin", frozenset({"staff", "intake"}), "ez-berlin", ("staff",)),
    Persona("admin admin-berlin", frozenset({"staff", "admin"}), "admin-berlin", ("staff",)),
    Persona("admin admin-leipzig", frozenset({"staff", "admin"}), "admin-leipzig", ("staff",)),
    Persona("operator", frozenset({"operator"}), "ops-oncall-1", ("operator",)),
    Persona("inbound key", frozenset({"inbound"}), api_key=DEV_INBOUND_API_KEYS["verbis"]),
)
"""Roles as the demo data gives them (StaffMember.roles); tokens carry what the identity providers would send."""

PATH_VALUES = {
    "service": "wba",
    "key": "wba",
    "slug": "wohnen",
    "jobcenter_id": "jc-berlin-mitte",
    "topic_id": "999999",
    "query": "WBA-20990101-ABCDEFGH",
    "action": "processed",
}
"""Plausible path values; anything else gets an id that exists nowhere (the gate decides before any lookup)."""


def headers_of(persona: Persona, settings: Settings) -> Headers:
    if persona.api_key is not None:
        return {"X-API-Key": persona.api_key}
    if persona.subject is None:
        return {}
    token = dev_issuer_for(settings).mint(persona.subject, roles=list(persona.token_roles))
    return {"Authorization": f"Bearer {token}"}


def concrete(rule: access.Rule) -> str:
    values = {**PATH_VALUES, "service": "placement"} if "inbound" in rule.roles else PATH_VALUES
    return re.sub(
        r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "00000000-0000-0000-0000-000000000000"), rule.path
    )


def call(client: TestClient, rule: access.Rule, headers: Headers) -> httpx.Response:
    client.cookies.clear()  # only what the persona sends: no cookie a previous answer set
    body: dict[str, Any] = {"json": {}} if rule.method in ("POST", "PUT", "PATCH") else {}
    return client.request(rule.method, concrete(rule), headers=headers, follow_redirects=False, **body)


GATE_CODES = {
    401: {"unauthenticated", "invalid_token", "invalid_api_key", "unknown_customer"},
    403: {"forbidden", "unknown_staff"},
}
"""What the gate answers (our error shape); a handler's own 401 in another shape (OAuth's token endpoint) is not it."""


def refused_by_gate(response: httpx.Response) -> bool:
    if response.status_code not in GATE_CODES:
        return False
    error = response.json().get("error")
    return isinstance(error, dict) and error.get("code") in GATE_CODES[response.status_code]


@pytest.fixture
def matrix_client(settings: Settings, db: Database, registry: ConnectorRegistry) -> Iterator[TestClient]:
    """The portal with abuse limits off: the matrix is about roles, not about how often it asks."""
    unlimited = settings.model_copy(
        update={
            "rate_limit_submissions_per_customer": "",
            "rate_limit_submissions_per_address": "",
            "rate_limit_logins_per_address": "",
        }
    )
    with TestClient(create_app(unlimited, db=db, registry=registry)) as client:
        yield client


# -- the table and the app ------------------------------------------------------------------------------


def test_the_table_and_the_apps_routes_are_the_same_set(client: TestClient) -> None:
    routes = {(method, path) for method, path, _, _ in access.registered_routes(client.app)}  # type: ignore[arg-type]
    table = {r.key for r in access.TABLE}
    assert routes - table == set(), "routes without a row"
    assert table - routes == set(), "rows without a route (development mode mounts every route)"


def test_a_route_without_a_row_stops_the_portal(settings: Settings, db: Database, registry: ConnectorRegistry) -> None:
    app = create_app(settings, db=db, registry=registry)

    @app.get("/api/v1/forgotten")
    def forgotten() -> dict[str, str]:
        return {"secret": "data"}

    with pytest.raises(access.MissingAccessRule, match="GET /api/v1/forgotten: no row"):
        access.install_access(app)
    with TestClient(app) as client:  # added after start-up: closed, not open
        refused = client.get("/api/v1/forgotten", headers=headers_of(PERSONAS[8], settings))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


def test_every_row_names_known_roles_and_limits() -> None:
    for rule in access.TABLE:
        assert rule.roles <= set(access.ROLES) and rule.limit in ("none", "submission", "login"), rule
        assert not (rule.open and rule.roles - access.OPEN_ROLES), f"{rule.key}: open and role-bound at once"


def test_a_bad_row_stops_the_table_from_being_built() -> None:
    """What the test above finds in TABLE, the rows themselves refuse: a typo fails at import, not in review."""
    for roles, limit in (
        ("custmer", "none"),  # unknown role
        ("", "none"),  # nobody
        ("public customer", "none"),  # open and role-bound: which one was meant?
        ("dev staff", "none"),
        ("customer", "per-minute"),  # unknown abuse limit
    ):
        with pytest.raises(ValueError, match="bad access rule"):
            access._rules(("GET", "/x", roles, limit))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lists these twice"):
        access._rules(("GET", "/x", "customer"), ("GET", "/x", "staff"))
    assert access._rules(("GET", "/x", "customer"), ("POST", "/x", "customer", "submission"))[1].limit == "submission"


def _request(app: Any, url: str, cookies: dict[str, str] | None = None) -> Request:
    path, _, query = url.partition("?")
    cookie = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items()).encode()
    scope = {"type": "http", "method": "GET", "path": path, "query_string": query.encode(), "app": app}
    return Request({**scope, "headers": [(b"cookie", cookie)] if cookie else []})


def test_token_links_and_their_cookies_count_only_on_the_pages_that_take_them(client: TestClient) -> None:
    """In development /staff and /ops take ``?token=`` (and then their path-scoped cookie); the gate reads them
    there and nowhere else, so it never admits a request its handler would not."""
    app = client.app
    assert access.request_token(_request(app, "/staff/inbox?token=t")) == "t"
    assert access.request_token(_request(app, "/ops?token=t")) == "t"
    for elsewhere in ("/api/v1/mailbox?token=t", "/api/v1/staff/inbox?token=t", "/staffing?token=t"):
        assert access.request_token(_request(app, elsewhere)) is None, elsewhere
    staff_cookie = {"ozgflow_staff": "link"}
    assert access.sign_in_cookie(_request(app, "/staff/inbox", staff_cookie)) == ("ozgflow_staff", "link")
    assert access.sign_in_cookie(_request(app, "/api/v1/staff/inbox", staff_cookie)) is None
    both = {**staff_cookie, "ozgflow_session": "oidc"}
    assert access.sign_in_cookie(_request(app, "/staff/inbox", both)) == ("ozgflow_staff", "link")
    assert access.sign_in_cookie(_request(app, "/api/v1/mailbox", both)) == ("ozgflow_session", "oidc")


def test_the_docs_show_the_table() -> None:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert access.DOC_HEADING in text, "docs/security.md needs the section rendered from the table"
    section = text.split(access.DOC_HEADING, 1)[1].split("\n## ", 1)[0]
    rows = "\n".join(line for line in section.splitlines() if line.startswith("|"))
    assert rows == access.markdown_table(), "docs/security.md is stale: paste access.markdown_table() into it"


# -- the matrix -----------------------------------------------------------------------------------------


def test_every_row_admits_exactly_its_roles(matrix_client: TestClient, settings: Settings) -> None:
    mismatches: list[str] = []
    headers = {persona: headers_of(persona, settings) for persona in PERSONAS}  # signing is slow: once each
    for rule in access.TABLE:
        for persona in PERSONAS:
            allowed = rule.open or bool(persona.roles & rule.roles)
            response = call(matrix_client, rule, headers[persona])
            if response.status_code >= 500:
                mismatches.append(f"{rule.method} {rule.path} as {persona.name}: {response.status_code}")
            elif allowed and refused_by_gate(response):
                mismatches.append(f"{rule.method} {rule.path} as {persona.name}: refused ({response.text[:120]})")
            elif not allowed and not refused_by_gate(response):
                mismatches.append(f"{rule.method} {rule.path} as {persona.name}: let in ({response.status_code})")
    assert mismatches == [], "\n".join(mismatches)


def test_refusals_say_what_is_missing(matrix_client: TestClient, settings: Settings) -> None:
    anonymous = matrix_client.get("/api/v1/staff/inbox")
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "unauthenticated"
    assert anonymous.headers["www-authenticate"] == "Bearer"
    garbage = matrix_client.get("/api/v1/staff/inbox", headers={"Authorization": "Bearer not-a-token"})
    assert garbage.status_code == 401 and garbage.json()["error"]["code"] == "invalid_token"
    wrong_role = matrix_client.get("/api/v1/staff/paper-submissions", headers=headers_of(PERSONAS[3], settings))
    assert wrong_role.status_code in (403, 405)
    clerk_only = matrix_client.get("/staff/paper", headers=headers_of(PERSONAS[3], settings))
    assert clerk_only.status_code == 403
    assert (
        clerk_only.json()["error"]["message"]
        == "Dafür ist die Rolle intake (Eingangszone (Papiereingang) eines Jobcenters) nötig."
    )
    key = matrix_client.post("/api/v1/inbound/placement", json={}, headers={"X-API-Key": "guessed"})
    assert key.status_code == 401 and key.json()["error"]["code"] == "invalid_api_key"


def test_a_signed_out_browser_on_a_page_is_sent_to_the_login(matrix_client: TestClient) -> None:
    for page in ("/staff/inbox?state=all", "/ops"):
        browser = matrix_client.get(page, headers={"Accept": "text/html"}, follow_redirects=False)
        assert browser.status_code == 303, page
        assert browser.headers["location"].startswith("/auth/login?realm=staff&next=")
    assert matrix_client.get("/api/v1/staff/inbox", headers={"Accept": "text/html"}).status_code == 401


# -- tenancy: what the table alone cannot express -------------------------------------------------------


@dataclass
class Filed:
    submission_id: str
    receipt_number: str
    thread_id: str
    document_id: str
    message_id: str
    draft_id: str


@pytest.fixture
def as_(settings: Settings) -> Callable[[str], Headers]:
    by_subject = {p.subject: p for p in PERSONAS if p.subject}
    return lambda subject: headers_of(by_subject[subject], settings)


def _file_wba(client: TestClient, registry: ConnectorRegistry, headers: Headers) -> dict[str, Any]:
    filed = client.post(
        "/api/v1/submissions/wba", json=copy.deepcopy(registry.get("wba").examples()[0]), headers=headers
    )
    assert filed.status_code == 202, filed.text
    return dict(filed.json())


@pytest.fixture
def berlin(
    client: TestClient,
    registry: ConnectorRegistry,
    settings: Settings,
    db: Database,
    as_: Callable[[str], Headers],
    simulator: Any,
) -> Filed:
    """kd-1001's records at Berlin: a filed WBA (routed, filed, receipt in the Postfach), a conversation with an
    attachment, a draft."""
    filed = _file_wba(client, registry, as_("kd-1001"))
    build_runner(settings, db=db, registry=registry).run_all(filed["id"])
    thread = client.post(
        "/api/v1/mailbox/threads",
        data={"topic": "geldleistungen", "subject": "Abschlag", "body": "Geht das?"},
        files={"files": ("kontoauszug.png", PNG, "image/png")},
        headers=as_("kd-1001"),
    )
    assert thread.status_code == 201, thread.text
    messages = client.get("/api/v1/mailbox", headers=as_("kd-1001")).json()["messages"]
    draft = client.post("/api/v1/drafts/wba", headers=as_("kd-1001"))
    assert draft.status_code == 201, draft.text
    return Filed(
        submission_id=filed["id"],
        receipt_number=filed["receipt_number"],
        thread_id=thread.json()["id"],
        document_id=thread.json()["message_list"][0]["attachments"][0]["id"],
        message_id=messages[0]["id"],
        draft_id=draft.json()["id"],
    )


def test_staff_of_another_jobcenter_get_404_for_berlins_ids(
    client: TestClient, berlin: Filed, as_: Callable[[str], Headers]
) -> None:
    sid, tid, did = berlin.submission_id, berlin.thread_id, berlin.document_id
    reads = [
        f"/api/v1/staff/submissions/{sid}",
        f"/api/v1/staff/submissions/{sid}/pdf",
        f"/api/v1/staff/submissions/{sid}/json",
        f"/api/v1/staff/threads/{tid}",
        f"/api/v1/staff/documents/{did}",
        f"/api/v1/mailbox/attachments/{did}",
        f"/staff/submissions/{sid}",
        f"/staff/submissions/{sid}/pdf",
        f"/staff/threads/{tid}",
        f"/staff/documents/{did}",
    ]
    for path in reads:
        assert client.get(path, headers=as_("sb-berlin-1")).status_code == 200, path  # the ids are real
        assert client.get(path, headers=as_("sb-leipzig-1")).status_code == 404, path
    writes = [
        (f"/api/v1/staff/submissions/{sid}/processed", {}),
        (f"/api/v1/staff/submissions/{sid}/reassign", {"json": {"team_id": "jc-leipzig/eingangszone"}}),
        (f"/api/v1/staff/submissions/{sid}/reply", {"json": {"body": "Hallo aus Leipzig"}}),
        (f"/api/v1/staff/threads/{tid}/processed", {}),
        (f"/api/v1/staff/threads/{tid}/reply", {"json": {"body": "Hallo aus Leipzig"}}),
        (f"/staff/submissions/{sid}/processed", {}),
        (f"/staff/threads/{tid}/reply", {"data": {"body": "Hallo aus Leipzig"}}),
    ]
    for path, body in writes:
        assert client.post(path, headers=as_("sb-leipzig-1"), **body).status_code == 404, path
    view = client.get(f"/api/v1/staff/submissions/{sid}", headers=as_("sb-berlin-1")).json()
    assert "Hallo aus Leipzig" not in str(view) and view["work_state"] == "open"
    inbox = client.get("/api/v1/staff/inbox", params={"state": "all", "team": "all"}, headers=as_("sb-leipzig-1"))
    assert berlin.receipt_number not in inbox.text


def test_customers_cannot_read_each_others_records(
    client: TestClient, berlin: Filed, as_: Callable[[str], Headers]
) -> None:
    own = [
        f"/api/v1/submissions/{berlin.submission_id}",
        f"/api/v1/submissions/{berlin.submission_id}/receipt",
        f"/api/v1/mailbox/threads/{berlin.thread_id}",
        f"/api/v1/mailbox/{berlin.message_id}",
        f"/api/v1/mailbox/attachments/{berlin.document_id}",
        f"/api/v1/drafts/{berlin.draft_id}",
    ]
    for path in own:
        assert client.get(path, headers=as_("kd-1001")).status_code == 200, path
        assert client.get(path, headers=as_("kd-1002")).status_code == 404, path  # same jobcenter, other person
    other = as_("kd-1002")
    reply = client.post(
        f"/api/v1/mailbox/threads/{berlin.thread_id}/messages", data={"body": "Ich auch"}, headers=other
    )
    assert reply.status_code == 404
    change = client.put(f"/api/v1/drafts/{berlin.draft_id}/sections/household", json={"confirm": True}, headers=other)
    assert change.status_code == 404
    assert client.post(f"/api/v1/drafts/{berlin.draft_id}/submit", headers=other).status_code == 404
    for listing in ("/api/v1/mailbox", "/api/v1/mailbox/threads"):
        seen = client.get(listing, headers=other).text
        assert berlin.thread_id not in seen and berlin.message_id not in seen and berlin.receipt_number not in seen
    thread = client.get(f"/api/v1/mailbox/threads/{berlin.thread_id}", headers=as_("kd-1001")).json()
    assert "Ich auch" not in str(thread)


def _jobcenter(db: Database, jobcenter_id: str) -> tuple[str, int, str | None]:
    with db.session() as session:
        jc = session.get(Jobcenter, jobcenter_id)
        assert jc is not None
        return jc.mailbox_state, jc.mailbox_response_days, jc.mailbox_auto_reply


def test_an_admin_cannot_change_another_jobcenters_postfach(
    client: TestClient, db: Database, as_: Callable[[str], Headers]
) -> None:
    berlin_before = _jobcenter(db, "jc-berlin-mitte")
    with db.session() as session:
        topic = session.query(MailboxTopic).filter_by(jobcenter_id="jc-berlin-mitte").first()
        assert topic is not None
        topic_id, topic_title = topic.id, topic.title
        berlin_topics = session.query(MailboxTopic).filter_by(jobcenter_id="jc-berlin-mitte").count()
    leipzig = as_("admin-leipzig")
    changed = client.patch(
        "/api/v1/admin/mailbox",
        params={"jobcenter_id": "jc-berlin-mitte"},
        json={"jobcenter_id": "jc-berlin-mitte", "state": "off", "response_days": 9, "auto_reply": "Urlaub"},
        headers=leipzig,
    )
    assert changed.status_code == 200 and changed.json()["jobcenter_id"] == "jc-leipzig"
    assert _jobcenter(db, "jc-leipzig")[:2] == ("off", 9)
    assert _jobcenter(db, "jc-berlin-mitte") == berlin_before
    assert (
        client.patch(f"/api/v1/admin/mailbox/topics/{topic_id}", json={"title": "X"}, headers=leipzig).status_code
        == 404
    )
    assert client.delete(f"/api/v1/admin/mailbox/topics/{topic_id}", headers=leipzig).status_code == 404
    foreign_team = client.post(
        "/api/v1/admin/mailbox/topics",
        json={"key": "uebernahme", "title": "Übernahme", "team_id": "jc-berlin-mitte/leistung-1"},
        headers=leipzig,
    )
    assert foreign_team.status_code in (404, 422)
    listed = client.get("/api/v1/admin/mailbox", headers=leipzig).json()
    assert topic_id not in {t["id"] for t in listed["topics"]}
    with db.session() as session:
        topic = session.get(MailboxTopic, topic_id)
        assert topic is not None and topic.title == topic_title
        assert session.query(MailboxTopic).filter_by(jobcenter_id="jc-berlin-mitte").count() == berlin_topics
        assert (
            session.query(MailboxTopic)
            .filter_by(team_id="jc-berlin-mitte/leistung-1", jobcenter_id="jc-leipzig")
            .count()
            == 0
        )
    assert client.get("/api/v1/admin/mailbox", headers=as_("admin-berlin")).json()["state"] == berlin_before[0]
    # a customer of Berlin is nobody Leipzig's admin can export
    export = "/api/v1/admin/customers/kd-1001/data-export"
    assert client.get(export, headers=as_("admin-berlin")).status_code == 200
    assert client.get(export, headers=leipzig).status_code == 404


# -- operators never see personal data -----------------------------------------------------------------

ONLINE = [c for c in CUSTOMERS if c.online_account and c.id != "kd-9001"]
"""Demo customers with an account whose area a demo jobcenter serves (kd-9001's routing fails by design)."""


def _needles() -> dict[str, re.Pattern[str]]:
    needles: dict[str, re.Pattern[str]] = {}
    for c in ONLINE:
        for label, value in (
            ("given name", c.given_name),
            ("family name", c.family_name),
            ("street", c.street),
            ("e-mail", c.email),
            ("BG number", c.bg_number),
        ):
            if value:
                needles[f"{c.id} {label} {value!r}"] = re.compile(rf"(?<!\w){re.escape(value)}(?!\w)")
    return needles


def _leaks(text: str) -> list[str]:
    return [what for what, pattern in _needles().items() if pattern.search(text)]


def test_operators_never_see_personal_data(
    client: TestClient,
    registry: ConnectorRegistry,
    settings: Settings,
    db: Database,
    as_: Callable[[str], Headers],
    simulator: Any,
) -> None:
    token_of = dev_issuer_for(settings).mint
    filed = [
        _file_wba(client, registry, {"Authorization": f"Bearer {token_of(c.id, roles=['customer'])}"}) for c in ONLINE
    ]
    runner = build_runner(settings, db=db, registry=registry)
    for f in filed[1:]:
        runner.run_all(f["id"])
    runner.run_stage("intake", filed[0]["id"])  # the first one failed for good after intake: dead-lettered
    with db.session() as session:
        session.get(Submission, filed[0]["id"]).status = "failed"  # type: ignore[union-attr]
        session.query(OutboxEntry).filter_by(submission_id=filed[0]["id"]).update({"state": "dead", "attempts": 3})
        session.add(StageResult(submission_id=filed[0]["id"], stage="efile", status="failed", attempts=3, error="x"))
    operator = as_("ops-oncall-1")
    receipts = [f["receipt_number"] for f in filed]

    # the check can fail: staff, who may see personal data, do see it
    staff_view = client.get(f"/api/v1/staff/submissions/{filed[1]['id']}", headers=as_("sb-berlin-1")).text
    assert _leaks(staff_view), "the needles must find the personal data where it is legitimately shown"

    for failed_list in ("/ops", "/api/v1/ops/failed"):
        assert receipts[0] in client.get(failed_list, headers=operator).text  # the data is really on the pages
    pages: dict[str, str] = {}
    for rule in access.TABLE:
        if "operator" not in rule.roles:
            continue
        for receipt in receipts if "{query}" in rule.path else [None]:
            path = rule.path.replace("{query}", receipt or "")
            body: dict[str, Any] = {}
            if rule.method == "POST":
                body = {"json": {}} if path.startswith("/api/") else {"data": {"kind": "any"}}
            if path == "/ops/submissions":
                path = f"/ops/submissions?q={receipts[0]}"
            response = client.request(rule.method, path, headers=operator, follow_redirects=True, **body)
            assert response.status_code < 500 and not refused_by_gate(response), f"{rule.method} {path}"
            pages[f"{rule.method} {path}"] = response.text  # error answers (409 not retryable) count too
    leaks = {where: found for where, text in pages.items() if (found := _leaks(text))}
    assert leaks == {}
