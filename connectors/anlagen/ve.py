"""Anlage VE – Prüfung einer Verantwortungs- und Einstehensgemeinschaft (§ 7 Abs. 3 Nr. 3c, Abs. 3a SGB II).

Modelled on the BA's Anlage VE: the partner, since when the two live together, and the four facts
from which the law *presumes* a partnership of mutual responsibility (living together for more than
a year, a common child, caring together for children or relatives, power over the other's income or
assets). Whoever meets one of them but does not consider themselves partners must rebut the
presumption, so an explanation is then required.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from connectors.anlagen.base import AnlageConnector, Figure
from connectors.anlagen.common import (
    Declaration,
    Person,
    declaration_field,
    not_before,
    not_in_future,
    person_field,
    required,
    years_ago,
)
from connectors.sdk import FieldProblem, ServiceForm
from connectors.sdk.fields import LongText, add_months, section_config

PRESUMPTION_AFTER_MONTHS = 12


class VeForm(ServiceForm):
    """Version 1.0.0 of the Anlage VE."""

    model_config = section_config("Anlage VE – Verantwortungs- und Einstehensgemeinschaft")

    partner: Person = person_field("Partner/in im Haushalt")
    living_together_since: date = Field(title="Zusammenleben in einer Wohnung seit")
    common_child: bool = Field(title="Haben Sie ein gemeinsames Kind?")
    caring_together: bool = Field(title="Versorgen Sie gemeinsam Kinder oder Angehörige im Haushalt?")
    power_over_income_or_assets: bool = Field(
        title="Kann eine/r von Ihnen über Einkommen oder Vermögen des bzw. der anderen verfügen?",
        description="Z. B. gemeinsames Konto oder Kontovollmacht.",
    )
    considers_partnership: bool = Field(
        title="Sehen Sie sich als Paar, das füreinander einsteht (Verantwortungs- und Einstehensgemeinschaft)?"
    )
    explanation: LongText | None = Field(
        default=None,
        title="Begründung",
        description="Pflicht, wenn einer der Umstände zutrifft, Sie sich aber nicht als Paar sehen.",
    )
    declarations: Declaration = declaration_field()

    def presumption_reasons(self, today: date) -> list[str]:
        """The facts of § 7 Abs. 3a SGB II that apply; any one of them founds the presumption."""
        reasons = {
            "länger als ein Jahr zusammenlebend": self.living_together_since
            < add_months(today, -PRESUMPTION_AFTER_MONTHS),
            "gemeinsames Kind": self.common_child,
            "gemeinsame Versorgung von Kindern oder Angehörigen": self.caring_together,
            "Verfügung über Einkommen oder Vermögen": self.power_over_income_or_assets,
        }
        return [reason for reason, applies in reasons.items() if applies]


def _rules(form: VeForm, today: date) -> list[FieldProblem]:
    problems = not_in_future(
        "living_together_since", form.living_together_since, today, "Der Beginn des Zusammenlebens"
    )
    earliest = years_ago(form.partner.birth_date, -14)  # assumption: no shared household before 14
    problems += not_before("living_together_since", form.living_together_since, earliest, "dem 14. Geburtstag")
    reasons = form.presumption_reasons(today)
    if reasons and not form.considers_partnership:
        message = (
            f"Nach dem Gesetz wird eine Einstehensgemeinschaft vermutet ({', '.join(reasons)}). Bitte begründen Sie, "
            "warum Sie nicht füreinander einstehen."
        )
        problems += required("explanation", form.explanation, message)
    return problems


def _examples(today: date) -> dict[str, dict[str, Any]]:
    couple = {
        "partner": {"given_name": "Jonas", "family_name": "Becker", "birth_date": "1988-07-12"},
        "living_together_since": years_ago(today, 3).isoformat(),
        "common_child": True,
        "caring_together": True,
        "power_over_income_or_assets": False,
        "considers_partnership": True,
        "declarations": {"truthful_information": True},
    }
    flatmate = couple | {
        "partner": {"given_name": "Tobias", "family_name": "Wendt", "birth_date": "1990-01-30"},
        "living_together_since": years_ago(today, 2).isoformat(),
        "common_child": False,
        "caring_together": False,
        "considers_partnership": False,
        "explanation": "Wir teilen uns nur die Wohnung. Jeder zahlt seine eigenen Kosten, wir haben getrennte Zimmer.",
    }
    return {"couple_with_child": couple, "flatshare_rebutted": flatmate}


class VeConnector(AnlageConnector[VeForm]):
    key = "anlage_ve"
    short = "VE"
    title = "Anlage VE – Verantwortungs- und Einstehensgemeinschaft"
    leika_key = "urn:de:fim:leika:leistung:99050012110070"  # placeholder, as for all Anlagen
    description = "Angaben, ob Sie mit einer Partnerin oder einem Partner eine Einstehensgemeinschaft bilden."
    form = VeForm

    def rules(self, form: VeForm, today: date) -> list[FieldProblem]:
        return _rules(form, today)

    def overview(self, form: VeForm) -> list[Figure]:
        return [
            Figure("partner", "Partner/in", form.partner.summary()),
            Figure("zusammenleben_seit", "Zusammenleben seit", form.living_together_since),
            Figure("selbsteinschaetzung_ve", "Sieht sich als Einstehensgemeinschaft", form.considers_partnership),
        ]

    def evidence(self, form: VeForm) -> list[str]:
        if form.considers_partnership:
            return []
        return ["Nachweise zu Ihrer Begründung (z. B. Untermietvertrag, getrennte Kontoauszüge)"]

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        return _examples(today)


connector = VeConnector()
