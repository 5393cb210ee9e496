"""Append-only, hash-chained audit entries.

Each entry's hash covers its own fields and the previous entry's hash, so changing or deleting any entry
breaks every later link and ``verify_chain`` finds the first broken one. Entries belong to the transaction of
the access they record: a read that is rolled back leaves no trace, a change that commits always does.

One chain for the whole platform keeps verification a single pass. Why entries are chained at commit rather
than when recorded: linking needs the chain's head, so writers must take turns (PostgreSQL: an advisory
transaction lock; SQLite serialises writers anyway), and a lock taken when a handler records would be held
for the rest of its transaction -- a data export records first and then reads every document of the customer
into a ZIP, and every audited request of the platform would wait for it. ``record_access`` therefore only
queues the entry on the session; a ``before_commit`` hook takes the lock, links and inserts what is queued,
and the commit follows at once. SQLAlchemy calls the hook when a savepoint is released too, so the lock is then
held from there to the commit (erasure and retention release theirs at the end). Entries queued inside a
savepoint that is rolled back are dropped with it.
"""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session, SessionTransaction

from services.audit.purposes import ACTIONS, PURPOSES
from services.store.models import AuditEntry, utcnow

GENESIS = "0" * 64
_CHAIN_LOCK = 0x6F7A67_4155  # pg_advisory_xact_lock key of the audit chain ("ozg" "AU")
_PENDING = "ozgflow.audit.pending"
ACTOR_KINDS = frozenset({"customer", "staff", "operator", "system"})
REASON_MAX = 200

HASHED_FIELDS = (
    "at",
    "actor_kind",
    "actor_id",
    "actor_jobcenter_id",
    "action",
    "resource_type",
    "resource_id",
    "customer_id",
    "jobcenter_id",
    "purpose",
    "source",
    "reason",
    "prev_hash",
)


@dataclass(frozen=True)
class AuditActor:
    """Who accessed: ``kind`` is customer, staff, operator or system; ``source`` the client address or component."""

    kind: str
    id: str
    jobcenter_id: str | None = None
    source: str | None = None

    @classmethod
    def system(cls, component: str) -> AuditActor:
        """A platform component acting on its own (a stage, retention), on the host it runs on."""
        return cls(kind="system", id=component, source=socket.gethostname())


class AuditRecorder(Protocol):
    """What handlers and services are given to record an access (the portal's ``AuditDep`` is one)."""

    def record(
        self,
        session: Session,
        *,
        action: str,
        resource_type: str,
        resource_id: str,
        purpose: str,
        customer_id: str | None = None,
        jobcenter_id: str | None = None,
    ) -> AuditEntry: ...


def entry_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the hashed fields (``at`` as UTC ISO time with microseconds)."""
    values = {name: fields[name] for name in HASHED_FIELDS}
    values["at"] = values["at"].astimezone(UTC).isoformat(timespec="microseconds")
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _fields_of(entry: AuditEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in HASHED_FIELDS}


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})


def _innermost_transaction(session: Session) -> SessionTransaction:
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:
        session.connection()  # begin the session's transaction: the entry belongs to it
        transaction = session.get_transaction()
    assert transaction is not None
    return transaction


def _check(actor: AuditActor, action: str, purpose: str, reason: str | None) -> None:
    """Programming errors, not user input: the vocabulary is fixed (services/audit/purposes.py)."""
    if actor.kind not in ACTOR_KINDS:
        raise ValueError(f"unknown audit actor kind {actor.kind!r}")
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if purpose not in PURPOSES:
        raise ValueError(f"purpose {purpose!r} is not in services/audit/purposes.py")
    if reason is not None and len(reason) > REASON_MAX:
        raise ValueError(f"audit reason longer than {REASON_MAX} characters")


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
    reason: str | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Queue one entry in the caller's transaction (ids only: no names, no content); it is linked into the
    chain and written when that transaction commits, so it has no id or hash before then."""
    _check(actor, action, purpose, reason)
    entry = AuditEntry(
        at=(at or utcnow()).astimezone(UTC),
        actor_kind=actor.kind,
        actor_id=actor.id[:200],
        actor_jobcenter_id=actor.jobcenter_id,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id[:100],
        customer_id=customer_id,
        jobcenter_id=jobcenter_id,
        purpose=str(purpose),
        source=(actor.source or None) and actor.source[:100],
        reason=reason or None,
    )
    session.info.setdefault(_PENDING, []).append((_innermost_transaction(session), entry))
    return entry


def _seal(session: Session) -> None:
    """Link and insert the queued entries under the chain lock, right before the commit."""
    queued = session.info.pop(_PENDING, None)
    if not queued:
        return
    _lock_chain(session)
    previous = session.scalars(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    previous = previous or GENESIS
    for _, entry in queued:
        entry.prev_hash = previous
        entry.entry_hash = entry_hash(_fields_of(entry))
        session.add(entry)
        session.flush()  # one at a time: ids must follow the chain's order
        previous = entry.entry_hash


def _descends_from(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _drop_ended(session: Session, transaction: SessionTransaction) -> None:
    """A transaction ended without sealing what it queued (rolled back or closed): those accesses did not
    happen as far as the database knows, so their entries go too. A commit has sealed them already."""
    queued = session.info.get(_PENDING)
    if queued:
        session.info[_PENDING] = [(tx, e) for tx, e in queued if not _descends_from(tx, transaction)]


event.listen(Session, "before_commit", _seal)
event.listen(Session, "after_transaction_end", _drop_ended)
