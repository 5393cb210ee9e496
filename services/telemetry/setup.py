"""Telemetry of one process component (portal, worker, simulator), built from Settings.

Why explicit providers instead of OpenTelemetry's global ones: the tests, the benchmark and the load-test runner
start portals, workers and simulators of different configurations in one process, and the global providers can
be set only once. Each component therefore receives its ``Telemetry`` through its constructor (or builds it from
its ``Settings``); nothing is registered globally.

``otel_exporter``:

* ``none`` (default) — no-op providers; spans and metrics cost a few function calls and go nowhere;
* ``console`` — spans and metrics as JSON on stdout (the component's log under ``ozgflow up``);
* ``otlp`` — OTLP over HTTP/protobuf to ``otel_endpoint`` (``/v1/traces``, ``/v1/metrics``), batched in the
  background; without an endpoint the SDK's ``OTEL_EXPORTER_OTLP_*`` variables (default ``localhost:4318``);
* ``memory`` — kept in memory for tests (``Telemetry.spans`` and ``Telemetry.metric_reader``).
"""

from __future__ import annotations

from dataclasses import dataclass

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    InMemoryMetricReader,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from services.settings import Settings
from services.telemetry.instruments import PipelineMetrics

INSTRUMENTATION_SCOPE = "ozgflow"


@dataclass(frozen=True)
class Telemetry:
    """A component's tracer and metric instruments, plus the in-memory buffers when ``otel_exporter=memory``."""

    component: str
    enabled: bool
    tracer_provider: trace.TracerProvider
    meter_provider: metrics.MeterProvider
    tracer: trace.Tracer
    metrics: PipelineMetrics
    spans: InMemorySpanExporter | None = None
    metric_reader: InMemoryMetricReader | None = None

    def force_flush(self) -> None:
        """Export what is buffered now (tests; before a short-lived process ends)."""
        if isinstance(self.tracer_provider, TracerProvider):
            self.tracer_provider.force_flush()
        if isinstance(self.meter_provider, MeterProvider):
            self.meter_provider.force_flush()

    def shutdown(self) -> None:
        """Flush and stop the background exporters (processes also do this at exit)."""
        if isinstance(self.tracer_provider, TracerProvider):
            self.tracer_provider.shutdown()
        if isinstance(self.meter_provider, MeterProvider):
            self.meter_provider.shutdown()


def _build(
    component: str,
    tracer_provider: trace.TracerProvider,
    meter_provider: metrics.MeterProvider,
    *,
    enabled: bool,
    spans: InMemorySpanExporter | None = None,
    metric_reader: InMemoryMetricReader | None = None,
) -> Telemetry:
    return Telemetry(
        component=component,
        enabled=enabled,
        tracer_provider=tracer_provider,
        meter_provider=meter_provider,
        tracer=tracer_provider.get_tracer(INSTRUMENTATION_SCOPE),
        metrics=PipelineMetrics(meter_provider.get_meter(INSTRUMENTATION_SCOPE)),
        spans=spans,
        metric_reader=metric_reader,
    )


def disabled_telemetry(component: str = "none") -> Telemetry:
    """No-op providers: what ``otel_exporter=none`` gives, and the default of every constructor."""
    return _build(component, trace.NoOpTracerProvider(), metrics.NoOpMeterProvider(), enabled=False)


def resource_for(settings: Settings, component: str) -> Resource:
    """``service.name`` is ``<otel_service_name>-<component>`` (e.g. ozgflow-worker), so a trace shows which
    process did what; ``service.namespace`` groups them. ``OTEL_RESOURCE_ATTRIBUTES`` adds to it."""
    return Resource.create(
        {
            "service.name": f"{settings.otel_service_name}-{component}",
            "service.namespace": settings.otel_service_name,
            "ozgflow.component": component,
        }
    )


def _otlp_url(endpoint: str, signal: str) -> str | None:
    """``http://collector:4318`` → ``http://collector:4318/v1/traces``; None lets the SDK read OTEL_EXPORTER_OTLP_*."""
    return f"{endpoint.rstrip('/')}/v1/{signal}" if endpoint else None


def telemetry_from_settings(settings: Settings, *, component: str) -> Telemetry:
    """The component's telemetry as ``OZGFLOW_OTEL_EXPORTER``/``_ENDPOINT``/``_SERVICE_NAME`` configure it."""
    exporter = settings.otel_exporter
    if exporter == "none":
        return disabled_telemetry(component)
    resource = resource_for(settings, component)
    in_process = exporter == "memory"  # tests: no background threads, no exit hooks piling up
    tracer_provider = TracerProvider(resource=resource, shutdown_on_exit=not in_process)
    spans: InMemorySpanExporter | None = None
    memory_reader: InMemoryMetricReader | None = None
    reader: MetricReader
    if exporter == "memory":
        spans = InMemorySpanExporter()
        tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
        reader = memory_reader = InMemoryMetricReader()
    elif exporter == "console":
        tracer_provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
        reader = PeriodicExportingMetricReader(ConsoleMetricExporter())
    else:  # otlp; imported here so the other modes never load the protobuf/requests stack
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        tracer_provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=_otlp_url(settings.otel_endpoint, "traces")))
        )
        reader = PeriodicExportingMetricReader(
            OTLPMetricExporter(endpoint=_otlp_url(settings.otel_endpoint, "metrics"))
        )
    meter_provider = MeterProvider(metric_readers=[reader], resource=resource, shutdown_on_exit=not in_process)
    return _build(component, tracer_provider, meter_provider, enabled=True, spans=spans, metric_reader=memory_reader)
