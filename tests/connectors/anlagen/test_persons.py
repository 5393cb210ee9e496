"""Rules of the Anlagen about persons in the home: WEP, KI, VE, HG, SV."""

from __future__ import annotations

from connectors.anlagen import hg, ki, sv, ve, wep
from connectors.anlagen.common import years_ago
from tests.connectors.anlagen.support import TODAY, codes, example, invalid, message


def person(given: str, family: str, born: str) -> dict[str, str]:
    return {"given_name": given, "family_name": family, "birth_date": born}


# --- WEP -------------------------------------------------------------------------------------------


def test_wep_person_must_be_15_or_older() -> None:
    turns_15_tomorrow = years_ago(TODAY, 15).replace(day=TODAY.day + 1).isoformat()
    data = example(wep.connector, person=person("Leon", "Schmidt", turns_15_tomorrow))
    assert codes(wep.connector, data) == [("person.birth_date", "too_young_for_wep")]
    assert "Anlage KI" in message(wep.connector, data, "person.birth_date")
    exactly_15 = example(wep.connector, person=person("Leon", "Schmidt", years_ago(TODAY, 15).isoformat()))
    assert codes(wep.connector, exactly_15) == []


def test_wep_education_end_required_for_pupils_and_refused_otherwise() -> None:
    pupil = example(wep.connector, "son_at_school", education_until=None)
    assert codes(wep.connector, pupil) == [("education_until", "required")]
    ended = example(wep.connector, "son_at_school", education_until="2025-06-14")
    assert codes(wep.connector, ended) == [("education_until", "date_in_past")]
    worker = example(wep.connector, education_until="2026-07-31")
    assert codes(wep.connector, worker) == [("education_until", "details_not_expected")]


def test_wep_name_with_digits_is_refused_by_the_form() -> None:
    assert invalid(wep.connector, example(wep.connector, person=person("J0nas", "Becker", "1988-07-12"))) == [
        ("person.given_name", "person_name_digits")
    ]


# --- KI --------------------------------------------------------------------------------------------


def test_ki_child_must_be_under_15() -> None:
    data = example(ki.connector, child=person("Emil", "Schmidt", years_ago(TODAY, 15).isoformat()))
    assert codes(ki.connector, data) == [("child.birth_date", "too_old_for_ki")]
    assert "Anlage WEP" in message(ki.connector, data, "child.birth_date")


def test_ki_toddler_at_school_and_child_benefit_recipient() -> None:
    data = example(ki.connector, care="school", child_benefit_recipient=None)
    assert codes(ki.connector, data) == [("care", "school_too_young"), ("child_benefit_recipient", "required")]
    no_benefit = example(ki.connector, child_benefit_received=False)
    assert codes(ki.connector, no_benefit) == [("child_benefit_recipient", "details_not_expected")]


def test_ki_other_parent_in_household_needs_a_name() -> None:
    data = example(ki.connector, other_parent=None)
    assert codes(ki.connector, data) == [("other_parent", "required")]


# --- VE --------------------------------------------------------------------------------------------


def test_ve_presumption_requires_an_explanation_when_denied() -> None:
    data = example(ve.connector, considers_partnership=False)
    assert codes(ve.connector, data) == [("explanation", "required")]
    text = message(ve.connector, data, "explanation")
    assert "länger als ein Jahr zusammenlebend" in text and "gemeinsames Kind" in text


def test_ve_short_flatshare_without_criteria_needs_no_explanation() -> None:
    data = example(ve.connector, "flatshare_rebutted", explanation=None, living_together_since="2025-01-01")
    assert codes(ve.connector, data) == []


def test_ve_living_together_not_in_future_nor_in_childhood() -> None:
    assert codes(ve.connector, example(ve.connector, living_together_since="2025-06-16")) == [
        ("living_together_since", "date_in_future")
    ]
    assert codes(ve.connector, example(ve.connector, living_together_since="1999-01-01")) == [
        ("living_together_since", "date_order")
    ]


# --- HG --------------------------------------------------------------------------------------------


def test_hg_support_above_income_and_future_start() -> None:
    data = example(hg.connector, living_together_since="2025-07-01")
    data["relatives"][0]["support_monthly"] = "2000.00"
    assert codes(hg.connector, data) == [
        ("living_together_since", "date_in_future"),
        ("relatives.0.support_monthly", "support_exceeds_income"),
    ]


def test_hg_common_purse_without_support_asks_for_an_explanation() -> None:
    data = example(hg.connector, "flatshare_with_brother", common_purse=True, explanation=None)
    assert codes(hg.connector, data) == [("explanation", "required")]
    assert "gemeinsam" in message(hg.connector, data, "explanation")


def test_hg_needs_at_least_one_relative() -> None:
    assert invalid(hg.connector, example(hg.connector, relatives=[])) == [("relatives", "too_short")]


# --- SV --------------------------------------------------------------------------------------------


def test_sv_number_must_match_birth_date_and_birth_name() -> None:
    data = example(sv.connector, birth_name=None)
    assert codes(sv.connector, data) == [("pension_insurance_number", "vsnr_initial_mismatch")]
    assert "(S)" in message(sv.connector, data, "pension_insurance_number")
    other_day = example(sv.connector, person=person("Lena", "Schmidt", "1991-03-09"))
    assert codes(sv.connector, other_day) == [("pension_insurance_number", "vsnr_birth_date_mismatch")]


def test_sv_number_format_and_check_digit_are_validated() -> None:
    assert invalid(sv.connector, example(sv.connector, pension_insurance_number="12 080391 W 50 4")) == [
        ("pension_insurance_number", "vsnr_checksum")
    ]
    assert invalid(sv.connector, example(sv.connector, pension_insurance_number="12080391")) == [
        ("pension_insurance_number", "vsnr_format")
    ]


def test_sv_insurer_and_family_insurance_follow_the_status() -> None:
    uninsured = example(sv.connector, last_insurance="none")
    assert codes(sv.connector, uninsured) == [("insurer", "details_not_expected")]
    family = example(sv.connector, "family_insured_orphan", family_insured_through=None, pension_kind=None)
    assert codes(sv.connector, family) == [("family_insured_through", "required"), ("pension_kind", "required")]
