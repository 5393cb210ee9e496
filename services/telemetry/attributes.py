"""The attribute names ozgflow puts on spans and metrics: ids, receipt numbers, services, jobcenters, stages.

Why one list: principle 9 says no personal data leaves our database through the orchestration or observability
layer. Every attribute we set is named here, and none of them can hold a name, an address, a BG number or form
content, so a review of this file is a review of what telemetry can carry.
"""

from __future__ import annotations

from opentelemetry.util.types import AttributeValue

# Span attributes (namespaced, next to the OpenTelemetry semantic conventions' own http.* and url.* names).
RECEIPT_NUMBER = "ozgflow.receipt_number"
SUBMISSION_ID = "ozgflow.submission_id"
SERVICE = "ozgflow.service"
JOBCENTER = "ozgflow.jobcenter"
STAGE = "ozgflow.stage"
ATTEMPT = "ozgflow.attempt"
OUTCOME = "ozgflow.outcome"
WORKER_ID = "ozgflow.worker_id"
SYSTEM = "ozgflow.specialist_system"
TRY = "ozgflow.try"
FAULT = "ozgflow.simulator.fault"
FLOW_RUN_ID = "prefect.flow_run_id"
TASK_RUN_ID = "prefect.task_run_id"

# Metric attributes: short names, as dashboards and PromQL use them (service="wba", jobcenter="jc-berlin-mitte").
METRIC_SERVICE = "service"
METRIC_JOBCENTER = "jobcenter"
METRIC_STAGE = "stage"
METRIC_OUTCOME = "outcome"


def submission_attributes(
    *, receipt_number: str, service: str, jobcenter: str | None, attempt: int | None = None
) -> dict[str, AttributeValue]:
    """What a span may say about a submission: its receipt number, service, jobcenter and attempt."""
    attributes: dict[str, AttributeValue] = {RECEIPT_NUMBER: receipt_number, SERVICE: service}
    if jobcenter:
        attributes[JOBCENTER] = jobcenter
    if attempt is not None:
        attributes[ATTEMPT] = attempt
    return attributes


def metric_attributes(service: str, jobcenter: str | None = None, **extra: str) -> dict[str, AttributeValue]:
    """Metric attributes: service and (when known) jobcenter, plus stage/outcome where the metric has them."""
    attributes: dict[str, AttributeValue] = {METRIC_SERVICE: service}
    if jobcenter:
        attributes[METRIC_JOBCENTER] = jobcenter
    attributes.update(extra)
    return attributes
