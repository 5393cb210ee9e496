"""The placement connector: the customer's answer to a placement offer (Vermittlungsvorschlag).

A two-way service: VerBIS pushes the offer (``inbound``, see ``notices.py``), the customer answers with
this form, and the answer runs through the normal pipeline to VerBIS.

Maturity: ONLINE_SERVICE (OZG level 3). Offer and answer are fully digital both ways and the customer is
asked nothing the jobcenter already knows, but level 4 (once-only) means fetching data and evidence from
other authorities' registers, which this service neither needs nor has; claiming 4 would misreport the
roadmap.
"""

from __future__ import annotations

from typing import Any, ClassVar

from connectors.placement import examples as _examples
from connectors.placement.checks import check_placement
from connectors.placement.document import answered_offer, placement_payload, placement_sections
from connectors.placement.form import FORM_VERSION, PlacementForm
from connectors.placement.notices import PlacementInbound
from connectors.sdk import (
    InboundSpec,
    Maturity,
    ReceiptText,
    ServiceForm,
    SubmissionContext,
)
from connectors.sdk.declared import DeclaredConnector
from connectors.sdk.documents import expect_form, receipt_letter


def _placement(form: ServiceForm) -> PlacementForm:
    return expect_form(form, PlacementForm)


class PlacementConnector(DeclaredConnector):
    key: ClassVar[str] = "placement"
    title: ClassVar[str] = "Rückmeldung zum Vermittlungsvorschlag"
    # Provisional placeholder in the project's 9905001210xxxx range, like WBA and VÄM; replace once FIM confirms.
    leika_key: ClassVar[str] = "urn:de:fim:leika:leistung:99050012106000"
    version: ClassVar[str] = FORM_VERSION
    maturity: ClassVar[Maturity] = Maturity.ONLINE_SERVICE
    roadmap_stage: ClassVar[int] = 3
    description: ClassVar[str] = (
        "Rückmeldung zu einem Vermittlungsvorschlag Ihres Jobcenters: ob Sie sich beworben haben, ob Sie "
        "eingeladen oder eingestellt wurden – oder warum Sie sich nicht beworben haben."
    )
    form: ClassVar[type[ServiceForm]] = PlacementForm
    rules = check_placement
    sample_forms = _examples.examples
    sections = placement_sections
    handover_system: ClassVar[str] = "verbis"
    inbound: ClassVar[InboundSpec | None] = PlacementInbound()
    inbound_reference_field: ClassVar[str] = "offer_id"

    def inbound_reference(self, form: ServiceForm) -> str | None:
        return _placement(form).offer_id

    def handover_payload(self, form: ServiceForm, ctx: SubmissionContext) -> dict[str, Any]:
        return placement_payload(_placement(form), ctx)

    def receipt(self, form: ServiceForm, ctx: SubmissionContext) -> ReceiptText:
        answer = _placement(form)
        offer = answered_offer(ctx)
        what = f"„{offer.job_title}“ bei {offer.employer.name} " if offer else ""
        steps = [
            "Ihre Rückmeldung wurde an Ihre Ansprechperson in der Arbeitsvermittlung weitergegeben.",
            "Bitte teilen Sie uns weiterhin mit, wie Ihre Bewerbung ausgeht – zum Beispiel eine Zusage oder Absage.",
        ]
        if answer.outcome == "hired":
            steps.append(
                "Bitte reichen Sie Ihren Arbeitsvertrag über Ihr Postfach ein und melden Sie Ihr Einkommen mit einer "
                "Veränderungsmitteilung, sobald Sie den ersten Lohn erhalten."
            )
        if answer.outcome == "not_applied":
            steps.append("Das Jobcenter prüft Ihre Gründe und meldet sich, falls es Fragen hat.")
        body = receipt_letter(
            ctx,
            filed=f"Ihre Rückmeldung zum Vermittlungsvorschlag {answer.offer_id} {what}".rstrip(),
            summary=f"Sie haben gemeldet: {answer.outcome.label}",
            next_steps=steps,
        )
        subject = f"Eingangsbestätigung: Rückmeldung zum Vermittlungsvorschlag {answer.offer_id} ({ctx.receipt_number})"
        return ReceiptText(subject=subject, body=body)
