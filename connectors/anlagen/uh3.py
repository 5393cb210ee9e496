"""Anlage UH3 – Unterhaltsansprüche volljähriger Kinder gegen ihre Eltern.

Modelled on the BA's UH3: an adult child in the benefit household and one parent liable (one sheet
per parent). Whether the claim passes to the jobcenter depends on facts asked here (§ 33 Abs. 2
SGB II): under 25 and without a completed first vocational training it passes; it never passes while
the child is pregnant or cares for its own child under six. Minor children go on the Anlage UH1.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from connectors.anlagen.common import Declaration, Person, declaration_field, person_field, problem, required, years_ago
from connectors.anlagen.maintenance import MaintenanceConnector, MaintenanceForm, obligor_example
from connectors.anlagen.uh1 import ParentRole
from connectors.sdk import FieldProblem
from connectors.sdk.fields import ShortText, format_date, section_config

ADULT_AGE = 18


class Uh3Form(MaintenanceForm):
    """Version 1.0.0 of the Anlage UH3."""

    model_config = section_config("Anlage UH3 – Unterhalt volljähriger Kinder gegenüber den Eltern")

    child: Person = person_field("Volljähriges Kind")
    obligor_role: ParentRole = Field(title="Die unterhaltspflichtige Person ist der/die")
    in_education: bool = Field(title="Ist das Kind in Schule, Ausbildung oder Studium?")
    education: ShortText | None = Field(default=None, title="Welche Schule, Ausbildung oder welches Studium?")
    first_training_completed: bool = Field(title="Hat das Kind bereits eine erste Berufsausbildung abgeschlossen?")
    pregnant_or_caring_for_child_under_six: bool = Field(
        title="Ist das Kind schwanger oder betreut es ein eigenes Kind unter sechs Jahren?"
    )
    declarations: Declaration = declaration_field()


class Uh3Connector(MaintenanceConnector[Uh3Form]):
    key = "anlage_uh3"
    short = "UH3"
    title = "Anlage UH3 – Unterhalt volljähriger Kinder gegenüber den Eltern"
    leika_key = "urn:de:fim:leika:leistung:99050012110140"  # placeholder, as for all Anlagen
    description = "Angaben zu Unterhaltsansprüchen eines volljährigen Kindes gegen einen Elternteil."
    form = Uh3Form

    def claim_start(self, form: Uh3Form) -> date | None:
        return form.child.birth_date

    def specific_rules(self, form: Uh3Form, today: date) -> list[FieldProblem]:
        problems: list[FieldProblem] = []
        if form.child.birth_date > years_ago(today, ADULT_AGE):
            message = (
                f"Das Kind ist noch minderjährig (geboren am {format_date(form.child.birth_date)}). "
                "Für minderjährige Kinder füllen Sie bitte die Anlage UH1 aus."
            )
            problems += problem("child.birth_date", "child_is_minor", message)
        if form.in_education:
            message = "Bitte geben Sie die Schule, Ausbildung oder das Studium an."
            problems += required("education", form.education, message)
        return problems

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        apprentice = {
            "obligor": obligor_example("Marco", "Wagner", "Halle (Saale)"),
            "payments": {"monthly_amount": "150.00", "since": years_ago(today, 1).isoformat(), "regular": True},
            "child": {"given_name": "Leon", "family_name": "Schmidt", "birth_date": years_ago(today, 19).isoformat()},
            "obligor_role": "father",
            "in_education": True,
            "education": "Ausbildung zum Kfz-Mechatroniker",
            "first_training_completed": False,
            "pregnant_or_caring_for_child_under_six": False,
            "declarations": {"truthful_information": True},
        }
        young_mother = {
            "obligor": obligor_example("Petra", "Neumann", "Leipzig"),
            "payments": {"monthly_amount": "0.00"},
            "child": {"given_name": "Jana", "family_name": "Neumann", "birth_date": years_ago(today, 21).isoformat()},
            "obligor_role": "mother",
            "in_education": False,
            "first_training_completed": False,
            "pregnant_or_caring_for_child_under_six": True,
            "declarations": {"truthful_information": True},
        }
        return {"apprentice_son": apprentice, "daughter_caring_for_baby": young_mother}


connector = Uh3Connector()
