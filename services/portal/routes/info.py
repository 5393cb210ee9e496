"""Public information pages (no login) and "my jobcenter" by postal code."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["information"])
