"""Notification e-mails over real SMTP: only "a new message is waiting", bounded retries, never lost or doubled."""

from __future__ import annotations

import smtplib
import threading
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import select

from connectors.sdk.registry import ConnectorRegistry
from services.mailbox.dev_sink import start_dev_sink
from services.mailbox.notifications import compose
from services.mailbox.sender import send_due_notifications
from services.maintenance import run_maintenance
from services.settings import Settings
from services.store.db import Database
from services.store.models import EmailNotification, Jobcenter, Submission, utcnow
from tests.mailbox.conftest import ANNA_EMAIL, PORTAL_URL, SmtpSink, set_email
from tests.mailbox.test_threads import _post, routed_submission
from tests.support.http_server import free_port

SECRET_SUBJECT = "Ihr Bescheid über 1.234 € wurde aufgehoben"
SECRET_BODY = "Sehr geehrte Frau Schmidt, Ihre BG 96101BG0012342 ..."


def _write_message(db: Database, key: str = "note:1") -> str:
    from services.mailbox.threads import post_jobcenter_message, submission_thread

    submission_id = routed_submission(db)
    with db.session() as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        message = post_jobcenter_message(
            session,
            thread=submission_thread(session, submission),
            kind="reply",
            subject=SECRET_SUBJECT,
            body=SECRET_BODY,
            dedup_key=key,
        )
        assert message is not None
        return message.id


def _notification(db: Database) -> EmailNotification:
    with db.session() as session:
        return session.scalars(select(EmailNotification)).one()


def test_the_email_says_only_that_a_message_from_the_jobcenter_is_waiting(
    db: Database, settings: Settings, smtp_sink: SmtpSink
) -> None:
    set_email(db, "kd-1001")
    _write_message(db)
    report = send_due_notifications(db, settings)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [mail] = smtp_sink.capture.messages
    assert smtp_sink.capture.recipients == [[ANNA_EMAIL]]
    assert parseaddr(mail["From"]) == ("Jobcenter Berlin Mitte", "postfach@ozgflow.invalid")
    assert "Jobcenter Berlin Mitte" in mail["Subject"]
    body = mail.get_payload(decode=True).decode("utf-8")
    assert "neue Nachricht von Jobcenter Berlin Mitte" in body and f"{PORTAL_URL}/" in body
    whole = mail.as_string() + body
    for secret in ("Bescheid", "1.234", "Schmidt", "Anna", "96101BG0012342", "aufgehoben"):
        assert secret not in whole, secret
    sent = _notification(db)
    assert sent.state == "sent" and sent.sent_at is not None and sent.attempts == 1
    assert send_due_notifications(db, settings).sent == 0  # never twice
    assert len(smtp_sink.capture.messages) == 1


def test_an_smtp_outage_delays_notices_but_loses_none_and_sends_none_twice(
    db: Database, settings: Settings, smtp_sink: SmtpSink
) -> None:
    set_email(db, "kd-1001")
    smtp_sink.stop()
    _write_message(db)
    assert send_due_notifications(db, settings).retrying == 1
    waiting = _notification(db)
    assert (waiting.state, waiting.attempts) == ("ready", 1)
    assert waiting.available_at > utcnow() and waiting.last_error and "@" not in waiting.last_error
    assert send_due_notifications(db, settings).sent == 0  # not due yet: backoff

    smtp_sink.start()
    later = utcnow() + timedelta(hours=3)
    assert send_due_notifications(db, settings, now=later).sent == 1
    assert send_due_notifications(db, settings, now=later + timedelta(hours=3)).sent == 0
    assert len(smtp_sink.capture.messages) == 1
    done = _notification(db)
    assert (done.state, done.attempts, done.last_error) == ("sent", 2, None)


def test_attempts_are_bounded(db: Database, settings: Settings, smtp_sink: SmtpSink) -> None:
    set_email(db, "kd-1001")
    smtp_sink.stop()
    _write_message(db)
    moment = utcnow()
    outcomes = []
    for _ in range(settings.notification_max_attempts + 2):
        report = send_due_notifications(db, settings, now=moment)
        outcomes.append((report.retrying, report.failed))
        moment += timedelta(days=1)
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]  # max attempts 3, then given up
    given_up = _notification(db)
    assert (given_up.state, given_up.attempts) == ("failed", 3)


def test_concurrent_passes_send_each_notice_once(db: Database, settings: Settings, smtp_sink: SmtpSink) -> None:
    set_email(db, "kd-1001")
    ids = {_write_message(db, key=f"note:{n}") for n in range(12)}
    reports = []
    passes = [threading.Thread(target=lambda: reports.append(send_due_notifications(db, settings))) for _ in range(3)]
    for t in passes:
        t.start()
    for t in passes:
        t.join(timeout=120)
    assert sum(r.sent for r in reports) == len(ids) == len(smtp_sink.capture.messages)
    assert all(n.state == "sent" for n in _all(db))


def _all(db: Database) -> list[EmailNotification]:
    with db.session() as session:
        return list(session.scalars(select(EmailNotification)))


def test_the_maintenance_pass_sends_what_is_due(
    db: Database, settings: Settings, registry: ConnectorRegistry, smtp_sink: SmtpSink
) -> None:
    set_email(db, "kd-1001")
    _post(db, routed_submission(db))
    counts = run_maintenance(db, registry, settings)
    assert {k: v for k, v in counts.items() if not k.startswith("retention_")} == {
        "reminded": 0,
        "expired": 0,
        "notified": 1,
        "notifications_retrying": 0,
        "notifications_failed": 0,
    }
    assert len(smtp_sink.capture.messages) == 1


def test_the_development_sink_files_each_mail_as_eml(tmp_path: Path, db: Database) -> None:
    port = free_port()
    folder = tmp_path / "mail"
    sink = start_dev_sink("127.0.0.1", port, folder)
    try:
        with db.session() as session:
            jobcenter = session.get(Jobcenter, "jc-leipzig")
            assert jobcenter is not None
            mail = compose(
                jobcenter=jobcenter,
                recipient=ANNA_EMAIL,
                sender_address="postfach@ozgflow.invalid",
                portal_url=PORTAL_URL,
            )
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.send_message(mail)
    finally:
        sink.stop()
    [eml] = list(folder.glob("*.eml"))
    assert "Jobcenter Leipzig" in eml.read_text()
