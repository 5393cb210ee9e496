"""The VÄM connector: identity and the hooks the generic pipeline calls."""

from __future__ import annotations

from typing import Any, ClassVar

from connectors.sdk import (
    Maturity,
    ReceiptText,
    ServiceForm,
    SubmissionContext,
    TrustLevel,
)
from connectors.sdk.declared import DeclaredConnector
from connectors.sdk.documents import expect_form, handover_header, receipt_letter
from connectors.vaem import examples as _examples
from connectors.vaem.checks import check_vaem
from connectors.vaem.document import change_summary, evidence_line, vaem_sections
from connectors.vaem.form import FORM_VERSION, Delivery, VaemForm


def _vaem(form: ServiceForm) -> VaemForm:
    return expect_form(form, VaemForm)


PAYMENT_CHANGES = frozenset({"address", "bank_details"})
"""Change types that redirect where the benefit or the letters go: they need an eID sign-in."""


class VaemConnector(DeclaredConnector):
    key: ClassVar[str] = "vaem"
    title: ClassVar[str] = "Veränderungsmitteilung Bürgergeld (VÄM)"
    # Provisional: we found no published LeiKa key specific to the SGB II change notification,
    # so this is the project's placeholder key for VÄM-like services. Replace it once FIM confirms one.
    leika_key: ClassVar[str] = "urn:de:fim:leika:leistung:99050012105000"
    version: ClassVar[str] = FORM_VERSION
    maturity: ClassVar[Maturity] = Maturity.ONLINE_SERVICE
    roadmap_stage: ClassVar[int] = 1
    description: ClassVar[str] = (
        "Mitteilung von Änderungen während des Bürgergeld-Bezugs: Umzug, Miete, Einkommen, neue Arbeit, "
        "Personen im Haushalt, Bankverbindung. Bitte Änderungen sofort mitteilen."
    )
    form: ClassVar[type[ServiceForm]] = VaemForm
    rules = check_vaem
    sample_forms = _examples.examples
    sections = vaem_sections
    handover_system: ClassVar[str] = "allegro"

    def required_trust_level(self, form: ServiceForm) -> TrustLevel:
        """A new address or bank account needs "substantial" (eID); other changes a plain sign-in."""
        changed = {change.type for change in _vaem(form).changes}
        return TrustLevel.SUBSTANTIAL if changed & PAYMENT_CHANGES else TrustLevel.LOW

    def handover_payload(self, form: ServiceForm, ctx: SubmissionContext) -> dict[str, Any]:
        """Derived from the submission only (no clock, no randomness), so a retried hand-over is identical."""
        vaem = _vaem(form)
        dates = [change.effective_date for change in vaem.changes]
        return {
            **handover_header(ctx, "VAEM"),
            "aenderungsarten": sorted({change.type for change in vaem.changes}),
            # The clerk recalculates from the earliest change on; saves reading every entry first.
            "aenderung_ab": min(dates).isoformat() if dates else None,
            "daten": vaem.model_dump(mode="json"),
        }

    def receipt(self, form: ServiceForm, ctx: SubmissionContext) -> ReceiptText:
        vaem = _vaem(form)
        jobcenter = ctx.jobcenter
        changes = "\n".join(f"{i}. {change_summary(c)}" for i, c in enumerate(vaem.changes, 1))
        upload = [evidence_line(e.kind.label, e.description) for e in vaem.evidence if e.delivery is Delivery.UPLOAD]
        post = [evidence_line(e.kind.label, e.description) for e in vaem.evidence if e.delivery is Delivery.POST]
        evidence = ""
        if upload:
            evidence += "Bitte laden Sie diese Nachweise in Ihrem Postfach hoch, falls noch nicht geschehen:\n"
            evidence += "".join(f"- {line}\n" for line in upload) + "\n"
        if post:
            evidence += (
                f"Diese Nachweise schicken Sie per Post an {jobcenter.name}, {jobcenter.street}, "
                f"{jobcenter.postal_code} {jobcenter.city} (bitte die Eingangsnummer angeben):\n"
            )
            evidence += "".join(f"- {line}\n" for line in post) + "\n"
        if not evidence:
            evidence = "Sie haben keine Nachweise angegeben.\n"
        body = receipt_letter(
            ctx,
            filed="Ihre Veränderungsmitteilung",
            summary=f"Sie haben uns diese Änderungen mitgeteilt:\n{changes}\n\n{evidence}",
            next_steps=[
                "Das Jobcenter prüft Ihre Angaben.",
                "Fehlen Nachweise oder Angaben, melden wir uns in Ihrem Postfach.",
                "Ändert sich dadurch Ihr Anspruch, erhalten Sie einen Änderungsbescheid.",
            ],
        )
        subject = f"Eingangsbestätigung: Veränderungsmitteilung ({ctx.receipt_number})"
        return ReceiptText(subject=subject, body=body)
