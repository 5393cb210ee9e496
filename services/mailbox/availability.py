"""Whether a jobcenter's Postfach is open: each jobcenter switches it off, runs a pilot or runs it live.

Why per jobcenter (principle 7): jobcenters roll the Postfach out locally, and one that has switched it
off answers by letter — so the platform must neither write messages there nor let customers write in.
"""

from __future__ import annotations

from services.store.models import Customer, Jobcenter

OFF, PILOT, LIVE = "off", "pilot", "live"
STATES = (OFF, PILOT, LIVE)


def is_open(jobcenter: Jobcenter) -> bool:
    """Pilot and live both work; a pilot is only labelled as such in the views."""
    return jobcenter.mailbox_state != OFF


def reaches_customer(jobcenter: Jobcenter, customer: Customer) -> bool:
    """A message is written only where the Postfach is open and the customer has an online account.

    A customer known only from paper (``online_account`` False) gets letters; nothing is stored for them
    in a Postfach they cannot open (documented choice, see docs/mailbox.md).
    """
    return is_open(jobcenter) and bool(customer.online_account)


def contact_line(jobcenter: Jobcenter) -> str:
    """How to reach the jobcenter instead: its own address and phone number."""
    return (
        f"{jobcenter.name}, {jobcenter.street}, {jobcenter.postal_code} {jobcenter.city}, "
        f"Telefon {jobcenter.phone}, E-Mail {jobcenter.email}"
    )


def closed_message(jobcenter: Jobcenter) -> str:
    """The German explanation a customer gets when their jobcenter has no Postfach."""
    return (
        f"Das {jobcenter.name} bietet derzeit kein Online-Postfach an. "
        f"Bitte wenden Sie sich schriftlich, telefonisch oder persönlich an: {contact_line(jobcenter)}."
    )
