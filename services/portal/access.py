"""Who may call what: one table of every endpoint × the roles allowed, enforced for every route in one place.

Why a table: access rules scattered over handler signatures cannot be reviewed, and a forgotten dependency
opens an endpoint silently. Here each route the app registers has exactly one row (method + path template as
FastAPI registers it), the app refuses to start when a route has none, and ``enforce_access`` — an app-level
dependency, so it runs before every handler — refuses callers whose roles the row does not name: 401 without
(valid) credentials, 403 ``forbidden`` naming the role needed. It also counts the row's abuse limit
(services/portal/rate_limits.py). Handlers keep their identity dependencies (they need the customer or staff
objects, and tenancy — *which* jobcenter's or customer's record — stays with them: another's id is a 404).

Roles: ``public`` (anyone), ``customer``, ``staff``, ``intake`` (paper channel), ``admin`` (a jobcenter's own
configuration), ``operator`` (platform operations, metadata only), ``inbound`` (a back-office system's API
key), ``dev`` (development-only endpoints; they exist only in development mode and are open there).
docs/security.md "## Who may call what" is rendered from this table (``markdown_table``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.orm import Session

from services.identity.realms import RealmName
from services.portal.deps import (
    SESSION_COOKIE,
    ContextDep,
    PortalContext,
    SessionDep,
    customer_of,
    inbound_system,
    staff_of,
    verify_token,
)
from services.portal.errors import ApiError
from services.portal.rate_limits import LIMIT_CLASSES, LimitClass, client_address, rate_limits_of
from services.portal.token_link import LEGACY_COOKIES, login_url, wants_page

PUBLIC, CUSTOMER, STAFF, INTAKE, ADMIN, OPERATOR, INBOUND, DEV = (
    "public", "customer", "staff", "intake", "admin", "operator", "inbound", "dev",
)  # fmt: skip
ROLES = (PUBLIC, CUSTOMER, STAFF, INTAKE, ADMIN, OPERATOR, INBOUND, DEV)
OPEN_ROLES = frozenset({PUBLIC, DEV})
JOBCENTER_ROLES = frozenset({STAFF, INTAKE, ADMIN})
"""Held by staff members (``StaffMember.roles``, from our table — never from token claims alone)."""

ROLE_LABELS = {
    CUSTOMER: "Kundin oder Kunde",
    STAFF: "Mitarbeitende eines Jobcenters",
    INTAKE: "Eingangszone (Papiereingang) eines Jobcenters",
    ADMIN: "Administration eines Jobcenters",
    OPERATOR: "Betrieb der Plattform",
    INBOUND: "Fachverfahren mit API-Schlüssel",
}

PAGE_REALMS: dict[str, RealmName] = {"/staff": "staff", "/ops": "staff"}
"""Server-rendered pages behind a sign-in, and the realm whose login a signed-out browser is sent to."""


@dataclass(frozen=True)
class Rule:
    """One row: who may call ``method path`` and which abuse limit counts it."""

    method: str
    path: str
    roles: frozenset[str]
    limit: LimitClass = "none"

    def __post_init__(self) -> None:
        unknown = self.roles - set(ROLES)
        open_and_bound = self.roles & OPEN_ROLES and self.roles - OPEN_ROLES  # which one was meant?
        if unknown or not self.roles or open_and_bound or self.limit not in LIMIT_CLASSES:
            raise ValueError(f"bad access rule {self.method} {self.path}: roles {sorted(self.roles)}, {self.limit}")

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path

    @property
    def open(self) -> bool:
        return bool(self.roles & OPEN_ROLES)


def _rules(*rows: tuple[str, str, str] | tuple[str, str, str, LimitClass]) -> tuple[Rule, ...]:
    """Rows as ``(method, path, "role role", limit?)``; a duplicate row is a mistake, not an override."""
    rules = tuple(Rule(r[0], r[1], frozenset(r[2].split()), r[3] if len(r) > 3 else "none") for r in rows)  # type: ignore[misc]
    keys = [r.key for r in rules]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise ValueError(f"access table lists these twice: {sorted(duplicates)}")
    return rules


TABLE: tuple[Rule, ...] = _rules(
    # -- platform and API documentation ------------------------------------------------------------------
    ("GET", "/healthz", "public"),
    ("GET", "/readyz", "public"),
    ("GET", "/openapi.json", "public"),
    ("HEAD", "/openapi.json", "public"),
    ("GET", "/docs", "public"),
    ("HEAD", "/docs", "public"),
    ("GET", "/docs/oauth2-redirect", "public"),
    ("HEAD", "/docs/oauth2-redirect", "public"),
    ("GET", "/redoc", "public"),
    ("HEAD", "/redoc", "public"),
    # -- public information and the service catalogue ----------------------------------------------------
    ("GET", "/", "public"),
    ("GET", "/info/{slug}", "public"),
    ("GET", "/mein-jobcenter", "public"),
    ("GET", "/api/v1/jobcenters", "public"),
    ("GET", "/api/v1/jobcenters/{jobcenter_id}", "public"),
    ("GET", "/api/v1/services", "public"),
    ("GET", "/api/v1/services/{key}", "public"),
    ("GET", "/api/v1/services/{key}/schema", "public"),
    # -- signed receipts: anyone can check one with the published keys -----------------------------------
    ("GET", "/.well-known/ozgflow-receipt-keys.json", "public"),
    ("POST", "/api/v1/receipts/verify", "public"),
    # -- signing in to the pages (OIDC): anyone may start, finish or end a sign-in ------------------------
    ("GET", "/auth/login", "public", "login"),
    ("GET", "/auth/callback", "public", "login"),
    ("GET", "/auth/logout", "public"),
    ("POST", "/auth/logout", "public"),
    ("GET", "/auth/signed-out", "public"),
    # -- customers: filing, drafts, Postfach -------------------------------------------------------------
    ("POST", "/api/v1/submissions/{service}", "customer", "submission"),
    ("GET", "/api/v1/submissions/{submission_id}", "customer"),
    ("GET", "/api/v1/submissions/{submission_id}/receipt", "customer"),
    ("POST", "/api/v1/drafts/{service}", "customer", "submission"),
    ("GET", "/api/v1/drafts/{draft_id}", "customer"),
    ("PUT", "/api/v1/drafts/{draft_id}/sections/{section}", "customer"),
    ("POST", "/api/v1/drafts/{draft_id}/submit", "customer", "submission"),
    ("GET", "/api/v1/mailbox", "customer"),
    ("GET", "/api/v1/mailbox/{message_id}", "customer"),
    ("GET", "/api/v1/mailbox/threads", "customer"),
    ("POST", "/api/v1/mailbox/threads", "customer", "submission"),
    ("GET", "/api/v1/mailbox/threads/{thread_id}", "customer"),
    ("POST", "/api/v1/mailbox/threads/{thread_id}/messages", "customer", "submission"),
    ("GET", "/api/v1/mailbox/topics", "customer"),
    ("GET", "/api/v1/mailbox/attachments/{document_id}", "customer staff"),
    ("GET", "/api/v1/me/access-log", "customer"),
    ("GET", "/api/v1/me/data-export", "customer"),
    # -- jobcenter administration (own jobcenter only) ---------------------------------------------------
    ("GET", "/api/v1/admin/mailbox", "admin"),
    ("PATCH", "/api/v1/admin/mailbox", "admin"),
    ("GET", "/api/v1/admin/mailbox/topics", "admin"),
    ("POST", "/api/v1/admin/mailbox/topics", "admin"),
    ("PATCH", "/api/v1/admin/mailbox/topics/{topic_id}", "admin"),
    ("DELETE", "/api/v1/admin/mailbox/topics/{topic_id}", "admin"),
    ("GET", "/api/v1/admin/audit", "admin"),
    ("GET", "/api/v1/admin/customers/{customer_id}/data-export", "admin"),
    ("POST", "/api/v1/admin/customers/{customer_id}/erasure", "admin"),
    # -- back-office systems pushing to customers --------------------------------------------------------
    ("POST", "/api/v1/inbound/{service}", "inbound"),
    # -- staff workspace: API ----------------------------------------------------------------------------
    ("GET", "/api/v1/staff/me", "staff"),
    ("GET", "/api/v1/staff/inbox", "staff"),
    ("GET", "/api/v1/staff/submissions/{submission_id}", "staff"),
    ("GET", "/api/v1/staff/submissions/{submission_id}/pdf", "staff"),
    ("GET", "/api/v1/staff/submissions/{submission_id}/json", "staff"),
    ("POST", "/api/v1/staff/submissions/{submission_id}/reassign", "staff"),
    ("POST", "/api/v1/staff/submissions/{submission_id}/processed", "staff"),
    ("POST", "/api/v1/staff/submissions/{submission_id}/reopen", "staff"),
    ("POST", "/api/v1/staff/submissions/{submission_id}/reply", "staff"),
    ("GET", "/api/v1/staff/documents/{document_id}", "staff"),
    ("GET", "/api/v1/staff/threads/{thread_id}", "staff"),
    ("POST", "/api/v1/staff/threads/{thread_id}/reassign", "staff"),
    ("POST", "/api/v1/staff/threads/{thread_id}/processed", "staff"),
    ("POST", "/api/v1/staff/threads/{thread_id}/reopen", "staff"),
    ("POST", "/api/v1/staff/threads/{thread_id}/reply", "staff"),
    ("POST", "/api/v1/staff/paper-submissions", "intake", "submission"),
    # -- staff workspace: pages --------------------------------------------------------------------------
    ("GET", "/staff", "staff intake"),
    ("GET", "/staff/inbox", "staff"),
    ("GET", "/staff/submissions/{submission_id}", "staff"),
    ("GET", "/staff/submissions/{submission_id}/pdf", "staff"),
    ("GET", "/staff/submissions/{submission_id}/json", "staff"),
    ("POST", "/staff/submissions/{submission_id}/{action}", "staff"),
    ("GET", "/staff/threads/{thread_id}", "staff"),
    ("POST", "/staff/threads/{thread_id}/{action}", "staff"),
    ("GET", "/staff/documents/{document_id}", "staff"),
    ("GET", "/staff/paper", "intake"),
    ("POST", "/staff/paper", "intake", "submission"),
    ("POST", "/staff/logout", "public"),
    # -- platform operations: pages and API (metadata only, BG numbers masked) ---------------------------
    ("GET", "/ops", "operator"),
    ("GET", "/ops/roadmap", "operator"),
    ("GET", "/ops/submissions", "operator"),
    ("GET", "/ops/submissions/{query}", "operator"),
    ("POST", "/ops/submissions/{query}/retry", "operator"),
    ("POST", "/ops/retry", "operator"),
    ("GET", "/api/v1/ops/overview", "operator"),
    ("GET", "/api/v1/ops/series", "operator"),
    ("GET", "/api/v1/ops/slo", "operator"),
    ("GET", "/api/v1/ops/failed", "operator"),
    ("GET", "/api/v1/ops/health", "operator"),
    ("GET", "/api/v1/ops/submissions/{query}", "operator"),
    ("POST", "/api/v1/ops/submissions/{query}/retry", "operator"),
    ("POST", "/api/v1/ops/retry", "operator"),
    ("GET", "/api/v1/ops/audit/verify", "operator"),
    # -- development only (mounted in development mode; 404 elsewhere) -----------------------------------
    ("GET", "/api/v1/dev/customers", "dev"),
    ("GET", "/api/v1/dev/staff", "dev"),
    ("POST", "/api/v1/dev/token", "dev", "login"),
    ("GET", "/dev-issuer/.well-known/openid-configuration", "dev"),
    ("GET", "/dev-issuer/jwks.json", "dev"),
    ("GET", "/dev-issuer/authorize", "dev"),
    ("POST", "/dev-issuer/authorize", "dev", "login"),
    ("POST", "/dev-issuer/token", "dev", "login"),
)


# -- who is calling ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    """What the gate established: the roles the request holds (for its row) and whose budget it spends."""

    roles: frozenset[str]
    subject: str | None = None


ANONYMOUS = Caller(frozenset())


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header (what FastAPI's HTTPBearer reads), else None."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def token_link_cookie(request: Request) -> str | None:
    """In development, the name of the token-link cookie of the pages ``request`` is for (/staff, /ops): only
    those pages take a ``?token=`` link (services/portal/token_link.py). None in production and elsewhere."""
    ctx: PortalContext = request.app.state.ozgflow
    if not ctx.settings.dev_mode:
        return None
    return next((name for name, scope in LEGACY_COOKIES if _under(request.url.path, scope)), None)


def sign_in_cookie(request: Request) -> tuple[str, str] | None:
    """``(name, value)`` of the sign-in cookie a handler would read for this path: in development the page's
    token-link cookie first, then the OIDC sign-in cookie (path /). None without one."""
    for name in (token_link_cookie(request), SESSION_COOKIE):
        if name is not None and (value := request.cookies.get(name)):
            return name, value
    return None


def request_token(request: Request) -> str | None:
    """The token a handler would use: the bearer header, in development a page's ``?token=`` link (GET), or
    the sign-in cookie."""
    token = bearer_token(request)
    if token is None and request.method == "GET" and token_link_cookie(request) is not None:
        token = request.query_params.get("token") or None
    if token is None and (cookie := sign_in_cookie(request)) is not None:
        token = cookie[1]
    return token


def sign_in_realm(request: Request) -> RealmName | None:
    """The login realm for a browser opening a signed-in page (it asks for HTML); None for API clients."""
    if request.method != "GET" or not wants_page(request):
        return None
    return next((realm for p, realm in PAGE_REALMS.items() if _under(request.url.path, p)), None)


class SignInRequired(Exception):
    """A signed-out browser on a page: answered with a redirect to the login (handler in ``install_access``)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def identify(rule: Rule, ctx: PortalContext, session: Session, request: Request) -> Caller:
    """The caller's roles as far as ``rule`` cares; 401 for missing or invalid credentials.

    Looks up only what the row can admit (a customer row never loads staff records), with the functions the
    handlers use, so the gate and the handler agree on who is calling."""
    if rule.open:
        return ANONYMOUS
    wants_token = bool(rule.roles - {INBOUND})
    if INBOUND in rule.roles and (request.headers.get("x-api-key") or not wants_token):
        return Caller(frozenset({INBOUND}), subject=inbound_system(ctx.settings, request.headers.get("x-api-key")))
    token = request_token(request)
    principal = verify_token(ctx, token)  # 401 unauthenticated / invalid_token
    roles: set[str] = set()
    if OPERATOR in principal.roles:
        roles.add(OPERATOR)
    if CUSTOMER in principal.roles and CUSTOMER in rule.roles:
        customer_of(principal, session)  # 401 unknown_customer when the account does not exist
        roles.add(CUSTOMER)
    if STAFF in principal.roles and rule.roles & JOBCENTER_ROLES:
        roles |= staff_of(principal, session).roles & JOBCENTER_ROLES  # 403 unknown_staff if inactive
    return Caller(frozenset(roles), subject=principal.subject)


def forbidden(rule: Rule) -> ApiError:
    needed = sorted(rule.roles - OPEN_ROLES)
    named = [f"{role} ({ROLE_LABELS.get(role, role)})" for role in needed]
    if len(named) == 1:
        message = f"Dafür ist die Rolle {named[0]} nötig."
    else:
        message = f"Dafür ist eine dieser Rollen nötig: {', '.join(named)}."
    return ApiError(403, "forbidden", message)


# -- the gate ------------------------------------------------------------------------------------------


class MissingAccessRule(RuntimeError):
    """A route without a row (or one the gate cannot guard): the portal does not start."""


class AccessPolicy:
    """The table bound to one app's routes: matched route object → its row."""

    def __init__(self, by_route: dict[tuple[int, str], Rule]) -> None:
        self._by_route = by_route

    def rule_for(self, route: object, method: str) -> Rule | None:
        return self._by_route.get((id(route), method))

    @classmethod
    def for_app(cls, app: FastAPI, table: Iterable[Rule] = TABLE) -> AccessPolicy:
        """Bind ``table`` to ``app``'s routes; refuse when a route has no row or would not pass the gate."""
        rows = {r.key: r for r in table}
        by_route: dict[tuple[int, str], Rule] = {}
        problems: list[str] = []
        for method, path, route, guarded in registered_routes(app):
            rule = rows.get((method, path))
            if rule is None:
                problems.append(f"{method} {path}: no row in services/portal/access.py TABLE")
                continue
            if not guarded and not rule.open:
                problems.append(f"{method} {path}: not an APIRoute behind the access gate, so it can only be public")
                continue
            previous = by_route.setdefault((id(route), method), rule)
            if previous != rule:
                problems.append(f"{method} {path}: one route object under two paths with different rows")
        if problems:
            raise MissingAccessRule("routes without a valid access rule:\n  " + "\n  ".join(problems))
        return cls(by_route)


def registered_routes(app: FastAPI) -> Iterable[tuple[str, str, object, bool]]:
    """``(method, path template, route object, guarded)`` for every route the app answers, as FastAPI
    registers them; ``guarded``: an APIRoute whose dependencies include the gate."""
    for rc in iter_route_contexts(app.routes):
        route = rc.original_route
        guarded = isinstance(route, APIRoute) and any(
            getattr(d, "dependency", None) is enforce_access for d in (rc.dependencies or [])
        )
        for method in sorted(rc.methods or ()):
            yield method, str(rc.path), route, guarded


def enforce_access(request: Request, ctx: ContextDep, session: SessionDep) -> None:
    """The one place access is decided: runs before every handler (app-level dependency)."""
    policy: AccessPolicy = request.app.state.access
    rule = policy.rule_for(request.scope.get("route"), request.method)
    if rule is None:  # a route added after the app was built: closed until it gets a row
        raise ApiError(403, "forbidden", "Für diesen Endpunkt ist keine Zugriffsregel hinterlegt.")
    try:
        caller = identify(rule, ctx, session, request)
    except ApiError as exc:
        realm = sign_in_realm(request) if exc.status == 401 else None
        if realm is None:
            raise
        raise SignInRequired(login_url(request, realm)) from None
    if not rule.open and not caller.roles & rule.roles:
        raise forbidden(rule)
    request.state.caller = caller
    limits = rate_limits_of(request)
    limits.check(rule.limit, subject=caller.subject, address=client_address(request, limits.trusted))


def install_access(app: FastAPI) -> AccessPolicy:
    """Bind the table to the app (after every router is included); raises ``MissingAccessRule``."""
    app.state.access = AccessPolicy.for_app(app)

    @app.exception_handler(SignInRequired)
    async def _sign_in(_: Request, exc: SignInRequired) -> RedirectResponse:
        return RedirectResponse(exc.location, status_code=303)

    return app.state.access


# -- documentation -------------------------------------------------------------------------------------

DOC_HEADING = "## Who may call what"


def markdown_table(table: Iterable[Rule] = TABLE) -> str:
    """The table as docs/security.md shows it (a test keeps the two equal)."""
    lines = ["| Method | Path | Roles | Abuse limit |", "|---|---|---|---|"]
    for r in table:
        roles = ", ".join(role for role in ROLES if role in r.roles)
        lines.append(f"| {r.method} | `{r.path}` | {roles} | {'' if r.limit == 'none' else r.limit} |")
    return "\n".join(lines)


def with_table(doc: str, table: Iterable[Rule] = TABLE) -> str:
    """``doc`` (docs/security.md) with the table of its "Who may call what" section replaced by the current one."""
    head, found, rest = doc.partition(DOC_HEADING)
    if not found:
        raise ValueError(f"the document has no '{DOC_HEADING}' section")
    section, next_heading, tail = rest.partition("\n## ")
    lines = section.split("\n")
    table_at = [i for i, line in enumerate(lines) if line.startswith("|")]
    rendered = markdown_table(table).split("\n")
    if table_at:
        lines[table_at[0] : table_at[-1] + 1] = rendered
    else:
        lines[-1:-1] = ["", *rendered]
    return head + found + "\n".join(lines) + next_heading + tail


if __name__ == "__main__":  # python -m services.portal.access docs/security.md: refresh the table in the doc
    import sys
    from pathlib import Path

    for name in sys.argv[1:] or ["docs/security.md"]:
        target = Path(name)
        target.write_text(with_table(target.read_text(encoding="utf-8")), encoding="utf-8")
