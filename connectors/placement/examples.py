"""Realistic sample answers (tests, docs, demo, load tests), one per outcome.

Dates are relative to ``today`` so the examples pass the checks on any day. The offer number is the demo
one; filing needs an open offer with that number in the customer's Postfach.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

DEMO_OFFER_ID = "VV-20261120-4F2A9C"


def named_examples(today: date | None = None) -> dict[str, dict[str, Any]]:
    day = today or date.today()

    def ago(days: int) -> str:
        return (day - timedelta(days=days)).isoformat()

    def ahead(days: int) -> str:
        return (day + timedelta(days=days)).isoformat()

    return {
        "applied": {"offer_id": DEMO_OFFER_ID, "outcome": "applied", "applied_on": ago(2)},
        "invited": {
            "offer_id": DEMO_OFFER_ID,
            "outcome": "invited_to_interview",
            "applied_on": ago(5),
            "interview_on": ahead(4),
            "remarks": "Das Gespräch findet um 10 Uhr in der Filiale statt.",
        },
        "hired": {
            "offer_id": DEMO_OFFER_ID,
            "outcome": "hired",
            "applied_on": ago(20),
            "interview_on": ago(10),
            "start_date": ahead(14),
        },
        "not_applied_childcare": {
            "offer_id": DEMO_OFFER_ID,
            "outcome": "not_applied",
            "reason": "care",
            "reason_details": "Die Kita meiner Tochter schließt um 15 Uhr, die Stelle verlangt Spätschichten.",
        },
    }


def examples(today: date | None = None) -> list[dict[str, Any]]:
    return list(named_examples(today).values())
