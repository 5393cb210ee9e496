"""The VÄM form: one notification may carry several changes of different kinds.

Each change is a variant of a discriminated union on ``type``, so a front-end shows only the fields
of the chosen kind and the back office receives typed data. Evidence is listed once for the whole
notification (one pay slip can prove several income changes); ``checks.py`` makes sure each change
has matching evidence. Name, address and BG number come from the customer's record, not the form.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from connectors.sdk import ServiceForm
from connectors.sdk.fields import (
    Choice,
    HeatingType,
    Iban,
    IncomeKind,
    LongText,
    Money,
    PastDate,
    PersonName,
    PostalCode,
    Relationship,
    ShortText,
    section_config,
)

FORM_VERSION = "1.0.0"
MAX_CHANGES = 20
MAX_EVIDENCE = 30


class IncomeEvent(Choice):
    NEW_JOB = "new_job", "neue Arbeitsstelle"
    INCOME_CHANGED = "income_changed", "Einkommen hat sich geändert"
    INCOME_ENDED = "income_ended", "Einkommen fällt weg"


class Movement(Choice):
    MOVED_IN = "moved_in", "zugezogen"
    MOVED_OUT = "moved_out", "ausgezogen"


class EvidenceKind(Choice):
    RENT_CONTRACT = "rent_contract", "Mietvertrag oder Mietbescheinigung"
    PAY_SLIP = "pay_slip", "Lohn- oder Gehaltsabrechnung"
    EMPLOYMENT_CONTRACT = "employment_contract", "Arbeitsvertrag"
    BANK_CONFIRMATION = "bank_confirmation", "Bestätigung der Bank über die neue Bankverbindung"
    REGISTRATION_CERTIFICATE = "registration_certificate", "Meldebescheinigung"
    OTHER = "other", "sonstiger Nachweis"


class Delivery(Choice):
    UPLOAD = "upload", "wird hochgeladen"
    POST = "post", "wird per Post geschickt"


def _effective_date() -> Any:
    # A fresh FieldInfo per model: pydantic may adapt a FieldInfo to the model it is used in.
    return Field(title="Datum der Änderung", description="Ab wann gilt die Änderung?")


class NewAddress(ServiceForm):
    model_config = section_config("Neue Anschrift")

    street: ShortText = Field(title="Straße und Hausnummer")
    postal_code: PostalCode = Field(title="Postleitzahl")
    city: ShortText = Field(title="Ort")


class AddressChange(ServiceForm):
    """A move: the new rent replaces the old one from the move date on."""

    model_config = section_config("Umzug / neue Anschrift")

    type: Literal["address"] = Field(title="Art der Änderung")
    effective_date: date = Field(title="Umzugsdatum")
    new_address: NewAddress = Field(title="Neue Anschrift")
    basic_rent: Money = Field(title="Grundmiete (kalt) monatlich (€)")
    service_charges: Money = Field(title="Nebenkosten monatlich (€)")
    heating_costs: Money = Field(title="Heizkosten monatlich (€)")
    heating_type: HeatingType = Field(title="Art der Heizung")


class HousingCostsChange(ServiceForm):
    """Same home, new costs (rent increase, new advance payments after the annual statement)."""

    model_config = section_config("Kosten der Unterkunft und Heizung")

    type: Literal["housing_costs"] = Field(title="Art der Änderung")
    effective_date: date = _effective_date()
    basic_rent: Money = Field(title="Grundmiete (kalt) monatlich (€)")
    service_charges: Money = Field(title="Nebenkosten monatlich (€)")
    heating_costs: Money = Field(title="Heizkosten monatlich (€)")
    reason: ShortText | None = Field(default=None, title="Grund", description="Z. B. Mieterhöhung.")


class IncomeChange(ServiceForm):
    """Amounts are required for a new or changed income and refused for an ended one (see checks)."""

    model_config = section_config("Einkommen / Arbeit")

    type: Literal["income"] = Field(title="Art der Änderung")
    event: IncomeEvent = Field(title="Was hat sich geändert?")
    effective_date: date = Field(title="Datum", description="Arbeitsbeginn, Datum der Änderung bzw. des Wegfalls.")
    person: PersonName = Field(title="Person", description="Wer erhält das Einkommen?")
    income_kind: IncomeKind = Field(default=IncomeKind.EMPLOYMENT, title="Art des Einkommens")
    employer: ShortText | None = Field(default=None, title="Arbeitgeber bzw. zahlende Stelle")
    gross_monthly: Money | None = Field(default=None, title="Brutto monatlich (€)")
    net_monthly: Money | None = Field(default=None, title="Netto monatlich (€)")


class HouseholdChange(ServiceForm):
    model_config = section_config("Personen im Haushalt")

    type: Literal["household"] = Field(title="Art der Änderung")
    movement: Movement = Field(title="Zuzug oder Auszug")
    effective_date: date = Field(title="Datum des Zuzugs bzw. Auszugs")
    given_name: PersonName = Field(title="Vorname")
    family_name: PersonName = Field(title="Familienname")
    birth_date: PastDate = Field(title="Geburtsdatum")
    relationship: Relationship = Field(title="Verhältnis zu Ihnen")


class BankDetailsChange(ServiceForm):
    model_config = section_config("Bankverbindung")

    type: Literal["bank_details"] = Field(title="Art der Änderung")
    effective_date: date = _effective_date()
    iban: Iban = Field(title="Neue IBAN")
    account_holder: PersonName = Field(title="Kontoinhaber/in")


class OtherChange(ServiceForm):
    model_config = section_config("Sonstige Änderung")

    type: Literal["other"] = Field(title="Art der Änderung")
    effective_date: date = _effective_date()
    description: LongText = Field(title="Was hat sich geändert?")


Change = Annotated[
    AddressChange | HousingCostsChange | IncomeChange | HouseholdChange | BankDetailsChange | OtherChange,
    Field(discriminator="type"),
]


class Evidence(ServiceForm):
    """A promised document; the upload itself goes through the platform's document API."""

    model_config = section_config("Nachweis")

    kind: EvidenceKind = Field(title="Art des Nachweises")
    description: ShortText | None = Field(
        default=None,
        title="Beschreibung",
        description="Z. B. 'Lohnabrechnung Mai'. Pflicht bei 'sonstiger Nachweis'.",
    )
    delivery: Delivery = Field(title="Wie reichen Sie den Nachweis ein?")


class Declarations(ServiceForm):
    model_config = section_config("Erklärung")

    truthful_information: bool = Field(title="Ich versichere, dass meine Angaben richtig und vollständig sind.")


class VaemForm(ServiceForm):
    """Version 1.0.0 of the VÄM; a breaking change to any field needs a new major version."""

    model_config = section_config(
        "Veränderungsmitteilung Bürgergeld",
        "Teilen Sie Ihrem Jobcenter mit, was sich geändert hat, und geben Sie an, welche Nachweise Sie einreichen.",
    )

    changes: list[Change] = Field(max_length=MAX_CHANGES, title="Änderungen")
    evidence: list[Evidence] = Field(default_factory=list, max_length=MAX_EVIDENCE, title="Nachweise")
    remarks: LongText | None = Field(default=None, title="Weitere Hinweise")
    declarations: Declarations = Field(title="Erklärung")
