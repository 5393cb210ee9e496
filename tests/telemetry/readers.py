"""Reading what in-memory telemetry recorded: spans by trace, metric data points by attributes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan

from services.telemetry import Telemetry


def finished_spans(telemetries: Iterable[Telemetry]) -> list[ReadableSpan]:
    spans: list[ReadableSpan] = []
    for telemetry in telemetries:
        assert telemetry.spans is not None, "telemetry must be built with otel_exporter=memory"
        spans.extend(telemetry.spans.get_finished_spans())
    return spans


def span_id(span: ReadableSpan) -> int:
    assert span.context is not None
    return span.context.span_id


def trace_id(span: ReadableSpan) -> int:
    assert span.context is not None
    return span.context.trace_id


def parent_id(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


def traceparent_of(span: ReadableSpan) -> str:
    assert span.context is not None
    return f"00-{trace_id(span):032x}-{span_id(span):016x}-{int(span.context.trace_flags):02x}"


def metric_points(telemetry: Telemetry, name: str) -> list[tuple[dict[str, Any], Any]]:
    """``(attributes, data point)`` of one metric; collecting also runs the observable gauges' callbacks."""
    assert telemetry.metric_reader is not None, "telemetry must be built with otel_exporter=memory"
    data = telemetry.metric_reader.get_metrics_data()
    found: list[tuple[dict[str, Any], Any]] = []
    for resource_metrics in data.resource_metrics if data else []:
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                if metric.name == name:
                    found.extend((dict(p.attributes or {}), p) for p in metric.data.data_points)
    return found


def metric_value(telemetry: Telemetry, name: str, **attributes: str) -> Any:
    """The value (sum or gauge) of the data point with exactly these attributes; None when there is none."""
    for point_attributes, point in metric_points(telemetry, name):
        if point_attributes == attributes:
            return point.value
    return None


def histogram_count(telemetry: Telemetry, name: str, **attributes: str) -> int:
    for point_attributes, point in metric_points(telemetry, name):
        if point_attributes == attributes:
            return int(point.count)
    return 0


def everything_exported(telemetries: Iterable[Telemetry]) -> str:
    """All span names, attributes, events, links and resources and all metric attributes, as one text to search
    for personal data (ids are left out: a random hex id could contain anything short)."""
    telemetries = list(telemetries)
    records: list[Any] = []
    for span in finished_spans(telemetries):
        records.append(
            {
                "name": span.name,
                "attributes": dict(span.attributes or {}),
                "events": [{"name": e.name, "attributes": dict(e.attributes or {})} for e in span.events],
                "links": [dict(link.attributes or {}) for link in span.links],
                "resource": dict(span.resource.attributes),
                "status": span.status.description,
            }
        )
    for telemetry in telemetries:
        assert telemetry.metric_reader is not None
        data = telemetry.metric_reader.get_metrics_data()
        for resource_metrics in data.resource_metrics if data else []:
            for scope_metrics in resource_metrics.scope_metrics:
                for metric in scope_metrics.metrics:
                    points = [dict(p.attributes or {}) for p in metric.data.data_points]
                    records.append({"metric": metric.name, "points": points})
    return json.dumps(records, ensure_ascii=False, default=str)


def personal_strings(customer: Any, *forms: Any) -> set[str]:
    """A customer's name, street, city and BG number, and the free-text values of the forms they filed."""
    found = {customer.given_name, customer.family_name, customer.street, customer.city, customer.bg_number}
    for form in forms:
        found |= _leaf_strings(form)
    return found


def _leaf_strings(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_leaf_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_leaf_strings(v) for v in value)) if value else set()
    if isinstance(value, str) and len(value) >= 6 and not value[:4].isdigit() and not value.islower():
        return {value}  # skip dates, amounts and enum codes like "employment"
    return set()
