"""Role: jobcenter staff working their team's inbox while customers file.

Staff look at their inbox first; then the mix per staff member is look at the inbox 6 : open an item 3 :
mark a finished submission processed 1 : reply in a customer's Postfach 1. Staff think longer than they
click, so the same think times apply. Staff are the demo staff (`GET /api/v1/dev/staff`) with the role
``staff`` and a team, signed in with dev tokens; the pool follows the demo customers' jobcenters so the inbox
holds what the customers of this run file.
"""

from __future__ import annotations

import random
from typing import Any

from locust import FastHttpUser, between, task

from loadtests.common import CONFIG

INBOX = "/api/v1/staff/inbox"


def pick_staff(user: FastHttpUser) -> dict[str, str]:
    """Sign in as a random demo staff member with a team inbox (restricted by OZGFLOW_LOADTEST_STAFF)."""
    listed = user.client.get("/api/v1/dev/staff", name="/api/v1/dev/staff").json()
    pool = [m for m in listed if "staff" in m["roles"] and m.get("team_id")]
    if CONFIG.staff:
        pool = [m for m in pool if m["id"] in CONFIG.staff]
    if not pool:
        raise RuntimeError("no demo staff member with a team inbox (see OZGFLOW_LOADTEST_STAFF, GET /api/v1/dev/staff)")
    chosen = random.choice(pool)
    token = user.client.post(
        "/api/v1/dev/token", json={"role": "staff", "staff_id": chosen["id"]}, name="/api/v1/dev/token"
    )
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


class StaffMember(FastHttpUser):
    """Abstract: the locustfile makes it concrete when staff are part of the run."""

    abstract = True
    wait_time = between(CONFIG.think_min, CONFIG.think_max)
    headers: dict[str, str]
    items: list[dict[str, Any]]

    def on_start(self) -> None:
        """Staff begin their shift at the inbox; the other tasks work on what it showed."""
        self.headers = pick_staff(self)
        self.items = []
        self.look_at_inbox()

    @task(6)
    def look_at_inbox(self) -> None:
        params = "?state=open" if random.random() < 0.8 else "?state=all&kind=submission"
        page = self.client.get(f"{INBOX}{params}", headers=self.headers, name=INBOX).json()
        self.items = list(page.get("items", []))

    @task(3)
    def open_item(self) -> None:
        if not self.items:
            return self.look_at_inbox()
        item = random.choice(self.items)
        kind = "submissions" if item["kind"] == "submission" else "threads"
        self.client.get(item["url"], headers=self.headers, name=f"/api/v1/staff/{kind}/[id]")

    @task(1)
    def mark_processed(self) -> None:
        done = [i for i in self.items if i["kind"] == "submission" and i.get("pipeline_status") == "completed"]
        if not done:
            return
        item = done.pop(0)
        self.items.remove(item)
        self.client.post(
            f"{item['url']}/processed", headers=self.headers, name="/api/v1/staff/submissions/[id]/processed"
        )

    @task(1)
    def reply(self) -> None:
        done = [i for i in self.items if i["kind"] == "submission" and i.get("pipeline_status") == "completed"]
        if not done:
            return
        item = random.choice(done)
        self.client.post(
            f"{item['url']}/reply",
            json={"body": "Vielen Dank, Ihr Antrag ist vollständig. Wir melden uns nach der Prüfung."},
            headers=self.headers,
            name="/api/v1/staff/submissions/[id]/reply",
        )
