"""Rules of the Anlagen about needs and events: MEB, BB, UF."""

from __future__ import annotations

from connectors.anlagen import bb, meb, uf
from connectors.anlagen.meb import DietIllness
from tests.connectors.anlagen.support import codes, example, invalid, message

# --- MEB -------------------------------------------------------------------------------------------


def test_meb_offers_the_illnesses_of_the_deutscher_verein_plus_other() -> None:
    schema = meb.connector.json_schema()
    titles = {entry["title"] for entry in schema["$defs"]["DietIllness"]["oneOf"]}
    assert {"Zöliakie / Sprue", "Mukoviszidose / zystische Fibrose", "sonstige Erkrankung"} <= titles
    assert invalid(meb.connector, example(meb.connector, illness="diabetes")) == [("illness", "enum")]


def test_meb_other_illness_needs_a_description_and_certificate_not_in_future() -> None:
    data = example(meb.connector, illness="other", certificate_date="2025-06-16")
    assert codes(meb.connector, data) == [
        ("illness_description", "required"),
        ("certificate_date", "date_in_future"),
    ]
    assert "Bescheinigung" in message(meb.connector, data, "certificate_date")


def test_meb_consumptive_illness_asks_for_impaired_nutrient_intake() -> None:
    data = example(meb.connector, "crohn_with_weight_loss", impaired_nutrient_intake=None)
    assert codes(meb.connector, data) == [("impaired_nutrient_intake", "required")]
    coeliac = example(meb.connector, impaired_nutrient_intake=False)
    assert codes(meb.connector, coeliac) == [("impaired_nutrient_intake", "details_not_expected")]


def test_meb_expired_certificate_is_refused() -> None:
    data = example(meb.connector, "crohn_with_weight_loss", expected_until="2025-06-01")
    assert codes(meb.connector, data) == [("expected_until", "certificate_expired")]
    assert "01.06.2025" in message(meb.connector, data, "expected_until")


def test_meb_overview_flags_illnesses_outside_the_recommendations() -> None:
    data = example(meb.connector, illness="other", illness_description="Laktoseintoleranz")
    figures = {f.key: f.value for f in meb.connector.overview(meb.connector.form.model_validate(data))}
    assert figures["in_dv_empfehlungen"] is False
    assert DietIllness.OTHER.label == "sonstige Erkrankung"


# --- BB --------------------------------------------------------------------------------------------


def test_bb_kind_from_the_list_and_amount_not_negative() -> None:
    data = example(bb.connector, needs=[{"kind": "holiday", "estimated_amount": "-10"}])
    assert invalid(bb.connector, data) == [("needs.0.kind", "enum"), ("needs.0.estimated_amount", "greater_than_equal")]


def test_bb_pregnancy_needs_a_due_date_within_ten_months() -> None:
    data = example(bb.connector, "pregnancy_and_birth", expected_birth=None)
    assert codes(bb.connector, data) == [("expected_birth", "required")]
    late = example(bb.connector, "pregnancy_and_birth", expected_birth="2026-05-01")
    assert codes(bb.connector, late) == [("expected_birth", "date_too_far_in_future")]
    flat = example(bb.connector, expected_birth="2025-09-01")
    assert codes(bb.connector, flat) == [("expected_birth", "details_not_expected")]


def test_bb_orthopaedic_shoes_need_a_prescription_and_other_a_description() -> None:
    data = example(
        bb.connector,
        needs=[
            {"kind": "orthopaedic_shoes", "estimated_amount": "95.00"},
            {"kind": "other", "estimated_amount": "40.00"},
        ],
    )
    assert codes(bb.connector, data) == [("needs.1.description", "required"), ("prescription_date", "required")]
    assert "Verordnung" in message(bb.connector, data, "prescription_date")


# --- UF --------------------------------------------------------------------------------------------


def test_uf_accident_date_in_the_past() -> None:
    data = example(uf.connector, accident_date="2025-06-16")
    assert codes(uf.connector, data) == [("accident_date", "date_in_future")]
    assert "Unfalldatum" in message(uf.connector, data, "accident_date")


def test_uf_third_party_details_when_caused_by_someone_else() -> None:
    data = example(uf.connector, third_party=None)
    assert codes(uf.connector, data) == [("third_party", "required")]
    own_fault = example(uf.connector, "work_accident_without_third_party", third_party={"name": "Klaus Meier"})
    assert codes(uf.connector, own_fault) == [("third_party", "details_not_expected")]
    assert invalid(uf.connector, example(uf.connector, third_party={"address": "Parkstraße 4"})) == [
        ("third_party.name", "missing")
    ]


def test_uf_police_reference_is_optional_but_needs_a_report() -> None:
    assert codes(uf.connector, example(uf.connector, police_reference=None)) == []
    data = example(uf.connector, police_report=False)
    assert codes(uf.connector, data) == [("police_reference", "details_not_expected")]


def test_uf_work_accident_names_the_employer() -> None:
    data = example(uf.connector, "work_accident_without_third_party", employer=None)
    assert codes(uf.connector, data) == [("employer", "required")]
