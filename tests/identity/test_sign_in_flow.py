"""Signing in to the pages through the embedded OIDC provider: authorization code + PKCE, state, nonce,
one-time codes, the session cookie, no open redirect, sign-out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
from fastapi.testclient import TestClient

from connectors.sdk.registry import ConnectorRegistry
from services.identity import pkce
from services.identity.dev_provider import AuthorizationCodes, AuthorizationRequest, Grant, RequestRefused
from services.portal.app import create_app
from services.portal.deps import SESSION_COOKIE
from services.portal.routes.auth import LOGIN_COOKIE, PendingSignIn, local_target
from services.settings import Settings
from services.store.db import Database

HTML = {"Accept": "text/html,application/xhtml+xml"}
CALLBACK = "http://testserver/auth/callback"


@pytest.fixture
def portal(settings: Settings, db: Database, registry: ConnectorRegistry) -> Iterator[TestClient]:
    """The portal at http://testserver (its public URL), with the embedded issuer."""
    configured = settings.model_copy(update={"public_url": "http://testserver"})
    with TestClient(create_app(configured, db=db, registry=registry)) as client:
        yield client


def start(client: TestClient, *, realm: str = "staff", next_: str = "/staff/inbox") -> dict[str, str]:
    """/auth/login → the authorization request the browser is sent to (its query parameters)."""
    response = client.get("/auth/login", params={"realm": realm, "next": next_}, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = urlsplit(response.headers["location"])
    assert location.path == "/dev-issuer/authorize"
    return dict(parse_qsl(location.query))


def pick(client: TestClient, request: dict[str, str], person: str, trust_level: str = "substantial") -> str:
    """The sign-in page: choose ``person``; returns where the provider sends the browser (the callback)."""
    page = client.get("/dev-issuer/authorize", params=request)
    assert page.status_code == 200 and f'value="{person}"' in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]*)"', page.text)
    form = {**request, "person": person, "trust_level": trust_level, "csrf_token": csrf.group(1) if csrf else ""}
    chosen = client.post("/dev-issuer/authorize", data=form, follow_redirects=False)
    assert chosen.status_code == 303, chosen.text
    return chosen.headers["location"]


def sign_in(client: TestClient, person: str, **kwargs: Any) -> Any:
    trust_level = kwargs.pop("trust_level", "substantial")
    return client.get(pick(client, start(client, **kwargs), person, trust_level), follow_redirects=False)


def test_a_signed_out_browser_goes_through_the_login_and_lands_on_its_page(portal: TestClient) -> None:
    assert portal.get("/staff/inbox").status_code == 401  # an API client still gets its 401
    redirect = portal.get("/staff/inbox?state=all", headers=HTML, follow_redirects=False)
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/auth/login?realm=staff&next=%2Fstaff%2Finbox%3Fstate%3Dall"

    request = start(portal, next_="/staff/inbox?state=all")
    assert request["code_challenge_method"] == "S256" and request["redirect_uri"] == CALLBACK
    assert request["state"] and request["nonce"] and request["client_id"] == "ozgflow-portal"
    login_cookie = portal.cookies.get(LOGIN_COOKIE)
    pending = PendingSignIn.decode(login_cookie)
    assert pending is not None and pending.state == request["state"] and pending.next == "/staff/inbox?state=all"
    assert request["code_challenge"] == pkce.challenge(pending.verifier)

    callback = pick(portal, request, "staff:sb-berlin-1")
    assert callback.startswith(CALLBACK + "?code=") and f"state={request['state']}" in callback
    landed = portal.get(callback, follow_redirects=False)
    assert landed.status_code == 303 and landed.headers["location"] == "/staff/inbox?state=all"
    cookies = landed.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith(f"{SESSION_COOKIE}="))
    assert "httponly" in session.lower() and "samesite=lax" in session.lower() and "path=/" in session.lower()
    assert "secure" not in session.lower()  # http here; https sets Secure
    assert any(c.startswith(f"{LOGIN_COOKIE}=") and "max-age=0" in c.lower() for c in cookies)  # used up

    inbox = portal.get("/staff/inbox?state=all", headers=HTML)
    assert inbox.status_code == 200 and "Posteingang" in inbox.text and "Jobcenter Berlin Mitte" in inbox.text
    assert portal.get("/api/v1/staff/me").json()["id"] == "sb-berlin-1"  # the API takes the session cookie too

    out = portal.get("/auth/logout", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "http://testserver/auth/signed-out?realm=staff"
    assert portal.cookies.get(SESSION_COOKIE) is None
    assert "Sie sind abgemeldet" in portal.get(out.headers["location"]).text
    assert portal.get("/staff/inbox", headers=HTML, follow_redirects=False).status_code == 303


def test_a_customer_signs_in_with_the_trust_level_chosen(portal: TestClient) -> None:
    landed = sign_in(portal, "customer:kd-1001", realm="customer", next_="/", trust_level="low")
    assert landed.status_code == 303 and landed.headers["location"] == "/"
    token = portal.cookies.get(SESSION_COOKIE)
    assert token is not None
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == "kd-1001" and claims["acr"] == "http://eidas.europa.eu/LoA/low"
    assert portal.get("/api/v1/mailbox").status_code == 200  # customer endpoints accept the session cookie


def test_an_operator_signs_in_at_the_staff_realm_and_reaches_the_ops_pages(portal: TestClient) -> None:
    assert (
        portal.get("/ops", headers=HTML, follow_redirects=False)
        .headers["location"]
        .startswith("/auth/login?realm=staff")
    )
    landed = sign_in(portal, "operator", next_="/ops")
    assert landed.headers["location"] == "/ops"
    assert portal.get("/ops", headers=HTML).status_code == 200
    assert portal.get("/staff/inbox", headers=HTML).status_code == 403  # signed in, not staff: no login loop


def test_pkce_is_required_and_a_wrong_verifier_burns_the_code(portal: TestClient) -> None:
    verifier = pkce.new_verifier()
    request = _request(pkce.challenge(verifier))
    for broken in ({"code_challenge": ""}, {"code_challenge_method": "plain"}, {"code_challenge": "ä" * 43}):
        refused = portal.get("/dev-issuer/authorize", params={**request, **broken})
        assert refused.status_code == 400 and "PKCE" in refused.text

    code = _code(portal, request)
    wrong = _exchange(portal, code, pkce.new_verifier())
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant" and "PKCE" in wrong.text
    assert _exchange(portal, code, verifier).status_code == 400  # a failed try used the code up

    code = _code(portal, request)
    tokens = _exchange(portal, code, verifier)
    assert tokens.status_code == 200 and tokens.headers["cache-control"] == "no-store"
    id_claims = jwt.decode(tokens.json()["id_token"], options={"verify_signature": False})
    assert id_claims["nonce"] == request["nonce"] and id_claims["aud"] == "ozgflow-portal"
    replay = _exchange(portal, code, verifier)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"


def test_the_token_endpoint_checks_client_and_redirect_uri(portal: TestClient) -> None:
    verifier = pkce.new_verifier()
    request = _request(pkce.challenge(verifier))
    stranger = portal.post(
        "/dev-issuer/token", data={**_token_form(_code(portal, request), verifier), "client_id": "x"}
    )
    assert stranger.status_code == 401 and stranger.json()["error"] == "invalid_client"
    elsewhere = {**_token_form(_code(portal, request), verifier), "redirect_uri": "http://testserver/auth/other"}
    assert portal.post("/dev-issuer/token", data=elsewhere).json()["error"] == "invalid_grant"


def test_the_sign_in_page_sends_nobody_to_a_foreign_redirect_uri(portal: TestClient) -> None:
    request = _request(pkce.challenge(pkce.new_verifier()))
    for bad in (
        {"redirect_uri": "https://evil.example/auth/callback"},
        {"redirect_uri": "http://testserver/somewhere-else"},
        {"client_id": "unknown-client"},
    ):
        page = portal.get("/dev-issuer/authorize", params={**request, **bad}, follow_redirects=False)
        assert page.status_code == 400 and 'role="alert"' in page.text
        posted = portal.post("/dev-issuer/authorize", data={**request, **bad, "person": "operator"})
        assert posted.status_code == 400 and "location" not in posted.headers


def test_a_callback_with_the_wrong_state_is_refused_and_the_real_one_still_works(portal: TestClient) -> None:
    callback = pick(portal, start(portal), "staff:sb-berlin-1")
    forged = re.sub(r"state=[^&]+", "state=forged", callback)
    refused = portal.get(forged, follow_redirects=False)
    assert refused.status_code == 400 and 'data-code="state_mismatch"' in refused.text
    assert portal.cookies.get(SESSION_COOKIE) is None
    assert portal.get(callback, follow_redirects=False).headers["location"] == "/staff/inbox"


def test_a_replayed_code_does_not_sign_in_again(portal: TestClient) -> None:
    request = start(portal)
    pending = portal.cookies.get(LOGIN_COOKIE)
    callback = pick(portal, request, "staff:sb-berlin-1")
    assert portal.get(callback, follow_redirects=False).status_code == 303
    portal.cookies.delete(SESSION_COOKIE)
    assert "sign_in_expired" in portal.get(callback, follow_redirects=False).text  # the pending sign-in is gone
    portal.cookies.set(LOGIN_COOKIE, pending or "", path="/auth")  # an attacker with the cookie, too
    replayed = portal.get(callback, follow_redirects=False)
    assert replayed.status_code == 400 and 'data-code="code_rejected"' in replayed.text
    assert portal.cookies.get(SESSION_COOKIE) is None


def test_an_id_token_for_another_sign_in_is_refused_by_its_nonce(portal: TestClient) -> None:
    callback = pick(portal, start(portal), "staff:sb-berlin-1")
    pending = PendingSignIn.decode(portal.cookies.get(LOGIN_COOKIE))
    assert pending is not None
    swapped = PendingSignIn(pending.state, pkce.new_token(), pending.verifier, pending.next, pending.realm)
    portal.cookies.set(LOGIN_COOKIE, swapped.encode(), path="/auth")
    refused = portal.get(callback, follow_redirects=False)
    assert refused.status_code == 400 and 'data-code="nonce_mismatch"' in refused.text
    assert portal.cookies.get(SESSION_COOKIE) is None


def test_non_ascii_state_or_secret_is_refused_not_a_server_error(portal: TestClient) -> None:
    """Constant-time comparison of str refuses non-ASCII (TypeError): such values must still be a plain no."""
    start(portal)
    refused = portal.get("/auth/callback?code=x&state=%C3%A4", follow_redirects=False)
    assert refused.status_code == 400 and 'data-code="state_mismatch"' in refused.text
    verifier = pkce.new_verifier()
    form = {**_token_form(_code(portal, _request(pkce.challenge(verifier))), verifier), "client_secret": "ä"}
    stranger = portal.post("/dev-issuer/token", data=form)
    assert stranger.status_code == 401 and stranger.json()["error"] == "invalid_client"


def test_a_cancelled_sign_in_says_so(portal: TestClient) -> None:
    request = start(portal)
    cancelled = portal.get(f"/auth/callback?error=access_denied&state={request['state']}", follow_redirects=False)
    assert cancelled.status_code == 400 and "abgebrochen" in cancelled.text
    assert "/auth/login?realm=staff" in cancelled.text  # and offers to try again


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/staff",
        "//evil.example/staff",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/auth/logout",
        "/staff\r\nSet-Cookie: x=1",
        "",
    ],
)
def test_next_is_followed_only_to_a_path_on_this_site(portal: TestClient, target: str) -> None:
    start(portal, next_=target)
    pending = PendingSignIn.decode(portal.cookies.get(LOGIN_COOKIE))
    assert pending is not None and pending.next == "/staff"


def test_an_open_redirect_attempt_ends_on_the_realms_home(portal: TestClient) -> None:
    landed = sign_in(portal, "staff:sb-berlin-1", next_="//evil.example/phish")
    assert landed.headers["location"] == "/staff"


def test_local_targets() -> None:
    assert local_target("/staff/inbox?state=all&page=2") == "/staff/inbox?state=all&page=2"
    assert local_target("/ops/submissions/WBA-1#x") == "/ops/submissions/WBA-1#x"
    for bad in ("https://evil.example", "//evil.example", "/\\evil", "http:/evil", "evil", "/auth/callback", "/a\tb"):
        assert local_target(bad) is None, bad


def test_codes_expire_and_are_one_time() -> None:
    now = [0.0]
    codes = AuthorizationCodes(ttl_seconds=60, clock=lambda: now[0])
    verifier = pkce.new_verifier()
    request = _request(pkce.challenge(verifier))
    grant = Grant(
        request=AuthorizationRequest(
            client_id=request["client_id"],
            redirect_uri=request["redirect_uri"],
            state=request["state"],
            nonce=request["nonce"],
            code_challenge=request["code_challenge"],
        ),
        subject="sb-berlin-1",
        roles=("staff",),
        trust_level=None,
        name="x",
    )
    redeem = {"client_id": "ozgflow-portal", "redirect_uri": CALLBACK, "code_verifier": verifier}
    code = codes.issue(grant)
    assert codes.redeem(code, **redeem) == grant
    with pytest.raises(RequestRefused):
        codes.redeem(code, **redeem)
    late = codes.issue(grant)
    now[0] = 60.0
    with pytest.raises(RequestRefused, match="expired"):
        codes.redeem(late, **redeem)


# -- the provider's protocol, driven directly ------------------------------------------------------------


def _request(challenge: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": "ozgflow-portal",
        "redirect_uri": CALLBACK,
        "scope": "openid",
        "state": pkce.new_token(),
        "nonce": pkce.new_token(),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }


def _code(client: TestClient, request: dict[str, str]) -> str:
    location = pick(client, request, "staff:sb-berlin-1")
    return dict(parse_qsl(urlsplit(location).query))["code"]


def _token_form(code: str, verifier: str) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": "ozgflow-portal",
        "code_verifier": verifier,
    }


def _exchange(client: TestClient, code: str, verifier: str) -> Any:
    return client.post("/dev-issuer/token", data=_token_form(code, verifier))
