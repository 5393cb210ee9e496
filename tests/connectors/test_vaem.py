"""The VÄM connector: form, checks, examples, document, hand-over and receipt."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from importlib.metadata import entry_points
from typing import Any

import pytest
from pydantic import ValidationError

from connectors.sdk import FieldProblem, Maturity, SubmissionContext, problems_from_validation_error
from connectors.vaem import connector
from connectors.vaem.examples import named_examples
from connectors.vaem.form import VaemForm
from tests.connectors.conftest import RECEIPT_NUMBER

TODAY = date(2025, 6, 15)
DECLARED = {"truthful_information": True}


def vaem(*changes: dict[str, Any], evidence: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"changes": list(changes), "evidence": evidence or [], "declarations": dict(DECLARED)}


def problems(data: dict[str, Any], today: date = TODAY) -> list[FieldProblem]:
    """Check problems of a form that must pass type validation."""
    return connector.check(VaemForm.model_validate(data), today=today)


def invalid(data: dict[str, Any]) -> list[FieldProblem]:
    with pytest.raises(ValidationError) as excinfo:
        VaemForm.model_validate(data)
    return problems_from_validation_error(excinfo.value)


def income(**fields: Any) -> dict[str, Any]:
    return {
        "type": "income",
        "event": "income_changed",
        "effective_date": "2025-06-01",
        "person": "Lena Schmidt",
        "employer": "Bäckerei Krause GmbH",
        "gross_monthly": "780.00",
        "net_monthly": "640.15",
    } | fields


def address(**fields: Any) -> dict[str, Any]:
    return {
        "type": "address",
        "effective_date": "2025-06-01",
        "new_address": {"street": "Lindenallee 17", "postal_code": "04109", "city": "Leipzig"},
        "basic_rent": "412.50",
        "service_charges": "118.00",
        "heating_costs": "76.00",
        "heating_type": "district",
    } | fields


def household(**fields: Any) -> dict[str, Any]:
    return {
        "type": "household",
        "movement": "moved_in",
        "effective_date": "2025-05-01",
        "given_name": "Jonas",
        "family_name": "Becker",
        "birth_date": "1988-07-12",
        "relationship": "partner",
    } | fields


BANK = {
    "type": "bank_details",
    "effective_date": "2025-07-01",
    "iban": "DE89370400440532013000",
    "account_holder": "Lena Schmidt",
}
PAY_SLIP = {"kind": "pay_slip", "delivery": "upload"}


def fields_and_codes(found: list[FieldProblem]) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in found]


# --- identity and examples -------------------------------------------------------------------


def test_identity_is_registered_under_the_entry_point() -> None:
    assert connector.key == "vaem"
    assert re.fullmatch(r"urn:de:fim:leika:leistung:\d{14}", connector.leika_key)
    assert (connector.version, connector.maturity, connector.roadmap_stage) == (
        "1.0.0",
        Maturity.ONLINE_SERVICE,
        1,
    )
    assert connector.handover_system == "allegro"
    (ep,) = [ep for ep in entry_points(group="ozgflow.connectors") if ep.name == "vaem"]
    assert ep.load() is connector


@pytest.mark.parametrize("today", [None, date(2024, 2, 29), date(2025, 1, 31), date(2025, 12, 31)])
def test_every_example_validates_and_passes_the_checks(today: date | None) -> None:
    named = named_examples(today)
    assert len(named) >= 3
    for name, data in named.items():
        form = VaemForm.model_validate(json.loads(json.dumps(data)))
        assert connector.check(form, today=today) == [], name
    assert connector.examples(today) == list(named.values())
    assert max(len(data["changes"]) for data in named.values()) >= 3  # one example with several changes


def test_schema_offers_each_change_type_with_german_titles() -> None:
    schema = connector.json_schema()
    mapping = schema["properties"]["changes"]["items"]["discriminator"]["mapping"]
    assert set(mapping) == {"address", "housing_costs", "income", "household", "bank_details", "other"}
    assert schema["$defs"]["AddressChange"]["title"] == "Umzug / neue Anschrift"
    assert "bg_number" not in json.dumps(schema)


# --- checks ----------------------------------------------------------------------------------


def test_a_notification_needs_at_least_one_change() -> None:
    found = problems(vaem())
    assert fields_and_codes(found) == [("changes", "changes_missing")]
    assert "mindestens eine Änderung" in found[0].message


def test_income_change_needs_a_pay_slip_or_employment_contract() -> None:
    found = problems(vaem(income(), evidence=[{"kind": "bank_confirmation", "delivery": "upload"}]))
    assert fields_and_codes(found) == [("evidence", "evidence_missing")]
    assert "Änderung 1 (Einkommen)" in found[0].message
    assert "Lohn- oder Gehaltsabrechnung" in found[0].message and "Arbeitsvertrag" in found[0].message
    assert problems(vaem(income(), evidence=[PAY_SLIP])) == []
    assert problems(vaem(income(), evidence=[{"kind": "employment_contract", "delivery": "post"}])) == []


def test_address_change_needs_rent_contract_or_registration_certificate() -> None:
    found = problems(vaem(address()))
    assert fields_and_codes(found) == [("evidence", "evidence_missing")]
    assert "Mietvertrag" in found[0].message and "Meldebescheinigung" in found[0].message
    assert problems(vaem(address(), evidence=[{"kind": "registration_certificate", "delivery": "upload"}])) == []


def test_bank_confirmation_is_optional_and_household_needs_no_evidence() -> None:
    assert problems(vaem(BANK, household())) == []


def test_ended_income_takes_no_amounts_and_accepts_other_evidence() -> None:
    ended = income(event="income_ended", gross_monthly=None, net_monthly=None)
    termination = {"kind": "other", "description": "Kündigungsschreiben", "delivery": "upload"}
    assert problems(vaem(ended, evidence=[termination])) == []
    found = problems(vaem(income(event="income_ended"), evidence=[termination]))
    assert fields_and_codes(found) == [
        ("changes.0.gross_monthly", "amount_not_expected"),
        ("changes.0.net_monthly", "amount_not_expected"),
    ]


def test_new_job_needs_employer_and_amounts() -> None:
    change = income(event="new_job", employer=None, gross_monthly=None, net_monthly=None)
    found = problems(vaem(change, evidence=[PAY_SLIP]))
    assert fields_and_codes(found) == [
        ("changes.0.gross_monthly", "amount_required"),
        ("changes.0.net_monthly", "amount_required"),
        ("changes.0.employer", "employer_required"),
    ]


def test_net_above_gross_is_refused() -> None:
    found = problems(vaem(income(gross_monthly="500.00", net_monthly="500.01"), evidence=[PAY_SLIP]))
    assert fields_and_codes(found) == [("changes.0.net_monthly", "net_exceeds_gross")]


def test_effective_date_at_most_three_months_ahead() -> None:
    assert problems(vaem(income(effective_date="2025-09-15"), evidence=[PAY_SLIP])) == []
    found = problems(vaem(income(effective_date="2025-09-16"), evidence=[PAY_SLIP]))
    assert fields_and_codes(found) == [("changes.0.effective_date", "date_too_far_in_future")]
    assert "15.09.2025" in found[0].message


def test_only_one_move_and_one_bank_change_per_notification() -> None:
    evidence = [{"kind": "rent_contract", "delivery": "upload"}]
    found = problems(vaem(address(), BANK, address(), BANK, evidence=evidence))
    assert fields_and_codes(found) == [
        ("changes.2.type", "duplicate_change"),
        ("changes.3.type", "duplicate_change"),
    ]
    assert "Änderung 1" in found[0].message


def test_household_dates_must_fit_together() -> None:
    moved_in = household(effective_date="2025-05-01")
    moved_out = household(movement="moved_out", effective_date="2025-04-01")
    before_birth = household(given_name="Mia", birth_date="2025-03-01", effective_date="2025-02-01")
    ancient = household(given_name="Karl", birth_date="1890-01-01")
    found = problems(vaem(moved_in, moved_out, before_birth, ancient))
    assert fields_and_codes(found) == [
        ("changes.1.effective_date", "move_out_before_move_in"),
        ("changes.2.effective_date", "date_before_birth"),
        ("changes.3.birth_date", "birth_date_implausible"),
    ]


def test_future_birth_date_is_refused() -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    (problem,) = invalid(vaem(household(birth_date=tomorrow)))
    assert problem.code == "date_in_future"
    # The exact path ("changes.0.birth_date") is pinned in test_sdk_messages.py.
    assert problem.field.startswith("changes.0.") and problem.field.endswith(".birth_date")


def test_other_evidence_needs_a_description_and_declaration_must_be_given() -> None:
    data = vaem(BANK, evidence=[{"kind": "other", "delivery": "post"}])
    data["declarations"]["truthful_information"] = False
    assert fields_and_codes(problems(data)) == [
        ("evidence.0.description", "description_required"),
        ("declarations.truthful_information", "declaration_required"),
    ]


def test_unknown_change_type_is_refused() -> None:
    (problem,) = invalid(vaem({"type": "lottery_win", "effective_date": "2025-06-01"}))
    assert (problem.field, problem.code) == ("changes.0", "union_tag_invalid")
    assert "lottery_win" in problem.message and "'bank_details'" in problem.message


def test_postal_code_of_a_new_address_is_checked() -> None:
    bad = address(new_address={"street": "Lindenallee 17", "postal_code": "4109", "city": "Leipzig"})
    (problem,) = invalid(vaem(bad))
    assert problem.code == "postal_code_format"
    assert "5 Ziffern" in problem.message


# --- document, hand-over, receipt --------------------------------------------------------------


def example_form(name: str) -> VaemForm:
    return VaemForm.model_validate(named_examples()[name])


def test_document_lists_applicant_changes_and_evidence(vaem_ctx: SubmissionContext) -> None:
    sections = connector.document(example_form("moved_to_new_flat"), vaem_ctx)
    first = dict(sections[0].rows)
    assert (first["Name"], first["BG-Nummer"], first["Jobcenter"]) == (
        "Lena Schmidt",
        "04109BG0012345",
        "Jobcenter Leipzig",
    )
    move = next(s for s in sections if s.title.startswith("Änderung 1"))
    rows = dict(move.rows)
    assert rows["Neue Anschrift"] == "Lindenallee 17, 04109 Leipzig"
    assert rows["Grundmiete (kalt) monatlich (€)"] == "412,50 €"
    assert rows["Gesamt monatlich"] == "606,50 €"
    assert rows["Art der Heizung"] == "Fernwärme"
    assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", rows["Umzugsdatum"])
    evidence = dict(next(s for s in sections if s.title == "Nachweise").rows)
    assert evidence["Nachweis 2"] == "Meldebescheinigung – wird per Post geschickt"


def test_handover_payload_is_json_and_carries_the_receipt(vaem_ctx: SubmissionContext) -> None:
    form = example_form("several_changes")
    decoded = json.loads(json.dumps(connector.handover_payload(form, vaem_ctx)))
    assert (decoded["vorgangsart"], decoded["eingangsnummer"]) == ("VAEM", RECEIPT_NUMBER)
    assert decoded["aenderungsarten"] == ["bank_details", "household", "income", "other"]
    assert decoded["aenderung_ab"] == min(change["effective_date"] for change in decoded["daten"]["changes"])
    assert decoded["daten"]["changes"][1]["gross_monthly"] == "780.00"
    assert decoded["daten"]["changes"][2]["iban"] == "DE23500105175432109876"


def test_receipt_lists_changes_and_outstanding_evidence(vaem_ctx: SubmissionContext) -> None:
    receipt = connector.receipt(example_form("moved_to_new_flat"), vaem_ctx)
    assert receipt.subject == f"Eingangsbestätigung: Veränderungsmitteilung ({RECEIPT_NUMBER})"
    body = receipt.body
    for expected in (
        "Jobcenter Leipzig",
        "0341 913-10705",
        RECEIPT_NUMBER,
        "27.11.2026",
        "1. Umzug am",
        "Lindenallee 17, 04109 Leipzig",
        "Postfach",
    ):
        assert expected in body, expected
    upload_part, post_part = body.split("per Post an")
    assert "- Mietvertrag oder Mietbescheinigung (Mietvertrag Lindenallee 17)" in upload_part
    assert "- Meldebescheinigung" in post_part
    assert "Georg-Schumann-Str. 150, 04159 Leipzig" in post_part


def test_receipt_masks_the_new_iban(vaem_ctx: SubmissionContext) -> None:
    body = connector.receipt(example_form("several_changes"), vaem_ctx).body
    assert "IBAN endet auf 9876" in body
    assert "DE23500105175432109876" not in body and "DE23 5001" not in body
