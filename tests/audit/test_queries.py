"""Reading the log: admins see their own jobcenter only, customers see accesses to their data only (office and
role, never a colleague's name), operators check the chain without seeing personal data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.audit import AuditActor, Purpose, record_access
from services.store.db import Database
from services.store.models import utcnow
from tests.audit.conftest import Headers
from tests.audit.support import tamper

BERLIN, LEIPZIG = "jc-berlin-mitte", "jc-leipzig"
SB1 = AuditActor(kind="staff", id="sb-berlin-1", jobcenter_id=BERLIN, source="192.0.2.1")
SB2 = AuditActor(kind="staff", id="sb-berlin-2", jobcenter_id=BERLIN, source="192.0.2.2")
EZ = AuditActor(kind="staff", id="ez-berlin", jobcenter_id=BERLIN, source="192.0.2.3")
LE = AuditActor(kind="staff", id="sb-leipzig-1", jobcenter_id=LEIPZIG, source="192.0.2.9")
OPS = AuditActor(kind="operator", id="ops-oncall-1", source="192.0.2.50")
PIPELINE = AuditActor(kind="system", id="transfer", source="worker-7")
LONG_AGO = utcnow() - timedelta(days=30)


@pytest.fixture
def history(db: Database) -> None:
    """Accesses to three customers of two jobcenters by staff, an operator and the pipeline."""
    rows: list[tuple[AuditActor, str, str, str, str, str | None, str, Any]] = [
        (SB1, "read", "submission", "sub-a", Purpose.CASEWORK, "kd-1001", BERLIN, LONG_AGO),
        (SB2, "update", "submission", "sub-a", Purpose.CASEWORK, "kd-1001", BERLIN, None),
        (EZ, "create", "submission", "sub-b", Purpose.PAPER_INTAKE, "kd-1002", BERLIN, None),
        (OPS, "read", "submission_metadata", "sub-a", Purpose.OPERATIONS, "kd-1001", BERLIN, None),
        (PIPELINE, "transfer", "submission", "sub-a", Purpose.TRANSFER, "kd-1001", BERLIN, None),
        (SB1, "read", "inbox", "jc-berlin-mitte/leistung-1", Purpose.INBOX, None, BERLIN, None),
        (LE, "read", "submission", "sub-c", Purpose.CASEWORK, "kd-2001", LEIPZIG, None),
    ]
    with db.session() as session:
        for actor, action, rtype, rid, purpose, customer, jobcenter, at in rows:
            record_access(session, actor=actor, action=action, resource_type=rtype, resource_id=rid,
                          purpose=purpose, customer_id=customer, jobcenter_id=jobcenter, at=at)  # fmt: skip


def _admin(client: TestClient, headers: Headers, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/admin/audit", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_admins_see_their_own_jobcenters_entries_only(
    client: TestClient, history: None, staff_for: Callable[[str], Headers]
) -> None:
    berlin = _admin(client, staff_for("admin-berlin"))
    assert berlin["total"] == 6 and {i["resource_id"] for i in berlin["items"]} >= {"sub-a", "sub-b"}
    assert "sub-c" not in {i["resource_id"] for i in berlin["items"]}
    assert berlin["items"][-1]["at"] < berlin["items"][0]["at"]  # newest first
    names = {i["actor_id"]: i["actor_name"] for i in berlin["items"]}
    assert names["sb-berlin-1"].startswith("Sachbearbeitung") and names["ops-oncall-1"] is None
    leipzig = _admin(client, staff_for("admin-leipzig"))
    resources = [i["resource_id"] for i in leipzig["items"]]
    assert "sub-c" in resources and "sub-a" not in resources and "sub-b" not in resources
    assert _admin(client, staff_for("admin-leipzig"), customer_id="kd-1001")["total"] == 0  # not theirs


def test_admins_filter_and_page(client: TestClient, history: None, staff_for: Callable[[str], Headers]) -> None:
    admin = staff_for("admin-berlin")
    kd1001 = _admin(client, admin, customer_id="kd-1001")  # (each search is recorded: filters below avoid those)
    assert kd1001["total"] == 4 and {i["customer_id"] for i in kd1001["items"]} == {"kd-1001"}
    assert [i["actor_kind"] for i in _admin(client, admin, actor_id="ops-oncall-1")["items"]] == ["operator"]
    assert _admin(client, admin, resource_type="submission", resource_id="sub-a")["total"] == 3
    assert [i["purpose"] for i in _admin(client, admin, action="transfer")["items"]] == [Purpose.TRANSFER]
    recent = _admin(client, admin, **{"from": (utcnow() - timedelta(days=1)).isoformat()}, resource_id="sub-a")
    old = _admin(client, admin, **{"to": (utcnow() - timedelta(days=1)).isoformat()}, resource_id="sub-a")
    assert (recent["total"], old["total"]) == (3, 1) and old["items"][0]["actor_id"] == "sb-berlin-1"
    first = _admin(client, admin, per_page=2, page=1, resource_id="sub-a")
    second = _admin(client, admin, per_page=2, page=2, resource_id="sub-a")
    assert len(first["items"]) == len(second["items"]) == 2 and first["total"] == 4
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    bad = client.get("/api/v1/admin/audit", headers=admin, params={"action": "peek"})
    naive = client.get("/api/v1/admin/audit", headers=admin, params={"from": "2026-01-01T00:00:00"})
    assert (bad.status_code, naive.status_code) == (422, 422)


def test_an_admins_search_is_itself_recorded(
    client: TestClient, db: Database, history: None, staff_for: Callable[[str], Headers]
) -> None:
    admin = staff_for("admin-berlin")
    _admin(client, admin, customer_id="kd-1002")
    review = _admin(client, admin, resource_type="audit_log")["items"]
    assert len(review) == 1  # the first search (the second is recorded after it ran)
    assert (review[0]["actor_id"], review[0]["purpose"], review[0]["customer_id"]) == (
        "admin-berlin", Purpose.ACCESS_REVIEW, "kd-1002"
    )  # fmt: skip


def test_only_admins_may_search(client: TestClient, history: None, staff_for: Callable[[str], Headers],
                                token_for: Callable[[str], Headers], operator: Headers) -> None:  # fmt: skip
    for headers in (staff_for("sb-berlin-1"), token_for("kd-1001"), operator):
        assert client.get("/api/v1/admin/audit", headers=headers).status_code == 403
    assert client.get("/api/v1/admin/audit").status_code == 401


def test_customers_see_accesses_to_their_own_data_only(
    client: TestClient, history: None, token_for: Callable[[str], Headers]
) -> None:
    response = client.get("/api/v1/me/access-log", headers=token_for("kd-1001"))
    assert response.status_code == 200, response.text
    log = response.json()
    assert log["total"] == 4 and {i["resource_id"] for i in log["items"]} == {"sub-a"}
    by_who = {i["who"]: i for i in log["items"]}
    assert set(by_who) == {"Sachbearbeitung des Jobcenters", "Betrieb der Plattform",
                           "Automatische Verarbeitung der Plattform"}  # fmt: skip
    staff = by_who["Sachbearbeitung des Jobcenters"]
    assert (
        staff["jobcenter_name"] == "Jobcenter Berlin Mitte"
        and by_who["Betrieb der Plattform"]["jobcenter_name"] is None
    )
    assert by_who["Automatische Verarbeitung der Plattform"]["action"] == "übermittelt"
    text = response.text
    for hidden in ("sb-berlin-1", "sb-berlin-2", "ops-oncall-1", "192.0.2.", "Sachbearbeitung Leistung", "kd-1002"):
        assert hidden not in text  # no colleague's id or name, no address, nobody else's data

    other = client.get("/api/v1/me/access-log", headers=token_for("kd-1002")).json()
    assert [(i["who"], i["resource_id"]) for i in other["items"]] == [("Eingangszone des Jobcenters", "sub-b")]
    assert client.get("/api/v1/me/access-log", headers=token_for("kd-4001")).json()["total"] == 0


def test_a_customer_sees_real_accesses_with_their_receipt_number(
    client: TestClient, db: Database, wba: dict[str, Any], staff_for: Callable[[str], Headers],
    token_for: Callable[[str], Headers],
) -> None:  # fmt: skip
    client.get(f"/api/v1/staff/submissions/{wba['id']}/pdf", headers=staff_for("sb-berlin-1"))
    items = client.get("/api/v1/me/access-log", headers=token_for("kd-1001")).json()["items"]
    assert [(i["what"], i["receipt_number"], i["purpose"]) for i in items] == [
        ("Einreichung als PDF", wba["receipt_number"], Purpose.CASEWORK),
        ("Einreichung (e-Akte)", wba["receipt_number"], Purpose.TRANSFER),
    ]
    assert client.get("/api/v1/me/access-log", headers=token_for("kd-1002")).json()["items"] == []
    assert client.get("/api/v1/me/access-log", headers=staff_for("sb-berlin-1")).status_code == 403


def test_operators_verify_the_chain_without_personal_data(
    client: TestClient, db: Database, history: None, operator: Headers, staff_for: Callable[[str], Headers]
) -> None:
    good = client.get("/api/v1/ops/audit/verify", headers=operator)
    assert good.status_code == 200
    assert good.json() | {"head_hash": None, "first_id": None, "head_id": None} == {
        "intact": True, "checked": 7, "first_id": None, "head_id": None, "head_hash": None, "pruned": False,
        "broken_entry_id": None, "reason": None,
    }  # fmt: skip
    for secret in ("kd-", "sb-", "192.0.2.", "sub-a"):
        assert secret not in good.text
    victim = good.json()["first_id"] + 2
    tamper(db, "UPDATE audit_log SET customer_id = 'kd-4001' WHERE id = :id", id=victim)
    broken = client.get("/api/v1/ops/audit/verify", headers=operator).json()
    assert (broken["intact"], broken["broken_entry_id"], broken["checked"]) == (False, victim, 2)
    assert client.get("/api/v1/ops/audit/verify", headers=staff_for("admin-berlin")).status_code == 403
