"""``AuditDep``: handlers record an access with what they know (what, why), the request supplies the rest
(who, from where, and a reason staff may give).

Who: the caller the access gate established (``request.state.caller``, services/portal/access.py; it runs before
every handler) — a staff member with their jobcenter (from our staff table), an operator, a customer or a pushing
back-office system.
From where: the client address, behind the reverse proxies named in ``OZGFLOW_TRUSTED_PROXIES`` the address
they forwarded. Why: the handler's fixed purpose (services/audit/purposes.py) plus, optionally, the caller's own
reason in the header ``X-Access-Reason`` (at most 200 characters, UTF-8 allowed) where the law expects one.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from services.audit.log import REASON_MAX, AuditActor, record_access
from services.portal.access import ANONYMOUS, CUSTOMER, INBOUND, JOBCENTER_ROLES, OPERATOR
from services.portal.errors import ApiError
from services.portal.rate_limits import client_address, rate_limits_of
from services.store.models import AuditEntry, StaffMember


def actor_of(request: Request, session: Session) -> AuditActor:
    """Who is calling, as the audit log names them (ids only), from what the access gate established."""
    caller = getattr(request.state, "caller", ANONYMOUS)
    subject, roles = caller.subject, caller.roles
    if subject is None:
        raise RuntimeError("AuditDep used on a request without a signed-in caller")
    source = client_address(request, rate_limits_of(request).trusted)  # the proxies parsed once, at start-up
    if roles & JOBCENTER_ROLES:
        member = session.get(StaffMember, subject)
        if member is not None:
            return AuditActor(kind="staff", id=member.id, jobcenter_id=member.jobcenter_id, source=source)
    if OPERATOR in roles:
        return AuditActor(kind="operator", id=subject, source=source)
    if CUSTOMER in roles:
        return AuditActor(kind="customer", id=subject, source=source)
    if INBOUND in roles:
        return AuditActor(kind="system", id=f"inbound:{subject}", source=source)
    raise RuntimeError(f"no audit actor for a caller with the roles {sorted(roles)}")


def access_reason(raw: str | None) -> str | None:
    """The caller's reason: HTTP headers arrive as Latin-1, so UTF-8 sent as-is is decoded again; control
    characters are refused (they would forge lines in exports), and so is anything longer than the column."""
    if raw is None or not raw.strip():
        return None
    try:
        text = raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        text = raw
    text = " ".join(text.split())
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise ApiError(422, "invalid_access_reason", "Der Zugriffsgrund (X-Access-Reason) enthält Steuerzeichen.")
    if len(text) > REASON_MAX:
        raise ApiError(
            422,
            "invalid_access_reason",
            f"Der Zugriffsgrund (X-Access-Reason) ist zu lang: höchstens {REASON_MAX} Zeichen, bitte kürzen.",
        )
    return text


class Audit:
    """Records accesses of the current request's caller into the handler's transaction."""

    def __init__(self, request: Request, reason: str | None) -> None:
        self._request, self.reason = request, reason
        self._actor: AuditActor | None = None

    def actor(self, session: Session) -> AuditActor:
        if self._actor is None:
            self._actor = actor_of(self._request, session)
        return self._actor

    def record(
        self,
        session: Session,
        *,
        action: str,
        resource_type: str,
        resource_id: str,
        purpose: str,
        customer_id: str | None = None,
        jobcenter_id: str | None = None,
        reason: str | None = None,
    ) -> AuditEntry:
        """One entry, written when ``session`` commits (with the access, or not at all)."""
        return record_access(
            session,
            actor=self.actor(session),
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            purpose=purpose,
            customer_id=customer_id,
            jobcenter_id=jobcenter_id,
            reason=reason or self.reason,
        )


def get_audit(
    request: Request,
    x_access_reason: Annotated[
        str | None,
        Header(
            max_length=1000,
            description="Optional reason for this access, in your own words where the law expects one "
            "(at most 200 characters); stored in the audit log.",
        ),
    ] = None,
) -> Audit:
    return Audit(request, access_reason(x_access_reason))


AuditDep = Annotated[Audit, Depends(get_audit)]
