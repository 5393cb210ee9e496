"""What every scenario shares: configuration from the environment, demo sign-in, following a submission.

Why environment variables: Locust owns the command line of its process, and `ozgflow loadtest` starts that
process; the variables below are the contract between the two (docs/loadtests.md lists them).
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser

from connectors.sdk.registry import ConnectorRegistry

ENV_SERVICE = "OZGFLOW_LOADTEST_SERVICE"
TERMINAL = ("completed", "failed")
E2E = "E2E"
"""Request type of the end-to-end completion metric; `ozgflow loadtest` leaves it out of the error rate."""


@dataclass(frozen=True)
class Config:
    services: tuple[str, ...]
    think_min: float
    think_max: float
    poll_seconds: float
    poll_timeout: float
    ledger: Path | None
    verbis_url: str
    customers: tuple[str, ...]
    staff: tuple[str, ...] = ()
    """Demo staff members to sign in as (empty: any with a team inbox)."""
    staff_users: bool = True
    """Whether staff work their inbox during the run (OZGFLOW_LOADTEST_STAFF=none switches them off)."""


def _floats(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    return float(raw) if raw else default


def config_from_env(env: Mapping[str, str] = os.environ) -> Config:
    """Defaults are the realistic mix (2–10 s think time); CI shortens them through the same variables."""
    services = tuple(s.strip() for s in env.get(ENV_SERVICE, "all").split(",") if s.strip())
    ledger = env.get("OZGFLOW_LOADTEST_LEDGER", "").strip()
    staff = tuple(s.strip() for s in env.get("OZGFLOW_LOADTEST_STAFF", "").split(",") if s.strip())
    return Config(
        services=services or ("all",),
        think_min=_floats(env, "OZGFLOW_LOADTEST_THINK_MIN", 2.0),
        think_max=_floats(env, "OZGFLOW_LOADTEST_THINK_MAX", 10.0),
        poll_seconds=_floats(env, "OZGFLOW_LOADTEST_POLL_SECONDS", 2.0),
        poll_timeout=_floats(env, "OZGFLOW_LOADTEST_POLL_TIMEOUT", 120.0),
        ledger=Path(ledger) if ledger else None,
        verbis_url=env.get("OZGFLOW_LOADTEST_VERBIS_URL", "http://127.0.0.1:8100/verbis").rstrip("/"),
        customers=tuple(c.strip() for c in env.get("OZGFLOW_LOADTEST_CUSTOMERS", "").split(",") if c.strip()),
        staff=tuple(s for s in staff if s != "none"),
        staff_users=staff != ("none",),
    )


CONFIG = config_from_env()
REGISTRY = ConnectorRegistry.from_entry_points()


@dataclass(frozen=True)
class Customer:
    id: str
    bg_number: str
    headers: dict[str, str]


OPEN = (None, "pilot", "live")
"""Rollout states at a customer's jobcenter that accept filings (None: a portal without rollout information)."""


def sign_in(user: FastHttpUser, services: tuple[str, ...]) -> Customer:
    """A random routable demo customer whose jobcenter offers ``services`` (pilot or live), signed in through
    the dev endpoints: the load spreads over jobcenters and teams, and a pilot service is tested where it runs
    instead of being refused (403 service_not_available) elsewhere."""
    listed = user.client.get("/api/v1/dev/customers", name="/api/v1/dev/customers").json()
    pool = [c for c in listed if c.get("jobcenter") and (not CONFIG.customers or c["id"] in CONFIG.customers)]
    random.shuffle(pool)
    for chosen in pool:  # bounded by the demo customers
        token = user.client.post("/api/v1/dev/token", json={"customer_id": chosen["id"]}, name="/api/v1/dev/token")
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        catalogue = user.client.get("/api/v1/services", headers=headers, name="/api/v1/services").json()
        states = {entry["key"]: entry.get("rollout") for entry in catalogue}
        if all(states.get(service) in OPEN for service in services):
            return Customer(chosen["id"], chosen["bg_number"], headers)
    raise RuntimeError(
        f"no demo customer whose jobcenter offers {', '.join(services)} (rollout off everywhere, or see "
        "OZGFLOW_LOADTEST_CUSTOMERS and GET /api/v1/dev/customers)"
    )


def file(user: FastHttpUser, me: Customer, service: str, form: dict[str, Any], attach_to: str | None = None) -> Any:
    """POST the form; the 202 answer (or None). Every acceptance goes to the ledger the runner reads."""
    path = f"/api/v1/submissions/{service}" + (f"?attach_to={attach_to}" if attach_to else "")
    with user.client.post(
        path, json=form, headers=me.headers, name=f"/api/v1/submissions/{service}", catch_response=True
    ) as response:
        if response.status_code != 202:
            response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
            return None
        accepted = response.json()
    if CONFIG.ledger is not None:
        entry = {"id": accepted["id"], "service": service, "customer_id": me.id, "status_url": accepted["status_url"]}
        with CONFIG.ledger.open("a", encoding="utf-8") as ledger:
            ledger.write(json.dumps(entry) + "\n")
    return accepted


def _seconds(view: dict[str, Any]) -> float:
    created = datetime.fromisoformat(view["created_at"])
    return (datetime.fromisoformat(view["completed_at"]) - created).total_seconds()


def follow(user: FastHttpUser, me: Customer, accepted: dict[str, Any], service: str) -> None:
    """Poll the status like a customer refreshing the page, until it completes (bounded by the poll timeout).

    The completion time (completed_at − created_at, from the platform) is fired as a Locust event of type
    E2E, so it shows in Locust's own report; the runner's authoritative figure comes from the ledger."""
    polls = max(1, int(CONFIG.poll_timeout / max(CONFIG.poll_seconds, 0.05)))
    for _ in range(polls):
        gevent.sleep(CONFIG.poll_seconds)
        view = user.client.get(accepted["status_url"], headers=me.headers, name="/api/v1/submissions/[id]").json()
        if view["status"] in TERMINAL:
            failed = view["status"] == "failed" or not view.get("completed_at")
            user.environment.events.request.fire(
                request_type=E2E,
                name=f"completion {service}",
                response_time=0 if failed else _seconds(view) * 1000,
                response_length=0,
                exception=RuntimeError(view.get("failure_reason") or "failed") if failed else None,
                context={},
                start_time=time.time(),
                url=accepted["status_url"],
            )
            return


def read_postfach(user: FastHttpUser, me: Customer) -> list[dict[str, Any]]:
    """The Postfach list, then one message opened (which marks it read), as a customer does."""
    messages = user.client.get("/api/v1/mailbox", headers=me.headers, name="/api/v1/mailbox").json()["messages"]
    if messages:
        message = random.choice(messages[:5])
        user.client.get(f"/api/v1/mailbox/{message['id']}", headers=me.headers, name="/api/v1/mailbox/[id]")
    return messages
