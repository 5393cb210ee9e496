"""Postfach topics: each jobcenter decides what customers may write about and which team reads it.

A topic that threads already refer to is deactivated rather than deleted, so old conversations keep
their topic; changing a topic's team routes new threads only (staff reassign existing ones).
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.mailbox.errors import MailboxError
from services.store.models import MailboxThread, MailboxTopic, Team

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_TITLE = 200


def topics_of(session: Session, jobcenter_id: str, *, active_only: bool = True) -> list[MailboxTopic]:
    query = select(MailboxTopic).where(MailboxTopic.jobcenter_id == jobcenter_id)
    if active_only:
        query = query.where(MailboxTopic.active.is_(True))
    return list(session.scalars(query.order_by(MailboxTopic.position, MailboxTopic.title, MailboxTopic.id)))


def active_topic(session: Session, jobcenter_id: str, key: str) -> MailboxTopic:
    """The topic a customer picked; 422 naming the offered ones when it is unknown or inactive."""
    topic = session.scalar(
        select(MailboxTopic).where(
            MailboxTopic.jobcenter_id == jobcenter_id, MailboxTopic.key == key, MailboxTopic.active.is_(True)
        )
    )
    if topic is None:
        offered = ", ".join(t.key for t in topics_of(session, jobcenter_id)) or "keine"
        raise MailboxError(422, "unknown_topic", f"Dieses Thema gibt es nicht. Bitte eines davon wählen: {offered}.")
    return topic


def own_topic(session: Session, jobcenter_id: str, topic_id: int) -> MailboxTopic:
    topic = session.get(MailboxTopic, topic_id)
    if topic is None or topic.jobcenter_id != jobcenter_id:
        raise MailboxError(404, "topic_not_found", "Dieses Thema gibt es in Ihrem Jobcenter nicht.")
    return topic


def _team(session: Session, jobcenter_id: str, team_id: str) -> str:
    team = session.get(Team, team_id)
    if team is None or team.jobcenter_id != jobcenter_id:
        raise MailboxError(
            422, "unknown_team", "Dieses Team gibt es in Ihrem Jobcenter nicht. Bitte ein eigenes wählen."
        )
    return team.id


def _title(title: str) -> str:
    text = title.strip()
    if not text or len(text) > MAX_TITLE:
        raise MailboxError(422, "invalid_title", f"Bitte einen Titel mit 1 bis {MAX_TITLE} Zeichen angeben.")
    return text


def create_topic(
    session: Session, *, jobcenter_id: str, key: str, title: str, team_id: str, position: int = 100, active: bool = True
) -> MailboxTopic:
    if not _KEY.fullmatch(key):
        raise MailboxError(
            422, "invalid_topic_key", "Der Schlüssel darf nur Kleinbuchstaben, Ziffern und Bindestriche enthalten."
        )
    exists = select(MailboxTopic.id).where(MailboxTopic.jobcenter_id == jobcenter_id, MailboxTopic.key == key)
    if session.scalar(exists) is not None:
        raise MailboxError(409, "topic_exists", f"Das Thema '{key}' gibt es schon. Bitte das vorhandene ändern.")
    topic = MailboxTopic(
        jobcenter_id=jobcenter_id,
        key=key,
        title=_title(title),
        team_id=_team(session, jobcenter_id, team_id),
        position=position,
        active=active,
    )
    session.add(topic)
    session.flush()
    return topic


def update_topic(
    session: Session,
    *,
    jobcenter_id: str,
    topic_id: int,
    title: str | None = None,
    team_id: str | None = None,
    position: int | None = None,
    active: bool | None = None,
) -> MailboxTopic:
    topic = own_topic(session, jobcenter_id, topic_id)
    if title is not None:
        topic.title = _title(title)
    if team_id is not None:
        topic.team_id = _team(session, jobcenter_id, team_id)
    if position is not None:
        topic.position = position
    if active is not None:
        topic.active = active
    return topic


def delete_topic(session: Session, *, jobcenter_id: str, topic_id: int) -> None:
    topic = own_topic(session, jobcenter_id, topic_id)
    used = session.scalar(select(func.count()).select_from(MailboxThread).where(MailboxThread.topic_id == topic.id))
    if used:
        raise MailboxError(
            409,
            "topic_in_use",
            "Zu diesem Thema gibt es schon Nachrichten. Bitte das Thema deaktivieren statt es zu löschen.",
        )
    session.delete(topic)
