"""A jobcenter's own Postfach settings: state (off, pilot, live), promised response time, auto-reply.

Why validated here and not only in the route: the auto-reply text goes to customers verbatim, so a
placeholder the platform cannot fill (a typo like ``{response_day}``) must be refused when it is set,
not discovered in a customer's Postfach.
"""

from __future__ import annotations

import re

from services.mailbox.availability import STATES
from services.mailbox.errors import MailboxError
from services.mailbox.signature import signed
from services.store.models import Jobcenter

MIN_RESPONSE_DAYS, MAX_RESPONSE_DAYS = 1, 30
MAX_AUTO_REPLY = 2000
PLACEHOLDER = "{response_days}"
_ANY_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def render_auto_reply(jobcenter: Jobcenter) -> str | None:
    """The auto-reply with the promised response time filled in and the jobcenter's closing; None when the
    jobcenter sends none."""
    if not jobcenter.mailbox_auto_reply:
        return None
    return signed(jobcenter, jobcenter.mailbox_auto_reply.replace(PLACEHOLDER, str(jobcenter.mailbox_response_days)))


def set_state(jobcenter: Jobcenter, state: str) -> None:
    if state not in STATES:
        raise MailboxError(422, "invalid_state", f"Erlaubt sind die Zustände {', '.join(STATES)}.")
    jobcenter.mailbox_state = state


def set_response_days(jobcenter: Jobcenter, days: int) -> None:
    if not MIN_RESPONSE_DAYS <= days <= MAX_RESPONSE_DAYS:
        raise MailboxError(
            422,
            "invalid_response_days",
            f"Die Antwortfrist muss zwischen {MIN_RESPONSE_DAYS} und {MAX_RESPONSE_DAYS} Arbeitstagen liegen.",
        )
    jobcenter.mailbox_response_days = days


def set_auto_reply(jobcenter: Jobcenter, text: str | None) -> None:
    """An empty text switches the auto-reply off."""
    cleaned = (text or "").strip()
    if len(cleaned) > MAX_AUTO_REPLY:
        raise MailboxError(
            422, "auto_reply_too_long", f"Die automatische Antwort darf höchstens {MAX_AUTO_REPLY} Zeichen haben."
        )
    unknown = sorted({p for p in _ANY_PLACEHOLDER.findall(cleaned) if p != PLACEHOLDER})
    if unknown:
        raise MailboxError(
            422,
            "unknown_placeholder",
            f"Unbekannte Platzhalter: {', '.join(unknown)}. Möglich ist nur {PLACEHOLDER} (die Antwortfrist).",
        )
    jobcenter.mailbox_auto_reply = cleaned or None
