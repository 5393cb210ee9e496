"""Notification e-mails: "a new message from <jobcenter> is waiting in your Postfach" — never the content.

Why only a notice: e-mail is not a secure channel, so it carries neither the message's subject nor its
text nor the customer's name; the customer reads the message after signing in. The notice is queued in
the message's own transaction (an ``EmailNotification`` row), so an SMTP outage delays notices but can
never lose one; the workers send what is due (services/mailbox/sender.py).
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from sqlalchemy.orm import Session

from services.store.models import Customer, EmailNotification, Jobcenter, MailboxMessage

READY, SENDING, SENT, FAILED = "ready", "sending", "sent", "failed"


def queue_notification(session: Session, *, message: MailboxMessage, customer: Customer) -> EmailNotification | None:
    """Queue the notice for a message to the customer; None when they gave no e-mail address."""
    if not customer.email:
        return None
    notification = EmailNotification(message_id=message.id, customer_id=customer.id, state=READY, attempts=0)
    session.add(notification)
    return notification


def compose(*, jobcenter: Jobcenter, recipient: str, sender_address: str, portal_url: str) -> EmailMessage:
    """The whole e-mail: the jobcenter's name as sender, a link to the portal, nothing else."""
    mail = EmailMessage()
    mail["From"] = formataddr((jobcenter.name, sender_address))
    mail["To"] = recipient
    mail["Subject"] = f"Neue Nachricht von {jobcenter.name} in Ihrem Postfach"
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = make_msgid(domain=sender_address.rpartition("@")[2] or None)
    link = portal_url.rstrip("/") + "/"
    mail.set_content(
        "Guten Tag,\n\n"
        f"in Ihrem Postfach liegt eine neue Nachricht von {jobcenter.name}.\n"
        f"Bitte melden Sie sich im Portal an, um sie zu lesen:\n{link}\n\n"
        "Aus Gründen des Datenschutzes enthält diese E-Mail keine Inhalte der Nachricht. "
        "Bitte antworten Sie nicht auf diese E-Mail; schreiben Sie Ihrem Jobcenter über das Postfach.\n\n"
        f"Ihr {jobcenter.name}\n"
    )
    return mail
