"""Abuse limits: per customer and per client address on filing endpoints, per address on sign-in, per staff
member on paper intake — with the in-process store and with the real Redis several portal replicas share."""

from __future__ import annotations

import copy
import json
import socket
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request

from connectors.sdk.registry import ConnectorRegistry
from services.identity.dev_issuer import dev_issuer_for
from services.portal import access
from services.portal.app import create_app
from services.portal.rate_limits import InvalidRateLimit, RateLimits, client_address, trusted_networks
from services.settings import Settings
from services.store.db import Database
from services.store.models import Submission
from tests.staff.support import paper, scan_pdf, signed_in_page

REDIS_URL = "redis://127.0.0.1:6379/15"
Headers = dict[str, str]


def _redis_or_skip() -> None:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError as exc:
        pytest.skip(f"no Redis at 127.0.0.1:6379 ({exc}); the shared-store tests need a real one")


@pytest.fixture
def app_with(settings: Settings, db: Database, registry: ConnectorRegistry) -> Callable[..., FastAPI]:
    """An app built from the test settings with some settings changed (each app has its own memory store)."""

    def build(**changes: Any) -> FastAPI:
        return create_app(settings.model_copy(update=changes), db=db, registry=registry)

    return build


@pytest.fixture
def wba(registry: ConnectorRegistry) -> Callable[[], dict[str, Any]]:
    return lambda: copy.deepcopy(registry.get("wba").examples()[0])


def _submissions(db: Database) -> int:
    with db.session() as session:
        return session.query(Submission).count()


def _assert_limited(response: Any) -> None:
    assert response.status_code == 429, response.text
    error = response.json()["error"]
    assert error["code"] == "rate_limited" and "Bitte in" in error["message"]
    assert int(response.headers["Retry-After"]) >= 1


def test_the_defaults_are_valid_limits() -> None:
    limits = RateLimits.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    assert limits.storage_url_scheme == "memory"
    assert all(budget.windows for budgets in limits.budgets.values() for budget in budgets)


def test_a_misspelt_limit_stops_the_portal(app_with: Callable[..., FastAPI]) -> None:
    with pytest.raises(InvalidRateLimit, match="OZGFLOW_RATE_LIMIT_SUBMISSIONS_PER_CUSTOMER"):
        app_with(rate_limit_submissions_per_customer="20 a minute")
    with pytest.raises(InvalidRateLimit, match="TRUSTED_PROXIES"):
        app_with(trusted_proxies=["not-an-address"])


def test_the_table_names_the_limited_endpoints() -> None:
    limited = {r.key: r.limit for r in access.TABLE if r.limit != "none"}
    for key in [
        ("POST", "/api/v1/submissions/{service}"),
        ("POST", "/api/v1/drafts/{service}"),
        ("POST", "/api/v1/drafts/{draft_id}/submit"),
        ("POST", "/api/v1/mailbox/threads"),
        ("POST", "/api/v1/mailbox/threads/{thread_id}/messages"),
        ("POST", "/api/v1/staff/paper-submissions"),
        ("POST", "/staff/paper"),
    ]:
        assert limited[key] == "submission", key
    for key in [("POST", "/api/v1/dev/token"), ("GET", "/auth/login"), ("GET", "/auth/callback")]:
        assert limited[key] == "login", key


def test_per_customer_limit_refuses_the_next_filing_and_stores_nothing(
    app_with: Callable[..., FastAPI],
    token_for: Callable[[str], Headers],
    wba: Callable[[], dict[str, Any]],
    db: Database,
) -> None:
    with TestClient(app_with(rate_limit_submissions_per_customer="2/minute")) as client:
        for _ in range(2):
            assert client.post("/api/v1/submissions/wba", json=wba(), headers=token_for("kd-1001")).status_code == 202
        refused = client.post("/api/v1/submissions/wba", json=wba(), headers=token_for("kd-1001"))
        _assert_limited(refused)
        assert _submissions(db) == 2
        # drafts and Postfach messages spend the same budget
        _assert_limited(client.post("/api/v1/drafts/wba", headers=token_for("kd-1001")))
        _assert_limited(
            client.post(
                "/api/v1/mailbox/threads",
                data={"topic": "geldleistungen", "subject": "Frage", "body": "Hallo"},
                headers=token_for("kd-1001"),
            )
        )
        # another customer has a budget of their own; reading is not limited
        assert client.post("/api/v1/submissions/wba", json=wba(), headers=token_for("kd-1002")).status_code == 202
        assert client.get("/api/v1/mailbox", headers=token_for("kd-1001")).status_code == 200
    assert _submissions(db) == 3


def test_per_address_limit_counts_every_customer_behind_one_address(
    app_with: Callable[..., FastAPI], token_for: Callable[[str], Headers], wba: Callable[[], dict[str, Any]]
) -> None:
    app = app_with(rate_limit_submissions_per_customer="", rate_limit_submissions_per_address="2/minute")
    with TestClient(app, client=("198.51.100.7", 40000)) as client:
        assert client.post("/api/v1/submissions/wba", json=wba(), headers=token_for("kd-1001")).status_code == 202
        assert client.post("/api/v1/submissions/wba", json=wba(), headers=token_for("kd-1002")).status_code == 202
        _assert_limited(client.post("/api/v1/submissions/wba", json=wba(), headers=token_for("kd-1002")))
    with TestClient(app, client=("198.51.100.8", 40000)) as elsewhere:  # another address, same app
        assert elsewhere.post("/api/v1/submissions/wba", json=wba(), headers=token_for("kd-1002")).status_code == 202


def test_refused_callers_spend_no_budget(
    app_with: Callable[..., FastAPI],
    settings: Settings,
    token_for: Callable[[str], Headers],
    wba: Callable[[], dict[str, Any]],
) -> None:
    """The access table decides first: anonymous or wrong-role requests get 401/403, not 429, and count nothing."""
    staff = {"Authorization": f"Bearer {dev_issuer_for(settings).mint('sb-berlin-1', roles=['staff'])}"}
    with TestClient(app_with(rate_limit_submissions_per_address="1/minute")) as client:
        assert client.post("/api/v1/submissions/wba", json=wba()).status_code == 401
        assert client.post("/api/v1/submissions/wba", json=wba(), headers=staff).status_code == 403
        assert client.post("/api/v1/submissions/wba", json=wba(), headers=token_for("kd-1001")).status_code == 202


def test_forged_page_posts_spend_no_budget(app_with: Callable[..., FastAPI], wba: Callable[[], dict[str, Any]]) -> None:
    """CSRF is checked before the access gate counts: another site cannot use up a staff member's budget by
    making their browser post forms it cannot complete."""
    form = {"service": "wba", "form": json.dumps(wba()), "customer_id": "kd-1001"}

    def post(client: TestClient, **extra: str) -> Any:
        scan = {"scan": ("scan.pdf", scan_pdf(), "application/pdf")}
        return client.post("/staff/paper", data={**form, **extra}, files=scan, follow_redirects=False)

    with TestClient(app_with(rate_limit_submissions_per_customer="1/minute")) as client:
        token = signed_in_page(client, "/staff/paper", "ez-berlin")
        for forged in (post(client), post(client, csrf_token="forged"), post(client)):
            assert forged.status_code == 403 and forged.json()["error"]["code"] == "csrf_failed", forged.text
        assert post(client, csrf_token=token).status_code != 429  # the budget is untouched
        _assert_limited(post(client, csrf_token=token))  # and it is real


def test_sign_in_requests_are_limited_per_address(app_with: Callable[..., FastAPI]) -> None:
    with TestClient(app_with(rate_limit_logins_per_address="2/minute")) as client:
        for _ in range(2):
            assert client.post("/api/v1/dev/token", json={"customer_id": "kd-1001"}).status_code == 200
        _assert_limited(client.post("/api/v1/dev/token", json={"customer_id": "kd-1001"}))
        assert client.get("/api/v1/services").status_code == 200  # public reading is not limited


def test_paper_intake_is_limited_per_staff_member(
    app_with: Callable[..., FastAPI], settings: Settings, wba: Callable[[], dict[str, Any]]
) -> None:
    issuer = dev_issuer_for(settings)

    def clerk(staff_id: str) -> Headers:
        return {"Authorization": f"Bearer {issuer.mint(staff_id, roles=['staff'])}"}

    with TestClient(app_with(rate_limit_submissions_per_customer="1/minute")) as client:
        first = paper(client, clerk("ez-berlin"), service="wba", form=wba(), customer_id="kd-1001")
        assert first.status_code == 202, first.text
        _assert_limited(paper(client, clerk("ez-berlin"), service="wba", form=wba(), customer_id="kd-1002"))
        other = paper(client, clerk("sb-leipzig-1"), service="wba", form=wba(), customer_id="kd-2001")
        assert other.status_code == 202, other.text


def _request(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "client": (peer, 1)})


def test_client_address_believes_forwarded_for_only_from_trusted_proxies() -> None:
    proxies = trusted_networks(["10.0.0.0/8", "2001:db8::/32"])
    assert client_address(_request("203.0.113.9", "198.51.100.1"), proxies) == "203.0.113.9"  # not a proxy
    assert client_address(_request("10.0.0.5", "198.51.100.1"), proxies) == "198.51.100.1"
    # the client may claim anything on the left; the right-most address not a proxy is who reached us
    assert client_address(_request("10.0.0.5", "1.2.3.4, 198.51.100.1, 10.0.0.9"), proxies) == "198.51.100.1"
    assert client_address(_request("2001:db8::1", "2001:db8::2"), proxies) == "2001:db8::2"
    assert client_address(_request("10.0.0.5"), proxies) == "10.0.0.5"
    assert client_address(_request("10.0.0.5", "198.51.100.1"), ()) == "10.0.0.5"  # no proxies configured


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget(
    app_with: Callable[..., FastAPI], token_for: Callable[[str], Headers], wba: Callable[[], dict[str, Any]]
) -> None:
    app = app_with(
        rate_limit_submissions_per_customer="",
        rate_limit_submissions_per_address="1/minute",
        trusted_proxies=["10.0.0.0/8"],
    )
    with TestClient(app, client=("10.0.0.2", 40000)) as proxy:

        def file(address: str) -> int:
            headers = {**token_for("kd-1001"), "X-Forwarded-For": address}
            return proxy.post("/api/v1/submissions/wba", json=wba(), headers=headers).status_code

        assert file("198.51.100.1") == 202
        assert file("198.51.100.2") == 202
        assert file("198.51.100.1") == 429
    untrusted = app_with(
        rate_limit_submissions_per_customer="", rate_limit_submissions_per_address="1/minute", trusted_proxies=[]
    )
    with TestClient(untrusted, client=("10.0.0.2", 40000)) as direct:
        for address, expected in (("198.51.100.1", 202), ("198.51.100.2", 429)):  # the header is ignored
            headers = {**token_for("kd-1001"), "X-Forwarded-For": address}
            assert direct.post("/api/v1/submissions/wba", json=wba(), headers=headers).status_code == expected


# -- Redis: the store several portal replicas share ----------------------------------------------------


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    _redis_or_skip()
    import redis

    prefix = f"ozgflow-test-{uuid.uuid4().hex}"
    yield prefix
    server = redis.Redis.from_url(REDIS_URL)
    for key in server.scan_iter(f"*{prefix}*"):
        server.delete(key)
    server.close()


def test_replicas_sharing_redis_share_one_budget(
    app_with: Callable[..., FastAPI],
    token_for: Callable[[str], Headers],
    wba: Callable[[], dict[str, Any]],
    redis_prefix: str,
    db: Database,
) -> None:
    shared = {
        "rate_limit_storage_url": REDIS_URL,
        "rate_limit_key_prefix": redis_prefix,
        "rate_limit_submissions_per_customer": "2/minute",
    }
    with TestClient(app_with(**shared)) as replica_a, TestClient(app_with(**shared)) as replica_b:
        assert replica_a.post("/api/v1/submissions/wba", json=wba(), headers=token_for("kd-1001")).status_code == 202
        assert replica_b.post("/api/v1/submissions/wba", json=wba(), headers=token_for("kd-1001")).status_code == 202
        _assert_limited(replica_a.post("/api/v1/submissions/wba", json=wba(), headers=token_for("kd-1001")))
        _assert_limited(replica_b.post("/api/v1/submissions/wba", json=wba(), headers=token_for("kd-1001")))
    assert _submissions(db) == 2
    with TestClient(app_with(**{**shared, "rate_limit_key_prefix": f"{redis_prefix}-other"})) as other_install:
        assert (
            other_install.post("/api/v1/submissions/wba", json=wba(), headers=token_for("kd-1001")).status_code == 202
        )


def test_redis_limits_count_logins_per_address(app_with: Callable[..., FastAPI], redis_prefix: str) -> None:
    app = app_with(
        rate_limit_storage_url=REDIS_URL, rate_limit_key_prefix=redis_prefix, rate_limit_logins_per_address="1/minute"
    )
    with TestClient(app) as client:
        assert client.post("/api/v1/dev/token", json={"customer_id": "kd-1001"}).status_code == 200
        _assert_limited(client.post("/api/v1/dev/token", json={"customer_id": "kd-1001"}))


def test_an_unreachable_counter_store_lets_filing_go_on(
    app_with: Callable[..., FastAPI],
    token_for: Callable[[str], Headers],
    wba: Callable[[], dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Accepting keeps working while a helper system is down (principle 1); the outage is logged."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = app_with(rate_limit_storage_url=f"redis://127.0.0.1:{port}/0", rate_limit_submissions_per_customer="1/minute")
    with TestClient(app) as client, caplog.at_level("WARNING", logger="ozgflow.portal.rate_limits"):
        for _ in range(2):
            assert client.post("/api/v1/submissions/wba", json=wba(), headers=token_for("kd-1001")).status_code == 202
    assert "rate-limit storage unavailable" in caplog.text
