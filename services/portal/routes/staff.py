"""Staff workspace of a jobcenter (API and pages): inbox, e-file view, reply, reassign, processed, paper intake.

The API lives under /api/v1/staff (bearer token), the pages under /staff. A browser link cannot send a header,
so a page takes ``?token=`` once, moves it into an HttpOnly, SameSite=Strict cookie scoped to /staff and sends
the browser to the same address without the token (as the ops pages do). Forms POST and answer 303 with a
notice; a refused action re-renders the page with the German message and a 4xx status.

Tenancy: every lookup is scoped to the staff member's jobcenter (services/staff/access.py); another
jobcenter's ids answer 404. The inbox and the e-file need the role ``staff``, paper intake ``intake``.
"""

from __future__ import annotations

from fastapi import APIRouter

from services.portal.routes.staff_api import api
from services.portal.routes.staff_pages import pages

router = APIRouter()
router.include_router(api)
router.include_router(pages)
