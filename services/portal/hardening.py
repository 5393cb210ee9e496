"""Transport-level protection every response and request gets, whatever route handles it.

Security headers: browsers must not sniff types, frame our pages, leak addresses in the Referer or run scripts
from elsewhere; our pages use no scripts at all, so their policy forbids them. The interactive API docs load
their own scripts and are left out of that policy.

Request size: a body larger than ``OZGFLOW_REQUEST_MAX_BYTES`` is refused with 413 before a handler reads it —
declared (Content-Length) or discovered while streaming (chunked) — so no route can be made to buffer
unbounded input. Part of issue 8 (abuse limits); rate limits and CSRF come with the real login.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
PAGE_POLICY = (
    b"default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; form-action 'self'; "
    b"frame-ancestors 'none'; base-uri 'none'"
)
API_DOCS = ("/docs", "/redoc")


def _error_body(limit: int) -> bytes:
    message = f"Die Anfrage ist zu groß. Erlaubt sind höchstens {limit // 1024} KiB."
    return json.dumps({"error": {"code": "request_too_large", "message": message, "fields": []}}).encode()


class Hardening:
    """ASGI middleware: security headers on every response, a ceiling on every request body."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._refuse(send)
            return
        https = scope.get("scheme") == "https"
        on_docs = str(scope.get("path", "")).startswith(API_DOCS)
        started = refused = False
        seen = 0

        async def limited_receive() -> Message:
            """Past the limit the handler sees the client go away (it stores nothing) and we answer 413."""
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes and not started:
                    refused = True
                    await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent; whatever the handler answers to a vanished client is dropped
            if message["type"] == "http.response.start":
                started = True
                headers: list[Any] = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in COMMON_HEADERS if k not in present]
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html") and not on_docs:
                    headers.append((b"content-security-policy", PAGE_POLICY))
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except Exception:
            if not refused:  # a handler's own failure, not the disconnect we made up
                raise

    async def _refuse(self, send: Send) -> None:
        body = _error_body(self.max_body_bytes)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    *COMMON_HEADERS,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
