"""A fresh database per phase, the demo data, N accepted submissions, and what the phase left behind.

Why fresh per phase: every phase must start from the same state (N ready outbox entries, empty ledger)
so the phases differ only in how the work is orchestrated. On PostgreSQL one database is created for the
run (and dropped after it) and truncated between phases; on SQLite each phase gets its own file.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import func, select, text

from connectors.sdk.registry import ConnectorRegistry
from services.bench.measure import SubmissionTiming
from services.demo.seed import seed_demo_data
from services.intake.acceptance import accept_submission
from services.store import outbox
from services.store.db import Database
from services.store.migrate import upgrade
from services.store.models import Base, MailboxMessage, OutboxEntry, StageResult, Submission
from services.transfer.simulator import SimulatorState
from services.transfer.stage import idempotency_key_for

CUSTOMERS = ("kd-1001", "kd-1002", "kd-2001", "kd-3001", "kd-4001")
"""Demo customers inside a demo jobcenter's area (kd-9001 is deliberately unroutable)."""
SERVICES = ("wba", "vaem")
STAGES = 4


class BenchDatabase:
    """One backend for one benchmark run: hands out a fresh, migrated database URL per phase."""

    def __init__(self, backend: str, workdir: Path, postgres_dsn: str) -> None:
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"unknown database backend {backend!r}")
        self.backend = backend
        self.workdir = workdir
        self.postgres_dsn = postgres_dsn
        self._pg_name: str | None = None
        self._pg_url: str | None = None
        self._migrated = False

    def __enter__(self) -> Self:
        if self.backend == "postgresql":
            from psycopg import sql

            self._pg_name = f"ozgflow_bench_{uuid.uuid4().hex[:10]}"
            with self._admin() as admin:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self._pg_name)))
            base = self.postgres_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
            self._pg_url = f"{base}/{self._pg_name}"
        return self

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(self.postgres_dsn, autocommit=True, connect_timeout=5)

    def fresh(self, phase: str) -> str:
        """A migrated, empty database for ``phase`` (demo data not yet loaded)."""
        if self.backend == "sqlite":
            url = f"sqlite:///{self.workdir / f'{phase}.db'}"
            upgrade(url)
            return url
        assert self._pg_url is not None, "use BenchDatabase as a context manager"
        if not self._migrated:
            upgrade(self._pg_url)
            self._migrated = True
            return self._pg_url
        db = Database(self._pg_url)
        with db.engine.begin() as conn:
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.dispose()
        return self._pg_url

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._pg_name is not None:
            from psycopg import sql

            with self._admin() as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self._pg_name)))


def accept_submissions(db: Database, registry: ConnectorRegistry, count: int) -> list[str]:
    """Seed the demo data and accept ``count`` submissions, one transaction each as the portal does,
    spread round-robin over the routable demo customers, WBA/VÄM and their example forms."""
    with db.session() as session:
        seed_demo_data(session)
    examples = {key: registry.get(key).examples() for key in SERVICES}
    ids: list[str] = []
    for i in range(count):
        service = SERVICES[i % len(SERVICES)]
        form = examples[service][(i // len(SERVICES)) % len(examples[service])]
        with db.session() as session:
            acceptance = accept_submission(
                session,
                connector=registry.get(service),
                customer_id=CUSTOMERS[i % len(CUSTOMERS)],
                payload=form,
                idempotency_key=f"bench-{i}",
            )
            ids.append(acceptance.submission.id)
    return ids


def pending(db: Database) -> int:
    """Outbox entries not yet finished (ready or leased): the workers' stop condition."""
    with db.session() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(OutboxEntry)
                .where(OutboxEntry.state.in_((outbox.READY, outbox.LEASED)))
            )
            or 0
        )


def completed_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Submission).where(Submission.status == "completed")) or 0


def timings(db: Database) -> list[SubmissionTiming]:
    """Accept, first-stage start and completion time of every submission."""
    first_start = (
        select(StageResult.submission_id, func.min(StageResult.started_at).label("started_at"))
        .group_by(StageResult.submission_id)
        .subquery()
    )
    with db.session() as session:
        rows = session.execute(
            select(Submission.created_at, first_start.c.started_at, Submission.completed_at).outerjoin(
                first_start, first_start.c.submission_id == Submission.id
            )
        ).all()
    return [SubmissionTiming(*row) for row in rows]


@dataclass(frozen=True)
class Verification:
    """What a phase left behind; a correct run has every count equal to ``submissions`` and no extras."""

    submissions: int
    completed: int
    failed: int
    outbox_done: int
    single_attempt: int
    stages_succeeded: int
    receipts: int
    cases: int
    cases_for_other_keys: int
    case_requests: int

    @property
    def ok(self) -> bool:
        n = self.submissions
        return (
            self.completed == self.outbox_done == self.single_attempt == self.receipts == self.cases == n
            and self.failed == 0
            and self.cases_for_other_keys == 0
            and self.stages_succeeded == STAGES * n
            and self.case_requests == n
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def verify(db: Database, simulator: SimulatorState, ids: list[str]) -> Verification:
    """Count, per submission, status, outbox state, ledger rows, receipts and back-office cases."""
    with db.session() as session:

        def count(stmt: Any) -> int:
            return session.scalar(stmt) or 0

        by_status = dict(session.execute(select(Submission.status, func.count()).group_by(Submission.status)).all())
        outbox_done = count(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == outbox.DONE))
        single = count(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.attempts == 1))
        stages = count(select(func.count()).select_from(StageResult).where(StageResult.status == "succeeded"))
        receipts = count(select(func.count()).select_from(MailboxMessage).where(MailboxMessage.kind == "receipt"))
    expected = {idempotency_key_for(i) for i in ids}
    cases = simulator.cases()
    return Verification(
        submissions=len(ids),
        completed=by_status.get("completed", 0),
        failed=by_status.get("failed", 0),
        outbox_done=outbox_done,
        single_attempt=single,
        stages_succeeded=stages,
        receipts=receipts,
        cases=sum(1 for c in cases if c["idempotency_key"] in expected),
        cases_for_other_keys=sum(1 for c in cases if c["idempotency_key"] not in expected),
        case_requests=sum(c["requests"] for c in cases),
    )
