"""Reusable field types for service forms, with German messages and real-world plausibility."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

# [0-9], not \d: in a str pattern \d also matches Arabic-Indic, full-width and other digits, which look like
# a BG number or postal code on screen and then route to no jobcenter and break the back office. The platform's
# other checks of these two (paper intake, the postal-code lookup) use these same patterns.
BG_NUMBER = re.compile(r"^[0-9]{5}BG[0-9]{7}$")
POSTAL_CODE = re.compile(r"^[0-9]{5}$")


def _normalise_iban(value: object) -> object:
    return value.replace(" ", "").upper() if isinstance(value, str) else value


def _check_iban(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}", value):
        raise PydanticCustomError(
            "iban_format", "Die IBAN hat kein gültiges Format (z. B. DE89 3704 0044 0532 0130 00)."
        )
    if value.startswith("DE") and len(value) != 22:
        raise PydanticCustomError("iban_length", "Eine deutsche IBAN hat genau 22 Zeichen. Bitte prüfen.")
    rearranged = value[4:] + value[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    if int(digits) % 97 != 1:
        raise PydanticCustomError("iban_checksum", "Die Prüfziffer der IBAN stimmt nicht. Bitte auf Tippfehler prüfen.")
    return value


def _check_bg_number(value: str) -> str:
    if not BG_NUMBER.fullmatch(value):
        raise PydanticCustomError(
            "bg_number_format",
            "Die BG-Nummer besteht aus 5 Ziffern, 'BG' und 7 Ziffern, z. B. 12345BG0012345.",
        )
    return value


def _check_postal_code(value: str) -> str:
    if not POSTAL_CODE.fullmatch(value):
        raise PydanticCustomError("postal_code_format", "Die Postleitzahl besteht aus genau 5 Ziffern.")
    return value


def _check_past_date(value: date) -> date:
    if value > date.today():
        raise PydanticCustomError("date_in_future", "Dieses Datum darf nicht in der Zukunft liegen.")
    return value


Iban = Annotated[str, BeforeValidator(_normalise_iban), AfterValidator(_check_iban)]
BgNumber = Annotated[str, AfterValidator(_check_bg_number)]
PostalCode = Annotated[str, AfterValidator(_check_postal_code)]
PastDate = Annotated[date, AfterValidator(_check_past_date)]


def _two_places(value: Decimal) -> Decimal:
    # "450" and "450.00" are the same amount; the back office and the PDF want one spelling.
    return value.quantize(_CENT)


_CENT = Decimal("0.01")
Money = Annotated[Decimal, Field(ge=0, le=Decimal(1000000), decimal_places=2), AfterValidator(_two_places)]
_LINE_BREAKS = frozenset("\t\n\r")


def _check_text(value: str) -> str:
    """No control characters but tab and line breaks: a NUL cannot even be stored in PostgreSQL, and the others
    only hide text from the clerk reading the PDF."""
    if any(unicodedata.category(ch) == "Cc" and ch not in _LINE_BREAKS for ch in value):
        raise PydanticCustomError(
            "control_character", "Der Text enthält ein unsichtbares Steuerzeichen. Bitte den Text neu eingeben."
        )
    return value


ShortText = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_check_text)]
LongText = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_check_text)]


def _check_person_name(value: str) -> str:
    if any(ch.isdigit() for ch in value):
        raise PydanticCustomError("person_name_digits", "Ein Name darf keine Ziffern enthalten. Bitte prüfen.")
    return _check_text(value)


PersonName = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_check_person_name)]


class Choice(StrEnum):
    """A closed set of answers whose wire value is stable English and whose label is German.

    Front-ends render the German ``title`` of each ``oneOf`` entry, documents use ``.label``;
    the back office and the API keep the English value, so relabelling never breaks a client.
    """

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        json_schema = handler(schema)
        target = handler.resolve_ref_schema(json_schema)
        target.pop("description", None)  # the docstring is for developers, not for customers
        target["oneOf"] = [{"const": member.value, "title": member.label} for member in cls]
        return json_schema


class Relationship(Choice):
    """Relation of a household member to the applicant; shared by WBA, VÄM and Anlage WEP/KI."""

    PARTNER = "partner", "Partner/in (Ehe, Lebenspartnerschaft, Verantwortungsgemeinschaft)"
    CHILD = "child", "Kind"
    PARENT = "parent", "Elternteil"
    SIBLING = "sibling", "Geschwister"
    OTHER_RELATIVE = "other_relative", "sonstige verwandte Person"
    OTHER = "other", "sonstige Person (z. B. Untermieter/in)"


class IncomeKind(Choice):
    """Kinds of income the benefit calculation distinguishes (allowances differ per kind)."""

    EMPLOYMENT = "employment", "nichtselbständige Erwerbstätigkeit (auch Minijob)"
    SELF_EMPLOYMENT = "self_employment", "selbständige Tätigkeit"
    PENSION = "pension", "Rente"
    CHILD_BENEFIT = "child_benefit", "Kindergeld"
    MAINTENANCE = "maintenance", "Unterhalt / Unterhaltsvorschuss"
    UNEMPLOYMENT_BENEFIT = "unemployment_benefit", "Arbeitslosengeld"
    OTHER = "other", "sonstiges Einkommen"


class HeatingType(Choice):
    """How the home is heated; decides how heating costs and hot water are assessed."""

    CENTRAL = "central", "Zentralheizung"
    DISTRICT = "district", "Fernwärme"
    FLOOR_GAS = "floor_gas", "Gasetagenheizung"
    ELECTRIC = "electric", "Strom (z. B. Nachtspeicher)"
    STOVE = "stove", "Einzelöfen (Kohle, Holz, Öl)"
    OTHER = "other", "sonstige Heizungsart"


def section_config(title: str, description: str | None = None) -> ConfigDict:
    """Model config for form parts: German title, and a German (or no) description in the schema.

    Pydantic would otherwise publish the developer docstring to front-ends as the description.
    """

    def _extra(schema: dict[str, Any]) -> None:
        schema.pop("description", None)
        if description:
            schema["description"] = description

    return ConfigDict(title=title, json_schema_extra=_extra)


# Human-readable rendering for documents and mailbox texts (German conventions).

_BERLIN = ZoneInfo("Europe/Berlin")


def format_money(value: Decimal) -> str:
    """``Decimal("1234.5")`` -> ``"1.234,50 €"``."""
    text = f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} €"


def format_iban(value: str) -> str:
    """Groups of four, as printed on bank cards, so a clerk can compare it at a glance."""
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def format_date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def format_datetime(value: datetime) -> str:
    """German local time: the receipt date decides whether a deadline was met, so it must be Berlin's.

    Naive datetimes are taken as UTC, which is what the platform stores.
    """
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(_BERLIN).strftime("%d.%m.%Y, %H:%M Uhr")


def format_yes_no(value: bool) -> str:
    return "ja" if value else "nein"


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 month -> 28/29 Feb).

    Deadlines in benefit law count calendar months, not 30-day blocks.
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
