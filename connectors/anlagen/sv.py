"""Anlage SV – Sozialversicherung (health, care and pension insurance of a person).

Modelled on the BA's Anlage SV: the jobcenter registers Bürgergeld recipients with a health and care
insurer and reports them to the pension insurance, so it needs the birth name and place, the pension
insurance number (Versicherungsnummer) and how the person was last insured. The Versicherungsnummer
carries the birth date (DDMMYY) and the initial of the birth name, so the check compares both with
the person's data; its check digit is verified as the Deutsche Rentenversicherung computes it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from connectors.anlagen.base import AnlageConnector, Figure
from connectors.anlagen.common import (
    Declaration,
    Person,
    declaration_field,
    not_expected,
    person_field,
    problem,
    required,
)
from connectors.sdk import FieldProblem, ServiceForm
from connectors.sdk.fields import Choice, PersonName, ShortText, section_config

_VSNR = re.compile(r"[0-9]{8}[A-Z][0-9]{3}")  # ASCII digits only (\d matches any script's)
_WEIGHTS = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)


def vsnr_check_digit(number: str) -> int:
    """Letter as its two-digit alphabet position, weighted digits, cross sums added, modulo 10."""
    digits = number[:8] + f"{ord(number[8]) - 64:02d}" + number[9:11]
    return sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, _WEIGHTS, strict=True)) % 10


def _check_vsnr(value: str) -> str:
    if not _VSNR.fullmatch(value):
        raise PydanticCustomError(
            "vsnr_format",
            "Die Versicherungsnummer hat 12 Zeichen: 8 Ziffern, 1 Buchstabe, 3 Ziffern (z. B. 12 080391 W 50 9).",
        )
    if vsnr_check_digit(value) != int(value[11]):
        raise PydanticCustomError("vsnr_checksum", "Die Prüfziffer der Versicherungsnummer stimmt nicht. Bitte prüfen.")
    return value


PensionInsuranceNumber = Annotated[
    str,
    BeforeValidator(lambda v: v.replace(" ", "").upper() if isinstance(v, str) else v),
    AfterValidator(_check_vsnr),
]


class InsuranceStatus(Choice):
    STATUTORY = "statutory", "gesetzlich versichert (eigene Mitgliedschaft)"
    FAMILY = "family", "gesetzlich familienversichert"
    PRIVATE = "private", "privat versichert"
    NONE = "none", "nicht versichert"


class SvForm(ServiceForm):
    """Version 1.0.0 of the Anlage SV."""

    model_config = section_config("Anlage SV – Sozialversicherung")

    person: Person = person_field()
    birth_name: PersonName | None = Field(default=None, title="Geburtsname", description="Nur wenn abweichend.")
    birth_place: ShortText = Field(title="Geburtsort")
    pension_insurance_number: PensionInsuranceNumber | None = Field(
        default=None, title="Rentenversicherungsnummer", description="Steht auf dem Sozialversicherungsausweis."
    )
    last_insurance: InsuranceStatus = Field(title="Zuletzt krankenversichert")
    insurer: ShortText | None = Field(default=None, title="Krankenkasse bzw. Versicherungsunternehmen")
    family_insured_through: PersonName | None = Field(default=None, title="Familienversichert über (Name)")
    receives_pension: bool = Field(title="Bezieht die Person eine Rente?")
    pension_kind: ShortText | None = Field(default=None, title="Art der Rente (z. B. Erwerbsminderungsrente)")
    declarations: Declaration = declaration_field()


def _initial(name: str) -> str:
    return unicodedata.normalize("NFKD", name)[0].upper()


def _vsnr_rules(form: SvForm) -> list[FieldProblem]:
    number = form.pension_insurance_number
    if number is None:
        return []
    problems: list[FieldProblem] = []
    if number[2:8] != form.person.birth_date.strftime("%d%m%y"):
        message = "Die Ziffern 3 bis 8 der Versicherungsnummer passen nicht zum Geburtsdatum (TTMMJJ). Bitte prüfen."
        problems += problem("pension_insurance_number", "vsnr_birth_date_mismatch", message)
    name = form.birth_name or form.person.family_name
    if number[8] != _initial(name):
        message = (
            f"Der Buchstabe der Versicherungsnummer ist der Anfangsbuchstabe des Geburtsnamens ({_initial(name)})."
        )
        problems += problem("pension_insurance_number", "vsnr_initial_mismatch", message + " Bitte prüfen.")
    return problems


def _rules(form: SvForm, today: date) -> list[FieldProblem]:
    problems = _vsnr_rules(form)
    if form.last_insurance is InsuranceStatus.NONE:
        message = "Sie haben angegeben, nicht versichert zu sein. Bitte entfernen Sie die Krankenkasse."
        problems += not_expected("insurer", form.insurer, message)
    else:
        problems += required("insurer", form.insurer, "Bitte geben Sie die Krankenkasse bzw. Versicherung an.")
    if form.last_insurance is InsuranceStatus.FAMILY:
        message = "Bitte geben Sie an, über wen die Familienversicherung bestand."
        problems += required("family_insured_through", form.family_insured_through, message)
    else:
        message = "Nur bei Familienversicherung angeben. Bitte entfernen."
        problems += not_expected("family_insured_through", form.family_insured_through, message)
    if form.receives_pension:
        problems += required("pension_kind", form.pension_kind, "Bitte geben Sie die Art der Rente an.")
    return problems


def _examples(today: date) -> dict[str, dict[str, Any]]:
    statutory = {
        "person": {"given_name": "Lena", "family_name": "Schmidt", "birth_date": "1991-03-08"},
        "birth_name": "Wagner",
        "birth_place": "Chemnitz",
        "pension_insurance_number": "12 080391 W 50 9",
        "last_insurance": "statutory",
        "insurer": "AOK Plus",
        "receives_pension": False,
        "declarations": {"truthful_information": True},
    }
    family = {
        "person": {"given_name": "Leon", "family_name": "Schmidt", "birth_date": "2008-05-02"},
        "birth_place": "Leipzig",
        "last_insurance": "family",
        "insurer": "AOK Plus",
        "family_insured_through": "Marco Schmidt",
        "receives_pension": True,
        "pension_kind": "Halbwaisenrente",
        "declarations": {"truthful_information": True},
    }
    return {"statutory_with_number": statutory, "family_insured_orphan": family}


class SvConnector(AnlageConnector[SvForm]):
    key = "anlage_sv"
    short = "SV"
    title = "Anlage SV – Sozialversicherung"
    leika_key = "urn:de:fim:leika:leistung:99050012110080"  # placeholder, as for all Anlagen
    description = "Angaben zur Kranken-, Pflege- und Rentenversicherung einer Person."
    form = SvForm

    def rules(self, form: SvForm, today: date) -> list[FieldProblem]:
        return _rules(form, today)

    def overview(self, form: SvForm) -> list[Figure]:
        return [
            Figure("person", "Person", form.person.summary()),
            Figure("versicherungsstatus", "Zuletzt krankenversichert", form.last_insurance.label),
            Figure(
                "versicherungsnummer_bekannt",
                "Rentenversicherungsnummer angegeben",
                form.pension_insurance_number is not None,
            ),
        ]

    def evidence(self, form: SvForm) -> list[str]:
        items = ["Mitgliedsbescheinigung der Krankenkasse"] if form.last_insurance is not InsuranceStatus.NONE else []
        if form.pension_insurance_number is None:
            items.append("Sozialversicherungsausweis, falls vorhanden")
        if form.receives_pension:
            items.append("aktueller Rentenbescheid")
        return items

    def named_examples(self, today: date) -> dict[str, dict[str, Any]]:
        return _examples(today)


connector = SvConnector()
