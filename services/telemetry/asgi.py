"""A server span per HTTP request, for the portal and the back-office simulators.

Why hand-written instead of opentelemetry-instrumentation-asgi: we need exactly one span named after the route
template (``POST /api/v1/submissions/{service}``) with method, route and status code — never the full URL, its
query string, headers or bodies, which may carry personal data — and two propagation policies:

* the **portal** faces the internet: it starts a new trace for every request (one trace per submission, however
  a client labels its requests) and only *links* to a ``traceparent`` the client sent;
* a **simulator** stands in for a back-office system inside our network: it continues the caller's trace, so
  the hand-over appears in the submission's trace like a real Fachverfahren's span would.

A request that passes through two instrumented apps (the VerBIS simulator is mounted inside the ALLEGRO one) gets
one span: the outer middleware marks the ASGI scope.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, SpanKind, Status, StatusCode
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.telemetry.propagation import context_from_headers, remote_span_context
from services.telemetry.setup import Telemetry

_TRACED = "ozgflow.traced"


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _route_template(scope: Scope, entry_root_path: str) -> str | None:
    """The matched route's template, with the prefix of any mount it went through; None when nothing matched."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if route is None or isinstance(route, Mount) or not isinstance(path, str):
        return None
    root_path = str(scope.get("root_path", ""))
    mounted = root_path[len(entry_root_path) :] if root_path.startswith(entry_root_path) else ""
    return f"{mounted}{path}"


class TracingMiddleware:
    """Pure ASGI middleware (streaming responses and background tasks keep working, unlike BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp, *, tracer: trace.Tracer, continue_caller_trace: bool) -> None:
        self.app = app
        self.tracer = tracer
        self.continue_caller_trace = continue_caller_trace

    def _parent_and_links(self, scope: Scope) -> tuple[Context, list[Link]]:
        headers = _headers(scope)
        if self.continue_caller_trace:
            return context_from_headers(headers), []
        caller = remote_span_context(headers)
        return Context(), [Link(caller)] if caller else []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get(_TRACED):
            await self.app(scope, receive, send)
            return
        scope[_TRACED] = True
        method = str(scope.get("method", "GET"))
        entry_root_path = str(scope.get("root_path", ""))
        parent, links = self._parent_and_links(scope)
        status: dict[str, int] = {}

        async def send_with_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            await send(message)

        with self.tracer.start_as_current_span(
            method,
            context=parent,
            kind=SpanKind.SERVER,
            links=links,
            attributes={"http.request.method": method, "url.scheme": str(scope.get("scheme", "http"))},
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                await self.app(scope, receive, send_with_status)
            except BaseException as exc:
                span.set_attribute("error.type", type(exc).__name__)
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                raise
            finally:
                template = _route_template(scope, entry_root_path)
                if template is not None:
                    span.update_name(f"{method} {template}")
                    span.set_attribute("http.route", template)
                if "code" in status:
                    span.set_attribute("http.response.status_code", status["code"])
                    if status["code"] >= 500:
                        span.set_attribute("error.type", str(status["code"]))
                        span.set_status(Status(StatusCode.ERROR))


def install_tracing(app: FastAPI, telemetry: Telemetry, *, continue_caller_trace: bool) -> None:
    """Add the server-span middleware when telemetry is on (nothing at all when ``otel_exporter=none``)."""
    if telemetry.enabled:
        app.add_middleware(TracingMiddleware, tracer=telemetry.tracer, continue_caller_trace=continue_caller_trace)


def app_telemetry(app: Any) -> Telemetry | None:
    """The telemetry an app was built with (``app.state.telemetry``), if any."""
    return getattr(app.state, "telemetry", None)
