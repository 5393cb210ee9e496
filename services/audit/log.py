"""Append-only, hash-chained audit entries.

Each entry's hash covers its own fields and the previous entry's hash, so changing or deleting any entry
breaks every later link and ``verify_chain`` finds the first broken one. Entries are written in the same
transaction as the access they record: a read that is rolled back leaves no trace, a change that commits
always does. One chain for the whole platform keeps verification a single pass; writers take a lock for the
rest of their transaction (PostgreSQL: an advisory transaction lock; SQLite serialises writers anyway), which
keeps the chain linear when several portal and worker processes record at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.store.models import AuditEntry, utcnow

GENESIS = "0" * 64
_CHAIN_LOCK = 0x6F7A67_4155  # pg_advisory_xact_lock key of the audit chain ("ozg" "AU")


@dataclass(frozen=True)
class AuditActor:
    """Who accessed: ``kind`` is customer, staff, operator or system; ``source`` the client address or component."""

    kind: str
    id: str
    jobcenter_id: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class ChainBreak:
    """The first entry whose hash or link does not match: everything from it on is suspect."""

    entry_id: int
    reason: str


def _entry_hash(entry: AuditEntry) -> str:
    fields = {
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor_kind": entry.actor_kind,
        "actor_id": entry.actor_id,
        "actor_jobcenter_id": entry.actor_jobcenter_id,
        "action": entry.action,
        "resource_type": entry.resource_type,
        "resource_id": entry.resource_id,
        "customer_id": entry.customer_id,
        "jobcenter_id": entry.jobcenter_id,
        "purpose": entry.purpose,
        "source": entry.source,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})


def record_access(
    session: Session,
    *,
    actor: AuditActor,
    action: str,
    resource_type: str,
    resource_id: str,
    purpose: str,
    customer_id: str | None = None,
    jobcenter_id: str | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry to the chain inside the caller's transaction (ids only: no names, no content)."""
    _lock_chain(session)
    session.flush()  # entries added earlier in this transaction are part of the chain
    last = session.scalars(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    entry = AuditEntry(
        at=at or utcnow(),
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_jobcenter_id=actor.jobcenter_id,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        customer_id=customer_id,
        jobcenter_id=jobcenter_id,
        purpose=purpose,
        source=(actor.source or None) and actor.source[:100],
        prev_hash=last or GENESIS,
    )
    entry.entry_hash = _entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


def _entries(session: Session, batch: int = 1000) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        session.expunge_all()


def verify_chain(session: Session) -> ChainBreak | None:
    """Walk the whole chain in id order; None when every entry and every link is intact."""
    expected_prev = GENESIS
    for entry in _entries(session):
        if entry.prev_hash != expected_prev:
            return ChainBreak(entry.id, "link to the previous entry does not match (an entry was removed or inserted)")
        if _entry_hash(entry) != entry.entry_hash:
            return ChainBreak(entry.id, "entry was altered after it was written")
        expected_prev = entry.entry_hash
    return None
