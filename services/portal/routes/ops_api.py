"""Operators' JSON API (`/api/v1/ops/...`): the dashboard's data for scripts — overview, time series, SLO
status, failed submissions, lookup, retry and dependency health. Operator role only (bearer token or the ops
cookie); metadata only, like the pages.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from services.audit.log import AuditRecorder
from services.audit.purposes import Action, Purpose
from services.ops.failures import failed_submissions
from services.ops.health import check_dependencies
from services.ops.lookup import InvalidQuery, Timeline, build_timeline, find_submission
from services.ops.overview import OverviewRow, build_overview
from services.ops.retry import FAILURE_KINDS, RetryFilter, retry_matching, retry_submission
from services.ops.scope import WINDOW_HOURS, Scope
from services.ops.series import build_series
from services.ops.slo import build_slo_status
from services.pipeline.stages import STAGE_ORDER
from services.portal.audit import AuditDep
from services.portal.deps import ContextDep, CurrentOperator, PortalContext
from services.portal.errors import ApiError
from services.store.models import Jobcenter, utcnow

router = APIRouter(prefix="/api/v1/ops", tags=["operators"])


def _blank_to_none(value: str | None) -> str | None:
    """HTML selects send "" for "all"."""
    return value.strip() or None if value is not None else None


def validate_filters(
    ctx: PortalContext, *, service: str | None, jobcenter_id: str | None, stage: str | None = None
) -> None:
    """422 for a filter naming something that does not exist (a typo must not look like "nothing failed")."""
    known = ctx.registry.keys()
    if service is not None and service not in known:
        raise ApiError(422, "unknown_service", f"Den Dienst '{service}' gibt es nicht. Verfügbar: {', '.join(known)}.")
    if stage is not None and stage not in STAGE_ORDER:
        raise ApiError(422, "unknown_stage", f"Die Stufe '{stage}' gibt es nicht. Stufen: {', '.join(STAGE_ORDER)}.")
    if jobcenter_id is not None:
        with ctx.db.session() as session:
            if session.get(Jobcenter, jobcenter_id) is None:
                raise ApiError(422, "unknown_jobcenter", f"Das Jobcenter '{jobcenter_id}' gibt es nicht.")


def ops_scope(
    ctx: ContextDep,
    service: Annotated[str | None, Query(description="Nur dieser Dienst (leer: alle).")] = None,
    jobcenter: Annotated[str | None, Query(description="Nur dieses Jobcenter (leer: alle).")] = None,
    hours: Annotated[int, Query(description=f"Zeitfenster in Stunden: {', '.join(map(str, WINDOW_HOURS))}.")] = 24,
) -> Scope:
    service, jobcenter = _blank_to_none(service), _blank_to_none(jobcenter)
    if hours not in WINDOW_HOURS:
        raise ApiError(
            422, "invalid_window", f"Zeitfenster {hours} h gibt es nicht. Möglich: {', '.join(map(str, WINDOW_HOURS))}."
        )
    validate_filters(ctx, service=service, jobcenter_id=jobcenter)
    return Scope(service=service, jobcenter_id=jobcenter, hours=hours, now=utcnow())  # one instant for all queries


ScopeDep = Annotated[Scope, Depends(ops_scope)]


def lookup_timeline(ctx: PortalContext, query: str, audit: AuditRecorder | None = None) -> Timeline:
    """The timeline of a receipt number or submission id; 422 for malformed input, 404 when unknown.
    With ``audit``, the lookup is recorded (metadata of a customer's submission) in the same transaction;
    without it for lookups that only resolve a receipt number to a redirect or a retry."""
    with ctx.db.session() as session:
        try:
            submission = find_submission(session, query)
        except InvalidQuery:
            raise ApiError(
                422,
                "invalid_receipt_number",
                "Bitte eine Eingangsnummer (z. B. WBA-20250101-7K3M9Q2X) oder eine Einreichungs-ID angeben.",
            ) from None
        if submission is None:
            raise ApiError(404, "submission_not_found", f"Zu '{query.strip()}' gibt es keine Einreichung.")
        timeline = build_timeline(session, submission, prefect_ui_url=ctx.settings.resolved_prefect_ui_url)
        if audit is not None:
            audit.record(
                session,
                action=Action.READ,
                resource_type="submission_metadata",
                resource_id=submission.id,
                purpose=Purpose.OPERATIONS,
                customer_id=submission.customer_id,
                jobcenter_id=submission.jobcenter_id,
            )
        return timeline


def row_json(row: OverviewRow, scope: Scope) -> dict[str, Any]:
    return {**asdict(row), "in_progress": row.in_progress, "oldest_open_age_s": row.age_seconds(scope.until)}


@router.get("/overview", summary="Pipeline overview per service and jobcenter")
def overview(ctx: ContextDep, _operator: CurrentOperator, scope: ScopeDep) -> dict[str, Any]:
    with ctx.db.session() as session:
        result = build_overview(session, scope)
    return {
        "since": scope.since,
        "until": scope.until,
        "stages": list(result.stages),
        "rows": [row_json(r, scope) for r in result.rows],
        "totals": row_json(result.totals, scope),
        "expired_leases": result.expired_leases,
    }


@router.get("/series", summary="Accepted/completed and completion latency per time bucket")
def series(ctx: ContextDep, _operator: CurrentOperator, scope: ScopeDep) -> dict[str, Any]:
    with ctx.db.session() as session:
        result = build_series(session, scope)
    return {
        "since": scope.since,
        "bucket_seconds": result.bucket_seconds,
        "buckets": [asdict(b) for b in result.buckets],
    }


@router.get("/slo", summary="SLO status per service over the window")
def slo(ctx: ContextDep, _operator: CurrentOperator, scope: ScopeDep) -> dict[str, Any]:
    with ctx.db.session() as session:
        statuses = build_slo_status(session, scope, roadmap=ctx.roadmap, services=ctx.registry.keys())
    return {"since": scope.since, "services": [{**asdict(s), "state": s.state} for s in statuses]}


@router.get("/failed", summary="Failed (dead-lettered) submissions, newest first")
def failed(ctx: ContextDep, _operator: CurrentOperator, scope: ScopeDep) -> dict[str, Any]:
    with ctx.db.session() as session:
        result = failed_submissions(session, scope)
    return {"total": result.total, "items": [asdict(i) for i in result.items]}


@router.get("/submissions/{query}", summary="Timeline of one submission by receipt number or id")
def lookup(query: str, ctx: ContextDep, _operator: CurrentOperator, audit: AuditDep) -> dict[str, Any]:
    timeline = lookup_timeline(ctx, query, audit)
    return {**asdict(timeline), "retryable": timeline.retryable}


@router.post("/submissions/{query}/retry", summary="Retry one failed submission")
def retry_one(query: str, ctx: ContextDep, operator: CurrentOperator) -> dict[str, Any]:
    timeline = lookup_timeline(ctx, query)
    with ctx.db.session() as session:
        retried = retry_submission(session, submission_id=timeline.submission_id, actor=operator.subject)
    if not retried:
        raise ApiError(
            409,
            "not_retryable",
            f"{timeline.receipt_number} ist nicht fehlgeschlagen (Status: {timeline.status}); "
            "nur fehlgeschlagene Einreichungen lassen sich erneut versuchen.",
        )
    return {"retried": 1, "receipt_numbers": [timeline.receipt_number], "remaining": 0}


class RetryRequest(BaseModel):
    """Which failed submissions to retry; omitted fields do not filter."""

    service: str | None = None
    jobcenter_id: str | None = None
    stage: str | None = Field(default=None, description=f"The stage that failed: {', '.join(STAGE_ORDER)}.")
    kind: str = Field(default="any", description=f"{', '.join(FAILURE_KINDS)}.")


def retry_filter(ctx: PortalContext, request: RetryRequest) -> RetryFilter:
    service, jobcenter_id, stage = (_blank_to_none(v) for v in (request.service, request.jobcenter_id, request.stage))
    if request.kind not in FAILURE_KINDS:
        raise ApiError(422, "invalid_kind", f"Art '{request.kind}' gibt es nicht. Möglich: {', '.join(FAILURE_KINDS)}.")
    validate_filters(ctx, service=service, jobcenter_id=jobcenter_id, stage=stage)
    return RetryFilter(service=service, jobcenter_id=jobcenter_id, stage=stage, kind=request.kind)  # type: ignore[arg-type]


@router.post("/retry", summary="Retry failed submissions in bulk (one transaction)")
def retry_bulk(body: RetryRequest, ctx: ContextDep, operator: CurrentOperator) -> dict[str, Any]:
    selection = retry_filter(ctx, body)
    with ctx.db.session() as session:
        outcome = retry_matching(session, selection, actor=operator.subject, max_attempts=ctx.settings.max_attempts)
    return {"retried": outcome.retried, "receipt_numbers": outcome.receipt_numbers, "remaining": outcome.remaining}


@router.get("/health", summary="Reachability of every dependency (checked concurrently, short timeouts)")
async def health(ctx: ContextDep, _operator: CurrentOperator) -> dict[str, Any]:
    checks = await check_dependencies(settings=ctx.settings, db=ctx.db, efile=ctx.efile)
    return {"status": "up" if all(c.up for c in checks) else "degraded", "checks": [asdict(c) for c in checks]}


def jobcenter_choices(ctx: PortalContext) -> list[tuple[str, str]]:
    with ctx.db.session() as session:
        return [
            (jid, name) for jid, name in session.execute(select(Jobcenter.id, Jobcenter.name).order_by(Jobcenter.name))
        ]
