"""Demo seeding: idempotent, and it refuses identity a jobcenter's pages could not show readably."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from services.demo import seed
from services.demo.data import JOBCENTERS
from services.store.db import Database
from services.store.models import MailboxTopic, StaffMember


def test_seeding_twice_changes_nothing(db: Database) -> None:
    with db.session() as session:
        before = (
            session.scalar(select(func.count()).select_from(MailboxTopic)),
            session.scalar(select(func.count()).select_from(StaffMember)),
        )
        seed.seed_demo_data(session)
    with db.session() as session:
        after = (
            session.scalar(select(func.count()).select_from(MailboxTopic)),
            session.scalar(select(func.count()).select_from(StaffMember)),
        )
    assert before == after and before[0] and before[1]


def test_unreadable_colours_are_refused(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    pale = dataclasses.replace(JOBCENTERS[0], colour_primary="#f0f0f0")
    monkeypatch.setattr(seed, "JOBCENTERS", (pale,))
    with db.session() as session, pytest.raises(seed.DemoDataInvalid, match="jc-berlin-mitte"):
        seed.seed_demo_data(session)
