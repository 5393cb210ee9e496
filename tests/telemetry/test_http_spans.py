"""Server spans of the portal and the simulators: named by route template, never by URL; the portal starts its own
trace (linking to a caller's), a simulator continues the caller's like the back-office system it stands in for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from opentelemetry.trace import SpanKind

from connectors.sdk.registry import ConnectorRegistry
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from services.telemetry import Telemetry, telemetry_from_settings
from services.transfer.placement_simulator import create_simulator_process_app
from tests.support.http_server import UvicornThread
from tests.telemetry.readers import finished_spans, parent_id, span_id, trace_id

CALLER_TRACE = 0x0AF7651916CD43DD8448EB211C80319C
CALLER_SPAN = 0xB7AD6B7169203331
CALLER = f"00-{CALLER_TRACE:032x}-{CALLER_SPAN:016x}-01"


def _telemetry(tmp_path: Path, component: str) -> Telemetry:
    settings = Settings(_env_file=None, data_dir=tmp_path, otel_exporter="memory")  # type: ignore[call-arg]
    return telemetry_from_settings(settings, component=component)


def test_portal_starts_a_new_trace_per_request_and_links_to_the_callers(
    traced_settings: Settings, db: Database, registry: ConnectorRegistry, token_for: Callable[[str], dict[str, str]]
) -> None:
    telemetry = telemetry_from_settings(traced_settings, component="portal")
    with TestClient(create_app(traced_settings, db=db, registry=registry, telemetry=telemetry)) as client:
        headers = {**token_for("kd-1001"), "traceparent": CALLER}
        accepted = client.post("/api/v1/submissions/wba", json=registry.get("wba").examples()[0], headers=headers)
        assert accepted.status_code == 202
        status_url = accepted.json()["status_url"]
        assert client.get(f"{status_url}?secret=Schmidt", headers=token_for("kd-1001")).status_code == 200
        assert client.get("/no/such/page?q=Invalidenstra%C3%9Fe").status_code == 404

    submit, status, missing = finished_spans([telemetry])
    assert submit.kind == SpanKind.SERVER
    assert submit.parent is None and trace_id(submit) != CALLER_TRACE
    assert [(link.context.trace_id, link.context.span_id) for link in submit.links] == [(CALLER_TRACE, CALLER_SPAN)]
    assert status.name == "GET /api/v1/submissions/{submission_id}"
    assert status.attributes["http.route"] == "/api/v1/submissions/{submission_id}"
    assert missing.name == "GET"  # no route matched: the path (which could carry anything) is not the name
    assert missing.attributes["http.response.status_code"] == 404
    assert "http.route" not in missing.attributes
    for span in (submit, status, missing):
        assert set(span.attributes) <= {
            "http.request.method",
            "url.scheme",
            "http.route",
            "http.response.status_code",
            "ozgflow.receipt_number",
            "ozgflow.service",
        }
    assert submit.attributes["ozgflow.service"] == "wba"


def test_simulators_continue_the_callers_trace_with_one_span_per_request(tmp_path: Path) -> None:
    telemetry = _telemetry(tmp_path, "simulator")
    payload = {"eingangsnummer": "WBA-20250101-ABCDEFGH"}
    with UvicornThread(create_simulator_process_app(telemetry=telemetry)) as server, httpx.Client() as http:
        for path in ("/api/v1/cases", "/verbis/api/v1/cases"):
            answer = http.post(
                f"{server.url}{path}", json=payload, headers={"Idempotency-Key": f"k{path}", "traceparent": CALLER}
            )
            assert answer.status_code == 201
        assert http.get(f"{server.url}/healthz").status_code == 200

    allegro, verbis, health = finished_spans([telemetry])
    assert allegro.name == "POST /api/v1/cases"
    assert verbis.name == "POST /verbis/api/v1/cases"  # the mount's prefix is part of the route, one span only
    for span in (allegro, verbis):
        assert span.kind == SpanKind.SERVER
        assert trace_id(span) == CALLER_TRACE
        assert parent_id(span) == CALLER_SPAN
    assert health.name == "GET /healthz" and health.parent is None
    assert span_id(allegro) != span_id(verbis)
