"""A jobcenter's own Postfach configuration (jobcenter admins): state, topics, auto-reply, response time."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["mailbox administration"])
