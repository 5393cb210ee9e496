"""Anlage KI – Kind unter 15 Jahren.

Modelled on the BA's Anlage KI: the child, how it is related to the applicant, who receives the
child benefit (Kindergeld is the child's income, § 11 Abs. 1 SGB II), day care or school (for the
education and participation benefits), and the other parent: whether they pay maintenance or the
Unterhaltsvorschuss office pays instead (the details then go on the Anlage UH1).
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
    not_expected,
    person_field,
    problem,
    required,
    years_ago,
)
from connectors.sdk import FieldProblem, ServiceForm
from connectors.sdk.fields import Choice, PersonName, format_date, section_config

MAX_AGE = 15
SCHOOL_FROM_AGE = 5


class ChildKinship(Choice):
    OWN = "own", "leibliches oder adoptiertes Kind"
    STEP = "step", "Stiefkind / Kind der Partnerin oder des Partners"
    GRAND = "grand", "Enkelkind"
    FOSTER = "foster", "Pflegekind"
    OTHER = "other", "sonstiges verwandtes Kind"


class Care(Choice):
    HOME = "home", "wird zu Hause betreut"
    DAYCARE = "daycare", "Kita / Kindertagespflege"
    SCHOOL = "school", "Schule"


class KiForm(ServiceForm):
    """Version 1.0.0 of the Anlage KI."""

    model_config = section_config("Anlage KI – Kind unter 15 Jahren")

    child: Person = person_field("Kind")
    kinship: ChildKinship = Field(title="Verhältnis des Kindes zur antragstellenden Person")
    care: Care = Field(title="Betreuung / Schulbesuch")
    child_benefit_received: bool = Field(title="Wird für das Kind Kindergeld gezahlt?")
    child_benefit_recipient: PersonName | None = Field(default=None, title="Kindergeld erhält (Name)")
    other_parent: PersonName | None = Field(
        default=None, title="Anderer Elternteil (Name)", description="Leer lassen, wenn der Elternteil unbekannt ist."
    )
    other_parent_in_household: bool = Field(title="Lebt der andere Elternteil mit im Haushalt?")
    maintenance_or_advance_paid: bool = Field(
        title="Wird für das Kind Unterhalt oder Unterhaltsvorschuss gezahlt?",
        description="Wenn ja, füllen Sie bitte zusätzlich die Anlage UH1 aus.",
    )
    declarations: Declaration = declaration_field()


def _rules(form: KiForm, today: date) -> list[FieldProblem]:
    birth = form.child.birth_date
    problems: list[FieldProblem] = []
    if birth <= years_ago(today, MAX_AGE):
        message = (
            f"Das Kind ist {MAX_AGE} Jahre oder älter (geboren am {format_date(birth)}). "
            "Für Personen ab 15 Jahren füllen Sie bitte die Anlage WEP aus."
        )
        problems += problem("child.birth_date", "too_old_for_ki", message)
    if form.care is Care.SCHOOL and birth > years_ago(today, SCHOOL_FROM_AGE):
        message = f"Ein Kind unter {SCHOOL_FROM_AGE} Jahren geht in der Regel nicht zur Schule. Bitte prüfen Sie."
        problems += problem("care", "school_too_young", message)
    if form.child_benefit_received:
        message = "Bitte geben Sie an, wer das Kindergeld erhält."
        problems += required("child_benefit_recipient", form.child_benefit_recipient, message)
    else:
        message = "Sie haben angegeben, dass kein Kindergeld gezahlt wird. Bitte entfernen Sie den Namen."
        problems += not_expected("child_benefit_recipient", form.child_benefit_recipient, message)
    if form.other_parent is None and form.other_parent_in_household:
        message = "Sie haben angegeben, dass der andere Elternteil im Haushalt lebt. Bitte geben Sie den Namen an."
        problems += problem("other_parent", "required", message)
    return problems


def _examples(today: date) -> dict[str, dict[str, Any]]:
    toddler = {
        "child": {"given_name": "Mia", "family_name": "Becker", "birth_date": years_ago(today, 2).isoformat()},
        "kinship": "own",
        "care": "daycare",
        "child_benefit_received": True,
        "child_benefit_recipient": "Lena Schmidt",
        "other_parent": "Jonas Becker",
        "other_parent_in_household": True,
        "maintenance_or_advance_paid": False,
        "declarations": {"truthful_information": True},
    }
    pupil = toddler | {
        "child": {"given_name": "Emil", "family_name": "Schmidt", "birth_date": years_ago(today, 9).isoformat()},
        "care": "school",
        "other_parent": "Marco Wagner",
        "other_parent_in_household": False,
        "maintenance_or_advance_paid": True,
    }
    return {"toddler_in_daycare": toddler, "pupil_separated_parents": pupil}


class KiConnector(AnlageConnector[KiForm]):
    key = "anlage_ki"
    short = "KI"
    title = "Anlage KI – Kind unter 15 Jahren"
    leika_key = "urn:de:fim:leika:leistung:99050012110020"  # placeholder, as for all Anlagen
    description = "Angaben zu jedem Kind unter 15 Jahren in Ihrem Haushalt."
    form = KiForm

    def rules(self, form: KiForm, today: date) -> list[FieldProblem]:
        return _rules(form, today)

    def overview(self, form: KiForm) -> list[Figure]:
        return [
            Figure("kind", "Kind", form.child.summary()),
            Figure("kindergeld", "Kindergeld", form.child_benefit_received),
            Figure("unterhalt", "Unterhalt oder Unterhaltsvorschuss", form.maintenance_or_advance_paid),
        ]

    def evidence(self, form: KiForm) -> list[str]:
        items = ["Geburtsurkunde des Kindes"]
        if form.child_benefit_received:
            items.append("Kindergeldbescheid")
        if form.maintenance_or_advance_paid:
            items.append("Nachweis über Unterhalt oder Unterhaltsvorschuss (mit Anlage UH1)")
        return items

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        return _examples(today)


connector = KiConnector()
