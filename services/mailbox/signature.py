"""Every message a jobcenter sends ends with its own name and how to reach it (principle 7).

Staff write only what they have to say; the closing with address, phone, e-mail, website and opening hours
comes from the jobcenter's identity, so it is the same and current in every message.
"""

from __future__ import annotations

from connectors.sdk.documents import jobcenter_signature
from services.pipeline.job import jobcenter_summary
from services.store.models import Jobcenter

THREAD_REFERENCE = "des Betreffs dieser Nachricht"


def signed(jobcenter: Jobcenter, text: str, *, reference: str = THREAD_REFERENCE) -> str:
    return f"{text.rstrip()}\n\n{jobcenter_signature(jobcenter_summary(jobcenter), reference=reference)}"
