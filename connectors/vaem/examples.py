"""Realistic sample VÄMs (tests, docs, demo, load tests).

Dates are computed relative to ``today`` when called, so every example passes the checks on any
day (changes at most three months ahead, birth dates in the past).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

_DECLARED = {"truthful_information": True}


def named_examples(today: date | None = None) -> dict[str, dict[str, Any]]:
    """Examples by a short name, so tests can report which one broke."""
    day = today or date.today()

    def shifted(days: int) -> str:
        return (day + timedelta(days=days)).isoformat()

    moved = {
        "changes": [
            {
                "type": "address",
                "effective_date": shifted(-12),
                "new_address": {"street": "Lindenallee 17", "postal_code": "04109", "city": "Leipzig"},
                "basic_rent": "412.50",
                "service_charges": "118.00",
                "heating_costs": "76.00",
                "heating_type": "district",
            }
        ],
        "evidence": [
            {"kind": "rent_contract", "description": "Mietvertrag Lindenallee 17", "delivery": "upload"},
            {"kind": "registration_certificate", "delivery": "post"},
        ],
        "declarations": dict(_DECLARED),
    }

    new_job = {
        "changes": [
            {
                "type": "income",
                "event": "new_job",
                "effective_date": shifted(14),
                "person": "Lena Schmidt",
                "income_kind": "employment",
                "employer": "Pflegedienst Sonnenschein gGmbH",
                "gross_monthly": "1850.00",
                "net_monthly": "1391.27",
            }
        ],
        "evidence": [{"kind": "employment_contract", "delivery": "upload"}],
        "remarks": "Der erste Lohn wird am Monatsende nach Arbeitsbeginn gezahlt.",
        "declarations": dict(_DECLARED),
    }

    several_changes = {
        "changes": [
            {
                "type": "household",
                "movement": "moved_out",
                "effective_date": shifted(-20),
                "given_name": "Jonas",
                "family_name": "Becker",
                "birth_date": "1988-07-12",
                "relationship": "partner",
            },
            {
                "type": "income",
                "event": "income_changed",
                "effective_date": shifted(-35),
                "person": "Lena Schmidt",
                "employer": "Bäckerei Krause GmbH",
                "gross_monthly": "780.00",
                "net_monthly": "640.15",
            },
            {
                "type": "bank_details",
                "effective_date": shifted(7),
                "iban": "DE23 5001 0517 5432 1098 76",
                "account_holder": "Lena Schmidt",
            },
            {
                "type": "other",
                "effective_date": shifted(-3),
                "description": "Meine Tochter besucht ab sofort eine Ganztagsschule mit Mittagessen.",
            },
        ],
        "evidence": [
            {"kind": "pay_slip", "description": "Lohnabrechnung letzter Monat", "delivery": "upload"},
            {"kind": "bank_confirmation", "delivery": "upload"},
        ],
        "declarations": dict(_DECLARED),
    }

    rent_increase = {
        "changes": [
            {
                "type": "housing_costs",
                "effective_date": shifted(40),
                "basic_rent": "455.00",
                "service_charges": "131.00",
                "heating_costs": "92.00",
                "reason": "Mieterhöhung nach Modernisierung",
            }
        ],
        "evidence": [{"kind": "other", "description": "Mieterhöhungsschreiben der Vermieterin", "delivery": "post"}],
        "declarations": dict(_DECLARED),
    }

    return {
        "moved_to_new_flat": moved,
        "new_job": new_job,
        "several_changes": several_changes,
        "rent_increase": rent_increase,
    }


def examples(today: date | None = None) -> list[dict[str, Any]]:
    return list(named_examples(today).values())
