"""The WBA connector: identity and the hooks the generic pipeline calls."""

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
from connectors.wba import examples as _examples
from connectors.wba.checks import check_wba
from connectors.wba.document import wba_sections
from connectors.wba.form import FORM_VERSION, WbaForm


def _wba(form: ServiceForm) -> WbaForm:
    return expect_form(form, WbaForm)


class WbaConnector(DeclaredConnector):
    key: ClassVar[str] = "wba"
    title: ClassVar[str] = "Weiterbewilligungsantrag Bürgergeld (WBA)"
    # Provisional: we found no published LeiKa key specific to the SGB II continuation application,
    # so this is the project's placeholder key for WBA-like services. Replace it once FIM confirms one.
    leika_key: ClassVar[str] = "urn:de:fim:leika:leistung:99050012104000"
    version: ClassVar[str] = FORM_VERSION
    maturity: ClassVar[Maturity] = Maturity.ONLINE_SERVICE
    roadmap_stage: ClassVar[int] = 1
    description: ClassVar[str] = (
        "Weiterbewilligung des Bürgergelds für den nächsten Bewilligungszeitraum. Bitte etwa sechs Wochen "
        "vor Ende des aktuellen Bewilligungszeitraums stellen."
    )
    form: ClassVar[type[ServiceForm]] = WbaForm
    rules = check_wba
    sample_forms = _examples.examples
    sections = wba_sections
    handover_system: ClassVar[str] = "allegro"

    def required_trust_level(self, form: ServiceForm) -> TrustLevel:
        """A new bank account redirects the benefit: only with an eID sign-in (as on the BA's portal)."""
        return TrustLevel.SUBSTANTIAL if _wba(form).bank_details.changed else TrustLevel.LOW

    def prefill(self, previous: ServiceForm) -> dict[str, Any]:
        """A new WBA asks for changes since the last one: what was reported then is known now, so every
        switch starts at "unchanged"; the asset status carries over; the declarations are made anew."""
        last = _wba(previous)
        unchanged = {"changed": False}
        return {
            "household": unchanged,
            "income": unchanged,
            "housing": unchanged,
            "bank_details": unchanged,
            "health_insurance": unchanged,
            "assets": last.assets.model_dump(mode="json"),
        }

    def handover_payload(self, form: ServiceForm, ctx: SubmissionContext) -> dict[str, Any]:
        """Derived from the submission only (no clock, no randomness), so a retried hand-over is identical."""
        wba = _wba(form)
        return {
            **handover_header(ctx, "WBA"),
            "geaenderte_bereiche": wba.changed_sections(),
            "daten": wba.model_dump(mode="json"),
        }

    def receipt(self, form: ServiceForm, ctx: SubmissionContext) -> ReceiptText:
        wba = _wba(form)
        changed = [str(WbaForm.model_fields[name].title) for name in wba.changed_sections()]
        steps = ["Das Jobcenter prüft Ihren Antrag."]
        if changed:
            summary = "Sie haben Änderungen in diesen Bereichen angegeben: " + ", ".join(changed) + "."
            steps.append(
                "Bitte reichen Sie Nachweise zu diesen Änderungen (z. B. Lohnabrechnungen, Mietvertrag) "
                "über Ihr Postfach ein, falls noch nicht geschehen."
            )
        else:
            summary = "Sie haben angegeben, dass sich seit Ihrem letzten Antrag nichts geändert hat."
        steps += [
            "Fehlen Unterlagen oder Angaben, melden wir uns in Ihrem Postfach.",
            "Wenn Sie den Antrag rechtzeitig gestellt haben, erhalten Sie die Entscheidung vor Ende Ihres "
            "aktuellen Bewilligungszeitraums.",
            "Bitte teilen Sie uns Änderungen auch weiterhin sofort mit (Veränderungsmitteilung).",
        ]
        body = receipt_letter(ctx, filed="Ihr Weiterbewilligungsantrag", summary=summary, next_steps=steps)
        return ReceiptText(subject=f"Eingangsbestätigung: Weiterbewilligungsantrag ({ctx.receipt_number})", body=body)
