"""What the four Unterhalt sheets UH1–UH4 share: the person liable, the maintenance title, the payments.

Maintenance claims pass to the jobcenter as far as it pays benefits (§ 33 SGB II), so it needs to reach
the person liable (name, address, employer), to know whether a title already fixes the amount (court
order, court settlement, youth office deed, notarial deed – with the issuing authority and reference)
and what is actually paid. The shortfall between title and payments is what the jobcenter may recover.
Assumption: one sheet per person liable, as on paper (a second parent means a second UH3).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from pydantic import Field

from connectors.anlagen.base import AnlageConnector, Figure
from connectors.anlagen.common import birth_date_plausible, not_before, not_expected, not_in_future, problem, required
from connectors.sdk import FieldProblem, ServiceForm
from connectors.sdk.fields import Choice, Money, PastDate, PersonName, PostalCode, ShortText, section_config


class TitleKind(Choice):
    COURT_ORDER = "court_order", "Beschluss oder Urteil des Familiengerichts"
    COURT_SETTLEMENT = "court_settlement", "gerichtlicher Vergleich"
    YOUTH_OFFICE_DEED = "youth_office_deed", "Urkunde des Jugendamts"
    NOTARIAL_DEED = "notarial_deed", "notarielle Urkunde"


COURT_TITLES = {TitleKind.COURT_ORDER, TitleKind.COURT_SETTLEMENT}


class MaintenanceTitle(ServiceForm):
    model_config = section_config("Unterhaltstitel")

    kind: TitleKind = Field(title="Art des Unterhaltstitels")
    issuing_authority: ShortText = Field(title="Ausstellende Stelle (Gericht, Jugendamt, Notar/in)")
    reference: ShortText | None = Field(default=None, title="Aktenzeichen bzw. Urkundennummer")
    issued_on: date = Field(title="Datum des Titels")
    monthly_amount: Money = Field(title="Festgesetzter Unterhalt monatlich (€)")


class Obligor(ServiceForm):
    model_config = section_config("Unterhaltspflichtige Person")

    given_name: PersonName = Field(title="Vorname")
    family_name: PersonName = Field(title="Familienname")
    birth_date: PastDate | None = Field(default=None, title="Geburtsdatum (falls bekannt)")
    address_known: bool = Field(title="Ist die Anschrift bekannt?")
    street: ShortText | None = Field(default=None, title="Straße und Hausnummer")
    postal_code: PostalCode | None = Field(default=None, title="Postleitzahl")
    city: ShortText | None = Field(default=None, title="Ort")
    employer: ShortText | None = Field(default=None, title="Arbeitgeber (falls bekannt)")


class Payments(ServiceForm):
    model_config = section_config("Tatsächliche Zahlungen")

    monthly_amount: Money = Field(title="Tatsächlich gezahlt monatlich (€)", description="0, wenn nichts gezahlt wird.")
    since: date | None = Field(default=None, title="Zahlungen seit")
    regular: bool | None = Field(default=None, title="Wird regelmäßig und pünktlich gezahlt?")


class MaintenanceForm(ServiceForm):
    """The parts every UH sheet has; each sheet adds its own facts and the declaration."""

    obligor: Obligor = Field(title="Unterhaltspflichtige Person")
    title: MaintenanceTitle | None = Field(default=None, title="Unterhaltstitel", description="Nur wenn vorhanden.")
    payments: Payments = Field(title="Tatsächliche Zahlungen")


def obligor_rules(obligor: Obligor, today: date) -> list[FieldProblem]:
    problems = birth_date_plausible("obligor.birth_date", obligor.birth_date, today) if obligor.birth_date else []
    for name in ("street", "postal_code", "city"):
        value = getattr(obligor, name)
        if obligor.address_known:
            problems += required(
                f"obligor.{name}", value, "Sie haben angegeben, dass die Anschrift bekannt ist. Bitte ausfüllen."
            )
        else:
            message = "Sie haben angegeben, dass die Anschrift unbekannt ist. Bitte entfernen oder Angabe ändern."
            problems += not_expected(f"obligor.{name}", value, message)
    return problems


def title_rules(title: MaintenanceTitle | None, today: date, earliest: date | None, what: str) -> list[FieldProblem]:
    """``earliest``: the title cannot predate the claim's origin (birth, marriage), named by ``what``."""
    if title is None:
        return []
    problems = not_in_future("title.issued_on", title.issued_on, today, "Das Datum des Titels")
    problems += not_before("title.issued_on", title.issued_on, earliest, what)
    if title.kind in COURT_TITLES:
        message = "Bitte geben Sie das Aktenzeichen des Gerichts an (steht oben auf dem Beschluss)."
        problems += required("title.reference", title.reference, message)
    if title.monthly_amount == 0:
        message = "Bitte geben Sie den im Titel festgesetzten monatlichen Betrag an (größer als 0 €)."
        problems += problem("title.monthly_amount", "amount_must_be_positive", message)
    return problems


def payment_rules(payments: Payments, today: date) -> list[FieldProblem]:
    if payments.monthly_amount == 0:
        message = "Sie haben angegeben, dass nichts gezahlt wird. Bitte entfernen oder Betrag angeben."
        return not_expected("payments.since", payments.since, message) + not_expected(
            "payments.regular", payments.regular, message
        )
    problems = required("payments.since", payments.since, "Bitte geben Sie an, seit wann gezahlt wird.")
    problems += not_in_future("payments.since", payments.since, today, "Der Zahlungsbeginn")
    return problems + required("payments.regular", payments.regular, "Bitte geben Sie an, ob regelmäßig gezahlt wird.")


F = TypeVar("F", bound=MaintenanceForm)


class MaintenanceConnector(AnlageConnector[F]):
    """Overview and evidence of every UH sheet; a subclass adds ``specific_rules`` and its own facts."""

    claim_origin: ClassVar[str] = "der Geburt"

    def specific_rules(self, form: F, today: date) -> list[FieldProblem]:
        return []

    def claim_start(self, form: F) -> date | None:
        """The day the claim arose; a title cannot be older."""
        return None

    def rules(self, form: F, today: date) -> list[FieldProblem]:
        return [
            *self.specific_rules(form, today),
            *obligor_rules(form.obligor, today),
            *title_rules(form.title, today, self.claim_start(form), self.claim_origin),
            *payment_rules(form.payments, today),
        ]

    def overview(self, form: F) -> list[Figure]:
        titled = form.title.monthly_amount if form.title else None
        paid = form.payments.monthly_amount
        shortfall = max(titled - paid, Decimal(0)) if titled is not None else None
        return [
            Figure(
                "unterhaltspflichtig",
                "Unterhaltspflichtige Person",
                f"{form.obligor.given_name} {form.obligor.family_name}",
            ),
            Figure("tituliert_monatlich", "Laut Titel monatlich", titled),
            Figure("gezahlt_monatlich", "Tatsächlich gezahlt monatlich", paid),
            Figure("fehlbetrag_monatlich", "Fehlbetrag monatlich", shortfall),
        ]

    def evidence(self, form: F) -> list[str]:
        items = ["Kopie des Unterhaltstitels (Beschluss, Vergleich oder Urkunde)"] if form.title else []
        if form.payments.monthly_amount > 0:
            items.append("Kontoauszüge mit den Unterhaltszahlungen der letzten drei Monate")
        return items


def obligor_example(given_name: str, family_name: str, city: str | None = None) -> dict[str, Any]:
    if city is None:
        return {"given_name": given_name, "family_name": family_name, "address_known": False}
    return {
        "given_name": given_name,
        "family_name": family_name,
        "address_known": True,
        "street": "Lindenallee 17",
        "postal_code": "04109",
        "city": city,
    }
