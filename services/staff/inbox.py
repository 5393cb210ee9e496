"""The team inbox: routed submissions and customer conversations of one jobcenter, newest first.

One UNION ALL query pages both kinds together (plus one count), so a page costs two round trips however
full the inbox is. Conversations appear once the customer has written in them (a thread holding only the
jobcenter's receipts is nothing to work on); ``awaiting_reply`` says the customer wrote last, not counting
the platform's automatic messages. Their state is the thread's: a new customer message reopens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, String, and_, cast, exists, false, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from services.staff.access import team_in
from services.store.models import Customer, MailboxMessage, MailboxThread, Submission, Team

Kind = Literal["submission", "message"]
WorkState = Literal["open", "processed"]
ALL_TEAMS = "all"
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class InboxFilter:
    """What to show. ``team_id`` None means the whole jobcenter (the default for staff without a team)."""

    jobcenter_id: str
    team_id: str | None
    kind: Kind | None = None
    service: str | None = None
    state: WorkState | None = "open"
    search: str | None = None
    """Part of a receipt number or a BG number (case-insensitive)."""
    page: int = 1
    per_page: int = 25

    def as_query(self) -> dict[str, Any]:
        """The filters as the inbox's query parameters (``team`` and ``state`` spelled out)."""
        return {
            "kind": self.kind or "",
            "service": self.service or "",
            "state": self.state or "all",
            "team": self.team_id or ALL_TEAMS,
            "q": self.search or "",
        }


def inbox_filter(
    session: Session,
    *,
    jobcenter_id: str,
    own_team_id: str | None,
    kind: str = "",
    service: str = "",
    state: str = "open",
    team: str = "",
    q: str = "",
    page: int = 1,
    per_page: int = 25,
) -> InboxFilter:
    """Default team: the staff member's own; staff without a team (intake, admin) see the whole jobcenter.
    Another team of the same jobcenter, or ``all``, may be chosen; any other team id is refused (422)."""
    team_id = team or own_team_id or ALL_TEAMS
    if team_id != ALL_TEAMS:
        team_in(session, jobcenter_id, team_id)
    return InboxFilter(
        jobcenter_id=jobcenter_id,
        team_id=None if team_id == ALL_TEAMS else team_id,
        kind=kind or None,  # type: ignore[arg-type]  # the routes accept only the two kinds
        service=service or None,
        state=None if state in ("", "all") else state,  # type: ignore[arg-type]
        search=q.strip() or None,
        page=page,
        per_page=per_page,
    )


class InboxItem(BaseModel):
    """One row of the inbox (a submission or a conversation); the API shows it as it is, plus its address."""

    model_config = ConfigDict(frozen=True)

    kind: str
    id: str
    receipt_number: str | None
    subject: str | None
    service: str | None
    channel: str | None
    team_id: str | None
    team_name: str | None
    state: str
    at: datetime
    pipeline_status: str | None
    customer_id: str
    customer_name: str
    bg_number: str
    awaiting_reply: bool


@dataclass(frozen=True)
class InboxPage:
    items: list[InboxItem]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _like(text: str) -> str:
    escaped = text.strip().upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _submissions(f: InboxFilter) -> Select:  # type: ignore[type-arg]
    conditions = [Submission.jobcenter_id == f.jobcenter_id]
    if f.team_id is not None:
        conditions.append(Submission.team_id == f.team_id)
    if f.service:
        conditions.append(Submission.service == f.service)
    if f.state:
        conditions.append(Submission.work_state == f.state)
    if f.search:
        pattern = _like(f.search)
        conditions.append(
            or_(
                func.upper(Submission.receipt_number).like(pattern, escape="\\"),
                func.upper(Customer.bg_number).like(pattern, escape="\\"),
            )
        )
    return (
        select(
            literal("submission").label("kind"),
            Submission.id.label("id"),
            Submission.receipt_number.label("receipt_number"),
            cast(null(), String).label("subject"),
            Submission.service.label("service"),
            Submission.channel.label("channel"),
            Submission.team_id.label("team_id"),
            Team.name.label("team_name"),
            Submission.work_state.label("state"),
            Submission.created_at.label("at"),
            Submission.status.label("pipeline_status"),
            Customer.id.label("customer_id"),
            Customer.given_name.label("given_name"),
            Customer.family_name.label("family_name"),
            Customer.bg_number.label("bg_number"),
            false().label("awaiting_reply"),
        )
        .join(Customer, Customer.id == Submission.customer_id)
        .outerjoin(Team, Team.id == Submission.team_id)
        .where(and_(*conditions))
    )


def _threads(f: InboxFilter) -> Select:  # type: ignore[type-arg]
    linked = aliased(Submission)
    latest_sender = (  # among people's messages: the platform's auto-replies and receipts answer nothing
        select(MailboxMessage.sender)
        .where(
            MailboxMessage.thread_id == MailboxThread.id,
            or_(MailboxMessage.sender == "customer", MailboxMessage.author_id.is_not(None)),
        )
        .order_by(MailboxMessage.created_at.desc(), MailboxMessage.id.desc())
        .limit(1)
        .correlate(MailboxThread)
        .scalar_subquery()
    )
    customer_wrote = exists().where(MailboxMessage.thread_id == MailboxThread.id, MailboxMessage.sender == "customer")
    conditions = [MailboxThread.jobcenter_id == f.jobcenter_id, customer_wrote]
    if f.team_id is not None:
        conditions.append(MailboxThread.team_id == f.team_id)
    if f.service:
        conditions.append(linked.service == f.service)
    if f.state:
        conditions.append(MailboxThread.status == f.state)
    if f.search:
        pattern = _like(f.search)
        conditions.append(
            or_(
                func.upper(linked.receipt_number).like(pattern, escape="\\"),
                func.upper(Customer.bg_number).like(pattern, escape="\\"),
            )
        )
    return (
        select(
            literal("message").label("kind"),
            MailboxThread.id.label("id"),
            linked.receipt_number.label("receipt_number"),
            MailboxThread.subject.label("subject"),
            linked.service.label("service"),
            linked.channel.label("channel"),
            MailboxThread.team_id.label("team_id"),
            Team.name.label("team_name"),
            MailboxThread.status.label("state"),
            MailboxThread.last_message_at.label("at"),
            cast(null(), String).label("pipeline_status"),
            Customer.id.label("customer_id"),
            Customer.given_name.label("given_name"),
            Customer.family_name.label("family_name"),
            Customer.bg_number.label("bg_number"),
            (latest_sender == "customer").label("awaiting_reply"),
        )
        .join(Customer, Customer.id == MailboxThread.customer_id)
        .outerjoin(Team, Team.id == MailboxThread.team_id)
        .outerjoin(linked, linked.id == MailboxThread.submission_id)
        .where(and_(*conditions))
    )


def inbox(session: Session, f: InboxFilter) -> InboxPage:
    parts = []
    if f.kind in (None, "submission"):
        parts.append(_submissions(f))
    if f.kind in (None, "message"):
        parts.append(_threads(f))
    combined = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("inbox")
    total = session.scalar(select(func.count()).select_from(combined)) or 0
    per_page = min(max(f.per_page, 1), MAX_PER_PAGE)
    page = max(f.page, 1)
    rows = session.execute(
        select(combined).order_by(combined.c.at.desc(), combined.c.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    items = [
        InboxItem(
            kind=r.kind,
            id=r.id,
            receipt_number=r.receipt_number,
            subject=r.subject,
            service=r.service,
            channel=r.channel,
            team_id=r.team_id,
            team_name=r.team_name,
            state=r.state,
            at=r.at,
            pipeline_status=r.pipeline_status,
            customer_id=r.customer_id,
            customer_name=f"{r.given_name} {r.family_name}",
            bg_number=r.bg_number,
            awaiting_reply=bool(r.awaiting_reply),
        )
        for r in rows
    ]
    return InboxPage(items=items, total=total, page=page, per_page=per_page)
