"""The hand-over client against the simulator over real HTTP: retries with one key, never a second case."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.settings import Settings
from services.transfer.backoff import Backoff
from services.transfer.client import (
    CaseReceipt,
    HandoverRejected,
    HandoverUnavailable,
    SpecialistSystemClient,
)
from services.transfer.simulator import Faults, SimulatorState, create_simulator_app

try:
    from tests.support.http_server import UvicornThread, free_port
except ModuleNotFoundError:  # tests/ is the import root while tests/__init__.py does not exist
    from support.http_server import UvicornThread, free_port  # type: ignore[no-redef]

SECRET = "Erika Mustermann"  # personal data that must never show up in errors
PAYLOAD = {"eingangsnummer": "WBA-2026-000123", "service": "wba", "name": SECRET}


class Recorder:
    """Stands in for ``time.sleep`` and ``on_try``: records instead of waiting."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.tries: list[tuple[int, str | None]] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def on_try(self, number: int, error: str | None) -> None:
        self.tries.append((number, error))


@pytest.fixture(scope="module")
def state() -> SimulatorState:
    return SimulatorState()


@pytest.fixture(scope="module")
def server(state: SimulatorState) -> Iterator[UvicornThread]:
    with UvicornThread(create_simulator_app(state)) as running:
        yield running


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def make_client(url: str, recorder: Recorder, *, max_tries: int = 4, timeout: float = 5.0) -> SpecialistSystemClient:
    backoff = Backoff(base_seconds=0.5, cap_seconds=8.0, rng=random.Random(1234))
    return SpecialistSystemClient(
        url, timeout_seconds=timeout, max_tries=max_tries, backoff=backoff, sleep=recorder.sleep
    )


@pytest.fixture
def client(server: UvicornThread, state: SimulatorState, recorder: Recorder) -> Iterator[SpecialistSystemClient]:
    state.reset()
    with make_client(server.url, recorder) as api:
        yield api


def test_creates_a_case_in_one_try(client: SpecialistSystemClient, state: SimulatorState, recorder: Recorder) -> None:
    receipt = client.create_case(idempotency_key="sub-1", payload=PAYLOAD, on_try=recorder.on_try)

    assert receipt == CaseReceipt(case_reference=receipt.case_reference, replayed=False, tries=1)
    assert receipt.case_reference.startswith("ALG-")
    assert recorder.tries == [(1, None)]
    assert recorder.sleeps == []
    [case] = state.cases()
    assert case["case_reference"] == receipt.case_reference
    assert case["eingangsnummer"] == PAYLOAD["eingangsnummer"]


def test_second_hand_over_with_the_same_key_is_replayed(client: SpecialistSystemClient, state: SimulatorState) -> None:
    first = client.create_case(idempotency_key="sub-1", payload=PAYLOAD)
    second = client.create_case(idempotency_key="sub-1", payload=PAYLOAD)

    assert second.case_reference == first.case_reference
    assert second.replayed is True
    assert len(state.cases()) == 1


def test_retries_with_the_same_key_after_transient_errors(
    client: SpecialistSystemClient, state: SimulatorState, recorder: Recorder
) -> None:
    state.set_faults(Faults(fail_next=2))

    receipt = client.create_case(idempotency_key="sub-1", payload=PAYLOAD, on_try=recorder.on_try)

    assert receipt.tries == 3
    assert receipt.replayed is False
    assert recorder.tries == [(1, "503 service_unavailable"), (2, "503 service_unavailable"), (3, None)]
    assert len(recorder.sleeps) == 2
    assert 0.25 <= recorder.sleeps[0] <= 0.5  # equal jitter: [d/2, d] with d = 0.5
    assert 0.5 <= recorder.sleeps[1] <= 1.0  # d = 1.0
    [case] = state.cases()
    assert case["requests"] == receipt.tries


def test_outage_exhausts_the_tries_then_a_later_call_succeeds_once(
    client: SpecialistSystemClient, state: SimulatorState, recorder: Recorder
) -> None:
    state.set_faults(Faults(outage=True))

    with pytest.raises(HandoverUnavailable) as raised:
        client.create_case(idempotency_key="sub-1", payload=PAYLOAD, on_try=recorder.on_try)

    error = raised.value
    assert error.retryable is True
    assert error.tries == 4
    assert str(error) == "ALLEGRO nicht erreichbar nach 4 Versuchen: 503 service_unavailable"
    assert [number for number, _ in recorder.tries] == [1, 2, 3, 4]
    assert all(message is not None and SECRET not in message for _, message in recorder.tries)
    for sleep, ceiling in zip(recorder.sleeps, [0.5, 1.0, 2.0], strict=True):
        assert ceiling / 2 <= sleep <= ceiling
    assert state.cases() == []

    state.set_faults(Faults())
    receipt = client.create_case(idempotency_key="sub-1", payload=PAYLOAD)

    assert receipt.tries == 1
    [case] = state.cases()
    assert case["case_reference"] == receipt.case_reference
    assert case["requests"] == 5  # 4 refused during the outage + 1 that created the case


def test_timeout_shorter_than_latency_retries_without_duplicating(
    server: UvicornThread, state: SimulatorState, recorder: Recorder
) -> None:
    state.reset()
    state.set_faults(Faults(latency_ms=1000))

    with (
        make_client(server.url, recorder, max_tries=3, timeout=0.2) as impatient,
        pytest.raises(HandoverUnavailable) as raised,
    ):
        impatient.create_case(idempotency_key="sub-1", payload=PAYLOAD, on_try=recorder.on_try)

    assert "Zeitüberschreitung" in str(raised.value)
    assert [number for number, _ in recorder.tries] == [1, 2, 3]
    [case] = state.cases()  # the first try committed the case; the retries found it
    assert case["requests"] == 3

    state.set_faults(Faults())
    with make_client(server.url, recorder) as patient:
        receipt = patient.create_case(idempotency_key="sub-1", payload=PAYLOAD)

    assert receipt.replayed is True
    assert receipt.case_reference == case["case_reference"]
    assert len(state.cases()) == 1


def test_a_rejection_is_not_retried(client: SpecialistSystemClient, state: SimulatorState, recorder: Recorder) -> None:
    invalid = {"service": "wba", "name": SECRET}  # no eingangsnummer → 422

    with pytest.raises(HandoverRejected) as raised:
        client.create_case(idempotency_key="sub-1", payload=invalid, on_try=recorder.on_try)

    error = raised.value
    assert error.retryable is False
    assert (error.status_code, error.code, error.tries) == (422, "invalid_payload", 1)
    assert "eingangsnummer" in error.system_message
    assert SECRET not in str(error)
    assert recorder.sleeps == []
    assert len(recorder.tries) == 1
    assert state.requests_for("sub-1") == 1
    assert state.cases() == []


def test_a_reused_key_with_another_payload_is_rejected(client: SpecialistSystemClient, state: SimulatorState) -> None:
    client.create_case(idempotency_key="sub-1", payload=PAYLOAD)

    with pytest.raises(HandoverRejected) as raised:
        client.create_case(idempotency_key="sub-1", payload={**PAYLOAD, "service": "vaem"})

    assert (raised.value.status_code, raised.value.code) == (409, "idempotency_key_reused")
    assert state.requests_for("sub-1") == 2
    assert len(state.cases()) == 1


def test_nothing_listening_is_unavailable(recorder: Recorder) -> None:
    with make_client(f"http://127.0.0.1:{free_port()}", recorder, max_tries=3) as api:
        with pytest.raises(HandoverUnavailable) as raised:
            api.create_case(idempotency_key="sub-1", payload=PAYLOAD, on_try=recorder.on_try)
        assert api.health() is False

    assert raised.value.tries == 3
    assert "Verbindungsfehler" in str(raised.value)
    assert len(recorder.sleeps) == 2
    assert [number for number, _ in recorder.tries] == [1, 2, 3]


def test_health_follows_the_system(client: SpecialistSystemClient, state: SimulatorState) -> None:
    assert client.health() is True

    state.set_faults(Faults(outage=True))

    assert client.health() is False


def test_empty_idempotency_key_is_a_programming_error(client: SpecialistSystemClient, state: SimulatorState) -> None:
    with pytest.raises(ValueError):
        client.create_case(idempotency_key="", payload=PAYLOAD)

    assert state.cases() == []


def test_429_is_retried_honouring_retry_after(recorder: Recorder) -> None:
    app = FastAPI()
    calls: list[str | None] = []

    @app.post("/api/v1/cases")
    async def busy_then_ok(request: Request) -> JSONResponse:
        calls.append(request.headers.get("Idempotency-Key"))
        if len(calls) == 1:
            error = {"error": {"code": "too_many_requests", "message": "Bitte später."}}
            return JSONResponse(error, status_code=429, headers={"Retry-After": "3"})
        return JSONResponse({"case_reference": "ALG-2026-0000042"}, status_code=201)

    with UvicornThread(app) as running, make_client(running.url, recorder) as api:
        receipt = api.create_case(idempotency_key="sub-1", payload=PAYLOAD)

    assert receipt == CaseReceipt("ALG-2026-0000042", replayed=False, tries=2)
    assert calls == ["sub-1", "sub-1"]
    assert recorder.sleeps == [3.0]  # the server's wish beats the shorter backoff, below the cap


def test_from_settings_uses_the_transfer_settings(server: UvicornThread, state: SimulatorState) -> None:
    state.reset()
    settings = Settings(allegro_url=server.url + "/", transfer_max_tries=2, transfer_timeout_seconds=3.0)

    with SpecialistSystemClient.from_settings(settings, sleep=lambda _: None) as api:
        assert api.max_tries == 2
        assert api.base_url == server.url
        assert api.create_case(idempotency_key="sub-9", payload=PAYLOAD).tries == 1
