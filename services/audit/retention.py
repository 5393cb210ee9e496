"""Retention of the audit log: remove the oldest entries, and only ever a prefix of the chain.

A prefix keeps the rest verifiable: the first remaining entry links to the last removed one, whose hash a
``prune`` marker records (appended to the chain in the same transaction, so it is hash-protected like any
entry). ``verify_chain`` accepts a start that a marker names and nothing else. Before anything is removed the
part to be removed is verified: pruning must not erase the evidence of tampering.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from services.audit.guard import allow_prune
from services.audit.log import AuditActor, record_access
from services.audit.purposes import Action, Purpose
from services.audit.verify import MARKER_TYPE, ChainBreak, check_chain
from services.store.models import AuditEntry


class ChainBrokenError(RuntimeError):
    """The entries due for removal fail verification: they are kept as evidence."""

    def __init__(self, broken: ChainBreak) -> None:
        super().__init__(f"audit chain broken at entry {broken.entry_id}: {broken.reason}; nothing pruned")
        self.broken = broken


def prune_before(
    session: Session, cutoff: datetime, *, limit: int | None = None, actor: AuditActor | None = None
) -> int:
    """Delete the oldest entries recorded before ``cutoff`` (at most ``limit``), in the caller's transaction.

    Stops at the first entry recorded at or after ``cutoff``, so a later entry is never removed even where
    clocks of several portal hosts disagree; the newest entry always stays (the chain's head). Returns how
    many were removed; raises ``ChainBrokenError`` (nothing removed) when they do not verify.
    """
    head_id = session.scalar(select(func.max(AuditEntry.id)))
    if head_id is None:
        return 0
    young = session.scalar(select(func.min(AuditEntry.id)).where(AuditEntry.at >= cutoff))
    end = min(young if young is not None else head_id, head_id)  # ids below `end` may go
    candidates = select(AuditEntry.id).where(AuditEntry.id < end).order_by(AuditEntry.id)
    if limit is not None:
        candidates = candidates.limit(limit)
    last_id = session.scalar(select(func.max(candidates.subquery().c.id)))
    if last_id is None:
        return 0
    report = check_chain(session, upto_id=last_id)
    if report.broken is not None:
        raise ChainBrokenError(report.broken)
    last_hash = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.id == last_id))
    assert last_hash is not None
    with allow_prune(session):
        removed = session.execute(
            delete(AuditEntry).where(AuditEntry.id <= last_id).execution_options(synchronize_session=False)
        ).rowcount
    record_access(
        session,
        actor=actor or AuditActor.system("retention"),
        action=Action.PRUNE,
        resource_type=MARKER_TYPE,
        resource_id=last_hash,
        purpose=Purpose.RETENTION,
    )
    return int(removed or 0)
