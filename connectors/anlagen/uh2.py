"""Anlage UH2 – Unterhalt zwischen getrennt lebenden oder geschiedenen Ehegatten bzw. Lebenspartnern.

Modelled on the BA's UH2: the (former) spouse liable, the dates of marriage, separation and divorce
(separation maintenance until the divorce, post-marital maintenance after it, §§ 1361, 1569 ff. BGB),
the common children (their care can found a claim, § 1570 BGB), any title and the actual payments.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from connectors.anlagen.common import Declaration, declaration_field, not_before, not_in_future, years_ago
from connectors.anlagen.maintenance import MaintenanceConnector, MaintenanceForm, obligor_example
from connectors.sdk import FieldProblem
from connectors.sdk.fields import section_config


class Uh2Form(MaintenanceForm):
    """Version 1.0.0 of the Anlage UH2."""

    model_config = section_config("Anlage UH2 – Unterhalt zwischen getrennt lebenden oder geschiedenen Ehegatten")

    married_on: date = Field(title="Datum der Eheschließung bzw. Verpartnerung")
    separated_since: date = Field(title="Dauernd getrennt lebend seit")
    divorced_on: date | None = Field(default=None, title="Datum der Scheidung (rechtskräftig)")
    common_children: int = Field(ge=0, le=20, title="Anzahl der gemeinsamen Kinder")
    declarations: Declaration = declaration_field()


class Uh2Connector(MaintenanceConnector[Uh2Form]):
    key = "anlage_uh2"
    short = "UH2"
    title = "Anlage UH2 – Unterhalt zwischen getrennt lebenden oder geschiedenen Ehegatten"
    leika_key = "urn:de:fim:leika:leistung:99050012110130"  # placeholder, as for all Anlagen
    description = "Angaben zum Unterhalt durch Ihre getrennt lebende oder geschiedene Ehefrau bzw. Ihren Ehemann."
    form = Uh2Form
    claim_origin = "der Eheschließung"

    def claim_start(self, form: Uh2Form) -> date | None:
        return form.married_on

    def specific_rules(self, form: Uh2Form, today: date) -> list[FieldProblem]:
        problems = not_in_future("married_on", form.married_on, today, "Die Eheschließung")
        problems += not_in_future("separated_since", form.separated_since, today, "Die Trennung")
        problems += not_before("separated_since", form.separated_since, form.married_on, "der Eheschließung")
        problems += not_in_future("divorced_on", form.divorced_on, today, "Die Scheidung")
        return problems + not_before("divorced_on", form.divorced_on, form.separated_since, "der Trennung")

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        separated = {
            "obligor": obligor_example("Thomas", "Schmidt", "Leipzig") | {"birth_date": "1985-02-11"},
            "payments": {"monthly_amount": "0.00"},
            "married_on": years_ago(today, 10).isoformat(),
            "separated_since": years_ago(today, 1).isoformat(),
            "common_children": 2,
            "declarations": {"truthful_information": True},
        }
        divorced = {
            "obligor": obligor_example("Frank", "Hoffmann", "Dresden"),
            "title": {
                "kind": "court_order",
                "issuing_authority": "Amtsgericht Dresden – Familiengericht",
                "reference": "402 F 1187/22",
                "issued_on": years_ago(today, 2).isoformat(),
                "monthly_amount": "450.00",
            },
            "payments": {"monthly_amount": "450.00", "since": years_ago(today, 2).isoformat(), "regular": True},
            "married_on": years_ago(today, 15).isoformat(),
            "separated_since": years_ago(today, 4).isoformat(),
            "divorced_on": years_ago(today, 2).isoformat(),
            "common_children": 1,
            "declarations": {"truthful_information": True},
        }
        return {"separated_nothing_paid": separated, "divorced_with_court_order": divorced}


connector = Uh2Connector()
