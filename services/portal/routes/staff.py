"""Staff workspace of a jobcenter (API and pages): inbox, e-file view, reply, reassign, processed, paper intake."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["staff"])
