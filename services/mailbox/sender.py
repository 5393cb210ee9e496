"""Send the notification e-mails that are due, with bounded attempts and backoff.

Why a claim before sending: several workers run the maintenance pass at once, and SMTP must never be
called inside a database transaction (on SQLite that would block every writer). A notification is claimed
by a compare-and-set on its state and attempt count (``sending`` until a lease ends), sent, and then marked
``sent``. SMTP unreachable → back to ``ready`` later; after ``notification_max_attempts`` tries →
``failed``. A worker that dies between the SMTP server's "250 OK" and the commit leaves a claim whose
lease ends, and the notice is sent again: at least once, never lost. Errors are stored as exception type
and SMTP code only — never the address.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from services.mailbox.notifications import FAILED, READY, SENDING, SENT, compose
from services.settings import Settings
from services.store.db import Database
from services.store.models import Customer, EmailNotification, Jobcenter, MailboxMessage, utcnow
from services.transfer.backoff import Backoff

BATCH = 50
LEASE = timedelta(minutes=10)
SMTP_TIMEOUT_SECONDS = 15.0
DEFAULT_BACKOFF = Backoff(base_seconds=60.0, cap_seconds=3600.0)
"""Eight tries spread over about two hours: an SMTP outage of that length loses no notice."""


@dataclass(frozen=True)
class NotificationReport:
    """Counts only (logged and shown in Prefect)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


@dataclass(frozen=True)
class _Claim:
    notification_id: int
    attempt: int
    recipient: str | None
    jobcenter: Jobcenter


def _claim(session: Session, now: datetime) -> list[_Claim]:
    query = (
        select(EmailNotification)
        .where(
            or_(EmailNotification.state == READY, EmailNotification.state == SENDING),
            EmailNotification.available_at <= now,
        )
        .order_by(EmailNotification.available_at, EmailNotification.id)
        .limit(BATCH)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claims = []
    for row in list(session.scalars(query)):
        taken = session.execute(
            update(EmailNotification)
            .where(
                EmailNotification.id == row.id,
                EmailNotification.state == row.state,
                EmailNotification.attempts == row.attempts,
            )
            .values(state=SENDING, attempts=row.attempts + 1, available_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            continue
        message = session.get(MailboxMessage, row.message_id)
        customer = session.get(Customer, row.customer_id)
        assert message is not None and customer is not None  # foreign keys
        jobcenter = session.get(Jobcenter, message.jobcenter_id)
        assert jobcenter is not None
        claims.append(_Claim(row.id, row.attempts + 1, customer.email, jobcenter))
    return claims


def _conclude(db: Database, claim: _Claim, *, now: datetime, error: str | None, retry_at: datetime | None) -> None:
    """Record the outcome, if the claim is still ours (same attempt, still ``sending``)."""
    if error is None:
        values: dict[str, object] = {"state": SENT, "sent_at": now, "last_error": None}
    elif retry_at is None:
        values = {"state": FAILED, "last_error": error}
    else:
        values = {"state": READY, "available_at": retry_at, "last_error": error}
    with db.session() as session:
        session.execute(
            update(EmailNotification)
            .where(
                EmailNotification.id == claim.notification_id,
                EmailNotification.state == SENDING,
                EmailNotification.attempts == claim.attempt,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )


@contextmanager
def smtp_connection(settings: Settings) -> Iterator[smtplib.SMTP]:
    """One SMTP session as configured (STARTTLS and login only when set)."""
    smtp = smtplib.SMTP(settings.resolved_smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        yield smtp
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _describe(exc: BaseException) -> str:
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"


def send_due_notifications(
    db: Database, settings: Settings, *, now: datetime | None = None, backoff: Backoff = DEFAULT_BACKOFF
) -> NotificationReport:
    """One pass over what is due; safe to run on several workers at once."""
    moment = now or utcnow()
    with db.session() as session:
        claims = _claim(session, moment)
    if not claims:
        return NotificationReport()
    outcomes: dict[int, str | None] = {}
    try:
        with smtp_connection(settings) as smtp:
            for claim in claims:
                if not claim.recipient:
                    outcomes[claim.notification_id] = "no_address"
                    continue
                mail = compose(
                    jobcenter=claim.jobcenter,
                    recipient=claim.recipient,
                    sender_address=settings.mail_sender,
                    portal_url=settings.resolved_public_url,
                )
                try:
                    smtp.send_message(mail)
                    outcomes[claim.notification_id] = None
                except smtplib.SMTPRecipientsRefused as exc:
                    outcomes[claim.notification_id] = f"refused:{_describe(exc)}"
    except (smtplib.SMTPException, OSError) as exc:
        reason = _describe(exc)  # the server is unreachable or broke off: everything unsent is retried
        for claim in claims:
            outcomes.setdefault(claim.notification_id, reason)
    sent = retrying = failed = 0
    for claim in claims:
        error = outcomes[claim.notification_id]
        if error is None:
            sent += 1
            _conclude(db, claim, now=moment, error=None, retry_at=None)
            continue
        permanent = error == "no_address" or error.startswith("refused:")
        if permanent or claim.attempt >= settings.notification_max_attempts:
            failed += 1
            _conclude(db, claim, now=moment, error=error, retry_at=None)
        else:
            retrying += 1
            retry_at = moment + timedelta(seconds=backoff.delay(claim.attempt))
            _conclude(db, claim, now=moment, error=error, retry_at=retry_at)
    return NotificationReport(sent=sent, retrying=retrying, failed=failed)
