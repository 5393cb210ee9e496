"""Property-based tests of every connector's form and plausibility checks against hostile input.

For every installed connector: bodies generated from its JSON Schema and valid examples with parts replaced
by anything a client could send never crash validation or the checks — only field problems come out, each
naming a field and saying in German what to fix; a form that passes also renders its document, hand-over and
receipt. Then invariants of the checks: irrelevant changes keep a valid form valid and unchanged, and each
rule's verdict flips exactly when its condition does. Generation is derandomized and bounded.
"""

from __future__ import annotations

import copy
import json
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from connectors.anlagen.common import AMOUNT_TOLERANCE, at_most_months_ahead, not_before, same_sum
from connectors.placement.checks import check_placement
from connectors.placement.form import Outcome, PlacementForm
from connectors.sdk import Connector, FieldProblem, InboundContext, TrustLevel
from connectors.sdk.fields import add_months
from connectors.sdk.registry import ConnectorRegistry
from connectors.sdk.testkit import ENGLISH, problems_of
from connectors.vaem.checks import check_vaem
from connectors.vaem.form import VaemForm
from connectors.wba.checks import FUTURE_MONTHS, check_wba
from connectors.wba.form import WbaForm
from tests.connectors.conftest import make_context
from tests.connectors.form_strategies import json_values, money, mutated, schema_bodies
from tests.placement.conftest import make_offer

REGISTRY = ConnectorRegistry.from_entry_points()
KEYS = REGISTRY.keys()
TODAY = date(2026, 11, 26)
ENGLISH_MARKERS = (*ENGLISH, "should", "Invalid", "must ", "required", "expected")

FUZZ = settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
RULES = settings(FUZZ, max_examples=150)


def assert_well_formed(problems: list[FieldProblem], data: Any, connector: Connector) -> None:
    """Each problem names a field of the form (or the unknown key sent) and says in German what to fix."""
    top_level = set(connector.form.model_fields) | (set(map(str, data)) if isinstance(data, dict) else set())
    for problem in problems:
        assert isinstance(problem, FieldProblem), problem
        assert isinstance(problem.field, str) and problem.code and problem.message.strip(), problem
        first = problem.field.split(".")[0]
        named = first in top_level or problem.field in top_level  # (a key sent with a dot in it)
        assert named or (problem.field == "__root__" and not isinstance(data, dict)), problem
        assert not any(marker in problem.message for marker in ENGLISH_MARKERS), problem


def assert_outputs_render(connector: Connector, data: dict[str, Any]) -> None:
    """A form that passed goes through the pipeline: its document, hand-over and receipt must not fail there."""
    form = connector.form.model_validate(data)
    ctx = make_context(connector.key)
    if connector.inbound is not None:
        offer = make_offer(offer_id=str(data.get("offer_id", "VV-1")))
        received = datetime(2026, 11, 20, tzinfo=UTC)
        ctx = replace(ctx, inbound=InboundContext("item-1", offer["offer_id"], offer, received, None))
    sections = connector.document(form, ctx)
    assert all(isinstance(value, str) for section in sections for row in section.rows for value in row)
    json.dumps(connector.handover_payload(form, ctx))
    receipt = connector.receipt(form, ctx)
    assert ctx.receipt_number in receipt.subject + receipt.body
    assert isinstance(connector.required_trust_level(form), TrustLevel)
    json.dumps(connector.prefill(form))


@pytest.mark.parametrize("key", KEYS)
def test_bodies_from_the_json_schema_yield_only_german_field_problems(key: str) -> None:
    connector = REGISTRY.get(key)

    @FUZZ
    @given(body=schema_bodies(connector))
    def run(body: Any) -> None:
        problems = problems_of(connector, body)
        assert_well_formed(problems, body, connector)
        if not problems:
            assert_outputs_render(connector, body)

    run()


@pytest.mark.parametrize("key", KEYS)
def test_examples_with_hostile_parts_yield_only_german_field_problems(key: str) -> None:
    connector = REGISTRY.get(key)
    examples = connector.examples()

    @settings(FUZZ, max_examples=60)
    @given(data=st.sampled_from(examples).flatmap(mutated))
    def run(data: dict[str, Any]) -> None:
        problems = problems_of(connector, data)
        assert_well_formed(problems, data, connector)
        if not problems:
            assert_outputs_render(connector, data)

    run()


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _is_free_text(schema: dict[str, Any], defs: dict[str, Any]) -> bool:
    """A plain string field (not a date, amount, choice or patterned id): white space around it means nothing."""
    options = [_resolve(o, defs) for o in schema.get("anyOf", [schema])]
    texts = [o for o in options if o.get("type") == "string"]
    return bool(texts) and all(not ({"format", "enum", "const", "pattern", "oneOf"} & set(o)) for o in texts)


def _padded(value: Any, schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """``value`` with white space around every free-text string, walking the form's JSON Schema alongside."""
    schema = _resolve(schema, defs)
    if isinstance(value, str):
        return f"  {value}\t" if _is_free_text(schema, defs) else value
    options = [_resolve(o, defs) for o in schema.get("anyOf", schema.get("oneOf", [schema]))]
    if isinstance(value, dict):
        if "discriminator" in schema:
            tag = schema["discriminator"]["propertyName"]
            options = [o for o in options if o.get("properties", {}).get(tag, {}).get("const") == value.get(tag)]
        properties = next((o["properties"] for o in options if "properties" in o), {})
        return {k: _padded(v, properties.get(k, {}), defs) for k, v in value.items()}
    if isinstance(value, list):
        items = next((o["items"] for o in options if "items" in o), {})
        return [_padded(v, items, defs) for v in value]
    return value


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@pytest.mark.parametrize("key", KEYS)
def test_irrelevant_changes_keep_a_valid_example_valid_and_the_same(key: str) -> None:
    """White space around free text and the order of keys mean nothing: same verdict, same validated form."""
    connector = REGISTRY.get(key)
    schema = connector.json_schema()
    defs = schema.get("$defs", {})
    padded_any = False
    for example in connector.examples():
        expected = connector.form.model_validate(copy.deepcopy(example)).model_dump(mode="json")
        padded = _padded(copy.deepcopy(example), schema, defs)
        padded_any |= padded != example
        for variant in (padded, _shuffled(copy.deepcopy(example), random.Random(8))):
            assert problems_of(connector, variant) == [], variant
            assert connector.form.model_validate(variant).model_dump(mode="json") == expected
    assert padded_any, "no example has free text: the schema walk missed it"


# -- rules flip exactly when their condition does -------------------------------------------------------


def _wba_income(gross: Decimal, net: Decimal, since: date, until: date | None) -> WbaForm:
    data = copy.deepcopy(REGISTRY.get("wba").examples()[0])
    data["income"] = {
        "changed": True,
        "entries": [
            {
                "person": "Anna Schmidt",
                "kind": "employment",
                "description": "Bäckerei Müller",
                "gross_monthly": str(gross),
                "net_monthly": str(net),
                "since": since.isoformat(),
                "until": until.isoformat() if until else None,
            }
        ],
    }
    return WbaForm.model_validate(data)


def _codes(problems: list[FieldProblem]) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in problems}


recent_dates = st.dates(min_value=TODAY - timedelta(days=3650), max_value=add_months(TODAY, FUTURE_MONTHS))


@RULES
@given(gross=money(), net=money(), since=recent_dates, until=st.none() | recent_dates)
def test_wba_net_above_gross_and_end_before_start_are_reported_exactly_when_true(
    gross: Decimal, net: Decimal, since: date, until: date | None
) -> None:
    codes = _codes(check_wba(_wba_income(gross, net, since, until), TODAY))
    assert (("income.entries.0.net_monthly", "net_exceeds_gross") in codes) == (net > gross)
    assert (("income.entries.0.until", "end_before_start") in codes) == (until is not None and until < since)
    allowed = {("income.entries.0.net_monthly", "net_exceeds_gross"), ("income.entries.0.until", "end_before_start")}
    assert codes <= allowed


@RULES
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), months=st.integers(0, 24))
def test_dates_ahead_are_refused_exactly_after_the_allowed_months(day: date, months: int) -> None:
    latest = add_months(TODAY, months)
    assert bool(at_most_months_ahead("x", day, TODAY, months)) == (day > latest)
    assert bool(not_before("x", day, TODAY, "dem Stichtag")) == (day < TODAY)


@RULES
@given(parts=st.lists(money(), max_size=6), delta=st.integers(-500, 500))
def test_a_total_is_refused_exactly_when_it_differs_from_its_parts(parts: list[Decimal], delta: int) -> None:
    total = sum(parts, Decimal(0)) + Decimal(delta) / 100
    mismatch = same_sum("total", parts, total, "Die Summe")
    assert bool(mismatch) == (abs(total - sum(parts, Decimal(0))) >= AMOUNT_TOLERANCE)


SWITCHES = {"bank_details": {"iban": "DE89370400440532013000", "account_holder": "Anna Schmidt"},
            "health_insurance": {"insurer": "AOK Nordost", "insurance_type": "statutory"}}  # fmt: skip


@pytest.mark.parametrize("section", sorted(SWITCHES))
@RULES
@given(changed=st.booleans(), keep=st.sets(st.sampled_from(["iban", "account_holder", "insurer", "insurance_type"])))
def test_wba_section_details_are_required_when_switched_on_and_refused_when_off(
    section: str, changed: bool, keep: set[str]
) -> None:
    details = {name: value for name, value in SWITCHES[section].items() if name in keep}
    data = copy.deepcopy(REGISTRY.get("wba").examples()[0])
    data[section] = {"changed": changed, **details}
    codes = {(p.field, p.code) for p in check_wba(WbaForm.model_validate(data), TODAY) if p.field.startswith(section)}
    expected = {
        (f"{section}.{name}", "required_when_changed" if changed else "details_not_expected")
        for name in SWITCHES[section]
        if (name not in details) == changed
    }
    assert codes == expected


def _vaem_income(event: str, gross: Decimal | None, net: Decimal | None) -> VaemForm:
    data = copy.deepcopy(REGISTRY.get("vaem").examples()[0])
    change = {"type": "income", "event": event, "effective_date": TODAY.isoformat(), "person": "Anna Schmidt",
              "employer": "Bäckerei Müller", "gross_monthly": gross, "net_monthly": net}  # fmt: skip
    data["changes"] = [change]
    data["evidence"] = [{"kind": "pay_slip", "delivery": "upload"}]
    return VaemForm.model_validate(data)


@RULES
@given(
    event=st.sampled_from(["new_job", "income_changed", "income_ended"]),
    gross=st.none() | money(),
    net=st.none() | money(),
)
def test_vaem_income_amounts_are_required_refused_and_compared_exactly_as_the_event_says(
    event: str, gross: Decimal | None, net: Decimal | None
) -> None:
    codes = _codes(check_vaem(_vaem_income(event, gross, net), TODAY))
    for name, value in (("gross_monthly", gross), ("net_monthly", net)):
        ended = event == "income_ended"
        assert ((f"changes.0.{name}", "amount_not_expected") in codes) == (ended and value is not None)
        assert ((f"changes.0.{name}", "amount_required") in codes) == (not ended and value is None)
    above = event != "income_ended" and gross is not None and net is not None and net > gross
    assert (("changes.0.net_monthly", "net_exceeds_gross") in codes) == above


@RULES
@given(
    outcome=st.sampled_from(list(Outcome)),
    applied=st.none() | st.dates(TODAY - timedelta(days=60), TODAY),
    interview=st.none() | st.dates(TODAY - timedelta(days=60), TODAY + timedelta(days=60)),
)
def test_placement_dates_are_required_and_refused_exactly_as_the_outcome_says(
    outcome: Outcome, applied: date | None, interview: date | None
) -> None:
    form = PlacementForm(offer_id="VV-1", outcome=outcome, applied_on=applied, interview_on=interview)
    codes = _codes(check_placement(form, TODAY))
    needs_applied = outcome is not Outcome.NOT_APPLIED
    allows_interview = outcome in (Outcome.INVITED_TO_INTERVIEW, Outcome.HIRED)
    assert (("applied_on", "required_for_outcome") in codes) == (needs_applied and applied is None)
    assert (("applied_on", "not_expected_for_outcome") in codes) == (not needs_applied and applied is not None)
    assert (("interview_on", "not_expected_for_outcome") in codes) == (not allows_interview and interview is not None)
    before = interview is not None and applied is not None and interview < applied
    assert (("interview_on", "before_application") in codes) == before


@pytest.mark.parametrize("key", KEYS)
@settings(FUZZ, max_examples=25)
@given(junk=json_values)
def test_any_json_value_as_the_whole_form_is_refused_with_field_problems(key: str, junk: Any) -> None:
    connector = REGISTRY.get(key)
    assume(not isinstance(junk, dict) or junk)  # an empty object is covered by the contract kit
    problems = problems_of(connector, junk)
    assert problems, junk
    assert_well_formed(problems, junk, connector)
