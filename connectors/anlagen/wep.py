"""Anlage WEP – weitere erwachsene Person (household member aged 15 or over).

Modelled on the BA's Anlage WEP: who the person is and how they relate to the applicant, marital
status and nationality, what they currently do (school and training decide whether they are
entitled to Bürgergeld or to BAföG/BAB), whether they can work at least three hours a day
(Erwerbsfähigkeit, § 8 SGB II), pension receipt and health insurance. From 15 on a person is
assessed as able to work; younger children go on the Anlage KI instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from connectors.anlagen.base import AnlageConnector, Figure
from connectors.anlagen.common import (
    Declaration,
    Person,
    birth_date_plausible,
    declaration_field,
    not_expected,
    person_field,
    problem,
    required,
    years_ago,
)
from connectors.sdk import FieldProblem, ServiceForm
from connectors.sdk.fields import Choice, Relationship, ShortText, format_date, section_config

MIN_AGE = 15


class MaritalStatus(Choice):
    SINGLE = "single", "ledig"
    MARRIED = "married", "verheiratet / eingetragene Lebenspartnerschaft"
    SEPARATED = "separated", "dauernd getrennt lebend"
    DIVORCED = "divorced", "geschieden"
    WIDOWED = "widowed", "verwitwet"


class Activity(Choice):
    SCHOOL = "school", "Schüler/in"
    APPRENTICESHIP = "apprenticeship", "Auszubildende/r"
    STUDIES = "studies", "Student/in"
    EMPLOYED = "employed", "erwerbstätig"
    JOB_SEEKING = "job_seeking", "arbeitsuchend"
    CARING = "caring", "Betreuung von Kindern oder Pflege von Angehörigen"
    OTHER = "other", "sonstiges"


IN_EDUCATION = {Activity.SCHOOL, Activity.APPRENTICESHIP, Activity.STUDIES}


class WepForm(ServiceForm):
    """Version 1.0.0 of the Anlage WEP."""

    model_config = section_config("Anlage WEP – weitere erwachsene Person im Haushalt")

    person: Person = person_field("Person ab 15 Jahren")
    relationship: Relationship = Field(title="Verhältnis zur antragstellenden Person")
    marital_status: MaritalStatus = Field(title="Familienstand")
    nationality: ShortText = Field(title="Staatsangehörigkeit")
    activity: Activity = Field(title="Derzeitige Tätigkeit")
    education_until: date | None = Field(
        default=None, title="Schule / Ausbildung / Studium voraussichtlich bis", description="Nur bei Ausbildung."
    )
    able_to_work_three_hours: bool = Field(title="Kann die Person täglich mindestens drei Stunden arbeiten?")
    receives_pension: bool = Field(title="Bezieht die Person eine Rente?")
    health_insurer: ShortText = Field(title="Krankenkasse")
    declarations: Declaration = declaration_field()


def _rules(form: WepForm, today: date) -> list[FieldProblem]:
    birth = form.person.birth_date
    problems = birth_date_plausible("person.birth_date", birth, today)
    if birth > years_ago(today, MIN_AGE):
        message = (
            f"Die Person ist jünger als {MIN_AGE} Jahre (geboren am {format_date(birth)}). "
            "Für Kinder unter 15 Jahren füllen Sie bitte die Anlage KI aus."
        )
        problems += problem("person.birth_date", "too_young_for_wep", message)
    if form.activity in IN_EDUCATION:
        message = "Bitte geben Sie an, bis wann die Schule, Ausbildung oder das Studium voraussichtlich dauert."
        problems += required("education_until", form.education_until, message)
        if form.education_until is not None and form.education_until < today:
            message = "Das voraussichtliche Ende liegt in der Vergangenheit. Bitte prüfen Sie die Angabe."
            problems += problem("education_until", "date_in_past", message)
    else:
        message = "Ein Ende der Ausbildung ist nur bei Schule, Ausbildung oder Studium anzugeben. Bitte entfernen."
        problems += not_expected("education_until", form.education_until, message)
    return problems


def _examples(today: date) -> dict[str, dict[str, Any]]:
    partner = {
        "person": {"given_name": "Jonas", "family_name": "Becker", "birth_date": "1988-07-12"},
        "relationship": "partner",
        "marital_status": "single",
        "nationality": "deutsch",
        "activity": "employed",
        "able_to_work_three_hours": True,
        "receives_pension": False,
        "health_insurer": "AOK Plus",
        "declarations": {"truthful_information": True},
    }
    son = partner | {
        "person": {"given_name": "Leon", "family_name": "Schmidt", "birth_date": years_ago(today, 16).isoformat()},
        "relationship": "child",
        "activity": "school",
        "education_until": date(today.year + 2, 7, 31).isoformat(),
        "health_insurer": "AOK Plus (familienversichert)",
    }
    return {"partner_employed": partner, "son_at_school": son}


class WepConnector(AnlageConnector[WepForm]):
    key = "anlage_wep"
    short = "WEP"
    title = "Anlage WEP – weitere erwachsene Person im Haushalt"
    leika_key = "urn:de:fim:leika:leistung:99050012110010"  # placeholder, as for all Anlagen
    description = "Angaben zu jeder weiteren Person ab 15 Jahren in Ihrem Haushalt."
    form = WepForm

    def rules(self, form: WepForm, today: date) -> list[FieldProblem]:
        return _rules(form, today)

    def overview(self, form: WepForm) -> list[Figure]:
        return [
            Figure("person", "Person", form.person.summary()),
            Figure("taetigkeit", "Derzeitige Tätigkeit", form.activity.label),
            Figure("erwerbsfaehig", "Mindestens drei Stunden täglich erwerbsfähig", form.able_to_work_three_hours),
        ]

    def evidence(self, form: WepForm) -> list[str]:
        items = ["Kopie des Personalausweises oder Passes (bei ausländischer Staatsangehörigkeit: Aufenthaltstitel)"]
        if form.activity in IN_EDUCATION:
            items.append("Schul-, Ausbildungs- oder Studienbescheinigung")
        if form.receives_pension:
            items.append("aktueller Rentenbescheid")
        return items

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        return _examples(today)


connector = WepConnector()
