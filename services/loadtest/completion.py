"""End-to-end completion times of the submissions a run filed, read back from the platform's status API.

The scenarios append every accepted submission to a ledger (JSON lines). After Locust stops, some are still
in the pipeline, so this waits for them — at most ``drain_s`` (the completion SLO: a submission still open
after that is over its target whatever happens next) — and then reads completed_at − created_at.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from services.loadtest.metrics import CompletionStats, completion_stats

TERMINAL = ("completed", "failed")


def read_ledger(path: Path) -> list[dict[str, Any]]:
    """The accepted submissions, deduplicated by id (a torn last line from a killed user is skipped)."""
    if not path.exists():
        return []
    seen: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        seen.setdefault(entry["id"], entry)
    return list(seen.values())


def duration_s(view: dict[str, Any]) -> float | None:
    if view.get("status") != "completed" or not view.get("completed_at"):
        return None
    return (datetime.fromisoformat(view["completed_at"]) - datetime.fromisoformat(view["created_at"])).total_seconds()


def collect(
    host: str,
    entries: list[dict[str, Any]],
    *,
    drain_s: float,
    poll_s: float = 1.0,
    on_wait: Callable[[int], None] | None = None,
) -> CompletionStats:
    """Status of every ledger entry, waiting (bounded) for those still open; one dev token per customer."""
    views: dict[str, dict[str, Any]] = {}
    with httpx.Client(base_url=host.rstrip("/"), timeout=15.0) as http:
        tokens: dict[str, dict[str, str]] = {}

        def headers(customer_id: str) -> dict[str, str]:
            if customer_id not in tokens:
                answer = http.post("/api/v1/dev/token", json={"customer_id": customer_id})
                answer.raise_for_status()
                tokens[customer_id] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
            return tokens[customer_id]

        deadline = time.monotonic() + drain_s
        open_entries = list(entries)
        for _ in range(max(1, int(drain_s / poll_s) + 2)):  # bounded; the deadline normally ends it first
            still_open = []
            for entry in open_entries:
                answer = http.get(entry["status_url"], headers=headers(entry["customer_id"]))
                if answer.status_code == 200:
                    views[entry["id"]] = answer.json()
                if views.get(entry["id"], {}).get("status") not in TERMINAL:
                    still_open.append(entry)
            open_entries = still_open
            if not open_entries or time.monotonic() >= deadline:
                break
            if on_wait:
                on_wait(len(open_entries))
            time.sleep(poll_s)
    durations = [d for v in views.values() if (d := duration_s(v)) is not None]
    failed = sum(1 for v in views.values() if v.get("status") == "failed")
    return completion_stats(durations, failed=failed, unfinished=len(entries) - len(durations) - failed)
