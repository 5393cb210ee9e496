"""The back-office simulator over real HTTP: idempotent case creation, errors, faults on demand, reset."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from services.transfer.simulator import Faults, SimulatorState, create_simulator_app

try:
    from tests.support.http_server import UvicornThread
except ModuleNotFoundError:  # tests/ is the import root while tests/__init__.py does not exist
    from support.http_server import UvicornThread  # type: ignore[no-redef]

PAYLOAD = {"eingangsnummer": "WBA-2026-000123", "service": "wba", "bg_number": "12345BG0012345"}


@pytest.fixture(scope="module")
def state() -> SimulatorState:
    return SimulatorState()


@pytest.fixture(scope="module")
def server(state: SimulatorState) -> Iterator[UvicornThread]:
    with UvicornThread(create_simulator_app(state)) as running:
        yield running


@pytest.fixture
def http(server: UvicornThread, state: SimulatorState) -> Iterator[httpx.Client]:
    state.reset()
    with httpx.Client(base_url=server.url, timeout=5.0) as client:
        yield client


def post_case(http: httpx.Client, key: str | None, body: object = PAYLOAD) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return http.post("/api/v1/cases", json=body, headers=headers)


def error_code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


def test_health(http: httpx.Client) -> None:
    response = http.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_first_post_creates_a_case_and_the_same_key_replays_it(http: httpx.Client) -> None:
    created = post_case(http, "sub-1")
    replayed = post_case(http, "sub-1")

    assert created.status_code == 201
    reference = created.json()["case_reference"]
    assert re.fullmatch(r"ALG-\d{4}-0000001", reference)
    assert created.json()["idempotency_key"] == "sub-1"
    assert "Idempotent-Replayed" not in created.headers
    assert replayed.status_code == 200
    assert replayed.json()["case_reference"] == reference
    assert replayed.headers["Idempotent-Replayed"] == "true"
    [case] = http.get("/api/v1/cases").json()
    assert case["case_reference"] == reference
    assert case["eingangsnummer"] == "WBA-2026-000123"
    assert case["requests"] == 2


def test_same_body_with_other_key_order_is_a_replay(http: httpx.Client) -> None:
    post_case(http, "sub-1")

    response = post_case(http, "sub-1", dict(reversed(list(PAYLOAD.items()))))

    assert response.status_code == 200


def test_different_keys_get_consecutive_references(http: httpx.Client) -> None:
    first = post_case(http, "sub-1").json()["case_reference"]
    second = post_case(http, "sub-2", {**PAYLOAD, "eingangsnummer": "WBA-2026-000124"}).json()["case_reference"]

    assert first.endswith("-0000001")
    assert second.endswith("-0000002")


def test_case_can_be_read_by_reference(http: httpx.Client) -> None:
    reference = post_case(http, "sub-1").json()["case_reference"]

    found = http.get(f"/api/v1/cases/{reference}")
    missing = http.get("/api/v1/cases/ALG-2026-9999999")

    assert found.status_code == 200
    assert found.json()["payload"] == PAYLOAD
    assert missing.status_code == 404
    assert error_code(missing) == "case_not_found"


def test_missing_idempotency_key_is_refused(http: httpx.Client) -> None:
    response = post_case(http, None)

    assert response.status_code == 400
    assert error_code(response) == "idempotency_key_missing"
    assert http.get("/api/v1/cases").json() == []


@pytest.mark.parametrize("body", [["not", "an", "object"], {"service": "wba"}, {"eingangsnummer": ""}])
def test_invalid_payload_is_refused(http: httpx.Client, body: object) -> None:
    response = post_case(http, "sub-1", body)

    assert response.status_code == 422
    assert error_code(response) == "invalid_payload"
    assert http.get("/api/v1/cases").json() == []


def test_non_json_body_is_refused(http: httpx.Client) -> None:
    response = http.post("/api/v1/cases", content=b"{not json", headers={"Idempotency-Key": "sub-1"})

    assert response.status_code == 422
    assert error_code(response) == "invalid_payload"


def test_reused_key_with_different_body_is_a_conflict(http: httpx.Client) -> None:
    reference = post_case(http, "sub-1").json()["case_reference"]

    response = post_case(http, "sub-1", {**PAYLOAD, "bg_number": "54321BG0054321"})

    assert response.status_code == 409
    assert error_code(response) == "idempotency_key_reused"
    [case] = http.get("/api/v1/cases").json()
    assert case["case_reference"] == reference
    assert http.get(f"/api/v1/cases/{reference}").json()["payload"] == PAYLOAD


def test_faults_can_be_read_and_replaced(http: httpx.Client) -> None:
    assert http.get("/_simulator/faults").json() == Faults().model_dump()

    put = http.put("/_simulator/faults", json={"error_rate": 0.5, "latency_ms": 20})

    assert put.status_code == 200
    assert http.get("/_simulator/faults").json() == {
        "error_rate": 0.5,
        "latency_ms": 20,
        "outage": False,
        "fail_next": 0,
        "training_slow_ms": 3000,
    }


@pytest.mark.parametrize("faults", [{"error_rate": 1.5}, {"fail_next": -1}, {"outgae": True}])
def test_invalid_faults_are_refused(http: httpx.Client, faults: dict[str, object]) -> None:
    response = http.put("/_simulator/faults", json=faults)

    assert response.status_code == 422
    assert error_code(response) == "invalid_request"


def test_outage_answers_503_everywhere_until_cleared(http: httpx.Client) -> None:
    http.put("/_simulator/faults", json={"outage": True})

    assert post_case(http, "sub-1").status_code == 503
    assert error_code(post_case(http, "sub-1")) == "service_unavailable"
    assert http.get("/healthz").status_code == 503
    assert http.get("/api/v1/cases").status_code == 503

    http.put("/_simulator/faults", json={"outage": False})

    assert http.get("/api/v1/cases").json() == []
    assert post_case(http, "sub-1").status_code == 201


def test_fail_next_refuses_exactly_n_case_requests(http: httpx.Client) -> None:
    http.put("/_simulator/faults", json={"fail_next": 2})

    statuses = [post_case(http, "sub-1").status_code for _ in range(3)]

    assert statuses == [503, 503, 201]
    assert http.get("/_simulator/faults").json()["fail_next"] == 0
    [case] = http.get("/api/v1/cases").json()
    assert case["requests"] == 3  # refused requests that carried the key count too


def test_error_rate_one_refuses_every_case_request(http: httpx.Client) -> None:
    http.put("/_simulator/faults", json={"error_rate": 1.0})

    assert {post_case(http, f"sub-{n}").status_code for n in range(5)} == {503}
    assert http.get("/healthz").status_code == 200


def test_faults_can_be_set_at_construction() -> None:
    failing = SimulatorState(faults=Faults(fail_next=1))
    with UvicornThread(create_simulator_app(failing)) as running, httpx.Client(base_url=running.url) as http:
        assert post_case(http, "sub-1").status_code == 503
        assert post_case(http, "sub-1").status_code == 201


def test_latency_commits_the_case_before_the_slow_answer(http: httpx.Client, state: SimulatorState) -> None:
    http.put("/_simulator/faults", json={"latency_ms": 1500})

    with pytest.raises(httpx.ReadTimeout):
        http.post("/api/v1/cases", json=PAYLOAD, headers={"Idempotency-Key": "sub-1"}, timeout=0.3)

    [case] = http.get("/api/v1/cases").json()  # listing is not delayed
    assert case["idempotency_key"] == "sub-1"
    assert state.requests_for("sub-1") == 1


def test_reset_clears_cases_faults_and_the_reference_counter(http: httpx.Client) -> None:
    post_case(http, "sub-1")
    post_case(http, "sub-2", {**PAYLOAD, "eingangsnummer": "WBA-2026-000124"})
    http.put("/_simulator/faults", json={"fail_next": 3, "latency_ms": 10})

    response = http.post("/_simulator/reset")

    assert response.status_code == 200
    assert http.get("/api/v1/cases").json() == []
    assert http.get("/_simulator/faults").json() == Faults().model_dump()
    assert post_case(http, "sub-3").json()["case_reference"].endswith("-0000001")
