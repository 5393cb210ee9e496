"""W3C trace context (``traceparent``) in and out: how a submission's trace crosses the outbox and HTTP.

Why only W3C trace context and not the SDK's global propagator: the global one also carries ``baggage``, which
is free text a caller could fill with anything; we pass on the four ids of ``traceparent`` and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

TRACEPARENT = "traceparent"
_W3C = TraceContextTextMapPropagator()  # stateless


def current_traceparent(context: Context | None = None) -> str | None:
    """The ``traceparent`` of the current (or given) span; None when nothing is being traced."""
    carrier: dict[str, str] = {}
    _W3C.inject(carrier, context=context)
    return carrier.get(TRACEPARENT)


def inject_traceparent(headers: MutableMapping[str, str], context: Context | None = None) -> MutableMapping[str, str]:
    """Add the current span's ``traceparent`` to outgoing HTTP headers (nothing when not traced)."""
    traceparent = current_traceparent(context)
    if traceparent:
        headers[TRACEPARENT] = traceparent
    return headers


def context_from_traceparent(traceparent: str | None) -> Context:
    """A context whose parent is the span behind ``traceparent``; an empty one (a new trace) when absent/invalid."""
    if not traceparent:
        return Context()
    return _W3C.extract({TRACEPARENT: traceparent}, context=Context())


def context_from_headers(headers: Mapping[str, str]) -> Context:
    """The caller's trace context from HTTP headers (header names in lower case, as ASGI gives them)."""
    return context_from_traceparent(headers.get(TRACEPARENT))


def remote_span_context(headers: Mapping[str, str]) -> trace.SpanContext | None:
    """The caller's span context, if it sent a valid one (for a span link instead of a parent)."""
    span_context = trace.get_current_span(context_from_headers(headers)).get_span_context()
    return span_context if span_context.is_valid else None
