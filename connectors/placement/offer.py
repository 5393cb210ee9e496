"""The placement offer (Vermittlungsvorschlag) as VerBIS pushes it to the platform.

The model is strict (unknown fields refused) so that a changed interface on the VerBIS side fails loudly
at the inbound endpoint instead of silently losing, say, the deadline. Free texts are bounded because they
end up in the customer's Postfach.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from connectors.sdk.fields import BgNumber, LongText, ShortText

OFFER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9\-/.]{0,99}$"


class Employer(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: ShortText = Field(title="Arbeitgeber")
    street: ShortText | None = Field(default=None, title="Straße und Hausnummer")
    postal_code: str | None = Field(default=None, pattern=r"^[0-9]{5}$", title="Postleitzahl")
    city: ShortText = Field(title="Ort")
    contact_person: ShortText | None = Field(default=None, title="Ansprechperson")
    email: ShortText | None = Field(default=None, title="E-Mail")
    phone: ShortText | None = Field(default=None, title="Telefon")


class PlacementOffer(BaseModel):
    """One job offer a jobcenter's placement officer sent to one customer."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    offer_id: str = Field(pattern=OFFER_ID_PATTERN, title="Nummer des Vermittlungsvorschlags")
    bg_number: BgNumber = Field(title="BG-Nummer")
    issued_on: date = Field(title="Datum des Vorschlags")
    job_title: ShortText = Field(title="Stelle")
    employer: Employer
    place_of_work: ShortText = Field(title="Arbeitsort")
    working_hours: ShortText = Field(title="Arbeitszeit", description="z. B. 'Vollzeit, 39 Stunden/Woche'")
    salary: ShortText | None = Field(default=None, title="Vergütung")
    start: ShortText | None = Field(default=None, title="Beginn", description="z. B. 'ab sofort' oder '01.03.2027'")
    description: LongText | None = Field(default=None, title="Tätigkeit")
    how_to_apply: LongText = Field(title="So bewerben Sie sich")
    respond_by: date | None = Field(
        default=None, title="Rückmeldung bis", description="Ohne Angabe: 14 Tage nach Eingang im Postfach."
    )
    placement_officer: ShortText | None = Field(default=None, title="Ihre Ansprechperson im Jobcenter")


def offer_from_payload(payload: dict[str, object]) -> PlacementOffer:
    """The stored offer again (stored as validated JSON, so this cannot fail unless the model changed)."""
    return PlacementOffer.model_validate(payload)
