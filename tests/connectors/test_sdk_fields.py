"""The reusable field types and German formatting added to ``connectors/sdk/fields.py``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from connectors.sdk.fields import (
    HeatingType,
    Money,
    PersonName,
    add_months,
    format_date,
    format_datetime,
    format_iban,
    format_money,
    format_yes_no,
    section_config,
)


def test_money_is_normalised_to_cents_for_the_back_office() -> None:
    adapter = TypeAdapter(Money)
    assert adapter.dump_json(adapter.validate_python("450")) == b'"450.00"'
    assert adapter.validate_python("12.5") == Decimal("12.50")
    with pytest.raises(ValidationError):
        adapter.validate_python("12.345")


def test_person_name_refuses_digits() -> None:
    adapter = TypeAdapter(PersonName)
    assert adapter.validate_python("Anna-Lena Müller-Özdemir") == "Anna-Lena Müller-Özdemir"
    with pytest.raises(ValidationError) as excinfo:
        adapter.validate_python("Lena2")
    assert excinfo.value.errors()[0]["type"] == "person_name_digits"


def test_choice_keeps_english_values_and_publishes_german_labels() -> None:
    assert HeatingType("district") is HeatingType.DISTRICT
    assert HeatingType.DISTRICT.label == "Fernwärme"
    schema = TypeAdapter(HeatingType).json_schema()
    assert {"const": "district", "title": "Fernwärme"} in schema["oneOf"]
    assert "description" not in schema


def test_section_config_replaces_the_developer_docstring() -> None:
    class Part(BaseModel):
        """Developer note that customers must not see."""

        model_config = section_config("Teil", "Kundentext")

    class Bare(BaseModel):
        """Developer note."""

        model_config = section_config("Ohne")

    assert Part.model_json_schema()["title"] == "Teil"
    assert Part.model_json_schema()["description"] == "Kundentext"
    assert "description" not in Bare.model_json_schema()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), -12, date(2025, 12, 15)),
        (date(2026, 3, 15), -3, date(2025, 12, 15)),
    ],
)
def test_add_months_counts_calendar_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_german_formatting() -> None:
    assert format_money(Decimal("1234.5")) == "1.234,50 €"
    assert format_money(Decimal("1234567.89")) == "1.234.567,89 €"
    assert format_money(Decimal(0)) == "0,00 €"
    assert format_date(date(2026, 11, 26)) == "26.11.2026"
    assert format_yes_no(True) == "ja" and format_yes_no(False) == "nein"
    assert format_iban("DE89370400440532013000") == "DE89 3704 0044 0532 0130 00"


def test_datetime_is_shown_in_berlin_time() -> None:
    assert format_datetime(datetime.fromisoformat("2026-07-01T22:15:00+00:00")) == "02.07.2026, 00:15 Uhr"
    assert format_datetime(datetime.fromisoformat("2026-12-31T23:30:00+00:00")) == "01.01.2027, 00:30 Uhr"
    assert format_datetime(datetime(2026, 12, 1, 8, 0)) == "01.12.2026, 09:00 Uhr"  # naive = UTC
