"""The operator pages as HTML (TestClient): lookup form, retry forms without JavaScript, notices — and that no
page or API answer carries a customer's name, address, BG number or form content."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker
from services.demo.data import CUSTOMERS
from services.store.db import Database
from services.store.models import Submission
from services.transfer.simulator import Faults, SimulatorState
from tests.ops.conftest import Headers
from tests.support.pipeline import file_submission, run_worker_until, statuses


def _leaf_strings(form: Any) -> set[str]:
    """Free-text values of a form (names, IBANs, employers, addresses …)."""
    if isinstance(form, dict):
        return set().union(*(_leaf_strings(v) for v in form.values())) if form else set()
    if isinstance(form, list):
        return set().union(*(_leaf_strings(v) for v in form)) if form else set()
    if isinstance(form, str) and len(form) >= 6 and not form[:4].isdigit() and not form.islower():
        return {form}
    return set()


def test_no_personal_data_on_any_operator_page_or_answer(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for: Any,
    db: Database,
    simulator: SimulatorState,
    worker: PipelineWorker,
    operator: Headers,
) -> None:
    vaem = copy.deepcopy(registry.get("vaem").examples()[2])  # names, an IBAN, an employer, free text
    wba = copy.deepcopy(registry.get("wba").examples()[0])
    done = file_submission(client, token_for("kd-1002"), "wba", wba)
    run_worker_until(worker, lambda: statuses(db, [done["id"]])[done["id"]] == "completed")
    simulator.set_faults(Faults(outage=True))
    failed = file_submission(client, token_for("kd-1001"), "vaem", vaem)
    run_worker_until(worker, lambda: statuses(db, [failed["id"]])[failed["id"]] == "failed")

    answers = [
        client.get(path, headers=operator).text
        for path in (
            "/ops",
            "/ops?service=vaem&hours=168",
            f"/ops/submissions/{failed['receipt_number']}",
            f"/ops/submissions/{done['receipt_number']}",
            "/api/v1/ops/overview",
            "/api/v1/ops/failed",
            "/api/v1/ops/slo",
            "/api/v1/ops/series",
            f"/api/v1/ops/submissions/{failed['receipt_number']}",
            f"/api/v1/ops/submissions/{done['receipt_number']}",
        )
    ]
    assert failed["receipt_number"] in answers[0]  # the failed list names it: the check looks at real content
    personal = _leaf_strings(vaem)
    for customer in CUSTOMERS:
        if customer.id in ("kd-1001", "kd-1002"):
            personal |= {customer.given_name, customer.family_name, customer.street, customer.bg_number}
    dumped = json.dumps(answers, ensure_ascii=False)
    leaked = sorted(p for p in personal if re.search(rf"\b{re.escape(p)}\b", dumped))  # "Anna", not "Annahme"
    assert not leaked, f"personal data on operator pages: {leaked}"
    assert not re.search(r"\d{5}BG\d{7}", dumped)


def test_lookup_form_and_retry_forms_work_without_javascript(
    client: TestClient,
    registry: ConnectorRegistry,
    token_for: Any,
    db: Database,
    simulator: SimulatorState,
    worker: PipelineWorker,
    operator: Headers,
) -> None:
    simulator.set_faults(Faults(outage=True))
    wba = registry.get("wba").examples()[0]
    first = file_submission(client, token_for("kd-1001"), "wba", copy.deepcopy(wba))
    second = file_submission(client, token_for("kd-2001"), "wba", copy.deepcopy(wba))
    ids = [first["id"], second["id"]]
    run_worker_until(worker, lambda: set(statuses(db, ids).values()) == {"failed"})
    simulator.set_faults(Faults())

    search = client.get(f"/ops/submissions?q=%20{first['receipt_number'].lower()}%20", headers=operator)
    assert search.status_code == 200 and search.history[0].status_code == 303
    assert search.url.path == f"/ops/submissions/{first['receipt_number']}"
    assert "Erneut versuchen" in search.text and "fehlgeschlagen" in search.text
    unknown = client.get("/ops/submissions?q=WBA-20990101-NICHTDA", headers=operator)
    assert unknown.status_code == 404 and "keine Einreichung" in unknown.text and "<h1>" in unknown.text
    assert client.get("/ops/submissions?q=%3Cscript%3E", headers=operator).status_code == 422

    single = client.post(f"/ops/submissions/{first['receipt_number']}/retry", headers=operator, follow_redirects=False)
    assert single.status_code == 303
    assert single.headers["location"] == f"/ops/submissions/{first['receipt_number']}?retried=1"
    page = client.get(single.headers["location"], headers=operator)
    assert "1 Einreichung erneut eingeplant" in page.text and "Erneut versuchen" not in page.text

    bulk = client.post(
        "/ops/retry",
        data={"jobcenter": "jc-leipzig", "stage": "transfer", "kind": "any", "view_service": "wba", "hours": "6"},
        headers=operator,
        follow_redirects=False,
    )
    assert bulk.status_code == 303
    assert bulk.headers["location"] == "/ops?service=wba&hours=6&retried=1&remaining=0#failed"  # the view as it was
    assert "1 Einreichung erneut eingeplant" in client.get(bulk.headers["location"], headers=operator).text
    assert statuses(db, ids) == {first["id"]: "accepted", second["id"]: "accepted"}

    none_left = client.post("/ops/retry", data={"kind": "any"}, headers=operator, follow_redirects=False)
    assert "retried=0" in none_left.headers["location"]
    run_worker_until(worker, lambda: set(statuses(db, ids).values()) == {"completed"})
    overview = client.get("/ops", headers=operator).text
    assert "Keine fehlgeschlagenen Einreichungen." in overview


def test_stored_text_is_escaped_on_the_pages(
    client: TestClient, db: Database, operator: Headers, make_submission: Any
) -> None:
    sid = make_submission(status="failed", created_at=datetime.now(UTC), outbox_state="dead", attempts=3)
    with db.session() as session:
        submission = session.get(Submission, sid)
        assert submission is not None
        submission.failure_reason = "HandoverRefused: <script>alert(1)</script>"
        receipt = submission.receipt_number
    for path in (f"/ops/submissions/{receipt}", "/ops"):
        page = client.get(path, headers=operator).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
