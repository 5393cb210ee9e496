"""Hand-over to back-office systems (Fachverfahren) and HTTP simulators of them.

The simulator (``services.transfer.simulator``) is not imported here, so that workers importing the client do
not pull in FastAPI.
"""

from services.transfer.backoff import Backoff
from services.transfer.client import (
    CaseReceipt,
    HandoverError,
    HandoverRejected,
    HandoverUnavailable,
    SpecialistSystemClient,
)

__all__ = [
    "Backoff",
    "CaseReceipt",
    "HandoverError",
    "HandoverRejected",
    "HandoverUnavailable",
    "SpecialistSystemClient",
]
