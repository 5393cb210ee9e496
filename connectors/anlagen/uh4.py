"""Anlage UH4 – Unterhalt durch Eltern, Großeltern, Kinder oder andere Verwandte in gerader Linie.

Assumption (the BA's UH4 is not at hand): this sheet covers every maintenance relation between
relatives in direct line not on UH1 (minor child) or UH3 (adult child against parent) — e.g. a
benefit recipient supported by an adult child or by grandparents. § 33 Abs. 2 Nr. 2 SGB II: such a
claim passes to the jobcenter only if the entitled person asserts it, so that is asked explicitly.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from connectors.anlagen.common import Declaration, Person, declaration_field, person_field, problem, years_ago
from connectors.anlagen.maintenance import MaintenanceConnector, MaintenanceForm, obligor_example
from connectors.sdk import FieldProblem
from connectors.sdk.fields import Choice, section_config


class LinealKinship(Choice):
    CHILD = "child", "Kind der berechtigten Person"
    GRANDCHILD = "grandchild", "Enkelkind der berechtigten Person"
    PARENT = "parent", "Elternteil der berechtigten Person"
    GRANDPARENT = "grandparent", "Großelternteil der berechtigten Person"


DESCENDANTS = {LinealKinship.CHILD, LinealKinship.GRANDCHILD}


class Uh4Form(MaintenanceForm):
    """Version 1.0.0 of the Anlage UH4."""

    model_config = section_config("Anlage UH4 – Unterhalt durch Eltern und andere Verwandte")

    entitled: Person = person_field("Unterhaltsberechtigte Person")
    kinship: LinealKinship = Field(title="Die unterhaltspflichtige Person ist")
    claim_asserted: bool = Field(title="Macht die berechtigte Person den Unterhaltsanspruch geltend?")
    declarations: Declaration = declaration_field()


class Uh4Connector(MaintenanceConnector[Uh4Form]):
    key = "anlage_uh4"
    short = "UH4"
    title = "Anlage UH4 – Unterhalt durch Eltern und andere Verwandte"
    leika_key = "urn:de:fim:leika:leistung:99050012110150"  # placeholder, as for all Anlagen
    description = "Angaben zu Unterhalt von oder an Verwandte in gerader Linie (z. B. Großeltern, erwachsene Kinder)."
    form = Uh4Form

    def claim_start(self, form: Uh4Form) -> date | None:
        return form.entitled.birth_date

    def specific_rules(self, form: Uh4Form, today: date) -> list[FieldProblem]:
        born = form.obligor.birth_date
        if born is None or born == form.entitled.birth_date:
            return []
        if (born > form.entitled.birth_date) == (form.kinship in DESCENDANTS):
            return []
        message = (
            "Das Geburtsdatum passt nicht zum Verwandtschaftsverhältnis: Kinder und Enkel sind jünger, Eltern und "
            "Großeltern älter als die berechtigte Person. Bitte prüfen Sie beide Angaben."
        )
        return problem("obligor.birth_date", "kinship_age_mismatch", message)

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        supported_by_son = {
            "obligor": obligor_example("Daniel", "Neumann", "München")
            | {"birth_date": "1989-06-30", "employer": "Siemens AG"},
            "payments": {"monthly_amount": "250.00", "since": years_ago(today, 2).isoformat(), "regular": True},
            "entitled": {"given_name": "Petra", "family_name": "Neumann", "birth_date": "1964-02-14"},
            "kinship": "child",
            "claim_asserted": True,
            "declarations": {"truthful_information": True},
        }
        grandparents = {
            "obligor": obligor_example("Gerda", "Schmidt", "Chemnitz"),
            "payments": {"monthly_amount": "0.00"},
            "entitled": {
                "given_name": "Leon",
                "family_name": "Schmidt",
                "birth_date": years_ago(today, 19).isoformat(),
            },
            "kinship": "grandparent",
            "claim_asserted": False,
            "declarations": {"truthful_information": True},
        }
        return {"mother_supported_by_son": supported_by_son, "grandmother_not_asserted": grandparents}


connector = Uh4Connector()
