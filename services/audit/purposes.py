"""The audit log's fixed vocabulary: why (purposes), what was done (actions) and to what (resource types).

Purposes are fixed German phrases, one per kind of access, never free text: the log must say why in words an
admin and the customer understand, and must not become a place where personal data is written down in passing.
Where the law expects an individual reason, staff add it separately (``AuditEntry.reason``). A purpose that is
not in this table is refused when it is recorded, so a new kind of access gets its phrase here first.
"""

from __future__ import annotations

from enum import StrEnum


class Purpose(StrEnum):
    INBOX = "Sichtung des Posteingangs"
    """Staff list their team's inbox (names and BG numbers of many customers on one page)."""
    CASEWORK = "Bearbeitung des Antrags"
    """Staff open a submission's e-file, its PDF/JSON or a document, reassign it, mark it processed."""
    CONVERSATION = "Bearbeitung der Nachricht"
    """Staff open or sort a Postfach conversation."""
    REPLY = "Antwort im Postfach"
    PAPER_INTAKE = "Papiereingang erfassen"
    OPERATIONS = "Störungsbehebung im Betrieb"
    """Operators look up a submission's processing metadata (never its content)."""
    TRANSFER = "Übergabe an das Fachverfahren"
    """The pipeline hands the form data to the back-office system."""
    ACCESS_REVIEW = "Datenschutzkontrolle"
    """A jobcenter admin reads the audit log."""
    ART15 = "Auskunft nach Art. 15 DSGVO"
    RECTIFICATION = "Berichtigung nach Art. 16 DSGVO"
    ERASURE = "Löschung nach Art. 17 DSGVO"
    RETENTION = "Löschung nach Ablauf der Aufbewahrungsfrist"


PURPOSES: frozenset[str] = frozenset(p.value for p in Purpose)


class Action(StrEnum):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    TRANSFER = "transfer"
    PRUNE = "prune"
    """Retention removed the oldest entries of the audit log itself (see services/audit/retention.py)."""


ACTIONS: frozenset[str] = frozenset(a.value for a in Action)

ACTION_LABELS: dict[str, str] = {
    Action.READ: "eingesehen",
    Action.CREATE: "angelegt",
    Action.UPDATE: "geändert",
    Action.DELETE: "gelöscht",
    Action.EXPORT: "exportiert",
    Action.TRANSFER: "übermittelt",
    Action.PRUNE: "gelöscht",
}

RESOURCE_LABELS: dict[str, str] = {
    "inbox": "Posteingang (Übersicht)",
    "submission": "Einreichung (e-Akte)",
    "submission_pdf": "Einreichung als PDF",
    "submission_json": "Einreichung als Datensatz (JSON)",
    "submission_metadata": "Bearbeitungsstand der Einreichung (ohne Inhalte)",
    "document": "Nachweis oder Anhang",
    "thread": "Unterhaltung im Postfach",
    "message": "Nachricht im Postfach",
    "customer": "Kundendaten",
    "customer_data": "Kundendaten (soweit keine Aufbewahrungspflicht besteht)",
    "audit_log": "Protokoll der Zugriffe",
}
"""German names of what was accessed, for the customer's access log (unknown types show their key)."""
