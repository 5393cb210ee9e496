"""Receipt numbers (Eingangsnummern): short, unambiguous to read out on the phone, unguessable."""

from __future__ import annotations

import secrets
from datetime import datetime

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def new_receipt_number(service: str, at: datetime) -> str:
    suffix = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{service.upper()}-{at:%Y%m%d}-{suffix}"
