"""Helpers for driving the pipeline in tests: file through the portal, run a worker until done."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient

from flows.worker import PipelineWorker
from services.store.db import Database
from services.store.models import Submission


def file_submission(client: TestClient, headers: dict[str, str], service: str, form: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/v1/submissions/{service}", json=form, headers=headers)
    assert response.status_code == 202, response.text
    return response.json()


def statuses(db: Database, ids: list[str]) -> dict[str, str]:
    with db.session() as session:
        return {s.id: s.status for s in session.query(Submission).filter(Submission.id.in_(ids))}


def run_worker_until(
    worker: PipelineWorker, done: Callable[[], bool], *, max_rounds: int = 200, pause: float = 0.05
) -> int:
    """Run batches until ``done()``; bounded so a broken pipeline fails the test instead of hanging."""
    rounds = 0
    while not done():
        rounds += 1
        assert rounds <= max_rounds, "the pipeline did not finish within the bounded number of rounds"
        if _run_once(worker) == 0:
            time.sleep(pause)
    return rounds


def _run_once(worker: PipelineWorker) -> int:
    """One batch; in a thread of its own where this thread already runs an event loop (Playwright's sync API
    does, in the page tests), because ``asyncio.run`` refuses to start a second one here."""
    if asyncio._get_running_loop() is None:
        return asyncio.run(worker.run_once())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(worker.run_once())).result()


def file_and_fail(
    client: TestClient, headers: dict[str, str], form: dict[str, Any], db: Database, worker: PipelineWorker
) -> dict[str, Any]:
    """File a WBA and run the worker until it failed (the back-office simulator must be down)."""
    filed = file_submission(client, headers, "wba", copy.deepcopy(form))
    run_worker_until(worker, lambda: statuses(db, [filed["id"]])[filed["id"]] == "failed")
    return filed
