"""Building blocks every connector's document, hand-over and receipt share.

Each jobcenter stays recognisable as itself: the applicant section and the receipt letter always
name the responsible jobcenter with its own address and contact.
"""

from __future__ import annotations

from typing import Any, TypeVar

from connectors.sdk.contract import DocumentSection, JobcenterSummary, ServiceForm, SubmissionContext
from connectors.sdk.fields import format_datetime

FormT = TypeVar("FormT", bound=ServiceForm)

_CHANNELS = {"online": "online", "paper": "auf Papier"}


def expect_form(form: ServiceForm, form_type: type[FormT]) -> FormT:
    """Narrow the form a hook receives; a wrong type is a platform bug, not bad input."""
    if not isinstance(form, form_type):
        raise TypeError(f"expected a {form_type.__name__}, got {type(form).__name__}")
    return form


def applicant_section(ctx: SubmissionContext, title: str = "Antragsteller/in und Jobcenter") -> DocumentSection:
    """Who filed, where, and when."""
    customer, jobcenter = ctx.customer, ctx.jobcenter
    return DocumentSection(
        title,
        [
            ("Name", customer.display_name),
            ("BG-Nummer", customer.bg_number),
            ("Anschrift", f"{customer.street}, {customer.postal_code} {customer.city}"),
            ("Jobcenter", jobcenter.name),
            ("Anschrift des Jobcenters", f"{jobcenter.street}, {jobcenter.postal_code} {jobcenter.city}"),
            ("Kontakt", f"Telefon {jobcenter.phone}, E-Mail {jobcenter.email}"),
            *([("Internet", jobcenter.website)] if jobcenter.website else []),
            ("Zuständiges Team", ctx.team_name),
            ("Eingangsnummer", ctx.receipt_number),
            ("Eingegangen am", format_datetime(ctx.submitted_at)),
            ("Eingangsweg", _CHANNELS.get(ctx.channel, ctx.channel)),
            *([("Gehört zum Antrag", ctx.parent_receipt_number)] if ctx.parent_receipt_number else []),
        ],
    )


def handover_header(ctx: SubmissionContext, procedure: str) -> dict[str, Any]:
    """The case header every back-office hand-over carries.

    Derived from the submission only (no clock, no attempt ids), so a retried hand-over is byte-for-byte
    the same request and the back-office system's idempotency check recognises it.
    """
    return {
        "vorgangsart": procedure,
        "formularversion": ctx.service_version,
        "vorgang_id": ctx.submission_id,
        "eingangsnummer": ctx.receipt_number,
        "eingangsdatum": ctx.submitted_at.isoformat(),
        "eingangsweg": ctx.channel,
        "bg_nummer": ctx.customer.bg_number,
        "kunden_id": ctx.customer.customer_id,
        "dienststelle": ctx.jobcenter.jobcenter_id,
        "team": ctx.team_name,
        "zugehoerig_zu_eingangsnummer": ctx.parent_receipt_number,  # an Anlage names the application it belongs to
    }


def opening_hours_text(jobcenter: JobcenterSummary) -> str:
    """``Mo, Di, Fr 08:00–12:30; Do 08:00–18:00``, or empty when the jobcenter has published none."""
    return "; ".join(f"{days} {hours}" for days, hours in jobcenter.opening_hours)


def jobcenter_contact_lines(jobcenter: JobcenterSummary) -> list[str]:
    """Address, telephone, e-mail, website and opening hours: how a customer reaches this jobcenter."""
    lines = [
        f"{jobcenter.name}, {jobcenter.street}, {jobcenter.postal_code} {jobcenter.city}",
        f"Telefon {jobcenter.phone}, E-Mail {jobcenter.email}",
    ]
    if jobcenter.website:
        lines.append(f"Internet: {jobcenter.website}")
    if jobcenter.opening_hours:
        lines.append(f"Öffnungszeiten: {opening_hours_text(jobcenter)}")
    return lines


def jobcenter_signature(jobcenter: JobcenterSummary, *, reference: str = "der Eingangsnummer") -> str:
    """The closing every message from the jobcenter ends with: how to reach it, then its name.

    ``reference`` completes "Bei Fragen erreichen Sie uns unter Angabe …" (what to quote when calling).
    """
    contact = "\n".join(jobcenter_contact_lines(jobcenter))
    return (
        f"Bei Fragen erreichen Sie uns unter Angabe {reference}:\n{contact}\n\n"
        f"Mit freundlichen Grüßen\n{jobcenter.name}"
    )


def receipt_letter(ctx: SubmissionContext, *, filed: str, summary: str, next_steps: list[str]) -> str:
    """The receipt as a letter from the jobcenter: what arrived when, its receipt number, what happens next.

    ``filed`` completes "Ihr/Ihre … ist am … eingegangen" (e.g. "Ihr Weiterbewilligungsantrag").
    """
    jobcenter = ctx.jobcenter
    steps = "".join(f"- {step}\n" for step in next_steps)
    return (
        f"Guten Tag {ctx.customer.display_name},\n\n"
        f"{filed} ist am {format_datetime(ctx.submitted_at)} beim {jobcenter.name} eingegangen.\n\n"
        f"Eingangsnummer: {ctx.receipt_number}\n"
        f"BG-Nummer: {ctx.customer.bg_number}\n\n"
        f"{summary.rstrip()}\n\n"
        f"So geht es weiter:\n{steps}\n"
        f"{jobcenter_signature(jobcenter)}"
    )
