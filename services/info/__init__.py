"""Public information without login: topic pages in plain German and "my jobcenter" by postal code."""

from services.info.lookup import InvalidPostalCode, jobcenter_for_postal_code, parse_postal_code
from services.info.model import Section, Table, Topic
from services.info.offer import OfferedService, OnlineOffer, PlannedService, online_offers
from services.info.topics import CONTENT_AS_OF, TOPICS, topic_by_slug

__all__ = [
    "CONTENT_AS_OF",
    "TOPICS",
    "InvalidPostalCode",
    "OfferedService",
    "OnlineOffer",
    "PlannedService",
    "Section",
    "Table",
    "Topic",
    "jobcenter_for_postal_code",
    "online_offers",
    "parse_postal_code",
    "topic_by_slug",
]
