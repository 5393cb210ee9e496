"""'My jobcenter' by postal code: which jobcenter serves a place of residence (Zuständigkeit).

The same table routing uses (``jobcenter_areas``), so what the public page says is where a submission goes.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from connectors.sdk.fields import POSTAL_CODE
from services.store.models import Jobcenter, JobcenterArea

EXAMPLE = "10115"


class InvalidPostalCode(ValueError):
    """Input that is not a German postal code; ``code`` for clients, ``message`` (German) says what to fix."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _shown(raw: str) -> str:
    """The input as echoed in a message: short, so a pasted essay does not fill the page."""
    return raw if len(raw) <= 20 else raw[:20] + "…"


def parse_postal_code(raw: str | None) -> str:
    """The postal code without surrounding spaces; ``InvalidPostalCode`` when it is missing or malformed."""
    value = (raw or "").strip()
    if not value:
        raise InvalidPostalCode(
            "missing_postal_code",
            f"Bitte geben Sie die Postleitzahl Ihres Wohnorts ein: genau 5 Ziffern, zum Beispiel {EXAMPLE}.",
        )
    if not POSTAL_CODE.fullmatch(value):
        raise InvalidPostalCode(
            "invalid_postal_code",
            f"„{_shown(value)}“ ist keine Postleitzahl. Bitte geben Sie genau 5 Ziffern ein, zum Beispiel {EXAMPLE}.",
        )
    return value


def jobcenter_for_postal_code(session: Session, postal_code: str) -> Jobcenter | None:
    """Two primary-key reads; None when no jobcenter on this platform serves the postal code."""
    area = session.get(JobcenterArea, postal_code)
    return None if area is None else session.get(Jobcenter, area.jobcenter_id)


def not_found_message(postal_code: str) -> str:
    return (
        f"Für die Postleitzahl {postal_code} haben wir kein Jobcenter gefunden. Bitte prüfen Sie die Postleitzahl. "
        "Stimmt sie, ist Ihr Jobcenter noch nicht an dieses Portal angeschlossen: Ihre Stadt- oder "
        "Gemeindeverwaltung sagt Ihnen, welches Jobcenter für Sie zuständig ist."
    )
