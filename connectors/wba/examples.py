"""Realistic sample WBAs (tests, docs, demo, load tests).

Dates are computed relative to ``today`` when called, so every example passes the checks on any
day (the checks refuse dates more than three months ahead and birth dates in the future).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from connectors.sdk.fields import add_months

_DECLARED = {
    "truthful_information": True,
    "duty_to_report_changes": True,
    "data_processing_acknowledged": True,
}


def _unchanged() -> dict[str, Any]:
    return {
        "household": {"changed": False},
        "income": {"changed": False},
        "housing": {"changed": False},
        "assets": {"exceeds_protected_amount": False},
        "bank_details": {"changed": False},
        "health_insurance": {"changed": False},
        "declarations": dict(_DECLARED),
    }


def named_examples(today: date | None = None) -> dict[str, dict[str, Any]]:
    """Examples by a short name, so tests can report which one broke."""
    day = today or date.today()

    def ago(days: int) -> str:
        return (day - timedelta(days=days)).isoformat()

    nothing_changed = _unchanged()

    new_job_and_rent = _unchanged() | {
        "income": {
            "changed": True,
            "entries": [
                {
                    "person": "Lena Schmidt",
                    "kind": "employment",
                    "description": "Teilzeit, Bäckerei Krause GmbH",
                    "gross_monthly": "1200.00",
                    "net_monthly": "948.37",
                    "since": ago(45),
                }
            ],
        },
        "housing": {
            "changed": True,
            "basic_rent": "520.00",
            "service_charges": "140.00",
            "heating_costs": "85.00",
            "heating_type": "central",
            "valid_from": add_months(day.replace(day=1), 1).isoformat(),
        },
    }

    baby_born = day - timedelta(days=30)
    partner_and_baby = _unchanged() | {
        "household": {
            "changed": True,
            "moved_in": [
                {
                    "given_name": "Jonas",
                    "family_name": "Becker",
                    "birth_date": "1988-07-12",
                    "relationship": "partner",
                    "moved_on": ago(60),
                },
                {
                    "given_name": "Mia",
                    "family_name": "Becker",
                    "birth_date": baby_born.isoformat(),
                    "relationship": "child",
                    "moved_on": baby_born.isoformat(),
                },
            ],
        },
        "income": {
            "changed": True,
            "entries": [
                {
                    "person": "Jonas Becker",
                    "kind": "employment",
                    "description": "Lagerlogistik, Spedition Nord GmbH",
                    "gross_monthly": "2100.00",
                    "net_monthly": "1581.40",
                    "since": ago(60),
                },
                {
                    "person": "Mia Becker",
                    "kind": "child_benefit",
                    "gross_monthly": "255.00",
                    "net_monthly": "255.00",
                    "since": baby_born.isoformat(),
                },
            ],
        },
        "bank_details": {
            "changed": True,
            "iban": "DE46 1005 0000 1234 5678 90",
            "account_holder": "Lena Schmidt",
        },
        "health_insurance": {"changed": True, "insurer": "AOK Nordost", "insurance_type": "statutory"},
    }

    son_moved_out_with_savings = _unchanged() | {
        "household": {
            "changed": True,
            "moved_out": [
                {
                    "given_name": "Leon",
                    "family_name": "Schmidt",
                    "birth_date": "2003-05-02",
                    "relationship": "child",
                    "moved_on": ago(10),
                }
            ],
        },
        "income": {
            "changed": True,
            "entries": [
                {
                    "person": "Leon Schmidt",
                    "kind": "employment",
                    "description": "Minijob, Getränkemarkt Hoffmann",
                    "gross_monthly": "556.00",
                    "net_monthly": "556.00",
                    "since": ago(400),
                    "until": ago(10),
                }
            ],
        },
        "assets": {
            "exceeds_protected_amount": True,
            "description": "Bausparvertrag und Lebensversicherung (Rückkaufswert)",
            "total_value": "48500.00",
        },
    }

    return {
        "nothing_changed": nothing_changed,
        "new_job_and_rent_increase": new_job_and_rent,
        "partner_and_baby_moved_in": partner_and_baby,
        "son_moved_out_with_savings": son_moved_out_with_savings,
    }


def examples(today: date | None = None) -> list[dict[str, Any]]:
    return list(named_examples(today).values())
