"""Verifying the chain: every entry's hash, every link, and how the chain begins.

The chain begins at the genesis hash, or -- after retention removed the oldest entries -- at the hash of the
last removed entry, which retention wrote into a ``prune`` marker that is itself part of the chain. So a pruned
prefix is accepted, while entries removed from the middle (a link does not match), removed from the start
without a marker, or altered anywhere (a hash does not match) are found, the first broken entry named.

Someone who can write the database could still rewrite the whole chain from the altered entry on; against
that, note the head (``ChainReport.head_id``/``head_hash``) outside the database now and then and check it
later with ``anchor`` (``ozgflow audit verify --anchor ID:HASH``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.audit.log import GENESIS, HASHED_FIELDS, entry_hash
from services.audit.purposes import Action
from services.store.models import AuditEntry

Progress = Callable[[int, int], None]
"""Called after each batch with (entries checked so far, entries in the log)."""

_COLUMNS = [AuditEntry.id, AuditEntry.entry_hash, *(getattr(AuditEntry, name) for name in HASHED_FIELDS)]
MARKER_TYPE = "audit_log"


@dataclass(frozen=True)
class ChainBreak:
    """The first entry whose hash or link does not match: everything from it on is suspect."""

    entry_id: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    """What a verification found; ids and hashes only, so it may be shown to operators."""

    checked: int
    first_id: int | None
    head_id: int | None
    head_hash: str | None
    pruned: bool
    """The chain starts after entries removed by retention (a prune marker names the last removed one)."""
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _rows(session: Session, *, upto_id: int | None, batch: int) -> Iterator[Any]:
    """Keyset pages of plain rows (no ORM objects: the caller's session stays as it was)."""
    last_id = 0
    while True:
        query = select(*_COLUMNS).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        if upto_id is not None:
            query = query.where(AuditEntry.id <= upto_id)
        rows = session.execute(query).all()
        if not rows:
            return
        yield rows
        last_id = rows[-1].id


def _marked_start(session: Session, prev_hash: str) -> bool:
    """Whether a prune marker names ``prev_hash`` as the last entry it removed (indexed lookup)."""
    found = session.scalar(
        select(AuditEntry.id)
        .where(
            AuditEntry.resource_type == MARKER_TYPE,
            AuditEntry.resource_id == prev_hash,
            AuditEntry.action == Action.PRUNE.value,
        )
        .limit(1)
    )
    return found is not None


def check_chain(
    session: Session,
    *,
    upto_id: int | None = None,
    anchor: tuple[int, str] | None = None,
    progress: Progress | None = None,
    batch: int = 5000,
) -> ChainReport:
    """Walk the chain in id order (up to ``upto_id``); ``anchor`` (id, hash) is a head noted earlier that must
    still be there unchanged, unless retention has removed it since."""
    counted = select(func.count()).select_from(AuditEntry)
    total = session.scalar(counted if upto_id is None else counted.where(AuditEntry.id <= upto_id)) or 0
    checked, first_id, previous, pruned = 0, None, GENESIS, False
    head_id: int | None = None
    anchor_seen = False

    def report(broken: ChainBreak | None) -> ChainReport:
        head_hash = previous if head_id is not None else None
        return ChainReport(checked, first_id, head_id, head_hash, pruned, broken)

    for rows in _rows(session, upto_id=upto_id, batch=batch):
        for row in rows:
            broken: ChainBreak | None = None
            if first_id is None:
                first_id, pruned = row.id, row.prev_hash != GENESIS
                if pruned and not _marked_start(session, row.prev_hash):
                    broken = ChainBreak(row.id, "the oldest entries were removed without a retention marker")
            elif row.prev_hash != previous:
                broken = ChainBreak(row.id, "link to the previous entry does not match (an entry was removed)")
            if broken is None and entry_hash(row._mapping) != row.entry_hash:
                broken = ChainBreak(row.id, "entry was altered after it was written")
            if broken is None and anchor is not None and row.id == anchor[0]:
                anchor_seen = True
                if row.entry_hash != anchor[1]:
                    broken = ChainBreak(row.id, "entry differs from the anchor noted earlier (chain rewritten)")
            if broken is not None:
                return report(broken)
            previous, head_id, checked = row.entry_hash, row.id, checked + 1
        if progress is not None:
            progress(checked, total)
    if anchor is not None and not anchor_seen and (first_id is None or anchor[0] >= first_id):
        return report(ChainBreak(anchor[0], "the anchor entry noted earlier is missing"))
    return report(None)


def verify_chain(session: Session) -> ChainBreak | None:
    """Walk the whole chain in id order; None when every entry and every link is intact."""
    return check_chain(session).broken
