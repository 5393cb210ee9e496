"""Rules of the Anlagen about money: KDU, EK, EKS, VM."""

from __future__ import annotations

from connectors.anlagen import ek, eks, kdu, vm
from tests.connectors.anlagen.support import codes, example, invalid, message

# --- KDU -------------------------------------------------------------------------------------------


def test_kdu_rent_parts_must_add_up_to_the_total() -> None:
    data = example(kdu.connector, total_monthly="600.00")
    assert codes(kdu.connector, data) == [("total_monthly", "sum_mismatch")]
    text = message(kdu.connector, data, "total_monthly")
    assert "600,00 €" in text and "606,50 €" in text


def test_kdu_district_heating_needs_heating_costs_and_move_in_not_in_future() -> None:
    data = example(kdu.connector, heating_costs="0.00", total_monthly="530.50", moved_in_on="2025-07-01")
    assert codes(kdu.connector, data) == [("moved_in_on", "date_in_future"), ("heating_costs", "heating_costs_missing")]
    assert "Fernwärme" in message(kdu.connector, data, "heating_costs")


def test_kdu_subletting_income_must_not_exceed_the_rent() -> None:
    data = example(kdu.connector, "family_flat_with_subtenant", subletting_income="900.00")
    assert codes(kdu.connector, data) == [("subletting_income", "subletting_exceeds_rent")]
    missing = example(kdu.connector, "family_flat_with_subtenant", subletting_income=None)
    assert codes(kdu.connector, missing) == [("subletting_income", "required")]
    contradicting = example(kdu.connector, subletting_income="100.00")
    assert codes(kdu.connector, contradicting) == [("subletting_income", "details_not_expected")]


def test_kdu_tenants_name_the_landlord_and_amounts_are_not_negative() -> None:
    assert codes(kdu.connector, example(kdu.connector, landlord=None)) == [("landlord", "required")]
    assert codes(kdu.connector, example(kdu.connector, landlord=None, housing_kind="owned")) == []
    assert invalid(kdu.connector, example(kdu.connector, basic_rent="-1")) == [("basic_rent", "greater_than_equal")]


# --- EK --------------------------------------------------------------------------------------------


def income(**changes: object) -> dict[str, object]:
    return example(ek.connector)["incomes"][0] | changes


def test_ek_net_not_above_gross_and_employer_required() -> None:
    data = example(ek.connector, incomes=[income(net_monthly="1300.00", payer=None)])
    assert codes(ek.connector, data) == [
        ("incomes.0.net_monthly", "net_exceeds_gross"),
        ("incomes.0.payer", "required"),
    ]
    assert "Arbeitgeber" in message(ek.connector, data, "incomes.0.payer")


def test_ek_self_employment_belongs_on_eks_and_other_needs_a_description() -> None:
    data = example(ek.connector, incomes=[income(kind="self_employment"), income(kind="other", payer=None)])
    assert codes(ek.connector, data) == [("incomes.0.kind", "use_anlage_eks"), ("incomes.1.payer", "required")]
    assert "Anlage EKS" in message(ek.connector, data, "incomes.0.kind")


def test_ek_dates_in_order_and_at_most_three_months_ahead() -> None:
    data = example(ek.connector, incomes=[income(since="2025-09-16"), income(until="2020-01-01")])
    assert codes(ek.connector, data) == [
        ("incomes.0.since", "date_too_far_in_future"),
        ("incomes.1.until", "date_order"),
    ]
    assert invalid(ek.connector, example(ek.connector, incomes=[])) == [("incomes", "too_short")]


# --- EKS -------------------------------------------------------------------------------------------


def test_eks_needs_six_consecutive_months() -> None:
    data = example(eks.connector)
    data["months"][2]["month"] = data["months"][3]["month"]
    assert codes(eks.connector, data) == [("months.2.month", "month_out_of_sequence")]
    assert "01.08.2025" in message(eks.connector, data, "months.2.month")
    assert invalid(eks.connector, example(eks.connector, months=data["months"][:5])) == [("months", "too_short")]


def test_eks_period_starts_on_the_first_and_final_figures_wait_for_its_end() -> None:
    data = example(eks.connector, statement="final", period_start="2025-06-02")
    assert codes(eks.connector, data) == [
        ("period_start", "not_first_of_month"),
        ("statement", "period_not_ended"),
    ]
    assert "01.12.2025" in message(eks.connector, data, "statement")


def test_eks_expense_categories_are_checked() -> None:
    data = example(eks.connector)
    data["months"][0]["expenses"] |= {"other": "20.00", "staff": "450.00"}
    assert codes(eks.connector, data) == [
        ("months.0.expenses.other_description", "description_required"),
        ("months.0.expenses.staff", "staff_without_employees"),
    ]
    data["months"][1]["expenses"]["goods"] = "-5"
    assert ("months.1.expenses.goods", "greater_than_equal") in invalid(eks.connector, data)


def test_eks_profit_is_computed_per_month_and_may_be_a_loss() -> None:
    data = example(eks.connector)
    data["months"][0]["operating_income"] = "100.00"
    figures = {f.key: f.value for f in eks.connector.overview(eks.connector.form.model_validate(data))}
    assert str(figures["gewinn_2025_06"]) == "-372.40"
    assert str(figures["gewinn_gesamt"]) == str(
        figures["betriebseinnahmen_gesamt"] - figures["betriebsausgaben_gesamt"]
    )


# --- VM --------------------------------------------------------------------------------------------


def test_vm_total_must_match_and_vehicles_need_year_and_market_value() -> None:
    data = example(vm.connector, total_value="999.00")
    data["assets"][1] |= {"value": "0.00", "vehicle_year": None}
    assert codes(vm.connector, data) == [
        ("assets.1.vehicle_year", "required"),
        ("assets.1.value", "market_value_required"),
        ("total_value", "sum_mismatch"),
    ]


def test_vm_kind_specific_answers() -> None:
    data = example(vm.connector, "home_and_savings")
    data["assets"][2]["self_occupied"] = None
    data["assets"][0]["vehicle_year"] = 2015
    assert codes(vm.connector, data) == [
        ("assets.0.vehicle_year", "details_not_expected"),
        ("assets.2.self_occupied", "required"),
    ]
    assert invalid(vm.connector, example(vm.connector, total_value="-1")) == [("total_value", "greater_than_equal")]


def test_vm_compares_the_countable_value_with_the_protected_amount() -> None:
    small = {f.key: f.value for f in vm.connector.overview(vm.connector.form.model_validate(example(vm.connector)))}
    assert (str(small["schonbetrag"]), small["ueber_schonbetrag"]) == ("55000", False)
    home = vm.connector.form.model_validate(example(vm.connector, "home_and_savings"))
    figures = {f.key: f.value for f in vm.connector.overview(home)}
    assert (str(figures["zu_beruecksichtigen"]), str(figures["schonbetrag"])) == ("48500.00", "45000")
    assert figures["ueber_schonbetrag"] is True
