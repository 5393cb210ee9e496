"""Development-only endpoints: demo customers and staff, and tokens for them (for curl and the tests).

The app factory mounts this router only in development mode; elsewhere these are plain 404s. The embedded
issuer's OIDC endpoints (sign-in page, token endpoint, JWKS) are in ``dev_issuer``.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import select

from connectors.sdk.trust import TrustLevel
from services.intake.routing import RoutingFailed, route
from services.portal.deps import ContextDep, SessionDep
from services.portal.errors import ApiError
from services.store.models import Customer, StaffMember

router = APIRouter(prefix="/api/v1/dev", tags=["development"])


class DemoCustomerView(BaseModel):
    id: str
    name: str
    bg_number: str
    postal_code: str
    city: str
    jobcenter: str | None


DEV_OPERATOR = "dev-operator"
"""Subject of development operator tokens (operators are not customers; issue 8 brings real accounts)."""


class TokenRequest(BaseModel):
    customer_id: str | None = Field(default=None, min_length=1, max_length=64)
    staff_id: str | None = Field(default=None, min_length=1, max_length=100)
    role: Literal["customer", "operator", "staff"] = "customer"
    trust_level: Literal["low", "substantial", "high"] = Field(
        default="substantial",
        description="Trust level of a customer's sign-in: 'low' (user name and password) cannot change address "
        "or bank details; 'substantial' is the eID (Online-Ausweis).",
    )

    @model_validator(mode="after")
    def _subject_given(self) -> TokenRequest:
        if self.role == "customer" and self.customer_id is None:
            raise ValueError("customer_id is required for a customer token")
        if self.role == "staff" and self.staff_id is None:
            raise ValueError("staff_id is required for a staff token (GET /api/v1/dev/staff lists them)")
        return self


class DemoStaffView(BaseModel):
    id: str
    name: str
    jobcenter_id: str
    team_id: str | None
    roles: list[str]


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


@router.get("/customers", response_model=list[DemoCustomerView])
def demo_customers(session: SessionDep) -> list[DemoCustomerView]:
    views = []
    for c in session.scalars(select(Customer).order_by(Customer.id)):
        try:
            jobcenter: str | None = route(session, customer=c, service="wba").jobcenter.name
        except RoutingFailed:
            jobcenter = None
        views.append(
            DemoCustomerView(
                id=c.id,
                name=f"{c.given_name} {c.family_name}",
                bg_number=c.bg_number,
                postal_code=c.postal_code,
                city=c.city,
                jobcenter=jobcenter,
            )
        )
    return views


@router.get("/staff", response_model=list[DemoStaffView])
def demo_staff(session: SessionDep) -> list[DemoStaffView]:
    return [
        DemoStaffView(id=m.id, name=m.display_name, jobcenter_id=m.jobcenter_id, team_id=m.team_id, roles=m.roles)
        for m in session.scalars(select(StaffMember).order_by(StaffMember.id))
    ]


def staff_token_claims(member: StaffMember) -> dict[str, Any]:
    """Claims an organisation's identity provider would send; the portal still trusts only its table."""
    return {"jobcenter_id": member.jobcenter_id, "name": member.display_name}


@router.post("/token", response_model=TokenResponse)
def dev_token(body: TokenRequest, ctx: ContextDep, session: SessionDep) -> TokenResponse:
    assert ctx.dev_issuer is not None
    if body.role == "operator":
        token = ctx.dev_issuer.mint(DEV_OPERATOR, roles=["operator"])
        return TokenResponse(access_token=token, expires_in=ctx.dev_issuer.ttl_seconds)
    if body.role == "staff":
        member = session.get(StaffMember, body.staff_id)
        if member is None:
            raise ApiError(404, "unknown_staff", f"'{body.staff_id}' gibt es nicht. GET /api/v1/dev/staff listet alle.")
        token = ctx.dev_issuer.mint(member.id, roles=["staff"], extra=staff_token_claims(member))
        return TokenResponse(access_token=token, expires_in=ctx.dev_issuer.ttl_seconds)
    assert body.customer_id is not None
    if session.get(Customer, body.customer_id) is None:
        raise ApiError(
            404,
            "unknown_customer",
            f"Den Demo-Kunden '{body.customer_id}' gibt es nicht. GET /api/v1/dev/customers listet alle.",
        )
    token = ctx.dev_issuer.mint(body.customer_id, roles=["customer"], trust_level=TrustLevel.from_key(body.trust_level))
    return TokenResponse(access_token=token, expires_in=ctx.dev_issuer.ttl_seconds)
