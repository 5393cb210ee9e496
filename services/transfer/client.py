"""Client for the benefits back-office system (Fachverfahren, ALLEGRO-like): create one case per submission.

Why it looks like this:

* **Idempotent by key.** Every try of one hand-over sends the *same* ``Idempotency-Key`` (derived from the
  submission by the caller). A try that timed out may still have created the case; the next try then gets
  the existing case back (``200``, ``replayed=True``) instead of a duplicate. The pipeline can therefore
  rerun this stage as often as it needs to.
* **Two kinds of failure.** ``HandoverUnavailable`` means "try again later" (connection errors, timeouts,
  408, 429, 5xx, unusable answers): the pipeline reschedules the submission. ``HandoverRejected`` means the
  system refused this very request (other 4xx): retrying the same request will not help, an operator must
  look. A 409 ``idempotency_key_reused`` is a rejection too (the same key arrived with a different body,
  i.e. the payload mapping is not deterministic); any other 409 ("still in progress") is retried.
* **Bounded tries with backoff** inside one call, and an ``on_try`` callback so the caller can record each
  attempt in its own ledger (our database is the source of truth, not logs).
* **No personal data in messages.** Exception texts and ``on_try`` errors carry status codes, error codes and
  exception types only, never payload content or the system's free-text message (which may echo it); that
  text is kept on ``HandoverRejected.system_message`` for the operator view.
* **Synchronous**, because it runs inside pipeline worker threads; ``sleep`` is injectable for tests.
* **Traced.** Every try is a client span (method, route template, status code, try number — no URL query,
  no body) and sends the W3C ``traceparent`` of the current context, so the back-office system's span joins the
  submission's trace. Without telemetry the ``traceparent`` of whatever span is current is still passed on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import httpx
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from services.telemetry import attributes as attr
from services.telemetry.propagation import inject_traceparent
from services.transfer.backoff import Backoff

if TYPE_CHECKING:
    from services.settings import Settings
    from services.telemetry import Telemetry

OnTry = Callable[[int, str | None], None]
_MAX_SYSTEM_MESSAGE = 500
_CASES_ROUTE = "/api/v1/cases"


@dataclass(frozen=True)
class CaseReceipt:
    """The back-office system's answer: its case reference, whether it already had the case, and tries."""

    case_reference: str
    replayed: bool
    tries: int


class HandoverError(Exception):
    """Base of hand-over failures; ``retryable`` tells the pipeline whether to reschedule."""

    retryable: bool = False


class HandoverUnavailable(HandoverError):
    """The system could not be reached or answered with a transient error in every try."""

    retryable = True

    def __init__(self, message: str, *, tries: int, last_error: str) -> None:
        super().__init__(message)
        self.tries = tries
        self.last_error = last_error


class HandoverRejected(HandoverError):
    """The system refused the request (4xx); retrying the same request will not help."""

    retryable = False

    def __init__(self, message: str, *, status_code: int, code: str, system_message: str, tries: int) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.system_message = system_message
        self.tries = tries


@dataclass(frozen=True)
class _Outcome:
    receipt: CaseReceipt | None = None
    error: str | None = None  # retryable error description
    retry_after: float | None = None
    rejection: HandoverRejected | None = None


def _error_fields(response: httpx.Response) -> tuple[str, str]:
    """``(code, message)`` from a ``{"error": {"code", "message"}}`` body, tolerant of other bodies."""
    try:
        body: Any = response.json()
    except ValueError:
        return f"http_{response.status_code}", ""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return f"http_{response.status_code}", ""
    code = str(error.get("code") or f"http_{response.status_code}")
    return code, str(error.get("message") or "")[:_MAX_SYSTEM_MESSAGE]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return None  # absent, or an HTTP date (not worth parsing for our short waits)
    return seconds if seconds >= 0 else None


class SpecialistSystemClient:
    """Hands submissions over to a back-office system's ``POST /api/v1/cases``."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_seconds: float,
        max_tries: int,
        backoff: Backoff,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        system_name: str = "ALLEGRO",
        telemetry: Telemetry | None = None,
    ) -> None:
        if max_tries < 1:
            raise ValueError("max_tries must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.timeout = httpx.Timeout(timeout_seconds)
        self.max_tries = max_tries
        self.backoff = backoff
        self.system_name = system_name
        self._sleep = sleep
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=self.timeout)
        self._tracer: trace.Tracer = telemetry.tracer if telemetry is not None else trace.NoOpTracer()
        url = httpx.URL(self.base_url)
        self._span_attributes: dict[str, Any] = {
            "http.request.method": "POST",
            "server.address": url.host,
            "server.port": url.port or (443 if url.scheme == "https" else 80),
            "url.template": f"{url.path.rstrip('/')}{_CASES_ROUTE}",
            attr.SYSTEM: system_name,
        }

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        base_url: str | None = None,
        system_name: str = "ALLEGRO",
        telemetry: Telemetry | None = None,
    ) -> SpecialistSystemClient:
        """A client configured by ``OZGFLOW_TRANSFER_*``; by default the benefits system (``OZGFLOW_ALLEGRO_URL``)."""
        return cls(
            base_url or settings.resolved_allegro_url,
            timeout_seconds=settings.transfer_timeout_seconds,
            max_tries=settings.transfer_max_tries,
            backoff=Backoff(settings.transfer_backoff_base_seconds, settings.transfer_backoff_cap_seconds),
            http=http,
            sleep=sleep,
            system_name=system_name,
            telemetry=telemetry,
        )

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def health(self) -> bool:
        """True when ``GET /healthz`` answers 200; never raises."""
        try:
            response = self._http.get(f"{self.base_url}/healthz", timeout=self.timeout)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    def create_case(self, *, idempotency_key: str, payload: dict[str, Any], on_try: OnTry | None = None) -> CaseReceipt:
        """Create (or find again) the case for ``idempotency_key``; retries transient failures.

        Raises ``HandoverUnavailable`` after ``max_tries`` transient failures and ``HandoverRejected`` at
        once on a permanent one. ``on_try(try_number, error_or_None)`` runs after every try.
        """
        if not idempotency_key or not idempotency_key.isascii():
            raise ValueError("idempotency_key must be a non-empty ASCII string")
        last_error = ""
        for try_number in range(1, self.max_tries + 1):
            outcome = self._try_once(idempotency_key, payload, try_number)
            if outcome.rejection is not None:
                if on_try is not None:
                    on_try(try_number, str(outcome.rejection))
                raise outcome.rejection
            if outcome.receipt is not None:
                if on_try is not None:
                    on_try(try_number, None)
                return outcome.receipt
            last_error = outcome.error or "unbekannter Fehler"
            if on_try is not None:
                on_try(try_number, last_error)
            if try_number < self.max_tries:
                self._sleep(self._delay(try_number, outcome.retry_after))
        raise HandoverUnavailable(
            f"{self.system_name} nicht erreichbar nach {self.max_tries} Versuchen: {last_error}",
            tries=self.max_tries,
            last_error=last_error,
        )

    def _delay(self, try_number: int, retry_after: float | None) -> float:
        delay = self.backoff.delay(try_number)
        if retry_after is not None:  # honour the server's wish, but never block a worker beyond the cap
            delay = min(max(delay, retry_after), self.backoff.cap_seconds)
        return delay

    def _try_once(self, key: str, payload: dict[str, Any], try_number: int) -> _Outcome:
        template = self._span_attributes["url.template"]
        with self._tracer.start_as_current_span(
            f"POST {template}",
            kind=SpanKind.CLIENT,
            attributes={**self._span_attributes, attr.TRY: try_number},
            record_exception=False,  # exception messages stay out of telemetry; the type is enough
            set_status_on_exception=False,
        ) as span:
            try:
                response = self._http.post(
                    f"{self.base_url}{_CASES_ROUTE}",
                    json=payload,
                    headers=inject_traceparent({"Idempotency-Key": key}),
                    timeout=self.timeout,
                )
            except httpx.TransportError as exc:  # timeouts included
                span.set_attribute("error.type", type(exc).__name__)
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                if isinstance(exc, httpx.TimeoutException):
                    return _Outcome(error=f"Zeitüberschreitung ({type(exc).__name__}) nach {self.timeout.read} s")
                return _Outcome(error=f"Verbindungsfehler ({type(exc).__name__}: {str(exc)[:120]})")
            span.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= 400:
                span.set_attribute("error.type", str(response.status_code))
                span.set_status(Status(StatusCode.ERROR))
            return self._interpret(response, try_number)

    def _interpret(self, response: httpx.Response, try_number: int) -> _Outcome:
        status = response.status_code
        if 200 <= status < 300:
            return self._receipt(response, try_number)
        code, message = _error_fields(response)
        transient = status >= 500 or status in (408, 429) or (status == 409 and code != "idempotency_key_reused")
        if transient:
            return _Outcome(error=f"{status} {code}", retry_after=_retry_after(response))
        return _Outcome(
            rejection=HandoverRejected(
                f"{self.system_name} hat die Übergabe abgelehnt: {status} {code}",
                status_code=status,
                code=code,
                system_message=message,
                tries=try_number,
            )
        )

    def _receipt(self, response: httpx.Response, try_number: int) -> _Outcome:
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        reference = body.get("case_reference") if isinstance(body, dict) else None
        if not isinstance(reference, str) or not reference:
            # Safe to retry: the same key returns the same case if one was created.
            return _Outcome(error=f"{response.status_code} ohne Aktenzeichen in der Antwort")
        header = response.headers.get("Idempotent-Replayed")
        replayed = header.lower() == "true" if header is not None else response.status_code == 200
        return _Outcome(receipt=CaseReceipt(case_reference=reference, replayed=replayed, tries=try_number))
