"""Sign-in realms: who signs in where, and the verifier that accepts tokens of both.

Customers sign in at BundID/DeutschlandID (through the OIDC broker the operator configures), staff and operators
at the organisation's identity provider. Each is a ``Realm`` (issuer, audience, keys, OIDC client). A token is
verified by the realm of its ``iss``; where both realms are one issuer (development, or an installation with one
IdP) there is one verifier that takes roles from the token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import jwt

from services.identity.jwks import JwksKeys, KeySource, StaticKey
from services.identity.verifier import InvalidToken, Principal, TokenVerifier

if TYPE_CHECKING:
    from services.identity.dev_issuer import DevIssuer
    from services.settings import Settings

RealmName = Literal["customer", "staff"]
REALMS: tuple[RealmName, ...] = ("customer", "staff")
CUSTOMER_ROLES = frozenset({"customer"})
STAFF_ROLES = frozenset({"staff", "operator"})
"""What the organisation's IdP may grant: staff (tenancy then comes from our table) and platform operators."""


@dataclass(frozen=True)
class Realm:
    name: RealmName
    issuer: str
    audience: str
    jwks_url: str
    client_id: str
    client_secret: str = field(default="", repr=False)


def realms_from_settings(settings: Settings) -> dict[RealmName, Realm]:
    return {
        "customer": Realm(
            name="customer",
            issuer=settings.auth_issuer,
            audience=settings.auth_audience,
            jwks_url=settings.auth_jwks_url,
            client_id=settings.auth_client_id,
            client_secret=settings.auth_client_secret,
        ),
        "staff": Realm(
            name="staff",
            issuer=settings.resolved_staff_auth_issuer,
            audience=settings.resolved_staff_auth_audience,
            jwks_url=settings.resolved_staff_auth_jwks_url,
            client_id=settings.resolved_staff_auth_client_id,
            client_secret=settings.resolved_staff_auth_client_secret,
        ),
    }


class RealmVerifier:
    """Verifies a token with the verifier of the realm that issued it; tokens of other issuers are refused."""

    def __init__(self, realms: dict[RealmName, Realm], verifiers: dict[str, TokenVerifier]) -> None:
        self.realms = realms
        self._by_issuer = verifiers

    def for_realm(self, name: RealmName) -> TokenVerifier:
        return self._by_issuer[self.realms[name].issuer]

    def verify(self, token: str) -> Principal:
        try:
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"token rejected: {exc}") from exc
        verifier = self._by_issuer.get(issuer) if isinstance(issuer, str) else None
        if verifier is None:
            raise InvalidToken("token rejected: Invalid issuer")
        return verifier.verify(token)


def build_verifier(settings: Settings, *, dev_issuer: DevIssuer | None = None) -> RealmVerifier:
    """The portal's verifier: JWKS for realms that name one, the embedded dev issuer's key for the others."""
    realms = realms_from_settings(settings)
    keys: dict[str, KeySource] = {}
    for realm in realms.values():
        if realm.issuer in keys:
            continue
        if realm.jwks_url:
            keys[realm.issuer] = JwksKeys(
                realm.jwks_url,
                max_age_seconds=settings.auth_jwks_max_age_seconds,
                min_refetch_seconds=settings.auth_jwks_min_refetch_seconds,
            )
        elif dev_issuer is not None:
            keys[realm.issuer] = StaticKey(dev_issuer.public_key)
        else:
            raise ValueError(f"no JWKS URL for the {realm.name} realm's issuer {realm.issuer}")
    customer, staff = realms["customer"], realms["staff"]
    claim = settings.auth_trust_level_claim
    if customer.issuer == staff.issuer:
        one = TokenVerifier(
            issuer=customer.issuer,
            audience=[customer.audience, staff.audience],
            keys=keys[customer.issuer],
            trust_level_claim=claim,
        )
        return RealmVerifier(realms, {customer.issuer: one})
    return RealmVerifier(
        realms,
        {
            customer.issuer: TokenVerifier(
                issuer=customer.issuer,
                audience=customer.audience,
                keys=keys[customer.issuer],
                trust_level_claim=claim,
                fixed_roles=CUSTOMER_ROLES,
            ),
            staff.issuer: TokenVerifier(
                issuer=staff.issuer,
                audience=staff.audience,
                keys=keys[staff.issuer],
                trust_level_claim=claim,
                allowed_roles=STAFF_ROLES,
            ),
        },
    )
