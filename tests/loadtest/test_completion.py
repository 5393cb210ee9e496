"""Completion times come from the platform's status API for every submission in the ledger, waiting
(bounded) for those still in the pipeline. A small status API over real HTTP stands in for the portal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Header, HTTPException

from services.loadtest.completion import collect, read_ledger
from tests.support.http_server import UvicornThread


def fake_portal(states: dict[str, list[dict[str, Any]]]) -> FastAPI:
    """Each GET of a submission returns its next state (the last one repeats)."""
    app = FastAPI()

    @app.post("/api/v1/dev/token")
    def token(body: dict[str, str]) -> dict[str, str]:
        return {"access_token": f"t-{body['customer_id']}"}

    @app.get("/api/v1/submissions/{sid}")
    def status(sid: str, authorization: str = Header("")) -> dict[str, Any]:
        if authorization != "Bearer t-kd-1001":
            raise HTTPException(404)
        return states[sid].pop(0) if len(states[sid]) > 1 else states[sid][0]

    return app


def view(status: str, completed_at: str | None = None) -> dict[str, Any]:
    return {"status": status, "created_at": "2026-11-26T10:00:00+00:00", "completed_at": completed_at}


def test_ledger_is_deduplicated_and_a_torn_line_skipped(tmp_path: Path) -> None:
    ledger = tmp_path / "submissions.jsonl"
    line = json.dumps({"id": "a", "customer_id": "kd-1001", "status_url": "/api/v1/submissions/a"})
    ledger.write_text(f'{line}\n{line}\n{{"id": "b", "cust', encoding="utf-8")
    assert [e["id"] for e in read_ledger(ledger)] == ["a"]
    assert read_ledger(tmp_path / "missing.jsonl") == []


def test_collect_waits_for_open_submissions_and_reads_completed_minus_created() -> None:
    states = {
        "a": [view("completed", "2026-11-26T10:00:02+00:00")],
        "b": [view("accepted"), view("processing"), view("completed", "2026-11-26T10:00:05.500000+00:00")],
        "c": [view("failed")],
    }
    entries = [{"id": k, "customer_id": "kd-1001", "status_url": f"/api/v1/submissions/{k}"} for k in states]
    with UvicornThread(fake_portal(states)) as server:
        stats = collect(server.url, entries, drain_s=10, poll_s=0.05)
    assert (stats.filed, stats.completed, stats.failed, stats.unfinished) == (3, 2, 1, 0)
    assert stats.samples_s == (2.0, 5.5)


def test_collect_gives_up_after_the_drain_time() -> None:
    states = {"a": [view("completed", "2026-11-26T10:00:01+00:00")], "z": [view("processing")]}
    entries = [{"id": k, "customer_id": "kd-1001", "status_url": f"/api/v1/submissions/{k}"} for k in states]
    with UvicornThread(fake_portal(states)) as server:
        stats = collect(server.url, entries, drain_s=0.3, poll_s=0.05)
    assert (stats.completed, stats.unfinished, stats.p95_s) == (1, 1, None)
