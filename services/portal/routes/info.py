"""Public information without login: start page, topic pages, "my jobcenter" by postal code, and the
jobcenters' public identity as JSON.

Pages are HTML in plain German; bad input gets the page back with a status that says what happened
(422 for a malformed postal code, 404 for one no jobcenter serves) and a message that says what to do.
The JSON API answers the same questions with the usual error shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.sdk import FieldProblem
from connectors.sdk.registry import ConnectorRegistry
from services.info import (
    CONTENT_AS_OF,
    TOPICS,
    InvalidPostalCode,
    OnlineOffer,
    jobcenter_for_postal_code,
    online_offers,
    parse_postal_code,
    topic_by_slug,
)
from services.info.lookup import not_found_message
from services.portal.branding import Brand, brand_of
from services.portal.deps import ContextDep, PortalContext, RegistryDep, SessionDep
from services.portal.errors import ApiError
from services.portal.rollout import unlisted_state
from services.portal.templates_env import templates
from services.store.models import Jobcenter, JobcenterArea

router = APIRouter(tags=["information"])


# -- pages -------------------------------------------------------------------------------------


def _page(template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = templates().get_template(template).render(topics=TOPICS, **context)
    return HTMLResponse(html, status_code=status_code)


def _titles(registry: ConnectorRegistry) -> dict[str, str]:
    return {c.key: c.title for c in registry}


def _offer(ctx: PortalContext, session: Session, registry: ConnectorRegistry, jobcenter: Jobcenter) -> OnlineOffer:
    return online_offers(
        session, roadmap=ctx.roadmap, registry=registry, jobcenters=[jobcenter], unlisted=unlisted_state(ctx)
    )[jobcenter.id]


@router.get("/", response_class=HTMLResponse, name="landing")
def landing(ctx: ContextDep, registry: RegistryDep) -> HTMLResponse:
    order = {key: i for i, key in enumerate(ctx.roadmap.services)}  # the roadmap's order: WBA first
    services = sorted((c for c in registry if not c.attachable_to), key=lambda c: order.get(c.key, len(order)))
    return _page(
        "info_landing.html.j2",
        active="start",
        services=services,
        attachment_count=sum(1 for c in registry if c.attachable_to),
        titles=_titles(registry),
    )


@router.get("/info/{slug}", response_class=HTMLResponse, name="info_topic")
def topic_page(slug: str, registry: RegistryDep) -> HTMLResponse:
    topic = topic_by_slug(slug)
    if topic is None:
        return _page("info_not_found.html.j2", status_code=404, slug=slug)
    return _page("info_topic.html.j2", active=topic.slug, topic=topic, titles=_titles(registry), as_of=CONTENT_AS_OF)


@router.get("/mein-jobcenter", response_class=HTMLResponse, name="my_jobcenter")
def my_jobcenter(ctx: ContextDep, session: SessionDep, registry: RegistryDep, plz: str | None = None) -> HTMLResponse:
    """Without ``plz`` the form; with it the responsible jobcenter in its own colours, or what to fix."""
    if plz is None:
        return _page("info_lookup.html.j2", active="lookup", plz="")
    try:
        postal_code = parse_postal_code(plz)
    except InvalidPostalCode as exc:
        return _page("info_lookup.html.j2", status_code=422, active="lookup", plz=plz.strip()[:20], error=exc.message)
    jobcenter = jobcenter_for_postal_code(session, postal_code)
    if jobcenter is None:
        known = [brand_of(jc) for jc in session.scalars(select(Jobcenter).order_by(Jobcenter.name))]
        return _page(
            "info_lookup.html.j2",
            status_code=404,
            active="lookup",
            plz=postal_code,
            not_found=not_found_message(postal_code),
            known=known,
        )
    brand = brand_of(jobcenter)
    return _page(
        "info_lookup.html.j2",
        active="lookup",
        plz=postal_code,
        brand=brand,
        jobcenter=brand,
        offer=_offer(ctx, session, registry, jobcenter),
        titles=_titles(registry),
    )


# -- JSON API ----------------------------------------------------------------------------------


class Address(BaseModel):
    street: str
    postal_code: str
    city: str


class OpeningHoursLine(BaseModel):
    days: str
    hours: str


class Colours(BaseModel):
    primary: str
    """White text on it has at least 4.5:1 contrast (an inaccessible configured colour is replaced)."""
    accent: str


class MailboxInfo(BaseModel):
    state: str
    """``off`` (answers by letter), ``pilot`` or ``live``."""
    response_days: int


class OnlineService(BaseModel):
    key: str
    title: str
    state: str
    """``pilot`` or ``live``: both accept filings."""
    attachment: bool
    detail_url: str


class JobcenterPublic(BaseModel):
    """A jobcenter's public identity: what it shows on every page, PDF and message, and what it offers online."""

    id: str
    name: str
    address: Address
    phone: str
    email: str
    website: str | None
    opening_hours: list[OpeningHoursLine]
    colours: Colours
    mailbox: MailboxInfo
    online_services: list[OnlineService]
    not_yet_online: list[str]
    """Keys of installed services this jobcenter has not switched on yet."""
    postal_codes: list[str]
    page_url: str | None
    """The public "my jobcenter" page for this jobcenter (None when it serves no postal code yet)."""


def _public(brand: Brand, offer: OnlineOffer, postal_codes: list[str]) -> JobcenterPublic:
    return JobcenterPublic(
        id=brand.id,
        name=brand.name,
        address=Address(street=brand.street, postal_code=brand.postal_code, city=brand.city),
        phone=brand.phone,
        email=brand.email,
        website=brand.website,
        opening_hours=[OpeningHoursLine(days=line.days, hours=line.hours) for line in brand.opening_hours],
        colours=Colours(primary=brand.colour_primary, accent=brand.colour_accent),
        mailbox=MailboxInfo(state=offer.mailbox_state, response_days=offer.mailbox_response_days),
        online_services=[
            OnlineService(
                key=s.key,
                title=s.title,
                state=s.state.value,
                attachment=s.attachment,
                detail_url=f"/api/v1/services/{s.key}",
            )
            for s in offer.available
        ],
        not_yet_online=[s.key for s in offer.unavailable],
        postal_codes=postal_codes,
        page_url=f"/mein-jobcenter?plz={postal_codes[0]}" if postal_codes else None,
    )


def _postal_codes(session: Session, jobcenter_ids: list[str]) -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {jc: [] for jc in jobcenter_ids}
    rows = session.execute(
        select(JobcenterArea.jobcenter_id, JobcenterArea.postal_code)
        .where(JobcenterArea.jobcenter_id.in_(jobcenter_ids))
        .order_by(JobcenterArea.postal_code)
    )
    for jobcenter_id, postal_code in rows.tuples():
        codes[jobcenter_id].append(postal_code)
    return codes


def _publish(
    ctx: PortalContext, session: Session, registry: ConnectorRegistry, jobcenters: list[Jobcenter]
) -> list[JobcenterPublic]:
    offers = online_offers(
        session, roadmap=ctx.roadmap, registry=registry, jobcenters=jobcenters, unlisted=unlisted_state(ctx)
    )
    codes = _postal_codes(session, [jc.id for jc in jobcenters])
    return [_public(brand_of(jc), offers[jc.id], codes[jc.id]) for jc in jobcenters]


@router.get("/api/v1/jobcenters", response_model=list[JobcenterPublic], name="jobcenters")
def list_jobcenters(
    ctx: ContextDep, session: SessionDep, registry: RegistryDep, postal_code: str | None = None
) -> list[JobcenterPublic]:
    """All jobcenters on the platform, or with ``postal_code`` the one responsible for that place (a list of one).

    422 ``invalid_postal_code``/``missing_postal_code`` for input that is not 5 digits; 404
    ``unknown_postal_code`` when no jobcenter on this platform serves it.
    """
    if postal_code is None:
        return _publish(ctx, session, registry, list(session.scalars(select(Jobcenter).order_by(Jobcenter.name))))
    try:
        code = parse_postal_code(postal_code)
    except InvalidPostalCode as exc:
        problem = FieldProblem("postal_code", exc.code, exc.message)
        raise ApiError(422, exc.code, exc.message, fields=[problem]) from None
    jobcenter = jobcenter_for_postal_code(session, code)
    if jobcenter is None:
        raise ApiError(404, "unknown_postal_code", not_found_message(code))
    return _publish(ctx, session, registry, [jobcenter])


@router.get("/api/v1/jobcenters/{jobcenter_id}", response_model=JobcenterPublic, name="jobcenter_detail")
def jobcenter_detail(jobcenter_id: str, ctx: ContextDep, session: SessionDep, registry: RegistryDep) -> JobcenterPublic:
    jobcenter = session.get(Jobcenter, jobcenter_id)
    if jobcenter is None:
        raise ApiError(404, "unknown_jobcenter", f"Ein Jobcenter mit der Kennung '{jobcenter_id[:64]}' gibt es nicht.")
    return _publish(ctx, session, registry, [jobcenter])[0]
