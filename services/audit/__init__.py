"""The audit log: who read or changed which personal data, when, from where and why (docs/security.md)."""

from services.audit.log import AuditActor, ChainBreak, record_access, verify_chain

__all__ = ["AuditActor", "ChainBreak", "record_access", "verify_chain"]
