"""The content of the public topic pages: complete, linked to real services, and written plainly."""

from __future__ import annotations

import re

import pytest

from connectors.sdk.registry import ConnectorRegistry
from services.info import TOPICS, topic_by_slug
from services.info.model import Topic

REQUIRED = ("wohnen", "familie", "gesundheit", "arbeit-und-ausbildung", "geld")


def _sentences(topic: Topic) -> list[str]:
    texts = [topic.summary]
    for section in topic.sections:
        texts += [*section.paragraphs, *section.points]
    return [s for text in texts for s in re.split(r"(?<=[.?!:])\s+", text) if s]


def test_the_five_topics_exist_in_order() -> None:
    assert tuple(topic.slug for topic in TOPICS) == REQUIRED
    assert topic_by_slug("geld") is TOPICS[-1] and topic_by_slug("steuern") is None


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_every_topic_is_complete(topic: Topic) -> None:
    assert topic.title and topic.summary and topic.legal_basis
    assert len(topic.sections) >= 3
    headings = [section.heading for section in topic.sections]
    assert len(set(headings)) == len(headings), "section headings become anchors and must differ"
    for section in topic.sections:
        assert section.paragraphs or section.points or section.table, section.heading
        if section.table:
            assert section.table.caption and all(len(row) == len(section.table.columns) for row in section.table.rows)
    assert all("SGB" in law or "SGG" in law for law in topic.legal_basis)


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_every_linked_service_is_installed(topic: Topic, registry: ConnectorRegistry) -> None:
    assert topic.services, "each topic points to at least one online service"
    assert [key for key in topic.services if key not in registry] == []


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.slug)
def test_plain_language_short_sentences_and_polite_address(topic: Topic) -> None:
    """Leichte/einfache Sprache rules of thumb: short sentences, speak to the reader as "Sie"."""
    sentences = _sentences(topic)
    too_long = [s for s in sentences if len(s.split()) > 30]
    assert too_long == []
    average = sum(len(s.split()) for s in sentences) / len(sentences)
    assert average <= 16, average
    text = " ".join(sentences)
    assert re.search(r"\b(Sie|Ihr|Ihre|Ihren|Ihrem)\b", text)
    assert "Leistungsberechtigte" not in text and "Bedarfsgemeinschaftsmitglied" not in text


def test_money_facts_match_sgb_ii() -> None:
    """The figures customers act on (standard rates 2024/2025, earnings allowances since 07/2023, assets)."""
    geld = topic_by_slug("geld")
    assert geld is not None
    rates = next(s.table for s in geld.sections if s.table is not None)
    assert dict(rates.rows) == {
        "Alleinstehende und Alleinerziehende": "563 Euro",
        "Partnerinnen und Partner, je Person": "506 Euro",
        "Erwachsene unter 25 Jahren im Haushalt der Eltern": "451 Euro",
        "Jugendliche von 14 bis 17 Jahren": "471 Euro",
        "Kinder von 6 bis 13 Jahren": "390 Euro",
        "Kinder bis 5 Jahre": "357 Euro",
    }
    text = " ".join(_sentences(geld))
    assert "40.000 Euro" in text and "15.000 Euro" in text
    arbeit = topic_by_slug("arbeit-und-ausbildung")
    assert arbeit is not None
    allowances = next(s.table for s in arbeit.sections if s.table is not None)
    assert [row[1] for row in allowances.rows] == ["alles", "20 Prozent", "30 Prozent", "10 Prozent"]
    # the worked example: 100 € + 20 % of (520 − 100) €
    assert "520 Euro brutto" in " ".join(_sentences(arbeit)) and 100 + (520 - 100) * 0.2 == 184
    assert "184 Euro" in " ".join(_sentences(arbeit))
