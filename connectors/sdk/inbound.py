"""The inbound direction of two-way services: what a back-office system pushes to a customer.

A placement offer (Vermittlungsvorschlag) arrives from VerBIS, lands in the customer's Postfach and must be
answered by a deadline. The platform does the generic part (authentication, storage, idempotency, routing,
reminders, expiry); a connector declares what is specific through an ``InboundSpec``: the pushed item's
model, which system sends it, how to find the customer and the item's id, the deadline, and the
Postfach texts. Like the other hooks, everything here is plain data, testable without a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from pydantic import BaseModel

from connectors.sdk.contract import CustomerSummary, JobcenterSummary, ReceiptText


@dataclass(frozen=True)
class InboundNoticeContext:
    """What the platform knows when it writes a Postfach message about an inbound item."""

    item_id: str
    external_id: str
    received_at: datetime
    due_at: datetime | None
    customer: CustomerSummary
    jobcenter: JobcenterSummary


class InboundSpec:
    """Subclass per two-way service; the connector exposes one instance as ``Connector.inbound``.

    ``model`` validates the pushed body (unknown fields refused, so a changed interface fails loudly);
    ``source_system`` is the name whose API key may push (``OZGFLOW_INBOUND_API_KEYS``).
    """

    model: ClassVar[type[BaseModel]]
    source_system: ClassVar[str]
    message_kind: ClassVar[str]
    """``MailboxMessage.kind`` of the notice (e.g. ``placement_offer``)."""
    remind_before: ClassVar[timedelta | None] = None
    """How long before ``due_at`` the customer is reminded; None: no reminder."""

    def bg_number(self, item: Any) -> str:
        """The BG number of the customer the item is for."""
        raise NotImplementedError

    def external_id(self, item: Any) -> str:
        """The sending system's id of the item; pushing the same id again is idempotent."""
        raise NotImplementedError

    def due_at(self, item: Any, received_at: datetime) -> datetime | None:
        """When the answer is due (timezone-aware); None: no deadline."""
        return None

    def notice(self, item: Any, ctx: InboundNoticeContext) -> ReceiptText:
        """The Postfach message announcing the item (written in the same transaction as the item)."""
        raise NotImplementedError

    def reminder(self, item: Any, ctx: InboundNoticeContext) -> ReceiptText:
        """The Postfach message sent ``remind_before`` the deadline while no answer has arrived."""
        raise NotImplementedError

    def expiry(self, item: Any, ctx: InboundNoticeContext) -> ReceiptText:
        """The Postfach message sent when the deadline passed without an answer."""
        raise NotImplementedError

    def remind_at(self, due_at: datetime | None, received_at: datetime) -> datetime | None:
        """The reminder time; none when it would fall before the item arrived (a short deadline)."""
        if due_at is None or self.remind_before is None:
            return None
        remind_at = due_at - self.remind_before
        return remind_at if remind_at > received_at else None
