"""Helpers for driving the pipeline in tests: file through the portal, run a worker until done."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
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
        if asyncio.run(worker.run_once()) == 0:
            time.sleep(pause)
    return rounds
