"""The connector SDK: what a product team implements to bring an OZG service onto ozgflow.

Connectors import only from this package; the platform imports connectors only through the
registry (entry point group ``ozgflow.connectors``).
"""

from connectors.sdk.contract import (
    SDK_VERSION,
    Connector,
    CustomerSummary,
    DocumentSection,
    FieldProblem,
    InboundContext,
    JobcenterSummary,
    Maturity,
    ReceiptText,
    ServiceForm,
    SubmissionContext,
)
from connectors.sdk.inbound import InboundNoticeContext, InboundSpec
from connectors.sdk.messages import problems_from_validation_error
from connectors.sdk.registry import ConnectorLoadError, ConnectorRegistry
from connectors.sdk.trust import TrustLevel

__all__ = [
    "SDK_VERSION",
    "Connector",
    "ConnectorLoadError",
    "ConnectorRegistry",
    "CustomerSummary",
    "DocumentSection",
    "FieldProblem",
    "InboundContext",
    "InboundNoticeContext",
    "InboundSpec",
    "JobcenterSummary",
    "Maturity",
    "ReceiptText",
    "ServiceForm",
    "SubmissionContext",
    "TrustLevel",
    "problems_from_validation_error",
]
