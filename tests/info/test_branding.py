"""A jobcenter's colours: contrast maths, the refusal where identity is configured, and the fallback where it
is shown (Python for documents and Brand views, Jinja in the layout for raw rows: both must agree)."""

from __future__ import annotations

import random
import re
from types import SimpleNamespace

import pytest

from services.demo.data import JOBCENTERS
from services.portal.branding import (
    DEFAULT_ACCENT,
    DEFAULT_PRIMARY,
    accessible_accent,
    accessible_primary,
    brand_of,
    colour_problems,
    contrast_ratio,
    opening_hours_of,
)
from services.portal.templates_env import templates
from services.store.models import Jobcenter


def test_contrast_ratio_matches_the_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest grey passing AA
    assert contrast_ratio("#ffffff", "#777777") == pytest.approx(4.48, abs=0.01)
    with pytest.raises(ValueError):
        contrast_ratio("red", "#ffffff")


@pytest.mark.parametrize("jobcenter", JOBCENTERS, ids=lambda jc: jc.id)
def test_every_demo_jobcenter_has_accessible_colours(jobcenter) -> None:  # type: ignore[no-untyped-def]
    assert colour_problems(colour_primary=jobcenter.colour_primary, colour_accent=jobcenter.colour_accent) == []
    assert contrast_ratio(jobcenter.colour_primary, "#ffffff") >= 4.5


def test_a_light_primary_colour_is_refused_with_a_german_message() -> None:
    problems = colour_problems(colour_primary="#ffcc00", colour_accent="#e2001a")
    assert [(p.field, p.code) for p in problems] == [("colour_primary", "insufficient_contrast")]
    assert "4,5:1" in problems[0].message and "dunklere" in problems[0].message


def test_malformed_colours_are_refused() -> None:
    problems = colour_problems(colour_primary="blue", colour_accent="#e2001")
    assert [(p.field, p.code) for p in problems] == [
        ("colour_primary", "invalid_colour"),
        ("colour_accent", "invalid_colour"),
    ]


def _row(**overrides: object) -> Jobcenter:
    values: dict[str, object] = {
        "id": "jc-test",
        "name": "Jobcenter Test",
        "office_number": "12345",
        "street": "Teststraße 1",
        "postal_code": "12345",
        "city": "Teststadt",
        "email": "jc@test.invalid",
        "phone": "0123 456",
        "website": "https://jc.test.invalid",
        "opening_hours": [{"days": "Mo", "hours": "08:00–12:00"}, {"days": "Di"}, "kaputt"],
        "colour_primary": "#00557F",
        "colour_accent": "#f29400",
    }
    return Jobcenter(**{**values, **overrides})


def test_brand_keeps_good_colours_and_replaces_bad_ones() -> None:
    good = brand_of(_row())
    assert (good.colour_primary, good.colour_accent) == ("#00557f", "#f29400")
    assert [(line.days, line.hours) for line in good.opening_hours] == [("Mo", "08:00–12:00")]  # malformed skipped
    bad = brand_of(_row(colour_primary="#ffff00", colour_accent="gelb"))
    assert (bad.colour_primary, bad.colour_accent) == (DEFAULT_PRIMARY, DEFAULT_ACCENT)
    assert contrast_ratio(DEFAULT_PRIMARY, "#ffffff") >= 4.5


def test_only_web_addresses_become_website_links() -> None:
    assert brand_of(_row(website="javascript:alert(1)")).website is None
    assert brand_of(_row(website="")).website is None
    assert brand_of(_row()).website == "https://jc.test.invalid"


def test_opening_hours_tolerate_missing_data() -> None:
    assert opening_hours_of(None) == ()
    assert opening_hours_of([{"days": 1, "hours": "x"}]) == ()


def _rendered_colours(primary: object, accent: object) -> tuple[str, str]:
    brand = SimpleNamespace(
        name="Jobcenter Test",
        street="Teststraße 1",
        postal_code="12345",
        city="Teststadt",
        phone="0123 456",
        email="jc@test.invalid",
        website=None,
        opening_hours=[],
        colour_primary=primary,
        colour_accent=accent,
    )
    html = templates().from_string('{% extends "layout.html.j2" %}').render(brand=brand)
    found = re.search(r"--primary: (#[0-9a-f]{6}); --accent: (#[0-9a-f]{6});", html)
    assert found, html[:600]
    return found.group(1), found.group(2)


def _samples() -> list[object]:
    rng = random.Random(7)
    fixed: list[object] = [
        "#767676",
        "#777777",
        "#7A1E2C",
        "#ffffff",
        "#000000",
        "#ffff00",
        "#FFF",
        "red",
        None,
        "#12345g",
    ]
    return fixed + [f"#{rng.randrange(0, 1 << 24):06x}" for _ in range(150)]


def test_layout_applies_the_same_contrast_rule_as_python() -> None:
    disagreements = [
        (colour, _rendered_colours(colour, colour), (accessible_primary(colour), accessible_accent(colour)))
        for colour in _samples()
        if _rendered_colours(colour, colour) != (accessible_primary(colour), accessible_accent(colour))
    ]
    assert disagreements == []
    passing = sum(1 for colour in _samples() if accessible_primary(colour) != DEFAULT_PRIMARY)
    assert 10 < passing < len(_samples()) - 10  # the sample really exercises both outcomes


def test_layout_without_brand_uses_the_default_identity() -> None:
    html = templates().from_string('{% extends "layout.html.j2" %}{% block content %}<h1>x</h1>{% endblock %}').render()
    assert f"--primary: {DEFAULT_PRIMARY};" in html
    assert "Online-Dienste der Jobcenter" in html


def test_layout_escapes_the_brand_even_though_the_environment_does_not_for_j2_names() -> None:
    brand = SimpleNamespace(
        name="<script>alert(1)</script>",
        street="Teststraße 1",
        postal_code="12345",
        city="Teststadt",
        phone="0123",
        email="a@b.invalid",
        website="https://x.invalid/?a=1&b=<i>",
        opening_hours=[{"days": "<b>Mo</b>", "hours": "8–12"}],
        colour_primary="#1d4f91",
        colour_accent="#e2001a",
    )
    html = templates().from_string('{% extends "layout.html.j2" %}').render(brand=brand)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Mo</b>" not in html and "&amp;b=&lt;i&gt;" in html
