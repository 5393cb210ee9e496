"""Two training services sharing one tiny form."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pydantic import Field

from connectors.sdk import (
    Connector,
    DocumentSection,
    FieldProblem,
    Maturity,
    ReceiptText,
    ServiceForm,
    SubmissionContext,
)
from connectors.sdk.documents import applicant_section, expect_form, handover_header, receipt_letter
from connectors.sdk.fields import LongText

FAILING_PROCEDURE = "DEMO-FEHLER"
SLOW_PROCEDURE = "DEMO-LANGSAM"


class DemoForm(ServiceForm):
    """Übungsformular"""

    note: LongText = Field(title="Nachricht (Übung)")
    truthful_information: bool = Field(title="Ich versichere, dass meine Angaben richtig sind.")


class _DemoConnector(Connector):
    leika_key: ClassVar[str] = "urn:de:fim:leika:leistung:99999999999999"  # training only, no real service
    version: ClassVar[str] = "1.0.0"
    maturity: ClassVar[Maturity] = Maturity.ONLINE_SERVICE
    roadmap_stage: ClassVar[int] = 1
    form: ClassVar[type[ServiceForm]] = DemoForm
    procedure: ClassVar[str]

    def check(self, form: ServiceForm, today: date | None = None) -> list[FieldProblem]:
        if not expect_form(form, DemoForm).truthful_information:
            return [FieldProblem("truthful_information", "declaration_required", "Bitte die Angaben bestätigen.")]
        return []

    def examples(self, today: date | None = None) -> list[dict[str, Any]]:
        return [{"note": "Übungseinreichung für die Schulung.", "truthful_information": True}]

    def document(self, form: ServiceForm, ctx: SubmissionContext) -> list[DocumentSection]:
        return [applicant_section(ctx), DocumentSection("Übung", [("Nachricht", expect_form(form, DemoForm).note)])]

    def handover_payload(self, form: ServiceForm, ctx: SubmissionContext) -> dict[str, Any]:
        return {**handover_header(ctx, self.procedure), "daten": expect_form(form, DemoForm).model_dump(mode="json")}

    def receipt(self, form: ServiceForm, ctx: SubmissionContext) -> ReceiptText:
        body = receipt_letter(
            ctx,
            filed="Ihre Übungseinreichung",
            summary="Dies ist eine Übung.",
            next_steps=["Nichts weiter: Übungseinreichungen werden nicht bearbeitet."],
        )
        return ReceiptText(subject=f"Eingangsbestätigung: Übung ({ctx.receipt_number})", body=body)


class FailingDemo(_DemoConnector):
    key: ClassVar[str] = "demo_failing"
    title: ClassVar[str] = "Übung: Übergabe schlägt immer fehl"
    description: ClassVar[str] = "Für Tests und Schulungen: das Fachverfahren ist hierfür nie erreichbar."
    procedure: ClassVar[str] = FAILING_PROCEDURE


class SlowDemo(_DemoConnector):
    key: ClassVar[str] = "demo_slow"
    title: ClassVar[str] = "Übung: langsames Fachverfahren"
    description: ClassVar[str] = "Für Tests, Lasttests und Schulungen: das Fachverfahren antwortet mit Verzögerung."
    procedure: ClassVar[str] = SLOW_PROCEDURE


failing = FailingDemo()
slow = SlowDemo()
