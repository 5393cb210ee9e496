"""Each access to personal data through the portal and the pipeline records exactly one entry, with the right
actor, purpose and source; refused accesses and repeated no-op actions record none."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from connectors.sdk.registry import ConnectorRegistry
from services.audit import Purpose, verify_chain
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from services.store.models import AuditEntry
from tests.audit.conftest import Headers
from tests.staff.support import LEISTUNG_1, LEISTUNG_2, paper, scan_pdf

BERLIN = "jc-berlin-mitte"


def _head(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.max(AuditEntry.id))) or 0


@contextmanager
def recorded(db: Database) -> Iterator[list[AuditEntry]]:
    """The entries written while the block ran."""
    found: list[AuditEntry] = []
    before = _head(db)
    yield found
    with db.session() as session:
        found.extend(session.scalars(select(AuditEntry).where(AuditEntry.id > before).order_by(AuditEntry.id)))


def _one(found: list[AuditEntry]) -> AuditEntry:
    assert len(found) == 1, [(e.actor_id, e.action, e.resource_type) for e in found]
    return found[0]


def _fields(e: AuditEntry) -> tuple[Any, ...]:
    return (e.actor_kind, e.actor_id, e.actor_jobcenter_id, e.action, e.resource_type, e.resource_id,
            e.customer_id, e.jobcenter_id, e.purpose, e.source)  # fmt: skip


def test_the_hand_over_to_the_back_office_system_is_recorded_once(
    client: TestClient, db: Database, wba: dict[str, Any], complete: Callable[[str], None]
) -> None:
    with db.session() as session:
        transfers = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "transfer")))
    entry = _one(transfers)
    assert _fields(entry)[:-1] == ("system", "transfer", None, "transfer", "submission", wba["id"], "kd-1001",
                                   BERLIN, Purpose.TRANSFER)  # fmt: skip
    assert entry.source  # the worker's host
    with recorded(db) as again:
        complete(wba["id"])  # a rerun skips the succeeded stage: no second hand-over, no second entry
    assert again == []


def test_staff_reads_record_one_entry_each_and_refusals_none(
    client: TestClient, db: Database, wba: dict[str, Any], staff_for: Callable[[str], Headers]
) -> None:
    sb1 = staff_for("sb-berlin-1")
    sid = wba["id"]
    expected = {
        "/api/v1/staff/inbox": ("read", "inbox", LEISTUNG_1, None, Purpose.INBOX),
        f"/api/v1/staff/submissions/{sid}": ("read", "submission", sid, "kd-1001", Purpose.CASEWORK),
        f"/api/v1/staff/submissions/{sid}/pdf": ("read", "submission_pdf", sid, "kd-1001", Purpose.CASEWORK),
        f"/api/v1/staff/submissions/{sid}/json": ("read", "submission_json", sid, "kd-1001", Purpose.CASEWORK),
    }
    for url, (action, rtype, rid, customer, purpose) in expected.items():
        with recorded(db) as found:
            assert client.get(url, headers=sb1).status_code == 200, url
        assert _fields(_one(found)) == ("staff", "sb-berlin-1", BERLIN, action, rtype, rid, customer, BERLIN,
                                        purpose, "testclient")  # fmt: skip
    with recorded(db) as found:  # refused or failed accesses record nothing
        other = client.get(f"/api/v1/staff/submissions/{wba['id']}", headers=staff_for("sb-bremen-1"))
        missing = client.get("/api/v1/staff/documents/no-such-document", headers=staff_for("sb-berlin-1"))
        unsigned = client.get("/api/v1/staff/inbox")
    assert (other.status_code, missing.status_code, unsigned.status_code) == (404, 404, 401)
    assert found == []


def test_changes_and_replies_record_one_entry_and_a_repeated_action_none(
    client: TestClient, db: Database, wba: dict[str, Any], staff_for: Callable[[str], Headers]
) -> None:
    sb1, url = staff_for("sb-berlin-1"), f"/api/v1/staff/submissions/{wba['id']}"
    for path, body in (("reassign", {"team_id": LEISTUNG_2}), ("processed", None), ("reopen", None)):
        with recorded(db) as found:
            assert client.post(f"{url}/{path}", headers=sb1, json=body).json()["changed"] is True
        assert _fields(_one(found))[3:9] == ("update", "submission", wba["id"], "kd-1001", BERLIN, Purpose.CASEWORK)
        with recorded(db) as repeated:
            assert client.post(f"{url}/{path}", headers=sb1, json=body).json()["changed"] is False
        assert repeated == []
    with recorded(db) as found:
        reply = client.post(f"/api/v1/staff/submissions/{wba['id']}/reply", headers=sb1, json={"body": "Danke."})
    assert reply.status_code == 201
    message_id, thread_id = reply.json()["message_id"], reply.json()["thread_id"]
    assert _fields(_one(found))[3:9] == ("create", "message", message_id, "kd-1001", BERLIN, Purpose.REPLY)
    with recorded(db) as found:
        thread = client.get(f"/api/v1/staff/threads/{thread_id}", headers=sb1)
    assert thread.status_code == 200
    assert _fields(_one(found))[3:9] == ("read", "thread", thread_id, "kd-1001", BERLIN, Purpose.CONVERSATION)
    flip = "reopen" if thread.json()["status"] == "processed" else "processed"
    with recorded(db) as found:
        assert client.post(f"/api/v1/staff/threads/{thread_id}/{flip}", headers=sb1).json()["changed"]
    assert _fields(_one(found))[3:6] == ("update", "thread", thread_id)


def test_paper_intake_and_a_document_download_are_recorded_once(
    client: TestClient,
    db: Database,
    registry: ConnectorRegistry,
    staff_for: Callable[[str], Headers],
    complete: Callable[[str], None],
) -> None:
    clerk, form = staff_for("ez-berlin"), registry.get("wba").examples()[0]
    with recorded(db) as found:
        filed = paper(client, clerk, service="wba", form=form, customer_id="kd-1003",
                      extra_headers={"Idempotency-Key": "paper-audit-1"})  # fmt: skip
    assert filed.status_code == 202, filed.text
    sid = filed.json()["id"]
    assert _fields(_one(found)) == ("staff", "ez-berlin", BERLIN, "create", "submission", sid, "kd-1003",
                                    BERLIN, Purpose.PAPER_INTAKE, "testclient")  # fmt: skip
    with recorded(db) as found:
        again = paper(client, clerk, service="wba", form=form, customer_id="kd-1003",
                      extra_headers={"Idempotency-Key": "paper-audit-1"})  # fmt: skip
        bad = paper(client, clerk, service="wba", form="{}", customer_id="kd-1003")
    assert (again.status_code, bad.status_code) == (202, 422)
    assert found == []  # a replay created nothing new, a refused form stored nothing

    complete(sid)
    sb1 = staff_for("sb-berlin-1")
    document_id = client.get(f"/api/v1/staff/submissions/{sid}", headers=sb1).json()["documents"][0]["id"]
    with recorded(db) as found:
        assert client.get(f"/api/v1/staff/documents/{document_id}", headers=sb1).status_code == 200
        assert client.get(f"/staff/documents/{document_id}", headers=sb1).status_code == 200  # the page's route
    assert [_fields(e)[3:9] for e in found] == [("read", "document", document_id, "kd-1003", BERLIN,
                                                 Purpose.CASEWORK)] * 2  # fmt: skip


def test_staff_may_give_a_reason_and_a_bad_one_is_refused_before_any_access(
    client: TestClient, db: Database, wba: dict[str, Any], staff_for: Callable[[str], Headers]
) -> None:
    url = f"/api/v1/staff/submissions/{wba['id']}"
    reason = "Widerspruch der Kundin vom 3. Februar, Prüfung § 84 SGB X"
    with recorded(db) as found:
        response = client.get(url, headers={**staff_for("sb-berlin-1"), "X-Access-Reason": reason.encode()})
    assert response.status_code == 200 and _one(found).reason == reason
    with recorded(db) as refused:
        long = client.get(url, headers={**staff_for("sb-berlin-1"), "X-Access-Reason": "x" * 201})
        control = client.get(url, headers={**staff_for("sb-berlin-1"), "X-Access-Reason": "a\x7fb"})
    assert long.status_code == control.status_code == 422
    assert long.json()["error"]["code"] == control.json()["error"]["code"] == "invalid_access_reason"
    assert "200 Zeichen" in long.json()["error"]["message"]
    assert refused == []


def test_each_staff_page_view_and_page_action_records_exactly_once(
    client: TestClient,
    db: Database,
    registry: ConnectorRegistry,
    wba: dict[str, Any],
    staff_for: Callable[[str], Headers],
) -> None:
    sb1, sid = staff_for("sb-berlin-1"), wba["id"]
    replied = client.post(f"/api/v1/staff/submissions/{sid}/reply", headers=sb1, json={"body": "Hallo"})
    views = {
        "/staff/inbox": ("read", "inbox"),
        f"/staff/submissions/{sid}": ("read", "submission"),
        f"/staff/submissions/{sid}/pdf": ("read", "submission_pdf"),
        f"/staff/submissions/{sid}/json": ("read", "submission_json"),
        f"/staff/threads/{replied.json()['thread_id']}": ("read", "thread"),
    }
    for url, kind in views.items():
        with recorded(db) as found:
            assert client.get(url, headers=sb1, follow_redirects=False).status_code == 200, url
        assert [(e.action, e.resource_type) for e in found] == [kind], url
    with recorded(db) as found:
        done = client.post(f"/staff/submissions/{sid}/processed", headers=sb1, follow_redirects=False)
        reply = client.post(f"/staff/submissions/{sid}/reply", headers=sb1, data={"body": "Gern."},
                            follow_redirects=False)  # fmt: skip
    assert done.status_code == reply.status_code == 303
    assert [(e.action, e.resource_type) for e in found] == [("update", "submission"), ("create", "message")]
    with recorded(db) as found:  # a refused page action shows the e-file again: that view is the one entry
        refused = client.post(f"/staff/submissions/{sid}/reassign", headers=sb1, data={"team_id": "nope"})
    assert refused.status_code == 422
    assert [(e.action, e.resource_type) for e in found] == [("read", "submission")]

    clerk = staff_for("ez-berlin")
    with recorded(db) as found:
        assert client.get("/staff/paper", headers=clerk).status_code == 200  # an empty form: nobody's data
    assert found == []
    data = {"service": "wba", "form": json.dumps(registry.get("wba").examples()[0]), "customer_id": "kd-1003",
            "idempotency_key": "page-load-1"}  # fmt: skip
    with recorded(db) as found:
        scan = {"scan": ("scan.pdf", scan_pdf(), "application/pdf")}
        posted = client.post("/staff/paper", headers=clerk, data=data, files=scan, follow_redirects=False)
    assert posted.status_code == 303, posted.text
    assert [(e.actor_id, e.action, e.purpose) for e in found] == [("ez-berlin", "create", Purpose.PAPER_INTAKE)]


def test_an_operator_lookup_records_a_metadata_read_once_per_view(
    client: TestClient, db: Database, wba: dict[str, Any], operator: Headers
) -> None:
    receipt = wba["receipt_number"]
    with recorded(db) as found:
        assert client.get(f"/api/v1/ops/submissions/{receipt}", headers=operator).status_code == 200
    assert _fields(_one(found)) == ("operator", "ops-oncall-1", None, "read", "submission_metadata", wba["id"],
                                    "kd-1001", BERLIN, Purpose.OPERATIONS, "testclient")  # fmt: skip
    with recorded(db) as found:
        search = client.get(f"/ops/submissions?q={receipt}", headers=operator, follow_redirects=False)
        page = client.get(f"/ops/submissions/{receipt}", headers=operator)
        retry = client.post(f"/api/v1/ops/submissions/{receipt}/retry", headers=operator)
        unknown = client.get("/api/v1/ops/submissions/XYZ-20250101-00000000", headers=operator)
    assert (search.status_code, page.status_code, retry.status_code, unknown.status_code) == (303, 200, 409, 404)
    assert [e.resource_type for e in found] == ["submission_metadata"]  # the page; search and retry resolve only


def test_the_source_is_the_client_address_behind_trusted_proxies_only(
    settings: Settings,
    client: TestClient,
    db: Database,
    registry: ConnectorRegistry,
    wba: dict[str, Any],
    staff_for: Callable[[str], Headers],
) -> None:
    url = f"/api/v1/staff/submissions/{wba['id']}"
    headers = {**staff_for("sb-berlin-1"), "X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
    app = create_app(settings.model_copy(update={"trusted_proxies": ["10.0.0.0/8"]}), db=db, registry=registry)
    with recorded(db) as found:
        assert client.get(url, headers=headers).status_code == 200  # no proxy trusted: the header proves nothing
        with TestClient(app, client=("10.1.2.3", 40000)) as proxied:
            assert proxied.get(url, headers=headers).status_code == 200
            assert proxied.get(url, headers=staff_for("sb-berlin-1")).status_code == 200  # the proxy itself
    assert [e.source for e in found] == ["testclient", "203.0.113.7", "10.1.2.3"]
    with db.session() as session:
        assert verify_chain(session) is None  # everything recorded here forms one intact chain
