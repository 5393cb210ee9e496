"""Anlage HG – Haushaltsgemeinschaft mit Verwandten oder Verschwägerten (§ 9 Abs. 5 SGB II).

Modelled on the BA's Anlage HG: relatives or in-laws who share the home but are not part of the
benefit household (parents of an adult child over 25, grandparents, siblings, aunts...). The law
presumes they support the applicant if their income allows, so the sheet asks who they are, their
income, whether they draw benefits themselves, whether the household keeps a common purse, and what
support is actually given. The presumption can be rebutted; an explanation is then welcome.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field

from connectors.anlagen.base import AnlageConnector, Figure
from connectors.anlagen.common import (
    MAX_ENTRIES,
    Declaration,
    Person,
    birth_date_plausible,
    declaration_field,
    not_in_future,
    person_field,
    problem,
)
from connectors.sdk import FieldProblem, ServiceForm
from connectors.sdk.fields import Choice, LongText, Money, section_config


class Kinship(Choice):
    PARENT = "parent", "Elternteil"
    GRANDPARENT = "grandparent", "Großelternteil"
    CHILD = "child", "Kind (über 25 Jahre)"
    SIBLING = "sibling", "Geschwister"
    AUNT_UNCLE = "aunt_uncle", "Tante / Onkel"
    IN_LAW = "in_law", "verschwägerte Person (z. B. Schwiegereltern)"
    OTHER_RELATIVE = "other_relative", "sonstige verwandte Person"


class Relative(ServiceForm):
    model_config = section_config("Verwandte Person im Haushalt")

    person: Person = person_field("Person")
    kinship: Kinship = Field(title="Verwandtschaftsverhältnis zu Ihnen")
    net_income_monthly: Money = Field(title="Nettoeinkommen der Person monatlich (€)")
    receives_benefits: bool = Field(title="Bezieht die Person selbst Bürgergeld, Sozialhilfe oder Grundsicherung?")
    support_monthly: Money = Field(title="Unterstützung für Sie monatlich (€)", description="0, wenn keine.")


class HgForm(ServiceForm):
    """Version 1.0.0 of the Anlage HG."""

    model_config = section_config("Anlage HG – Haushaltsgemeinschaft mit Verwandten")

    living_together_since: date = Field(title="Gemeinsamer Haushalt seit")
    common_purse: bool = Field(title="Wirtschaften Sie gemeinsam („aus einem Topf“)?")
    relatives: list[Relative] = Field(min_length=1, max_length=MAX_ENTRIES, title="Verwandte Person im Haushalt")
    explanation: LongText | None = Field(
        default=None,
        title="Erläuterung",
        description="Z. B. warum Sie trotz des gemeinsamen Haushalts nicht unterstützt werden.",
    )
    declarations: Declaration = declaration_field()

    def total(self, field: str) -> Decimal:
        return sum((getattr(relative, field) for relative in self.relatives), Decimal(0))


def _relative_rules(path: str, relative: Relative, today: date) -> list[FieldProblem]:
    problems = birth_date_plausible(f"{path}.person.birth_date", relative.person.birth_date, today)
    if (
        relative.support_monthly > 0
        and relative.support_monthly > relative.net_income_monthly
        and not relative.receives_benefits
    ):
        message = "Die Unterstützung ist höher als das Nettoeinkommen der Person. Bitte prüfen Sie beide Beträge."
        problems += problem(f"{path}.support_monthly", "support_exceeds_income", message)
    return problems


def _rules(form: HgForm, today: date) -> list[FieldProblem]:
    problems = not_in_future("living_together_since", form.living_together_since, today, "Der Beginn des Haushalts")
    for i, relative in enumerate(form.relatives):
        problems += _relative_rules(f"relatives.{i}", relative, today)
    if form.common_purse and form.total("support_monthly") == 0 and form.explanation is None:
        message = (
            "Sie wirtschaften gemeinsam, erhalten aber keine Unterstützung. Bitte erläutern Sie, wie die Kosten "
            "des Haushalts aufgeteilt werden."
        )
        problems += problem("explanation", "required", message)
    return problems


def _examples(today: date) -> dict[str, dict[str, Any]]:
    with_parents = {
        "living_together_since": date(today.year - 30, 5, 2).isoformat(),
        "common_purse": True,
        "relatives": [
            {
                "person": {"given_name": "Petra", "family_name": "Neumann", "birth_date": "1964-02-14"},
                "kinship": "parent",
                "net_income_monthly": "1840.00",
                "receives_benefits": False,
                "support_monthly": "150.00",
            }
        ],
        "declarations": {"truthful_information": True},
    }
    with_brother = {
        "living_together_since": date(today.year - 1, 9, 1).isoformat(),
        "common_purse": False,
        "relatives": [
            {
                "person": {"given_name": "Kevin", "family_name": "Neumann", "birth_date": "1994-10-05"},
                "kinship": "sibling",
                "net_income_monthly": "1620.00",
                "receives_benefits": False,
                "support_monthly": "0.00",
            }
        ],
        "explanation": "Mein Bruder und ich teilen uns nur die Miete, jeder kauft für sich ein.",
        "declarations": {"truthful_information": True},
    }
    return {"living_with_mother": with_parents, "flatshare_with_brother": with_brother}


class HgConnector(AnlageConnector[HgForm]):
    key = "anlage_hg"
    short = "HG"
    title = "Anlage HG – Haushaltsgemeinschaft mit Verwandten"
    leika_key = "urn:de:fim:leika:leistung:99050012110090"  # placeholder, as for all Anlagen
    description = "Angaben zu Verwandten oder Verschwägerten, die mit Ihnen im Haushalt leben."
    form = HgForm

    def rules(self, form: HgForm, today: date) -> list[FieldProblem]:
        return _rules(form, today)

    def overview(self, form: HgForm) -> list[Figure]:
        return [
            Figure("anzahl_verwandte", "Verwandte im Haushalt", len(form.relatives)),
            Figure("einkommen_verwandte", "Nettoeinkommen der Verwandten monatlich", form.total("net_income_monthly")),
            Figure("unterstuetzung", "Unterstützung für Sie monatlich", form.total("support_monthly")),
        ]

    def evidence(self, form: HgForm) -> list[str]:
        return ["Einkommensnachweise der verwandten Personen (z. B. Lohnabrechnung, Rentenbescheid)"]

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        return _examples(today)


connector = HgConnector()
