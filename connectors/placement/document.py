"""The e-file document and the VerBIS hand-over of an answer to a placement offer.

Both carry the offer as the jobcenter sent it (from the inbound item, not from the customer), so the clerk
sees what was answered without looking it up, and VerBIS can attach the answer to its own offer by id.
"""

from __future__ import annotations

from typing import Any

from connectors.placement.form import PlacementForm
from connectors.placement.offer import PlacementOffer, offer_from_payload
from connectors.sdk import DocumentSection, SubmissionContext
from connectors.sdk.documents import applicant_section, handover_header
from connectors.sdk.fields import format_date, format_datetime

PROCEDURE = "VV-RUECKMELDUNG"


def answered_offer(ctx: SubmissionContext) -> PlacementOffer | None:
    """The offer this answer refers to; None only for answers the platform could not link (never online)."""
    return offer_from_payload(ctx.inbound.payload) if ctx.inbound is not None else None


def on_time(ctx: SubmissionContext) -> bool | None:
    if ctx.inbound is None or ctx.inbound.due_at is None:
        return None
    return ctx.submitted_at <= ctx.inbound.due_at


def answer_rows(form: PlacementForm) -> list[tuple[str, str]]:
    rows = [("Ergebnis", form.outcome.label)]
    dates = [
        ("Beworben am", form.applied_on),
        ("Vorstellungsgespräch am", form.interview_on),
        ("Beginn der Arbeit", form.start_date),
    ]
    rows += [(label, format_date(value)) for label, value in dates if value is not None]
    if form.reason is not None:
        rows.append(("Grund", form.reason.label))
    if form.reason_details:
        rows.append(("Erläuterung", form.reason_details))
    if form.remarks:
        rows.append(("Anmerkungen", form.remarks))
    return rows


def placement_sections(form: PlacementForm, ctx: SubmissionContext) -> list[DocumentSection]:
    offer = answered_offer(ctx)
    offer_rows = [("Nummer des Vermittlungsvorschlags", form.offer_id)]
    if offer is not None:
        offer_rows += [
            ("Stelle", offer.job_title),
            ("Arbeitgeber", f"{offer.employer.name}, {offer.employer.city}"),
            ("Arbeitsort", offer.place_of_work),
            ("Vorschlag vom", format_date(offer.issued_on)),
        ]
    if ctx.inbound is not None and ctx.inbound.due_at is not None:
        offer_rows.append(("Rückmeldung fällig bis", format_datetime(ctx.inbound.due_at)))
        offer_rows.append(("Rückmeldung fristgerecht", "ja" if on_time(ctx) else "nein"))
    return [
        applicant_section(ctx, title="Kundin/Kunde und Jobcenter"),
        DocumentSection("Vermittlungsvorschlag", offer_rows),
        DocumentSection("Rückmeldung", answer_rows(form)),
    ]


def placement_payload(form: PlacementForm, ctx: SubmissionContext) -> dict[str, Any]:
    """Derived from the submission and its offer only (no clock), so a retried hand-over is identical."""
    offer = answered_offer(ctx)
    return {
        **handover_header(ctx, PROCEDURE),
        "vermittlungsvorschlag": {
            "vv_nummer": form.offer_id,
            "stellenbezeichnung": offer.job_title if offer else None,
            "arbeitgeber": offer.employer.name if offer else None,
            "vorschlag_vom": offer.issued_on.isoformat() if offer else None,
            "rueckmeldung_faellig": ctx.inbound.due_at.isoformat() if ctx.inbound and ctx.inbound.due_at else None,
        },
        "rueckmeldung": {**form.model_dump(mode="json"), "fristgerecht": on_time(ctx)},
    }
