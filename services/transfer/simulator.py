"""HTTP simulator of the benefits back-office system (Fachverfahren, ALLEGRO-like).

Why: the laptop setup, the demo, the tests and the load tests need a back-office system that behaves like
the real one where it matters for us — idempotent case creation keyed by ``Idempotency-Key``, errors as
JSON with a machine code — and that can be made to fail on demand (outage, the next N requests, a random
error rate, latency) so that retries and "nothing duplicated" can be shown over real HTTP.

Realism detail: with latency the case is committed *before* the slow answer, like a real system that
commits and then answers late; a client that times out and retries with the same key finds that case.
``requests`` per key counts every ``POST /api/v1/cases`` that carried the key, including ones refused by
injected faults, so tests can compare it with the client's tries.

Start it failing, e.g. ``create_simulator_app(SimulatorState(faults=Faults(error_rate=0.2)))``.

Given a ``Telemetry``, it continues the caller's W3C trace like an instrumented back-office system would:
each request is a server span, child of the hand-over's client span (an injected fault is noted on it).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry import trace
from pydantic import BaseModel, ConfigDict, Field

from services.telemetry import Telemetry
from services.telemetry.asgi import install_tracing
from services.telemetry.attributes import FAULT

# Procedure types of the training connectors (connectors/demo): cases of the first are always refused as if
# the system were down, cases of the second are answered late. A real ALLEGRO would reject both outright.
ALWAYS_FAILING_PROCEDURE = "DEMO-FEHLER"
SLOW_PROCEDURE = "DEMO-LANGSAM"


class Faults(BaseModel):
    """Injected faults; ``PUT /_simulator/faults`` replaces all of them (omitted fields → no fault)."""

    model_config = ConfigDict(extra="forbid")

    error_rate: float = Field(default=0.0, ge=0.0, le=1.0, description="Share of case requests answered 503.")
    latency_ms: int = Field(default=0, ge=0, le=600_000, description="Delay before answering a case request.")
    outage: bool = Field(default=False, description="Every API request (and /healthz) answers 503.")
    fail_next: int = Field(default=0, ge=0, description="The next N case requests answer 503.")
    training_slow_ms: int = Field(
        default=3000, ge=0, le=600_000, description=f"Delay for cases of the training procedure {SLOW_PROCEDURE}."
    )


@dataclass(frozen=True)
class SimulatedCase:
    case_reference: str
    idempotency_key: str
    eingangsnummer: str
    created_at: datetime
    payload: dict[str, Any]
    fingerprint: str


class IdempotencyKeyReused(Exception):
    """The key is known with a different request body."""


def _fingerprint(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class SimulatorState:
    """Thread-safe in-memory state: cases by idempotency key, request counts, reference counter, faults."""

    def __init__(
        self,
        faults: Faults | None = None,
        *,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] | None = None,
        reference_prefix: str = "ALG",
    ) -> None:
        self._lock = threading.Lock()
        self._faults = faults or Faults()
        self._rng = rng or random.Random()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._prefix = reference_prefix
        self._cases: dict[str, SimulatedCase] = {}
        self._requests: dict[str, int] = {}
        self._counter = 0

    @property
    def faults(self) -> Faults:
        with self._lock:
            return self._faults.model_copy()

    def set_faults(self, faults: Faults) -> None:
        with self._lock:
            self._faults = faults.model_copy()

    def reset(self) -> None:
        """Forget all cases and request counts, restart the reference counter and clear all faults."""
        with self._lock:
            self._faults = Faults()
            self._cases.clear()
            self._requests.clear()
            self._counter = 0

    def note_request(self, key: str) -> None:
        with self._lock:
            self._requests[key] = self._requests.get(key, 0) + 1

    def requests_for(self, key: str) -> int:
        with self._lock:
            return self._requests.get(key, 0)

    def injected_failure(self) -> str | None:
        """Which fault (if any) refuses the current case request; consumes one ``fail_next``."""
        with self._lock:
            faults = self._faults
            if faults.outage:
                return "outage"
            if faults.fail_next > 0:
                self._faults = faults.model_copy(update={"fail_next": faults.fail_next - 1})
                return "fail_next"
            if faults.error_rate > 0 and self._rng.random() < faults.error_rate:
                return "error_rate"
            return None

    def create_or_replay(self, key: str, payload: dict[str, Any]) -> tuple[SimulatedCase, bool]:
        """``(case, created)``; raises ``IdempotencyKeyReused`` if the key came with another body."""
        fingerprint = _fingerprint(payload)
        with self._lock:
            existing = self._cases.get(key)
            if existing is not None:
                if existing.fingerprint != fingerprint:
                    raise IdempotencyKeyReused(key)
                return existing, False
            self._counter += 1
            now = self._clock()
            case = SimulatedCase(
                case_reference=f"{self._prefix}-{now.year}-{self._counter:07d}",
                idempotency_key=key,
                eingangsnummer=str(payload["eingangsnummer"]),
                created_at=now,
                payload=payload,
                fingerprint=fingerprint,
            )
            self._cases[key] = case
            return case, True

    def _summary(self, case: SimulatedCase) -> dict[str, Any]:
        return {
            "case_reference": case.case_reference,
            "idempotency_key": case.idempotency_key,
            "eingangsnummer": case.eingangsnummer,
            "created_at": case.created_at.isoformat(),
            "requests": self._requests.get(case.idempotency_key, 0),
        }

    def cases(self) -> list[dict[str, Any]]:
        with self._lock:
            return [self._summary(case) for case in self._cases.values()]

    def case(self, case_reference: str) -> dict[str, Any] | None:
        with self._lock:
            found = [case for case in self._cases.values() if case.case_reference == case_reference]
            return {**self._summary(found[0]), "payload": found[0].payload} if found else None


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def _unavailable(reason: str) -> JSONResponse:
    return _error(503, "service_unavailable", f"Fachverfahren vorübergehend nicht verfügbar ({reason}).")


def _parse_payload(raw: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(raw)
    except ValueError:
        return None
    number = payload.get("eingangsnummer") if isinstance(payload, dict) else None
    return payload if isinstance(number, str) and number.strip() else None


def create_simulator_app(
    state: SimulatorState | None = None,
    *,
    title: str = "ALLEGRO-Simulator",
    description: str = "Simulated benefits back-office system.",
    telemetry: Telemetry | None = None,
) -> FastAPI:
    """The simulator as an ASGI app; ``app.state.simulator`` is its ``SimulatorState``."""
    sim = state if state is not None else SimulatorState()
    app = FastAPI(title=title, description=description)
    app.state.simulator = sim
    if telemetry is not None:
        install_tracing(app, telemetry, continue_caller_trace=True)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = ", ".join(".".join(str(part) for part in err["loc"]) for err in exc.errors())
        return _error(422, "invalid_request", f"Ungültige Anfrage: {fields}")

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        if sim.faults.outage:
            return _unavailable("outage")
        return JSONResponse({"status": "ok"})

    @app.post("/api/v1/cases")
    async def create_case(request: Request, idempotency_key: Annotated[str | None, Header()] = None) -> JSONResponse:
        if idempotency_key:
            sim.note_request(idempotency_key)
        failure = sim.injected_failure()
        if failure is not None:
            trace.get_current_span().set_attribute(FAULT, failure)
            return _unavailable(failure)
        if not idempotency_key:
            return _error(400, "idempotency_key_missing", "Header Idempotency-Key fehlt.")
        payload = _parse_payload(await request.body())
        if payload is None:
            return _error(422, "invalid_payload", "Erwartet wird ein JSON-Objekt mit dem Feld 'eingangsnummer'.")
        if payload.get("vorgangsart") == ALWAYS_FAILING_PROCEDURE:
            return _unavailable("training procedure: never available")
        try:
            case, created = sim.create_or_replay(idempotency_key, payload)
        except IdempotencyKeyReused:
            return _error(409, "idempotency_key_reused", "Idempotency-Key wurde mit anderem Inhalt schon verwendet.")
        latency_ms = sim.faults.latency_ms
        if payload.get("vorgangsart") == SLOW_PROCEDURE:
            latency_ms += sim.faults.training_slow_ms
        if latency_ms:  # committed first, answered late: a retry with the same key finds the case
            await asyncio.sleep(latency_ms / 1000)
        body = {
            "case_reference": case.case_reference,
            "idempotency_key": case.idempotency_key,
            "created_at": case.created_at.isoformat(),
        }
        if created:
            return JSONResponse(body, status_code=201)
        return JSONResponse(body, status_code=200, headers={"Idempotent-Replayed": "true"})

    @app.get("/api/v1/cases")
    async def list_cases() -> JSONResponse:
        if sim.faults.outage:
            return _unavailable("outage")
        return JSONResponse(sim.cases())

    @app.get("/api/v1/cases/{case_reference}")
    async def get_case(case_reference: str) -> JSONResponse:
        if sim.faults.outage:
            return _unavailable("outage")
        case = sim.case(case_reference)
        if case is None:
            return _error(404, "case_not_found", "Kein Fall mit diesem Aktenzeichen.")
        return JSONResponse(case)

    @app.get("/_simulator/faults")
    async def get_faults() -> Faults:
        return sim.faults

    @app.put("/_simulator/faults")
    async def put_faults(faults: Faults) -> Faults:
        sim.set_faults(faults)
        return sim.faults

    @app.post("/_simulator/reset")
    async def reset() -> dict[str, str]:
        sim.reset()
        return {"status": "reset"}

    return app
