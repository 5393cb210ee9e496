"""German messages and dotted paths from pydantic validation errors, on the real service forms.

Customers read these messages and front-ends put them next to the field named by the path, so
both are pinned here, including paths inside VÄM's discriminated union of change types.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from connectors.sdk import FieldProblem, problems_from_validation_error
from connectors.vaem.examples import named_examples as vaem_examples
from connectors.vaem.form import VaemForm
from connectors.wba.examples import named_examples as wba_examples
from connectors.wba.form import WbaForm

ENGLISH_FRAGMENTS = ("Input should", "Field required", "Extra inputs", "valid", " or ")


def errors(model: type[BaseModel], data: dict[str, Any]) -> list[FieldProblem]:
    with pytest.raises(ValidationError) as excinfo:
        model.model_validate(data)
    return problems_from_validation_error(excinfo.value, data)


def wba(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(wba_examples()["new_job_and_rent_increase"])
    data.update(changes)
    return data


def income_entry(**fields: Any) -> dict[str, Any]:
    data = wba()
    data["income"]["entries"][0].update(fields)
    return data


def vaem_change(change: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(vaem_examples()["new_job"])
    data["changes"] = [change]
    return data


def only(found: list[FieldProblem]) -> FieldProblem:
    assert len(found) == 1, found
    return found[0]


def test_missing_section_and_missing_nested_field() -> None:
    data = wba()
    del data["declarations"]
    data["housing"].pop("basic_rent")  # optional in the type: the checks ask for it, not pydantic
    data["income"]["entries"][0].pop("net_monthly")
    found = {p.field: p for p in errors(WbaForm, data)}
    assert set(found) == {"declarations", "income.entries.0.net_monthly"}
    assert all(p.code == "missing" and "Pflichtfeld" in p.message for p in found.values())


def test_extra_field_is_named_and_asked_to_be_removed() -> None:
    problem = only(errors(WbaForm, wba(customer_name="Lena Schmidt")))
    assert (problem.field, problem.code) == ("customer_name", "extra_forbidden")
    assert "nicht vorgesehen" in problem.message


def test_german_date_format_is_refused_with_the_expected_format() -> None:
    problem = only(errors(WbaForm, income_entry(since="01.05.2025")))
    assert problem.field == "income.entries.0.since"
    assert problem.code.startswith("date_")
    assert "JJJJ-MM-TT" in problem.message


def test_bad_enum_value_lists_the_allowed_values() -> None:
    problem = only(errors(WbaForm, income_entry(kind="salary")))
    assert (problem.field, problem.code) == ("income.entries.0.kind", "enum")
    assert problem.message.startswith("Bitte einen der zulässigen Werte wählen")
    assert "'employment'" in problem.message and "'child_benefit'" in problem.message


@pytest.mark.parametrize(
    ("amount", "code", "fragment"),
    [
        ("12,50", "decimal_parsing", "Betrag"),
        ("12.505", "decimal_max_places", "2 Nachkommastellen"),
        ("-1.00", "greater_than_equal", "nicht kleiner als 0"),
    ],
)
def test_bad_amounts(amount: str, code: str, fragment: str) -> None:
    problem = only(errors(WbaForm, income_entry(gross_monthly=amount)))
    assert (problem.field, problem.code) == ("income.entries.0.gross_monthly", code)
    assert fragment in problem.message


def test_custom_field_messages_pass_through_unchanged() -> None:
    data = wba(bank_details={"changed": True, "iban": "DE89370400440532013001", "account_holder": "L. Schmidt"})
    problem = only(errors(WbaForm, data))
    assert (problem.field, problem.code) == ("bank_details.iban", "iban_checksum")
    assert problem.message == "Die Prüfziffer der IBAN stimmt nicht. Bitte auf Tippfehler prüfen."


def test_unknown_discriminator_names_the_value_and_the_choices() -> None:
    problem = only(errors(VaemForm, vaem_change({"type": "lottery_win", "effective_date": "2025-06-01"})))
    assert (problem.field, problem.code) == ("changes.0", "union_tag_invalid")
    assert "Unbekannte Art 'lottery_win'" in problem.message
    assert "'address'" in problem.message and "'other'" in problem.message


def test_missing_discriminator_asks_for_the_kind() -> None:
    problem = only(errors(VaemForm, vaem_change({"effective_date": "2025-06-01"})))
    assert (problem.field, problem.code) == ("changes.0", "union_tag_not_found")
    assert "Bitte die Art angeben" in problem.message and "type" in problem.message


def test_a_thoroughly_broken_form_gets_german_messages_only() -> None:
    data = {
        "changes": [{"type": "income", "event": "won", "effective_date": "gestern", "gross_monthly": "viel"}],
        "evidence": "keine",
        "declarations": {"truthful_information": "vielleicht"},
        "bg_number": "x",
    }
    found = errors(VaemForm, data)
    assert len(found) >= 6
    for problem in found:
        assert problem.message and not problem.message.startswith("Die Angabe ist ungültig"), problem
        assert not any(fragment in problem.message for fragment in ENGLISH_FRAGMENTS[:4]), problem


# --- known defects of connectors/sdk/messages.py (strict: fixing the defect fails these) ----------


def test_path_inside_a_change_variant_matches_the_form() -> None:
    change = {
        "type": "household",
        "movement": "moved_in",
        "effective_date": "2025-06-01",
        "given_name": "Mia",
        "family_name": "Becker",
        "birth_date": "kein Datum",
        "relationship": "child",
    }
    problem = only(errors(VaemForm, vaem_change(change)))
    assert problem.field == "changes.0.birth_date"


def test_missing_discriminator_message_quotes_once() -> None:
    problem = only(errors(VaemForm, vaem_change({"effective_date": "2025-06-01"})))
    assert "''" not in problem.message


def test_enum_choices_are_joined_in_german() -> None:
    problem = only(errors(WbaForm, income_entry(kind="salary")))
    assert " or " not in problem.message
