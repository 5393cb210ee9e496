"""Rules of the Unterhalt sheets UH1–UH4 (shared parts once, sheet-specific parts per sheet)."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.anlagen import uh1, uh2, uh3, uh4
from connectors.anlagen.common import years_ago
from tests.connectors.anlagen.support import TODAY, codes, example, invalid, message

SHEETS = [uh1.connector, uh2.connector, uh3.connector, uh4.connector]


def title(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "court_order",
        "issuing_authority": "Amtsgericht Leipzig – Familiengericht",
        "reference": "335 F 1234/24",
        "issued_on": "2024-03-01",
        "monthly_amount": "300.00",
    } | changes


@pytest.mark.parametrize("connector", SHEETS, ids=lambda c: c.key)
def test_title_needs_a_reference_amount_and_past_date(connector: Any) -> None:
    data = example(connector, title=title(reference=None, monthly_amount="0.00", issued_on="2025-07-01"))
    assert codes(connector, data)[-3:] == [
        ("title.issued_on", "date_in_future"),
        ("title.reference", "required"),
        ("title.monthly_amount", "amount_must_be_positive"),
    ]
    assert "Aktenzeichen" in message(connector, data, "title.reference")


@pytest.mark.parametrize("connector", SHEETS, ids=lambda c: c.key)
def test_title_names_its_issuing_authority(connector: Any) -> None:
    data = example(connector, title={k: v for k, v in title().items() if k != "issuing_authority"})
    assert invalid(connector, data) == [("title.issuing_authority", "missing")]
    deed = example(connector, title=title(kind="youth_office_deed", reference=None))
    assert codes(connector, deed) == []


@pytest.mark.parametrize("connector", SHEETS, ids=lambda c: c.key)
def test_obligor_address_and_payments_follow_the_answers(connector: Any) -> None:
    data = example(connector)
    data["obligor"] = {"given_name": "Marco", "family_name": "Wagner", "address_known": True, "city": "Halle"}
    data["payments"] = {"monthly_amount": "120.00", "since": "2025-07-01"}
    assert codes(connector, data) == [
        ("obligor.street", "required"),
        ("obligor.postal_code", "required"),
        ("payments.since", "date_in_future"),
        ("payments.regular", "required"),
    ]
    nothing_paid = example(connector, payments={"monthly_amount": "0.00", "regular": True})
    assert codes(connector, nothing_paid) == [("payments.regular", "details_not_expected")]


def test_overview_computes_the_shortfall_against_the_title() -> None:
    data = uh1.connector.form.model_validate(example(uh1.connector))
    figures = {f.key: str(f.value) for f in uh1.connector.overview(data)}
    assert (figures["tituliert_monatlich"], figures["gezahlt_monatlich"], figures["fehlbetrag_monatlich"]) == (
        "312.00",
        "200.00",
        "112.00",
    )


def test_uh1_child_must_be_minor_and_father_answers_paternity() -> None:
    data = example(uh1.connector, paternity_established=None)
    data["child"]["birth_date"] = years_ago(TODAY, 18).isoformat()
    assert codes(uh1.connector, data) == [
        ("child.birth_date", "child_is_adult"),
        ("paternity_established", "required"),
    ]
    assert "Anlage UH3" in message(uh1.connector, data, "child.birth_date")


def test_uh1_title_cannot_predate_the_child() -> None:
    data = example(uh1.connector, title=title(issued_on="2010-01-01"))
    assert codes(uh1.connector, data) == [("title.issued_on", "date_order")]
    assert "der Geburt" in message(uh1.connector, data, "title.issued_on")


def test_uh2_marriage_separation_divorce_in_order() -> None:
    data = example(uh2.connector, "divorced_with_court_order", separated_since="2000-01-01", divorced_on="2025-07-01")
    assert codes(uh2.connector, data) == [
        ("separated_since", "date_order"),
        ("divorced_on", "date_in_future"),
    ]
    assert "Eheschließung" in message(uh2.connector, data, "separated_since")


def test_uh3_child_must_be_adult_and_education_named() -> None:
    data = example(uh3.connector, education=None)
    data["child"]["birth_date"] = years_ago(TODAY, 17).isoformat()
    assert codes(uh3.connector, data) == [("child.birth_date", "child_is_minor"), ("education", "required")]
    assert "Anlage UH1" in message(uh3.connector, data, "child.birth_date")


def test_uh4_kinship_must_fit_the_birth_dates() -> None:
    data = example(uh4.connector, kinship="parent")
    assert codes(uh4.connector, data) == [("obligor.birth_date", "kinship_age_mismatch")]
    assert codes(uh4.connector, example(uh4.connector, kinship="grandchild")) == []
