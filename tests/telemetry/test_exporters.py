"""Exporters as configured by settings: OTLP/HTTP really sends, ``none`` records nothing and breaks nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from services.settings import Settings
from services.telemetry import telemetry_from_settings
from services.telemetry.propagation import current_traceparent


class _Collector(ThreadingHTTPServer):
    """Records every POST (path, content type, body) like an OpenTelemetry collector's OTLP/HTTP receiver."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Receiver)
        self.received: list[tuple[str, str, bytes]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Receiver(BaseHTTPRequestHandler):
    server: _Collector

    def do_POST(self) -> None:  # noqa: N802 - the http.server protocol
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.server.lock:
            self.server.received.append((self.path, self.headers.get("Content-Type", ""), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        return


@pytest.fixture
def collector() -> Iterator[_Collector]:
    server = _Collector()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **values)  # type: ignore[call-arg]


def test_otlp_exporter_sends_spans_and_metrics_to_the_configured_endpoint(
    collector: _Collector, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, otel_exporter="otlp", otel_endpoint=collector.url, otel_service_name="ozgflow-x")
    telemetry = telemetry_from_settings(settings, component="worker")
    try:
        with telemetry.tracer.start_as_current_span("stage transfer", attributes={"ozgflow.stage": "transfer"}):
            pass
        telemetry.metrics.submission_accepted("wba")
        telemetry.force_flush()
    finally:
        telemetry.shutdown()

    with collector.lock:
        received = list(collector.received)
    traces = [body for path, kind, body in received if path == "/v1/traces" and kind == "application/x-protobuf"]
    assert traces, f"no spans arrived: {[(path, kind) for path, kind, _ in received]}"
    request = ExportTraceServiceRequest.FromString(traces[0])
    [resource_spans] = request.resource_spans
    resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
    assert resource["service.name"] == "ozgflow-x-worker"
    assert resource["service.namespace"] == "ozgflow-x"
    names = [span.name for scope in resource_spans.scope_spans for span in scope.spans]
    assert names == ["stage transfer"]

    metrics = [body for path, _kind, body in received if path == "/v1/metrics"]
    assert metrics, "no metrics arrived"
    exported = {
        metric.name
        for body in metrics
        for rm in ExportMetricsServiceRequest.FromString(body).resource_metrics
        for sm in rm.scope_metrics
        for metric in sm.metrics
    }
    assert "ozgflow.submissions.accepted" in exported


def test_exporter_none_records_nothing_and_propagates_no_context(tmp_path: Path) -> None:
    telemetry = telemetry_from_settings(_settings(tmp_path), component="portal")
    assert not telemetry.enabled
    assert telemetry.spans is None and telemetry.metric_reader is None
    with telemetry.tracer.start_as_current_span("POST /api/v1/submissions/{service}") as span:
        assert not span.is_recording()
        assert current_traceparent() is None  # nothing to store with the submission
    telemetry.metrics.submission_accepted("wba")  # a no-op, not an error
    telemetry.force_flush()
    telemetry.shutdown()


def test_console_exporter_prints_spans_of_a_process_configured_by_environment(tmp_path: Path) -> None:
    """As ``ozgflow up`` children get it: OZGFLOW_OTEL_* in the environment, spans on stdout (the component log)."""
    script = (
        "from services.settings import Settings\n"
        "from services.telemetry import telemetry_from_settings\n"
        "t = telemetry_from_settings(Settings(), component='simulator')\n"
        "with t.tracer.start_as_current_span('POST /api/v1/cases'):\n"
        "    pass\n"
    )
    env = {**os.environ, "OZGFLOW_OTEL_EXPORTER": "console", "OZGFLOW_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert '"name": "POST /api/v1/cases"' in done.stdout  # flushed at exit, without an explicit shutdown
    assert '"service.name": "ozgflow-simulator"' in done.stdout
