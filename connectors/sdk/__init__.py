"""The connector SDK: what a product team implements to bring an OZG service onto ozgflow.

Connectors import only from this package; the platform imports connectors only through the
registry (entry point group ``ozgflow.connectors``).
"""

from connectors.sdk.contract import (
    Connector,
    CustomerSummary,
    DocumentSection,
    FieldProblem,
    JobcenterSummary,
    Maturity,
    ReceiptText,
    ServiceForm,
    SubmissionContext,
)
from connectors.sdk.messages import problems_from_validation_error
from connectors.sdk.registry import ConnectorLoadError, ConnectorRegistry

__all__ = [
    "Connector",
    "ConnectorLoadError",
    "ConnectorRegistry",
    "CustomerSummary",
    "DocumentSection",
    "FieldProblem",
    "JobcenterSummary",
    "Maturity",
    "ReceiptText",
    "ServiceForm",
    "SubmissionContext",
    "problems_from_validation_error",
]
