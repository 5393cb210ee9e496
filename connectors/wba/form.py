"""The WBA form: changes since the last application, modelled on the BA's paper WBA.

Every section starts with a switch (``changed``, for assets ``exceeds_protected_amount``) so an
unchanged household answers in a few clicks; details are only allowed when the switch is on
(see ``checks.py``). The customer's name, address and BG number are not asked: the platform
takes them from the authenticated customer's record.
"""

from __future__ import annotations

from datetime import date

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
    Relationship,
    ShortText,
    section_config,
)

FORM_VERSION = "1.0.0"
MAX_ENTRIES = 20


class InsuranceType(Choice):
    STATUTORY = "statutory", "gesetzlich versichert"
    PRIVATE = "private", "privat versichert"


class HouseholdMember(ServiceForm):
    """A person joining or leaving; identified like on the paper form (name and birth date)."""

    model_config = section_config("Person")

    given_name: PersonName = Field(title="Vorname")
    family_name: PersonName = Field(title="Familienname")
    birth_date: PastDate = Field(title="Geburtsdatum")
    relationship: Relationship = Field(title="Verhältnis zu Ihnen")
    moved_on: date = Field(title="Datum des Zuzugs bzw. Auszugs")


class HouseholdChanges(ServiceForm):
    model_config = section_config("Personen in der Bedarfsgemeinschaft", "Ist jemand zu Ihnen gezogen oder ausgezogen?")

    changed: bool = Field(title="Hat sich die Zusammensetzung Ihres Haushalts geändert?")
    moved_in: list[HouseholdMember] = Field(default_factory=list, max_length=MAX_ENTRIES, title="Zugezogene Personen")
    moved_out: list[HouseholdMember] = Field(default_factory=list, max_length=MAX_ENTRIES, title="Ausgezogene Personen")


class IncomeEntry(ServiceForm):
    """One income of one person; amounts are monthly because the benefit is computed per month."""

    model_config = section_config("Einkommen")

    person: PersonName = Field(
        title="Person", description="Vor- und Familienname der Person, die das Einkommen erhält."
    )
    kind: IncomeKind = Field(title="Art des Einkommens")
    description: ShortText | None = Field(
        default=None,
        title="Nähere Angaben",
        description="Z. B. Arbeitgeber oder Art der Leistung. Pflicht bei 'sonstiges Einkommen'.",
    )
    gross_monthly: Money = Field(title="Brutto monatlich (€)")
    net_monthly: Money = Field(title="Netto monatlich (€)")
    since: date = Field(title="Seit")
    until: date | None = Field(
        default=None, title="Bis", description="Nur ausfüllen, wenn das Einkommen weggefallen ist."
    )


class IncomeChanges(ServiceForm):
    model_config = section_config("Einkommen", "Hat sich Ihr Einkommen oder das Ihrer Haushaltsmitglieder geändert?")

    changed: bool = Field(title="Hat sich das Einkommen geändert?")
    entries: list[IncomeEntry] = Field(default_factory=list, max_length=MAX_ENTRIES, title="Einkommen")


class HousingChanges(ServiceForm):
    """Housing costs are paid as billed, so each part is asked separately (Anlage KDU logic)."""

    model_config = section_config("Kosten der Unterkunft und Heizung")

    changed: bool = Field(title="Haben sich Ihre Kosten für Unterkunft oder Heizung geändert?")
    basic_rent: Money | None = Field(default=None, title="Grundmiete (kalt) monatlich (€)")
    service_charges: Money | None = Field(default=None, title="Nebenkosten monatlich (€)")
    heating_costs: Money | None = Field(default=None, title="Heizkosten monatlich (€)")
    heating_type: HeatingType | None = Field(default=None, title="Art der Heizung")
    valid_from: date | None = Field(default=None, title="Gültig ab")


class Assets(ServiceForm):
    """Bürgergeld protects assets up to a household-dependent amount; only more must be declared."""

    model_config = section_config("Vermögen")

    exceeds_protected_amount: bool = Field(
        title="Übersteigt Ihr Vermögen den geschützten Betrag?",
        description=(
            "Im ersten Jahr (Karenzzeit) sind 40.000 € für die erste und 15.000 € für jede weitere Person "
            "geschützt, danach 15.000 € je Person."
        ),
    )
    description: LongText | None = Field(
        default=None,
        title="Welches Vermögen?",
        description="Z. B. Sparguthaben, Wertpapiere, Auto, Immobilie.",
    )
    total_value: Money | None = Field(default=None, title="Gesamtwert (€)")


class BankDetails(ServiceForm):
    model_config = section_config("Bankverbindung")

    changed: bool = Field(title="Hat sich Ihre Bankverbindung geändert?")
    iban: Iban | None = Field(default=None, title="IBAN")
    account_holder: PersonName | None = Field(default=None, title="Kontoinhaber/in")


class HealthInsurance(ServiceForm):
    model_config = section_config("Kranken- und Pflegeversicherung")

    changed: bool = Field(title="Hat sich Ihre Krankenversicherung geändert?")
    insurer: ShortText | None = Field(default=None, title="Krankenkasse / Versicherung")
    insurance_type: InsuranceType | None = Field(default=None, title="Art der Versicherung")


class Declarations(ServiceForm):
    """Legally required (§ 60 SGB I, Art. 13 DSGVO); a plain bool so the check can explain a 'no'."""

    model_config = section_config("Erklärungen")

    truthful_information: bool = Field(title="Ich versichere, dass meine Angaben richtig und vollständig sind.")
    duty_to_report_changes: bool = Field(title="Mir ist bekannt, dass ich alle Änderungen unverzüglich mitteilen muss.")
    data_processing_acknowledged: bool = Field(title="Ich habe die Hinweise zum Datenschutz zur Kenntnis genommen.")


class WbaForm(ServiceForm):
    """Version 1.0.0 of the WBA; a breaking change to any field needs a new major version."""

    model_config = section_config(
        "Weiterbewilligungsantrag Bürgergeld",
        "Antrag auf Weiterbewilligung der Leistungen nach dem SGB II: Bitte geben Sie an, was sich seit "
        "Ihrem letzten Antrag geändert hat.",
    )

    household: HouseholdChanges = Field(title="Personen in der Bedarfsgemeinschaft")
    income: IncomeChanges = Field(title="Einkommen")
    housing: HousingChanges = Field(title="Kosten der Unterkunft und Heizung")
    assets: Assets = Field(title="Vermögen")
    bank_details: BankDetails = Field(title="Bankverbindung")
    health_insurance: HealthInsurance = Field(title="Kranken- und Pflegeversicherung")
    declarations: Declarations = Field(title="Erklärungen")

    def changed_sections(self) -> list[str]:
        """Names of the sections that report something, for triage in the back office and the receipt."""
        switches = {
            "household": self.household.changed,
            "income": self.income.changed,
            "housing": self.housing.changed,
            "assets": self.assets.exceeds_protected_amount,
            "bank_details": self.bank_details.changed,
            "health_insurance": self.health_insurance.changed,
        }
        return [name for name, on in switches.items() if on]
