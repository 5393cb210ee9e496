"""The operators' dashboard in headless Chromium against the running portal, pipeline and back-office simulator:
a submission that failed while the simulator was down is seen, looked up, retried from the page and completes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from flows.worker import PipelineWorker, worker_from_settings
from services.demo.data import CUSTOMERS
from services.identity.dev_issuer import dev_issuer_for
from services.pipeline.assembly import build_runner
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from services.transfer.simulator import Faults, SimulatorState
from tests.pages.accessibility import SERIOUS, axe_violations
from tests.support.http_server import UvicornThread, free_port
from tests.support.pipeline import file_and_fail, run_worker_until, statuses


@pytest.fixture
def worker(prefect_server: str, settings: Settings, db: Database, registry: ConnectorRegistry) -> PipelineWorker:
    return worker_from_settings(settings, runner=build_runner(settings, db=db, registry=registry), worker_id="ops-ui")


@pytest.fixture
def portal(settings: Settings, db: Database, registry: ConnectorRegistry, prefect_server: str) -> Iterator[str]:
    """The portal on loopback, its health panel pointed at this test's Prefect server and a VerBIS that is down."""
    configured = settings.model_copy(
        update={"prefect_port": urlsplit(prefect_server).port, "verbis_url": f"http://127.0.0.1:{free_port()}"}
    )
    with UvicornThread(create_app(configured, db=db, registry=registry)) as server:
        yield server.url


@pytest.fixture
def ops_link(settings: Settings, portal: str) -> str:
    return f"{portal}/ops?token={dev_issuer_for(settings).mint('ops-oncall-1', roles=['operator'])}"


def _fail_wba(
    client: TestClient, registry: ConnectorRegistry, token_for: Any, db: Database, worker: PipelineWorker, who: str
) -> dict[str, Any]:
    return file_and_fail(client, token_for(who), registry.get("wba").examples()[0], db, worker)


def _no_serious_accessibility_violations(page: Any) -> None:
    pytest.importorskip("axe_playwright_python.sync_playwright")
    assert axe_violations(page, wcag_only=False, impacts=SERIOUS) == []


def _no_personal_data(page: Any, *customer_ids: str) -> None:
    text = page.content()
    for customer in CUSTOMERS:
        if customer.id in customer_ids:
            for value in (customer.given_name, customer.family_name, customer.street, customer.bg_number):
                assert f">{value}" not in text and f" {value} " not in text and value not in page.inner_text("body")


def test_failed_submission_is_looked_up_retried_from_the_page_and_completes(
    page: Any,
    ops_link: str,
    portal: str,
    client: TestClient,
    registry: ConnectorRegistry,
    token_for: Any,
    db: Database,
    simulator: SimulatorState,
    worker: PipelineWorker,
) -> None:
    simulator.set_faults(Faults(outage=True))
    filed = _fail_wba(client, registry, token_for, db, worker, "kd-1001")
    receipt = filed["receipt_number"]

    page.goto(ops_link)
    assert page.url == f"{portal}/ops"  # the token left the address bar
    assert page.get_by_role("heading", level=1).inner_text() == "Verarbeitung der Einreichungen"
    pipeline = page.get_by_role("table", name="Einreichungen je Dienst und Jobcenter")
    row = pipeline.locator('tbody tr[data-service="wba"][data-jobcenter="jc-berlin-mitte"]')
    assert row.get_by_role("cell").first.inner_text() == "Jobcenter Berlin Mitte"
    assert row.locator('[data-col="failed"]').inner_text() == "1"
    assert row.locator('[data-col="waiting"]').inner_text() == "0"
    throughput = page.get_by_role("img", name="Durchsatz je 1 h")
    latency = page.get_by_role("img", name="Laufzeit bis zum Abschluss (p50, p95)")
    for chart in (throughput, latency):
        assert chart.evaluate("e => e.tagName") == "svg" and chart.bounding_box()["width"] > 300
    assert throughput.locator("rect").count() >= 2  # background and the bar of the accepted submission
    health = page.get_by_role("table", name="Erreichbarkeit")
    for name, state in (("Datenbank", "erreichbar"), ("Prefect-API", "erreichbar"), ("ALLEGRO", "nicht erreichbar")):
        assert health.get_by_role("row", name=name).get_by_role("cell").nth(1).inner_text() == state, name
    _no_serious_accessibility_violations(page)

    page.get_by_label("Eingangsnummer oder ID").fill(receipt)
    with page.expect_navigation():
        page.get_by_role("button", name="Suchen", exact=True).click()
    assert page.url == f"{portal}/ops/submissions/{receipt}"
    assert page.get_by_role("heading", level=1).inner_text() == f"Einreichung {receipt}"
    stages = page.get_by_role("table", name="Stufen der Verarbeitung")
    transfer = stages.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Übergabe"))
    cells = transfer.get_by_role("cell").all_inner_texts()
    assert cells[0] == "fehlgeschlagen" and "ALLEGRO nicht erreichbar" in cells[4]
    assert page.locator("#status").inner_text() == "fehlgeschlagen"
    _no_serious_accessibility_violations(page)
    _no_personal_data(page, "kd-1001")

    simulator.set_faults(Faults())
    with page.expect_navigation():
        page.get_by_role("button", name="Erneut versuchen", exact=True).click()
    assert page.get_by_role("status").inner_text().startswith("1 Einreichung erneut eingeplant")
    run_worker_until(worker, lambda: statuses(db, [filed["id"]])[filed["id"]] == "completed")
    page.reload()
    assert page.locator("#status").inner_text() == "abgeschlossen"
    assert page.get_by_role("button", name="Erneut versuchen", exact=True).count() == 0
    events = page.get_by_role("table", name="Was Menschen mit der Einreichung getan haben")
    assert events.get_by_role("cell").all_inner_texts()[:2] == ["retried", "ops-oncall-1"]
    assert len(simulator.cases()) == 1


def test_bulk_retry_from_the_page_takes_only_the_chosen_jobcenter(
    page: Any,
    ops_link: str,
    portal: str,
    client: TestClient,
    registry: ConnectorRegistry,
    token_for: Any,
    db: Database,
    simulator: SimulatorState,
    worker: PipelineWorker,
) -> None:
    simulator.set_faults(Faults(outage=True))
    berlin = _fail_wba(client, registry, token_for, db, worker, "kd-1001")
    leipzig = _fail_wba(client, registry, token_for, db, worker, "kd-2001")
    simulator.set_faults(Faults())

    page.goto(ops_link)
    failed = page.get_by_role("table", name="fehlgeschlagenen Einreichungen")
    assert sorted(failed.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.receipt)")) == sorted(
        [berlin["receipt_number"], leipzig["receipt_number"]]
    )
    bulk = page.locator("#bulk-retry")
    bulk.get_by_label("Jobcenter").select_option("jc-leipzig")
    bulk.get_by_label("Gescheiterte Stufe").select_option("transfer")
    with page.expect_navigation():
        bulk.get_by_role("button", name="Alle passenden erneut versuchen").click()
    assert page.get_by_role("status").inner_text().startswith("1 Einreichung erneut eingeplant")
    assert statuses(db, [berlin["id"], leipzig["id"]]) == {berlin["id"]: "failed", leipzig["id"]: "accepted"}
    remaining = page.get_by_role("table", name="fehlgeschlagenen Einreichungen")
    assert remaining.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.receipt)") == [
        berlin["receipt_number"]
    ]

    with page.expect_navigation():  # the per-row button: back to the overview, nothing failed any more
        page.get_by_role("button", name=f"{berlin['receipt_number']} erneut versuchen").click()
    assert page.get_by_role("status").inner_text().startswith("1 Einreichung erneut eingeplant")
    assert page.get_by_text("Keine fehlgeschlagenen Einreichungen.").is_visible()
    expected = {berlin["id"]: "completed", leipzig["id"]: "completed"}
    run_worker_until(worker, lambda: statuses(db, list(expected)) == expected)
    page.reload()
    totals = page.get_by_role("table", name="Einreichungen je Dienst und Jobcenter").locator("tfoot")
    assert totals.locator('[data-col="completed"]').inner_text() == "2"
    assert totals.locator('[data-col="failed"]').inner_text() == "0"
