"""The WBA connector: form, checks, examples, document, hand-over and receipt."""

from __future__ import annotations

import copy
import json
import re
from datetime import date, timedelta
from importlib.metadata import entry_points
from typing import Any

import pytest
from pydantic import ValidationError

from connectors.sdk import FieldProblem, Maturity, SubmissionContext, problems_from_validation_error
from connectors.wba import connector
from connectors.wba.examples import named_examples
from connectors.wba.form import WbaForm
from tests.connectors.conftest import RECEIPT_NUMBER

TODAY = date(2025, 6, 15)


def base(**sections: Any) -> dict[str, Any]:
    """The 'nothing changed' example with some sections replaced."""
    data = copy.deepcopy(named_examples(TODAY)["nothing_changed"])
    data.update(sections)
    return data


def problems(data: dict[str, Any], today: date = TODAY) -> list[FieldProblem]:
    """Check problems of a form that must pass type validation."""
    return connector.check(WbaForm.model_validate(data), today=today)


def invalid(data: dict[str, Any]) -> list[FieldProblem]:
    with pytest.raises(ValidationError) as excinfo:
        WbaForm.model_validate(data)
    return problems_from_validation_error(excinfo.value)


def by_field(found: list[FieldProblem]) -> dict[str, FieldProblem]:
    return {p.field: p for p in found}


def income(**entry: Any) -> dict[str, Any]:
    values = {
        "person": "Lena Schmidt",
        "kind": "employment",
        "gross_monthly": "1200.00",
        "net_monthly": "950.00",
        "since": "2025-05-01",
    } | entry
    return {"changed": True, "entries": [values]}


def member(**fields: Any) -> dict[str, Any]:
    return {
        "given_name": "Jonas",
        "family_name": "Becker",
        "birth_date": "1988-07-12",
        "relationship": "partner",
        "moved_on": "2025-04-01",
    } | fields


# --- identity and examples -------------------------------------------------------------------


def test_identity_is_registered_under_the_entry_point() -> None:
    assert connector.key == "wba"
    assert re.fullmatch(r"urn:de:fim:leika:leistung:\d{14}", connector.leika_key)
    assert (connector.version, connector.maturity, connector.roadmap_stage) == (
        "1.0.0",
        Maturity.ONLINE_SERVICE,
        1,
    )
    assert connector.handover_system == "allegro"
    (ep,) = [ep for ep in entry_points(group="ozgflow.connectors") if ep.name == "wba"]
    assert ep.load() is connector


@pytest.mark.parametrize("today", [None, date(2024, 2, 29), date(2025, 1, 31), date(2025, 12, 31)])
def test_every_example_validates_and_passes_the_checks(today: date | None) -> None:
    named = named_examples(today)
    assert len(named) >= 3
    for name, data in named.items():
        form = WbaForm.model_validate(json.loads(json.dumps(data)))
        assert connector.check(form, today=today) == [], name
    assert connector.examples(today) == list(named.values())


def test_examples_cover_nothing_changed_and_several_changes() -> None:
    forms = [WbaForm.model_validate(data) for data in connector.examples()]
    counts = sorted(len(form.changed_sections()) for form in forms)
    assert counts[0] == 0
    assert counts[-1] >= 3


def test_schema_has_german_labels_and_no_customer_identity() -> None:
    schema = connector.json_schema()
    assert schema["title"] == "Weiterbewilligungsantrag Bürgergeld"
    assert set(schema["properties"]) == {
        "household",
        "income",
        "housing",
        "assets",
        "bank_details",
        "health_insurance",
        "declarations",
    }
    assert schema["$defs"]["IncomeEntry"]["properties"]["net_monthly"]["title"] == "Netto monatlich (€)"
    labels = {option["title"] for option in schema["$defs"]["IncomeKind"]["oneOf"]}
    assert "Kindergeld" in labels
    # Developer docstrings stay out of what customers see.
    assert "description" not in schema["$defs"]["IncomeKind"]
    assert "identified like" not in json.dumps(schema)
    assert invalid(base(bg_number="04109BG0012345"))[0].field == "bg_number"


# --- checks ----------------------------------------------------------------------------------


def test_declarations_must_all_be_given() -> None:
    data = base(
        declarations={
            "truthful_information": False,
            "duty_to_report_changes": False,
            "data_processing_acknowledged": True,
        }
    )
    found = by_field(problems(data))
    assert set(found) == {"declarations.truthful_information", "declarations.duty_to_report_changes"}
    assert all(p.code == "declaration_required" and "bestätigen" in p.message for p in found.values())


def test_net_income_above_gross_is_refused() -> None:
    found = problems(base(income=income(gross_monthly="900.00", net_monthly="950.00")))
    assert [(p.field, p.code) for p in found] == [("income.entries.0.net_monthly", "net_exceeds_gross")]
    assert "Nettobetrag" in found[0].message


def test_changed_section_without_details_asks_for_them() -> None:
    found = by_field(problems(base(household={"changed": True}, housing={"changed": True}, income={"changed": True})))
    assert found["household.moved_in"].code == "details_missing"
    assert found["income.entries"].code == "details_missing"
    for name in ("basic_rent", "service_charges", "heating_costs", "heating_type", "valid_from"):
        assert found[f"housing.{name}"].code == "required_when_changed"
        assert "Bitte ausfüllen" in found[f"housing.{name}"].message


def test_details_for_an_unchanged_section_are_refused_not_ignored() -> None:
    data = base(
        bank_details={"changed": False, "iban": "DE89370400440532013000"},
        income={
            "changed": False,
            "entries": income()["entries"],
        },
    )
    found = by_field(problems(data))
    assert set(found) == {"bank_details.iban", "income.entries"}
    assert all(p.code == "details_not_expected" for p in found.values())
    assert "nichts geändert" in found["bank_details.iban"].message


def test_changed_bank_and_insurance_need_all_details() -> None:
    found = by_field(
        problems(
            base(
                bank_details={"changed": True, "iban": "DE89370400440532013000"},
                health_insurance={"changed": True, "insurance_type": "private"},
            )
        )
    )
    assert set(found) == {"bank_details.account_holder", "health_insurance.insurer"}


def test_assets_above_the_protected_amount_need_description_and_value() -> None:
    found = by_field(problems(base(assets={"exceeds_protected_amount": True})))
    assert set(found) == {"assets.description", "assets.total_value"}
    zero = problems(base(assets={"exceeds_protected_amount": True, "description": "Sparbuch", "total_value": "0"}))
    assert [(p.field, p.code) for p in zero] == [("assets.total_value", "amount_must_be_positive")]


def test_bad_iban_checksum_is_refused_at_the_field() -> None:
    found = invalid(
        base(
            bank_details={
                "changed": True,
                "iban": "DE88 3704 0044 0532 0130 00",
                "account_holder": "Lena Schmidt",
            }
        )
    )
    assert [(p.field, p.code) for p in found] == [("bank_details.iban", "iban_checksum")]
    assert "Prüfziffer" in found[0].message


def test_birth_date_in_the_future_is_refused() -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    found = invalid(base(household={"changed": True, "moved_in": [member(birth_date=tomorrow)]}))
    assert [(p.field, p.code) for p in found] == [("household.moved_in.0.birth_date", "date_in_future")]
    assert "Zukunft" in found[0].message


def test_implausible_birth_and_move_dates() -> None:
    data = base(
        household={
            "changed": True,
            "moved_in": [
                member(birth_date="1899-12-31", moved_on="2025-01-01"),
                member(given_name="Mia", birth_date="2025-03-01", moved_on="2025-02-01", relationship="child"),
            ],
        }
    )
    found = by_field(problems(data))
    assert found["household.moved_in.0.birth_date"].code == "birth_date_implausible"
    assert found["household.moved_in.1.moved_on"].code == "date_before_birth"


def test_move_out_before_move_in_of_the_same_person() -> None:
    data = base(
        household={
            "changed": True,
            "moved_in": [member(moved_on="2025-04-01")],
            "moved_out": [member(given_name="JONAS", moved_on="2025-03-01")],
        }
    )
    found = problems(data)
    assert [(p.field, p.code) for p in found] == [("household.moved_out.0.moved_on", "move_out_before_move_in")]
    assert "01.04.2025" in found[0].message
    data["household"]["moved_out"][0]["moved_on"] = "2025-05-01"
    assert problems(data) == []


def test_dates_at_most_three_months_ahead() -> None:
    assert problems(base(income=income(since="2025-09-15"))) == []
    found = problems(base(income=income(since="2025-09-16")))
    assert [(p.field, p.code) for p in found] == [("income.entries.0.since", "date_too_far_in_future")]
    assert "15.09.2025" in found[0].message
    rent = {
        "changed": True,
        "basic_rent": "400.00",
        "service_charges": "90.00",
        "heating_costs": "60.00",
        "heating_type": "district",
        "valid_from": "2026-01-01",
    }
    assert [p.field for p in problems(base(housing=rent))] == ["housing.valid_from"]


def test_income_end_before_start_and_other_income_without_description() -> None:
    found = by_field(problems(base(income=income(kind="other", until="2025-04-01"))))
    assert found["income.entries.0.until"].code == "end_before_start"
    assert found["income.entries.0.description"].code == "description_required"


def test_check_refuses_a_foreign_form() -> None:
    from connectors.sdk import ServiceForm

    with pytest.raises(TypeError, match="WbaForm"):
        connector.check(ServiceForm())


# --- document, hand-over, receipt --------------------------------------------------------------


def example_form(name: str) -> WbaForm:
    return WbaForm.model_validate(named_examples()[name])


def test_document_names_applicant_and_jobcenter_and_formats_values(wba_ctx: SubmissionContext) -> None:
    sections = connector.document(example_form("partner_and_baby_moved_in"), wba_ctx)
    first = dict(sections[0].rows)
    assert "Antragsteller" in sections[0].title
    assert first["Name"] == "Lena Schmidt"
    assert first["BG-Nummer"] == "04109BG0012345"
    assert first["Jobcenter"] == "Jobcenter Leipzig"
    assert first["Eingangsnummer"] == RECEIPT_NUMBER
    assert first["Eingegangen am"] == "27.11.2026, 00:30 Uhr"
    text = json.dumps([s.rows for s in sections], ensure_ascii=False)
    assert "2.100,00 €" in text and "1.581,40 €" in text
    assert "12.07.1988" in text
    bank = dict(next(s for s in sections if s.title == "Bankverbindung").rows)
    assert bank == {
        "Änderung": "ja",
        "IBAN": "DE46 1005 0000 1234 5678 90",
        "Kontoinhaber/in": "Lena Schmidt",
    }


def test_document_sums_housing_costs(wba_ctx: SubmissionContext) -> None:
    sections = connector.document(example_form("new_job_and_rent_increase"), wba_ctx)
    housing = dict(next(s for s in sections if s.title == "Kosten der Unterkunft und Heizung").rows)
    assert housing["Gesamt monatlich"] == "745,00 €"
    assert housing["Art der Heizung"] == "Zentralheizung"


def test_handover_payload_is_json_and_carries_the_receipt(wba_ctx: SubmissionContext) -> None:
    form = example_form("son_moved_out_with_savings")
    payload = connector.handover_payload(form, wba_ctx)
    decoded = json.loads(json.dumps(payload))
    assert decoded["vorgangsart"] == "WBA"
    assert decoded["eingangsnummer"] == RECEIPT_NUMBER
    assert decoded["bg_nummer"] == "04109BG0012345"
    assert decoded["dienststelle"] == "jc-04109"
    assert decoded["team"] == "Leistung Team 4"
    assert decoded["eingangsdatum"] == "2026-11-26T23:30:00+00:00"
    assert decoded["geaenderte_bereiche"] == ["household", "income", "assets"]
    assert decoded["daten"]["assets"]["total_value"] == "48500.00"
    assert connector.handover_payload(form, wba_ctx) == payload  # a retried hand-over sends the same


def test_receipt_names_jobcenter_receipt_number_and_next_steps(wba_ctx: SubmissionContext) -> None:
    receipt = connector.receipt(example_form("new_job_and_rent_increase"), wba_ctx)
    assert receipt.subject.startswith("Eingangsbestätigung: Weiterbewilligungsantrag")
    for expected in (
        "Jobcenter Leipzig",
        "0341 913-10705",
        "jobcenter-leipzig@jobcenter-ge.de",
        RECEIPT_NUMBER,
        "27.11.2026",
        "Postfach",
        "Bewilligungszeitraums",
        "Einkommen, Kosten der Unterkunft und Heizung",
    ):
        assert expected in receipt.body, expected


def test_receipt_for_nothing_changed_says_so(wba_ctx: SubmissionContext) -> None:
    body = connector.receipt(example_form("nothing_changed"), wba_ctx).body
    assert "nichts geändert" in body
    assert "Nachweise zu diesen Änderungen" not in body
