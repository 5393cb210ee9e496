"""The public topic pages, in the order the start page lists them."""

from __future__ import annotations

from services.info.model import Topic
from services.info.topics import arbeit, familie, geld, gesundheit, wohnen

TOPICS: tuple[Topic, ...] = (wohnen.TOPIC, familie.TOPIC, gesundheit.TOPIC, arbeit.TOPIC, geld.TOPIC)

CONTENT_AS_OF = "2025"
"""The legal state the texts describe; review them when SGB II or the standard rates change (yearly)."""


def topic_by_slug(slug: str) -> Topic | None:
    return next((topic for topic in TOPICS if topic.slug == slug), None)


__all__ = ["CONTENT_AS_OF", "TOPICS", "topic_by_slug"]
