"""The roadmap status matrix: service × stage × maturity × rollout per jobcenter × last load test.

Built once here and shown twice (the `ozgflow roadmap status` table and the operators' page), so both always
say the same. Metadata only: no customer appears in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.sdk.registry import ConnectorRegistry
from roadmap.model import Roadmap, RolloutState
from services.rollout.evidence import latest_runs
from services.rollout.state import effective_states
from services.store.models import Jobcenter


@dataclass(frozen=True)
class LoadTestSummary:
    verdict: str
    version: str
    at: datetime

    @property
    def label(self) -> str:
        return f"{self.verdict} {self.version} {self.at:%Y-%m-%d}"


@dataclass(frozen=True)
class MatrixRow:
    service: str
    title: str
    stage: int | None
    maturity: int | None
    version: str | None  # installed connector version; None when planned
    states: tuple[RolloutState, ...]  # in the order of Matrix.jobcenters
    load_test: LoadTestSummary | None


@dataclass(frozen=True)
class Matrix:
    jobcenters: tuple[tuple[str, str], ...]  # (id, name)
    rows: tuple[MatrixRow, ...]


def _jobcenters(session: Session, roadmap: Roadmap) -> tuple[tuple[str, str], ...]:
    names = dict(session.execute(select(Jobcenter.id, Jobcenter.name)).tuples().all())
    order = {jc: i for i, jc in enumerate(roadmap.jobcenters)}
    ids = sorted(set(names) | set(roadmap.jobcenters), key=lambda jc: (order.get(jc, len(order)), jc))
    return tuple((jc, names.get(jc, jc)) for jc in ids)


def build_matrix(session: Session, *, roadmap: Roadmap, registry: ConnectorRegistry, unlisted: RolloutState) -> Matrix:
    jobcenters = _jobcenters(session, roadmap)
    installed = registry.keys()  # iterating the registry yields connectors, not keys
    services = list(roadmap.services) + [key for key in installed if key not in roadmap.services]
    states = effective_states(
        session, roadmap=roadmap, services=services, jobcenter_ids=[jc for jc, _ in jobcenters], unlisted=unlisted
    )
    runs = latest_runs(session)
    rows = []
    for key in services:
        entry = roadmap.services.get(key)
        connector = registry.get(key) if key in registry else None
        run = runs.get(key)
        rows.append(
            MatrixRow(
                service=key,
                title=(entry.title if entry and entry.title else connector.title if connector else key),
                stage=entry.stage if entry else (connector.roadmap_stage if connector else None),
                maturity=entry.maturity if entry else (int(connector.maturity) if connector else None),
                version=connector.version if connector else None,
                states=tuple(states[(key, jc)] for jc, _ in jobcenters),
                load_test=LoadTestSummary(run.verdict, run.service_version, run.finished_at or run.started_at)
                if run
                else None,
            )
        )
    rows.sort(key=lambda row: (row.stage or 99, services.index(row.service)))
    return Matrix(jobcenters=jobcenters, rows=tuple(rows))
