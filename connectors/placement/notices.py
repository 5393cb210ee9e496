"""The inbound direction of the placement service: VerBIS pushes an offer, the customer gets it in the
Postfach with the deadline and the Rechtsfolgenbelehrung, a reminder before the deadline, and a notice
when it passed.

Each letter names the customer's own jobcenter and its contact (principle 7) and says how to answer:
with the service ``placement`` and the offer's number.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from connectors.placement.legal import RECHTSFOLGENBELEHRUNG
from connectors.placement.offer import PlacementOffer
from connectors.sdk import InboundNoticeContext, InboundSpec, ReceiptText
from connectors.sdk.documents import jobcenter_signature
from connectors.sdk.fields import format_date, format_datetime

DEFAULT_RESPONSE_DAYS = 14
_BERLIN = ZoneInfo("Europe/Berlin")


def _offer(item: Any) -> PlacementOffer:
    if not isinstance(item, PlacementOffer):
        raise TypeError(f"expected a PlacementOffer, got {type(item).__name__}")
    return item


def end_of_day(day: date) -> datetime:
    """A deadline "until 20.12." ends at midnight in Berlin, whatever the server's time zone."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=_BERLIN).astimezone(UTC)


def offer_rows(offer: PlacementOffer) -> list[tuple[str, str]]:
    """The offer as (label, value) rows; shared by the Postfach letter and the e-file document."""
    employer = offer.employer
    address = ", ".join(p for p in (employer.street, f"{employer.postal_code or ''} {employer.city}".strip()) if p)
    rows = [
        ("Nummer des Vermittlungsvorschlags", offer.offer_id),
        ("Stelle", offer.job_title),
        ("Arbeitgeber", f"{employer.name}, {address}"),
        ("Arbeitsort", offer.place_of_work),
        ("Arbeitszeit", offer.working_hours),
    ]
    optional = [
        ("Vergütung", offer.salary),
        ("Beginn", offer.start),
        ("Tätigkeit", offer.description),
        ("Ansprechperson beim Arbeitgeber", employer.contact_person),
        ("Telefon des Arbeitgebers", employer.phone),
        ("E-Mail des Arbeitgebers", employer.email),
    ]
    rows += [(label, value) for label, value in optional if value]
    rows.append(("So bewerben Sie sich", offer.how_to_apply))
    return rows


def _closing(ctx: InboundNoticeContext) -> str:
    return jobcenter_signature(ctx.jobcenter, reference="der Nummer des Vermittlungsvorschlags")


def _how_to_answer(offer: PlacementOffer, due: str) -> str:
    return (
        f"Bitte teilen Sie uns bis {due} mit, ob Sie sich beworben haben und wie es ausgegangen ist: im Portal "
        f"unter „Rückmeldung zum Vermittlungsvorschlag“ mit der Nummer {offer.offer_id}. Wenn Sie sich nicht "
        "bewerben können, nennen Sie uns bitte Ihre Gründe."
    )


def _due_text(ctx: InboundNoticeContext) -> str:
    return format_datetime(ctx.due_at) if ctx.due_at else "zum nächstmöglichen Zeitpunkt"


class PlacementInbound(InboundSpec):
    model: ClassVar[type[BaseModel]] = PlacementOffer
    source_system: ClassVar[str] = "verbis"
    message_kind: ClassVar[str] = "placement_offer"
    remind_before: ClassVar[timedelta | None] = timedelta(days=3)

    def bg_number(self, item: Any) -> str:
        return _offer(item).bg_number

    def external_id(self, item: Any) -> str:
        return _offer(item).offer_id

    def due_at(self, item: Any, received_at: datetime) -> datetime | None:
        offer = _offer(item)
        day = offer.respond_by or (received_at.astimezone(_BERLIN).date() + timedelta(days=DEFAULT_RESPONSE_DAYS))
        return end_of_day(day)

    def notice(self, item: Any, ctx: InboundNoticeContext) -> ReceiptText:
        offer = _offer(item)
        due = _due_text(ctx)
        details = "".join(f"{label}: {value}\n" for label, value in offer_rows(offer))
        officer = f"Ihre Ansprechperson im Jobcenter: {offer.placement_officer}\n\n" if offer.placement_officer else ""
        body = (
            f"Guten Tag {ctx.customer.display_name},\n\n"
            f"das {ctx.jobcenter.name} schlägt Ihnen vom {format_date(offer.issued_on)} an diese Arbeitsstelle vor. "
            "Bitte bewerben Sie sich dort.\n\n"
            f"{details}\n"
            f"Rückmeldung bis: {due}\n"
            f"{_how_to_answer(offer, due)}\n\n"
            f"{officer}"
            f"{RECHTSFOLGENBELEHRUNG}\n\n"
            f"{_closing(ctx)}"
        )
        subject = f"Vermittlungsvorschlag {offer.offer_id}: {offer.job_title} – Rückmeldung bis {due}"
        return ReceiptText(subject=subject[:300], body=body)

    def reminder(self, item: Any, ctx: InboundNoticeContext) -> ReceiptText:
        offer = _offer(item)
        due = _due_text(ctx)
        body = (
            f"Guten Tag {ctx.customer.display_name},\n\n"
            f"wir erinnern Sie an unseren Vermittlungsvorschlag {offer.offer_id} vom {format_date(offer.issued_on)}: "
            f"{offer.job_title} bei {offer.employer.name} in {offer.place_of_work}.\n\n"
            f"Ihre Rückmeldung ist bis {due} fällig und liegt uns noch nicht vor.\n"
            f"{_how_to_answer(offer, due)}\n\n"
            f"{RECHTSFOLGENBELEHRUNG}\n\n"
            f"{_closing(ctx)}"
        )
        return ReceiptText(subject=f"Erinnerung: Rückmeldung zum Vermittlungsvorschlag {offer.offer_id}", body=body)

    def expiry(self, item: Any, ctx: InboundNoticeContext) -> ReceiptText:
        offer = _offer(item)
        body = (
            f"Guten Tag {ctx.customer.display_name},\n\n"
            f"die Frist für Ihre Rückmeldung zum Vermittlungsvorschlag {offer.offer_id} ({offer.job_title} bei "
            f"{offer.employer.name}) ist am {_due_text(ctx)} abgelaufen. Eine Rückmeldung liegt uns nicht vor.\n\n"
            "Bitte holen Sie die Rückmeldung so bald wie möglich nach – das ist im Portal weiterhin möglich. "
            "Wenn Sie sich nicht bewerben konnten, nennen Sie uns bitte Ihre Gründe. Bevor das Jobcenter über "
            "eine Minderung Ihres Bürgergelds entscheidet, können Sie sich dazu äußern.\n\n"
            f"{_closing(ctx)}"
        )
        return ReceiptText(subject=f"Frist abgelaufen: Vermittlungsvorschlag {offer.offer_id}", body=body)
