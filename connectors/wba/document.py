"""The human-readable e-file document of a WBA (rendered to PDF by the platform).

Values are formatted the German way (``1.234,56 €``, ``26.11.2026``, ``ja``/``nein``) because clerks
and customers read this document, and it must be understandable without the form at hand.
"""

from __future__ import annotations

from decimal import Decimal

from connectors.sdk import DocumentSection, SubmissionContext
from connectors.sdk.documents import applicant_section
from connectors.sdk.fields import format_date, format_iban, format_money, format_yes_no
from connectors.wba.form import HouseholdMember, IncomeEntry, WbaForm


def _member(member: HouseholdMember) -> str:
    return (
        f"{member.given_name} {member.family_name}, geb. {format_date(member.birth_date)}, "
        f"{member.relationship.label}, am {format_date(member.moved_on)}"
    )


def _income(entry: IncomeEntry) -> str:
    kind = f"{entry.kind.label} ({entry.description})" if entry.description else entry.kind.label
    period = f"seit {format_date(entry.since)}"
    if entry.until is not None:
        period = f"vom {format_date(entry.since)} bis {format_date(entry.until)}"
    return (
        f"{entry.person}: {kind}, brutto {format_money(entry.gross_monthly)}, "
        f"netto {format_money(entry.net_monthly)} monatlich, {period}"
    )


def wba_sections(form: WbaForm, ctx: SubmissionContext) -> list[DocumentSection]:
    household: list[tuple[str, str]] = [("Änderung", format_yes_no(form.household.changed))]
    household += [(f"Zugezogen ({i})", _member(m)) for i, m in enumerate(form.household.moved_in, 1)]
    household += [(f"Ausgezogen ({i})", _member(m)) for i, m in enumerate(form.household.moved_out, 1)]

    income: list[tuple[str, str]] = [("Änderung", format_yes_no(form.income.changed))]
    income += [(f"Einkommen ({i})", _income(e)) for i, e in enumerate(form.income.entries, 1)]

    housing_form = form.housing
    housing: list[tuple[str, str]] = [("Änderung", format_yes_no(housing_form.changed))]
    amounts = {
        "Grundmiete monatlich": housing_form.basic_rent,
        "Nebenkosten monatlich": housing_form.service_charges,
        "Heizkosten monatlich": housing_form.heating_costs,
    }
    present = {label: value for label, value in amounts.items() if value is not None}
    housing += [(label, format_money(value)) for label, value in present.items()]
    if len(present) == len(amounts):
        housing.append(("Gesamt monatlich", format_money(sum(present.values(), Decimal(0)))))
    if housing_form.heating_type is not None:
        housing.append(("Art der Heizung", housing_form.heating_type.label))
    if housing_form.valid_from is not None:
        housing.append(("Gültig ab", format_date(housing_form.valid_from)))

    assets: list[tuple[str, str]] = [
        ("Vermögen über dem geschützten Betrag", format_yes_no(form.assets.exceeds_protected_amount))
    ]
    if form.assets.description:
        assets.append(("Art des Vermögens", form.assets.description))
    if form.assets.total_value is not None:
        assets.append(("Gesamtwert", format_money(form.assets.total_value)))

    bank: list[tuple[str, str]] = [("Änderung", format_yes_no(form.bank_details.changed))]
    if form.bank_details.iban:
        bank.append(("IBAN", format_iban(form.bank_details.iban)))
    if form.bank_details.account_holder:
        bank.append(("Kontoinhaber/in", form.bank_details.account_holder))

    insurance: list[tuple[str, str]] = [("Änderung", format_yes_no(form.health_insurance.changed))]
    if form.health_insurance.insurer:
        insurance.append(("Krankenkasse / Versicherung", form.health_insurance.insurer))
    if form.health_insurance.insurance_type is not None:
        insurance.append(("Art der Versicherung", form.health_insurance.insurance_type.label))

    declarations = [
        (str(info.title), format_yes_no(getattr(form.declarations, name)))
        for name, info in type(form.declarations).model_fields.items()
    ]
    return [
        applicant_section(ctx),
        DocumentSection("Personen in der Bedarfsgemeinschaft", household),
        DocumentSection("Einkommen", income),
        DocumentSection("Kosten der Unterkunft und Heizung", housing),
        DocumentSection("Vermögen", assets),
        DocumentSection("Bankverbindung", bank),
        DocumentSection("Kranken- und Pflegeversicherung", insurance),
        DocumentSection("Erklärungen", declarations),
    ]
