"""The public information pages in headless Chromium: WCAG 2.1 A/AA by axe-core (no violations), headings in
order, landmarks, keyboard use (skip link, Tab to the postal-code field and button, visible focus) and errors
that screen readers announce; plus the shared layout in each demo jobcenter's own colours.

axe-core comes bundled with axe_playwright_python (no network). The pages do not depend on the database
backend (tests/info covers both), so these browser tests run on SQLite only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from connectors.sdk.registry import ConnectorRegistry
from services.info import TOPICS
from services.portal.app import create_app
from services.portal.branding import brand_of
from services.portal.templates_env import templates
from services.settings import Settings
from services.store.db import Database
from services.store.migrate import upgrade
from services.store.models import Jobcenter
from tests.pages.accessibility import axe_violations
from tests.support.http_server import UvicornThread

LABEL = "Postleitzahl Ihres Wohnorts"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: what is checked here is HTML in a browser, not the database."""
    url = f"sqlite:///{tmp_path / 'ozgflow.db'}"
    upgrade(url)
    return url


@pytest.fixture
def portal(settings: Settings, db: Database, registry: ConnectorRegistry) -> Iterator[UvicornThread]:
    with UvicornThread(create_app(settings, db=db, registry=registry)) as server:
        yield server


def heading_problems(page: Any) -> list[str]:
    """One h1, and no level skipped on the way down (h2 → h4 is a skip; h4 → h2 is fine)."""
    levels = page.eval_on_selector_all("h1, h2, h3, h4, h5, h6", "els => els.map(e => Number(e.tagName[1]))")
    problems = [] if levels[:1] == [1] and levels.count(1) == 1 else [f"h1s: {levels}"]
    problems += [f"h{a} → h{b}" for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    return problems


PAGES = [
    ("/", 200),
    *[(f"/info/{topic.slug}", 200) for topic in TOPICS],
    ("/info/steuern", 404),
    ("/mein-jobcenter", 200),
    ("/mein-jobcenter?plz=10115", 200),
    ("/mein-jobcenter?plz=44147", 200),
    ("/mein-jobcenter?plz=99999", 404),
    ("/mein-jobcenter?plz=12", 422),
]


def test_public_pages_pass_axe_wcag_21_aa(portal: UvicornThread, page: Any) -> None:
    found: dict[str, list[str]] = {}
    for path, status in PAGES:
        response = page.goto(portal.url + path)
        assert response is not None and response.status == status, path
        problems = axe_violations(page) + heading_problems(page)
        for role in ("banner", "main", "contentinfo", "navigation"):
            if page.get_by_role(role).count() == 0:
                problems.append(f"no {role} landmark")
        if problems:
            found[path] = problems
    assert found == {}


def test_lookup_shows_address_contact_hours_and_online_services(portal: UvicornThread, page: Any) -> None:
    page.goto(f"{portal.url}/mein-jobcenter")
    page.get_by_label(LABEL).fill("28199")
    page.get_by_role("button", name="Jobcenter suchen").click()
    assert page.get_by_role("heading", level=2, name="Ihr Jobcenter: Jobcenter Bremen").is_visible()
    result = page.locator("#lookup-result")
    assert "Doventorsteinweg 48–52" in result.inner_text() and "0421 5555 4000" in result.inner_text()
    hours = page.get_by_role("table", name="Öffnungszeiten des Jobcenter Bremen")
    assert (
        hours.get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name="Do"))
        .inner_text()
        .endswith("08:00–18:00")
    )
    services = page.locator("#online-services")
    assert services.get_by_role("link", name="Weiterbewilligungsantrag Bürgergeld (WBA)").get_attribute("href") == (
        "/api/v1/services/wba"
    )
    assert page.locator("#not-yet-online").get_by_text("Rückmeldung zum Vermittlungsvorschlag").is_visible()
    banner = page.get_by_role("banner")
    assert "Jobcenter Bremen" in banner.inner_text()
    assert banner.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(29, 79, 145)"  # #1d4f91
    assert "Doventorsteinweg" in page.get_by_role("contentinfo").inner_text()


def _focused(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => { const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
                   return {id: e.id, tag: e.tagName, text: e.innerText || '', outline: s.outlineStyle,
                           outlineWidth: parseFloat(s.outlineWidth), shadow: s.boxShadow,
                           visible: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0}; }"""
    )


def _tab_until(page: Any, predicate: Any, limit: int = 25) -> dict[str, Any]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = _focused(page)
        if predicate(state):
            return state
    raise AssertionError(f"not reached with {limit} presses of Tab; last focus {state}")


def test_skip_link_is_the_first_stop_and_jumps_to_the_content(portal: UvicornThread, page: Any) -> None:
    page.goto(f"{portal.url}/mein-jobcenter")
    page.keyboard.press("Tab")
    skip = _focused(page)
    assert skip["text"] == "Zum Inhalt springen" and skip["visible"], skip
    assert skip["outline"] != "none" and skip["outlineWidth"] >= 2
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "plz"  # the first control in the content, past the navigation


def test_keyboard_reaches_the_lookup_field_and_button_with_visible_focus(portal: UvicornThread, page: Any) -> None:
    page.goto(f"{portal.url}/")
    field = _tab_until(page, lambda s: s["id"] == "plz")
    for state in (field, _tab_until(page, lambda s: s["tag"] == "BUTTON", limit=1)):
        assert state["visible"] and state["outline"] == "solid" and state["outlineWidth"] >= 2, state
        assert "rgb(255, 191, 71)" in state["shadow"], state  # the yellow ring around the dark outline
    assert _focused(page)["text"] == "Jobcenter suchen"
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("04103")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/mein-jobcenter\?plz=04103$"))
    assert page.get_by_role("heading", name="Ihr Jobcenter: Jobcenter Leipzig").is_visible()


def test_lookup_field_is_labelled_and_errors_are_announced(portal: UvicornThread, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{portal.url}/mein-jobcenter")
    field = page.get_by_label(LABEL)
    expect(field).to_have_accessible_description(re.compile("5 Ziffern, zum Beispiel 10115"))
    field.fill("1O115")
    field.press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("ist keine Postleitzahl. Bitte geben Sie genau 5 Ziffern ein")
    field = page.get_by_label(LABEL)
    expect(field).to_have_value("1O115")  # the input is kept to be corrected
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("ist keine Postleitzahl"))

    field.fill("99999")
    field.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Für die Postleitzahl 99999 haben wir kein Jobcenter gefunden")
    expect(page.get_by_label(LABEL)).not_to_have_attribute("aria-invalid", "true")


STAFF_LIKE_PAGE = """{% extends "layout.html.j2" %}
{% block title %}Posteingang{% endblock %}
{% block content %}
<h1>Posteingang</h1>
<p class="notice">3 neue Eingänge.</p>
<p class="error" role="alert">Bitte einen Grund angeben.</p>
<form method="post" action="#">
  <label for="reason">Grund</label>
  <input type="text" id="reason" name="reason">
  <button type="submit">Speichern</button>
</form>
<table>
  <caption>Eingänge</caption>
  <thead><tr><th scope="col">Eingangsnummer</th><th scope="col">Dienst</th></tr></thead>
  <tbody><tr><th scope="row"><a href="#">WBA-20261126-7KQ2M9XH</a></th><td>wba</td></tr></tbody>
</table>
{% endblock %}"""


def test_layout_in_every_demo_jobcenters_identity_passes_axe(db: Database, chromium: Any, page: Any) -> None:
    """Each jobcenter's colours, as a raw row (what staff pages pass) and as a Brand view, and a hand-set
    inaccessible colour, which the layout must replace by the accessible default."""
    template = templates().from_string(STAFF_LIKE_PAGE)
    found: dict[str, list[str]] = {}
    with db.session() as session:
        rows = list(session.scalars(select(Jobcenter).order_by(Jobcenter.id)))
        assert len(rows) == 4
        renderings = [(f"{row.id} (row)", template.render(brand=row)) for row in rows]
        renderings += [(f"{row.id} (brand)", template.render(brand=brand_of(row))) for row in rows]
        rows[0].colour_primary = "#ffee00"
        renderings.append(("light yellow primary", template.render(brand=rows[0])))
        session.rollback()
    for name, html in renderings:
        page.set_content(html)
        assert page.get_by_role("banner").inner_text().strip().startswith("Jobcenter ")
        problems = axe_violations(page) + heading_problems(page)
        if problems:
            found[name] = problems
    assert found == {}
