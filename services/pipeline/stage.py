"""The stage contract: slow work outside a transaction, then its result recorded atomically with
the ledger entry. Every side effect of ``perform`` must carry a key derived from the submission."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from services.pipeline.job import StageJob


@dataclass(frozen=True)
class StageOutput:
    reference: str | None
    tries: int = 1
    data: dict[str, Any] = field(default_factory=dict)


class Stage(Protocol):
    name: str

    def perform(self, job: StageJob) -> StageOutput:
        """Do the work; idempotent under retries and concurrent reruns."""
        ...

    def record(self, session: Session, job: StageJob, output: StageOutput) -> str | None:
        """Store what the work produced (called in the transaction that marks the stage succeeded).

        Returns a reference replacing ``output.reference`` when only the database shows what really happened
        (e.g. no Postfach message because the jobcenter switched its Postfach off), else None."""
        ...
