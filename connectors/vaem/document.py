"""The human-readable e-file document and change summaries of a VÄM.

Rows are derived from the form's German field titles, so a field added to a change type shows up
in the PDF without touching this module. Values are formatted the German way.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel

from connectors.sdk import DocumentSection, SubmissionContext
from connectors.sdk.documents import applicant_section
from connectors.sdk.fields import (
    Choice,
    format_date,
    format_iban,
    format_money,
    format_yes_no,
)
from connectors.vaem.checks import CHANGE_LABELS
from connectors.vaem.form import (
    AddressChange,
    BankDetailsChange,
    Change,
    HouseholdChange,
    HousingCostsChange,
    IncomeChange,
    NewAddress,
    VaemForm,
)


def _address(address: NewAddress) -> str:
    return f"{address.street}, {address.postal_code} {address.city}"


def _value(name: str, value: object) -> str:
    if isinstance(value, bool):
        return format_yes_no(value)
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Choice):
        return value.label
    if isinstance(value, NewAddress):
        return _address(value)
    if name == "iban" and isinstance(value, str):
        return format_iban(value)
    return str(value)


def _rows(model: BaseModel) -> list[tuple[str, str]]:
    rows = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if name != "type" and value is not None:
            rows.append((str(info.title or name), _value(name, value)))
    return rows


def _monthly_total(change: AddressChange | HousingCostsChange) -> Decimal:
    return change.basic_rent + change.service_charges + change.heating_costs


def _change_section(number: int, change: Change) -> DocumentSection:
    rows = _rows(change)
    if isinstance(change, AddressChange | HousingCostsChange):
        rows.append(("Gesamt monatlich", format_money(_monthly_total(change))))
    return DocumentSection(f"Änderung {number}: {CHANGE_LABELS[change.type]}", rows)


def vaem_sections(form: VaemForm, ctx: SubmissionContext) -> list[DocumentSection]:
    sections = [applicant_section(ctx, "Mitteilende Person und Jobcenter")]
    sections += [_change_section(i, change) for i, change in enumerate(form.changes, 1)]
    evidence = [
        (f"Nachweis {i}", evidence_line(item.kind.label, item.description) + f" – {item.delivery.label}")
        for i, item in enumerate(form.evidence, 1)
    ]
    sections.append(DocumentSection("Nachweise", evidence or [("Nachweise", "keine angegeben")]))
    if form.remarks:
        sections.append(DocumentSection("Weitere Hinweise", [("Hinweise", form.remarks)]))
    declaration = [
        (
            str(type(form.declarations).model_fields["truthful_information"].title),
            format_yes_no(form.declarations.truthful_information),
        )
    ]
    sections.append(DocumentSection("Erklärung", declaration))
    return sections


def evidence_line(label: str, description: str | None) -> str:
    return f"{label} ({description})" if description else label


def change_summary(change: Change) -> str:
    """One line per change for the receipt; the IBAN is masked because mail may be forwarded."""
    when = format_date(change.effective_date)
    if isinstance(change, AddressChange):
        return f"Umzug am {when} nach {_address(change.new_address)}"
    if isinstance(change, HousingCostsChange):
        return f"Neue Kosten der Unterkunft ab {when}: {format_money(_monthly_total(change))} monatlich"
    if isinstance(change, IncomeChange):
        employer = f" ({change.employer})" if change.employer else ""
        return f"Einkommen von {change.person}: {change.event.label}{employer} ab {when}"
    if isinstance(change, HouseholdChange):
        return f"{change.given_name} {change.family_name} {change.movement.label} am {when}"
    if isinstance(change, BankDetailsChange):
        return f"Neue Bankverbindung ab {when} (IBAN endet auf {change.iban[-4:]})"
    text = change.description if len(change.description) <= 80 else change.description[:77] + "..."
    return f"Sonstige Änderung ab {when}: {text}"
