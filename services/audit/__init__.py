"""The audit log: who read or changed which personal data, when, from where and why (docs/security.md).

Importing the package installs the append-only guard (services/audit/guard.py) and the hook that links
queued entries into the chain at commit (services/audit/log.py).
"""

from services.audit import guard as _guard  # noqa: F401 - installs the ORM guard
from services.audit.guard import AppendOnlyViolation
from services.audit.log import AuditActor, AuditRecorder, record_access
from services.audit.purposes import Action, Purpose
from services.audit.retention import ChainBrokenError, prune_before
from services.audit.verify import ChainBreak, ChainReport, check_chain, verify_chain

__all__ = [
    "Action",
    "AppendOnlyViolation",
    "AuditActor",
    "AuditRecorder",
    "ChainBreak",
    "ChainBrokenError",
    "ChainReport",
    "Purpose",
    "check_chain",
    "prune_before",
    "record_access",
    "verify_chain",
]
