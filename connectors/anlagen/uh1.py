"""Anlage UH1 – Unterhalt für ein minderjähriges Kind (child maintenance when the parents live apart).

Modelled on the BA's UH1: the minor child, the parent who does not live with it (the person liable),
whether paternity is established (without it no claim against a father can be pursued), any title,
what is paid, and whether the Unterhaltsvorschuss office pays instead (a prior benefit the jobcenter
counts as the child's income). Assumption: one sheet per child, as on paper.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import Field

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
from connectors.anlagen.maintenance import MaintenanceConnector, MaintenanceForm, obligor_example
from connectors.sdk import FieldProblem
from connectors.sdk.fields import Choice, format_date, section_config

ADULT_AGE = 18


class ParentRole(Choice):
    FATHER = "father", "Vater"
    MOTHER = "mother", "Mutter"


class Advance(Choice):
    NONE = "none", "nicht beantragt"
    APPLIED = "applied", "beantragt, noch nicht entschieden"
    RECEIVED = "received", "wird gezahlt"


class Uh1Form(MaintenanceForm):
    """Version 1.0.0 of the Anlage UH1."""

    model_config = section_config("Anlage UH1 – Unterhalt für ein minderjähriges Kind")

    child: Person = person_field("Kind")
    obligor_role: ParentRole = Field(title="Die unterhaltspflichtige Person ist der/die")
    paternity_established: bool | None = Field(
        default=None,
        title="Ist die Vaterschaft anerkannt oder gerichtlich festgestellt?",
        description="Nur beim Vater.",
    )
    advance_payment: Advance = Field(title="Unterhaltsvorschuss")
    declarations: Declaration = declaration_field()


class Uh1Connector(MaintenanceConnector[Uh1Form]):
    key = "anlage_uh1"
    short = "UH1"
    title = "Anlage UH1 – Unterhalt für ein minderjähriges Kind"
    leika_key = "urn:de:fim:leika:leistung:99050012110120"  # placeholder, as for all Anlagen
    description = "Angaben zum Unterhalt für ein minderjähriges Kind, wenn ein Elternteil nicht im Haushalt lebt."
    form = Uh1Form

    def claim_start(self, form: Uh1Form) -> date | None:
        return form.child.birth_date

    def specific_rules(self, form: Uh1Form, today: date) -> list[FieldProblem]:
        problems: list[FieldProblem] = []
        if form.child.birth_date <= years_ago(today, ADULT_AGE):
            message = (
                f"Das Kind ist volljährig (geboren am {format_date(form.child.birth_date)}). "
                "Für volljährige Kinder füllen Sie bitte die Anlage UH3 aus."
            )
            problems += problem("child.birth_date", "child_is_adult", message)
        if form.obligor_role is ParentRole.FATHER:
            message = "Bitte geben Sie an, ob die Vaterschaft anerkannt oder festgestellt ist."
            problems += required("paternity_established", form.paternity_established, message)
        else:
            problems += not_expected("paternity_established", form.paternity_established, "Nur beim Vater angeben.")
        return problems

    def evidence(self, form: Uh1Form) -> list[str]:
        items = super().evidence(form)
        if form.advance_payment is not Advance.NONE:
            items.append("Bescheid oder Antrag zum Unterhaltsvorschuss")
        return items

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        with_title = {
            "obligor": obligor_example("Marco", "Wagner", "Halle (Saale)") | {"employer": "Stadtwerke Halle GmbH"},
            "title": {
                "kind": "youth_office_deed",
                "issuing_authority": "Jugendamt der Stadt Leipzig",
                "reference": "UK 1234/2021",
                "issued_on": years_ago(today, 3).isoformat(),
                "monthly_amount": "312.00",
            },
            "payments": {"monthly_amount": "200.00", "since": years_ago(today, 3).isoformat(), "regular": False},
            "child": {"given_name": "Emil", "family_name": "Schmidt", "birth_date": years_ago(today, 9).isoformat()},
            "obligor_role": "father",
            "paternity_established": True,
            "advance_payment": "none",
            "declarations": {"truthful_information": True},
        }
        unknown_address = {
            "obligor": obligor_example("Sandra", "Krüger"),
            "payments": {"monthly_amount": "0.00"},
            "child": {
                "given_name": "Finn",
                "family_name": "Krüger",
                "birth_date": (today - timedelta(days=800)).isoformat(),
            },
            "obligor_role": "mother",
            "advance_payment": "received",
            "declarations": {"truthful_information": True},
        }
        return {"father_pays_less_than_titled": with_title, "mother_unknown_address_advance": unknown_address}


connector = Uh1Connector()
