"""The public pages and the jobcenters' JSON API over HTTP (no login), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from roadmap.model import load_roadmap
from services.info import TOPICS
from services.rollout import promote
from services.store.db import Database
from services.store.models import Jobcenter

Headers = Callable[[str], dict[str, str]]


def test_landing_page_links_topics_lookup_and_catalogue(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for topic in TOPICS:
        assert f'href="/info/{topic.slug}"' in page.text
    assert 'action="/mein-jobcenter"' in page.text and 'href="/api/v1/services"' in page.text
    assert 'href="/api/v1/services/wba"' in page.text
    assert page.text.index("/api/v1/services/wba") < page.text.index("/api/v1/services/vaem")  # roadmap order


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_every_topic_page_renders_its_sections_and_services(client: TestClient, topic) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/info/{topic.slug}")
    assert page.status_code == 200
    assert f"<h1>{topic.title}</h1>" in page.text
    for section in topic.sections:
        assert section.heading in page.text
    for key in topic.services:
        assert f'href="/api/v1/services/{key}"' in page.text
    assert 'aria-current="page"' in page.text


def test_an_unknown_topic_is_a_helpful_404_page(client: TestClient) -> None:
    page = client.get("/info/<img src=x onerror=alert(1)>")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "<img src=x" not in page.text and "&lt;img src=x" in page.text
    assert 'href="/info/geld"' in page.text


def test_lookup_page_shows_the_jobcenter_in_its_own_identity(client: TestClient) -> None:
    page = client.get("/mein-jobcenter", params={"plz": "04103"})
    assert page.status_code == 200
    text = page.text
    assert "Ihr Jobcenter: Jobcenter Leipzig" in text
    for fact in (
        "Georg-Schumann-Straße 150",
        "04159 Leipzig",
        "0341 5555 2000",
        "jobcenter-leipzig@demo.ozgflow.invalid",
        "https://jobcenter-leipzig.demo.ozgflow.invalid",
        "Mo, Di, Fr",
        "08:00–12:30",
        "nur mit Termin",
    ):
        assert fact in text, fact
    assert "--primary: #00557f;" in text  # the page wears Leipzig's colours
    assert 'data-service="wba" data-state="live"' in text
    assert 'id="not-yet-online"' in text and '<li data-service="placement">' in text  # off in Leipzig
    assert "innerhalb von\n    3 Arbeitstagen" in text or "innerhalb von 3 Arbeitstagen" in " ".join(text.split())


def test_lookup_page_names_pilot_services_and_a_pilot_mailbox(client: TestClient) -> None:
    berlin = client.get("/mein-jobcenter?plz=10115").text
    assert 'data-service="placement" data-state="pilot"' in berlin and "(im Pilotbetrieb)" in berlin
    dortmund = client.get("/mein-jobcenter?plz=44147").text
    assert 'id="mailbox-state" data-state="pilot"' in dortmund


@pytest.mark.parametrize("plz", ["abc", "1234", "123456", ""])
def test_lookup_page_says_what_to_fix(client: TestClient, plz: str) -> None:
    page = client.get("/mein-jobcenter", params={"plz": plz})
    assert page.status_code == 422
    assert 'role="alert"' in page.text and "5 Ziffern" in page.text
    assert 'aria-invalid="true"' in page.text and 'aria-describedby="plz-hint plz-error"' in page.text
    assert 'id="lookup-result"' not in page.text


def test_lookup_page_for_an_unknown_postal_code(client: TestClient) -> None:
    page = client.get("/mein-jobcenter?plz=99999")
    assert page.status_code == 404
    assert "Für die Postleitzahl 99999 haben wir kein Jobcenter gefunden" in page.text
    assert "Jobcenter Bremen, Bremen" in page.text  # which jobcenters are connected


def test_api_lists_every_jobcenter_with_its_public_identity(client: TestClient) -> None:
    response = client.get("/api/v1/jobcenters")
    assert response.status_code == 200
    body = response.json()
    assert sorted(jc["id"] for jc in body) == ["jc-berlin-mitte", "jc-bremen", "jc-dortmund", "jc-leipzig"]
    berlin = next(jc for jc in body if jc["id"] == "jc-berlin-mitte")
    assert berlin["address"] == {"street": "Seydelstraße 2–5", "postal_code": "10117", "city": "Berlin"}
    assert berlin["colours"] == {"primary": "#7a1e2c", "accent": "#d4a017"}
    assert berlin["opening_hours"][0] == {"days": "Mo, Di, Fr", "hours": "08:00–12:30"}
    assert berlin["mailbox"] == {"state": "live", "response_days": 5}
    assert "10115" in berlin["postal_codes"] and berlin["page_url"] == "/mein-jobcenter?plz=10115"
    placement = next(s for s in berlin["online_services"] if s["key"] == "placement")
    assert placement == {
        "key": "placement",
        "title": "Rückmeldung zum Vermittlungsvorschlag",
        "state": "pilot",
        "attachment": False,
        "detail_url": "/api/v1/services/placement",
    }
    assert client.get(placement["detail_url"]).status_code == 200
    staff_words = ("staff", "team", "routing", "customer")
    assert not any(word in key for jc in body for key in jc for word in staff_words)


def test_api_finds_the_jobcenter_by_postal_code(client: TestClient) -> None:
    response = client.get("/api/v1/jobcenters", params={"postal_code": "28199"})
    assert response.status_code == 200
    assert [jc["id"] for jc in response.json()] == ["jc-bremen"]


@pytest.mark.parametrize(
    ("postal_code", "code"),
    [("1234", "invalid_postal_code"), ("12a45", "invalid_postal_code"), ("", "missing_postal_code")],
)
def test_api_refuses_malformed_postal_codes(client: TestClient, postal_code: str, code: str) -> None:
    response = client.get("/api/v1/jobcenters", params={"postal_code": postal_code})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code and "5 Ziffern" in error["message"]
    assert error["fields"] == [{"field": "postal_code", "code": code, "message": error["message"]}]


def test_api_unknown_postal_code_and_jobcenter_are_404(client: TestClient) -> None:
    unknown = client.get("/api/v1/jobcenters?postal_code=99999")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_postal_code"
    missing = client.get("/api/v1/jobcenters/jc-hamburg")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_jobcenter"


def test_api_detail_and_page_agree_with_the_filing_gate(
    client: TestClient, db: Database, registry: ConnectorRegistry, token_for: Headers
) -> None:
    """What the public says a jobcenter offers is what a filing there gets: one rollout state for both."""
    with db.session() as session:
        promote(
            session,
            roadmap=load_roadmap(),
            registry=registry,
            service="vaem",
            jobcenter_id="jc-bremen",
            to_state="off",
            changed_by="test",
        )
    detail = client.get("/api/v1/jobcenters/jc-bremen").json()
    assert "vaem" not in {s["key"] for s in detail["online_services"]} and "vaem" in detail["not_yet_online"]
    assert '<li data-service="vaem">' in client.get("/mein-jobcenter?plz=28195").text
    form = registry.get("vaem").examples()[0]
    refused = client.post("/api/v1/submissions/vaem", json=form, headers=token_for("kd-4001"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "service_not_available"
    offered = client.post(
        "/api/v1/submissions/wba", json=registry.get("wba").examples()[0], headers=token_for("kd-4001")
    )
    assert offered.status_code == 202 and "wba" in {s["key"] for s in detail["online_services"]}


def test_an_inaccessible_configured_colour_is_not_published(client: TestClient, db: Database) -> None:
    with db.session() as session:
        jobcenter = session.get(Jobcenter, "jc-dortmund")
        assert jobcenter is not None
        jobcenter.colour_primary = "#ffee00"  # e.g. set by hand in the database
    assert client.get("/api/v1/jobcenters/jc-dortmund").json()["colours"]["primary"] == "#1d4f91"
    assert "--primary: #1d4f91;" in client.get("/mein-jobcenter?plz=44147").text
