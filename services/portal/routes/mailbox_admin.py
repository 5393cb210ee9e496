"""A jobcenter's own Postfach configuration (jobcenter admins): state, topics, auto-reply, response time.

Only the admin's own jobcenter is reachable: there is no jobcenter id in the URL, and a topic of another
jobcenter is "not found" (404).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.mailbox import jobcenter_config, topics
from services.mailbox.errors import MailboxError
from services.portal.deps import JobcenterAdmin, SessionDep
from services.portal.errors import ApiError
from services.store.models import Jobcenter, MailboxTopic, Team

router = APIRouter(prefix="/api/v1/admin/mailbox", tags=["mailbox administration"])

TopicId = Annotated[int, Path(ge=1, le=2**31 - 1, description="A topic's id (a database integer).")]
"""Bounded like the column: a larger number would not be "not found" but an overflow in the database driver."""


class TeamView(BaseModel):
    id: str
    name: str


class AdminTopicView(BaseModel):
    id: int
    key: str
    title: str
    team_id: str
    position: int
    active: bool


class PostfachSettingsView(BaseModel):
    jobcenter_id: str
    jobcenter_name: str
    state: str
    response_days: int
    auto_reply: str | None
    auto_reply_preview: str | None
    """The text as customers get it, with the response time filled in."""
    topics: list[AdminTopicView]
    teams: list[TeamView]


class PostfachSettingsChange(BaseModel):
    """Only the fields sent are changed; an empty ``auto_reply`` switches the auto-reply off."""

    state: Literal["off", "pilot", "live"] | None = None
    response_days: int | None = None
    auto_reply: str | None = None


class TopicCreate(BaseModel):
    key: str = Field(max_length=64)
    title: str = Field(max_length=1000)
    team_id: str = Field(max_length=100)
    position: int = Field(default=100, ge=0, le=10_000)
    active: bool = True


class TopicChange(BaseModel):
    title: str | None = Field(default=None, max_length=1000)
    team_id: str | None = Field(default=None, max_length=100)
    position: int | None = Field(default=None, ge=0, le=10_000)
    active: bool | None = None


@contextmanager
def _as_api_errors() -> Iterator[None]:
    try:
        yield
    except MailboxError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from None


def _topic_view(topic: MailboxTopic) -> AdminTopicView:
    return AdminTopicView(
        id=topic.id,
        key=topic.key,
        title=topic.title,
        team_id=topic.team_id,
        position=topic.position,
        active=topic.active,
    )


def _settings_view(session: Session, jobcenter: Jobcenter) -> PostfachSettingsView:
    teams = session.scalars(select(Team).where(Team.jobcenter_id == jobcenter.id).order_by(Team.name))
    return PostfachSettingsView(
        jobcenter_id=jobcenter.id,
        jobcenter_name=jobcenter.name,
        state=jobcenter.mailbox_state,
        response_days=jobcenter.mailbox_response_days,
        auto_reply=jobcenter.mailbox_auto_reply,
        auto_reply_preview=jobcenter_config.render_auto_reply(jobcenter),
        topics=[_topic_view(t) for t in topics.topics_of(session, jobcenter.id, active_only=False)],
        teams=[TeamView(id=t.id, name=t.name) for t in teams],
    )


@router.get("", response_model=PostfachSettingsView)
def read_settings(admin: JobcenterAdmin, session: SessionDep) -> PostfachSettingsView:
    return _settings_view(session, admin.jobcenter)


@router.patch("", response_model=PostfachSettingsView)
def change_settings(change: PostfachSettingsChange, admin: JobcenterAdmin, session: SessionDep) -> PostfachSettingsView:
    """Switch the Postfach off, run it as a pilot or live; set the response time and the auto-reply."""
    jobcenter = admin.jobcenter
    with _as_api_errors():
        if change.state is not None:
            jobcenter_config.set_state(jobcenter, change.state)
        if change.response_days is not None:
            jobcenter_config.set_response_days(jobcenter, change.response_days)
        if "auto_reply" in change.model_fields_set:
            jobcenter_config.set_auto_reply(jobcenter, change.auto_reply)
    session.flush()
    return _settings_view(session, jobcenter)


@router.get("/topics", response_model=list[AdminTopicView])
def list_topics(admin: JobcenterAdmin, session: SessionDep) -> list[AdminTopicView]:
    return [_topic_view(t) for t in topics.topics_of(session, admin.jobcenter.id, active_only=False)]


@router.post("/topics", status_code=201, response_model=AdminTopicView)
def create_topic(new: TopicCreate, admin: JobcenterAdmin, session: SessionDep) -> AdminTopicView:
    """A new topic customers can pick, routed to one of the jobcenter's teams."""
    with _as_api_errors():
        topic = topics.create_topic(session, jobcenter_id=admin.jobcenter.id, **new.model_dump())
    return _topic_view(topic)


@router.patch("/topics/{topic_id}", response_model=AdminTopicView)
def change_topic(topic_id: TopicId, change: TopicChange, admin: JobcenterAdmin, session: SessionDep) -> AdminTopicView:
    """Rename, reroute to another team (new threads only), reorder, or (de)activate a topic."""
    with _as_api_errors():
        topic = topics.update_topic(
            session, jobcenter_id=admin.jobcenter.id, topic_id=topic_id, **change.model_dump(exclude_unset=True)
        )
    session.flush()
    return _topic_view(topic)


@router.delete("/topics/{topic_id}", status_code=204, response_class=Response)
def delete_topic(topic_id: TopicId, admin: JobcenterAdmin, session: SessionDep) -> Response:
    """Only a topic no thread refers to can be deleted; deactivate the others."""
    with _as_api_errors():
        topics.delete_topic(session, jobcenter_id=admin.jobcenter.id, topic_id=topic_id)
    return Response(status_code=204)
