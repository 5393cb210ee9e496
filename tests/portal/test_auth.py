"""Bearer tokens: no token, bad tokens, foreign issuers, dev endpoints only in development mode."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from connectors.sdk.registry import ConnectorRegistry
from services.identity.dev_issuer import DevIssuer
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from tests.support.http_server import UvicornThread, free_port
from tests.support.production import production_settings


def test_no_token_is_401_with_code(client: TestClient) -> None:
    for method, path in (
        ("get", "/api/v1/mailbox"),
        ("post", "/api/v1/submissions/wba"),
        ("get", "/api/v1/submissions/some-id"),
    ):
        response = getattr(client, method)(path)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "unauthenticated"
        assert response.headers["www-authenticate"] == "Bearer"


def test_token_signed_by_another_key_is_rejected(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    stranger = DevIssuer(
        tmp_path / "other.pem", issuer=settings.auth_issuer, audience=settings.auth_audience, ttl_seconds=60
    )
    response = client.get(
        "/api/v1/mailbox", headers={"Authorization": f"Bearer {stranger.mint('kd-1001', roles=['customer'])}"}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_expired_wrong_audience_and_garbage_tokens_are_rejected(client: TestClient, settings: Settings) -> None:
    key_path = settings.data_dir / "dev-issuer-key.pem"
    issuer = DevIssuer(key_path, issuer=settings.auth_issuer, audience=settings.auth_audience, ttl_seconds=60)
    expired = issuer.mint("kd-1001", roles=["customer"], extra={"exp": int(time.time()) - 3600})
    wrong_aud = issuer.mint("kd-1001", roles=["customer"], extra={"aud": "someone-else"})
    wrong_iss = issuer.mint("kd-1001", roles=["customer"], extra={"iss": "https://evil.example"})
    for token in (expired, wrong_aud, wrong_iss, "not-a-jwt"):
        response = client.get("/api/v1/mailbox", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert response.json()["error"]["code"] == "invalid_token"


def test_unsigned_token_is_rejected(client: TestClient, settings: Settings) -> None:
    forged = jwt.encode(
        {
            "sub": "kd-1001",
            "iss": settings.auth_issuer,
            "aud": settings.auth_audience,
            "exp": int(time.time()) + 60,
            "roles": ["customer"],
        },
        key=None,
        algorithm="none",
    )
    response = client.get("/api/v1/mailbox", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_token_without_customer_role_is_403(client: TestClient, settings: Settings) -> None:
    issuer = DevIssuer(
        settings.data_dir / "dev-issuer-key.pem",
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        ttl_seconds=60,
    )
    response = client.get(
        "/api/v1/mailbox", headers={"Authorization": f"Bearer {issuer.mint('kd-1001', roles=['staff'])}"}
    )
    assert response.status_code == 403


def test_token_for_unknown_customer_is_401(client: TestClient, token_for) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/mailbox", headers=token_for("kd-does-not-exist"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unknown_customer"


def test_dev_endpoints_list_customers_and_mint_working_tokens(client: TestClient) -> None:
    customers = client.get("/api/v1/dev/customers").json()
    by_id = {c["id"]: c for c in customers}
    assert by_id["kd-1001"]["jobcenter"] == "Jobcenter Berlin Mitte"
    assert by_id["kd-9001"]["jobcenter"] is None
    token = client.post("/api/v1/dev/token", json={"customer_id": "kd-1001"}).json()["access_token"]
    assert client.get("/api/v1/mailbox", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    unknown = client.post("/api/v1/dev/token", json={"customer_id": "kd-0"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_customer"
    jwks = client.get("/dev-issuer/jwks.json").json()
    assert jwks["keys"][0]["kty"] == "RSA"


def test_production_verifies_against_the_issuers_jwks_and_hides_dev_endpoints(
    settings: Settings, db: Database, registry: ConnectorRegistry, tmp_path: Path
) -> None:
    """OIDC path: keys come from the issuer's JWKS over HTTP; the dev endpoints do not exist."""
    idp = DevIssuer(
        tmp_path / "idp.pem", issuer="https://idp.example/realms/bund", audience="ozgflow-portal", ttl_seconds=60
    )
    jwks_app = FastAPI()
    jwks_app.get("/certs")(idp.jwks)
    with UvicornThread(jwks_app) as jwks_server:
        production = settings.model_copy(
            update={"environment": "production", "auth_issuer": idp.issuer, "auth_jwks_url": f"{jwks_server.url}/certs"}
        )
        with TestClient(create_app(production, db=db, registry=registry)) as prod:
            assert prod.get("/api/v1/dev/customers").status_code == 404
            response = prod.post("/api/v1/dev/token", json={"customer_id": "kd-1001"})
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"
            good = prod.get(
                "/api/v1/mailbox", headers={"Authorization": f"Bearer {idp.mint('kd-1001', roles=['customer'])}"}
            )
            assert good.status_code == 200
            dev_token = DevIssuer(
                settings.data_dir / "dev-issuer-key.pem", issuer=idp.issuer, audience="ozgflow-portal", ttl_seconds=60
            ).mint("kd-1001", roles=["customer"])
            assert prod.get("/api/v1/mailbox", headers={"Authorization": f"Bearer {dev_token}"}).status_code == 401


def test_production_settings_refuse_missing_jwks() -> None:
    with pytest.raises(ValidationError, match="OZGFLOW_AUTH_JWKS_URL"):
        Settings(_env_file=None, environment="production", database_url="sqlite://")  # type: ignore[call-arg]


# -- OIDC sign-in in production: separate issuers, an external provider over real HTTP ------------------------

HTML = {"Accept": "text/html"}


def _jwks_app(*issuers: DevIssuer) -> FastAPI:
    app = FastAPI()
    for i, issuer in enumerate(issuers):
        app.get(f"/certs/{i}")(issuer.jwks)
    return app


def test_production_keeps_customers_and_staff_at_their_own_issuers(
    settings: Settings, db: Database, registry: ConnectorRegistry, tmp_path: Path
) -> None:
    bund = DevIssuer(tmp_path / "bund.pem", issuer="https://id.bund.example", audience="ozgflow-portal", ttl_seconds=60)
    org = DevIssuer(tmp_path / "org.pem", issuer="https://login.jc.example", audience="ozgflow-staff", ttl_seconds=60)
    with UvicornThread(_jwks_app(bund, org)) as jwks:
        production = settings.model_copy(
            update={
                "environment": "production",
                "auth_issuer": bund.issuer,
                "auth_jwks_url": f"{jwks.url}/certs/0",
                "staff_auth_issuer": org.issuer,
                "staff_auth_audience": "ozgflow-staff",
                "staff_auth_jwks_url": f"{jwks.url}/certs/1",
            }
        )
        with TestClient(create_app(production, db=db, registry=registry)) as prod:
            staff = {"Authorization": f"Bearer {org.mint('sb-berlin-1', roles=['staff'], trust_level=None)}"}
            assert prod.get("/api/v1/staff/me", headers=staff).json()["id"] == "sb-berlin-1"
            # a customer IdP's token naming itself staff is still only a customer
            posing = {"Authorization": f"Bearer {bund.mint('sb-berlin-1', roles=['staff', 'operator'])}"}
            assert prod.get("/api/v1/staff/me", headers=posing).status_code == 403
            assert prod.get("/api/v1/ops/overview", headers=posing).status_code == 403
            customer = {"Authorization": f"Bearer {bund.mint('kd-1001', roles=[])}"}  # BundID sends no roles
            assert prod.get("/api/v1/mailbox", headers=customer).status_code == 200
            # the token link is a development convenience: refused in production
            link = prod.get(f"/staff/inbox?token={staff['Authorization'][7:]}", headers=staff, follow_redirects=False)
            assert link.status_code == 400 and link.json()["error"]["code"] == "token_link_refused"
            signed_out = prod.get("/staff/inbox?token=x", headers=HTML, follow_redirects=False)
            assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/auth/login")


def test_production_answers_503_while_the_idp_keys_cannot_be_had(
    settings: Settings, db: Database, registry: ConnectorRegistry, tmp_path: Path
) -> None:
    production = settings.model_copy(
        update={
            "environment": "production",
            "auth_issuer": "https://id.example",
            "auth_jwks_url": f"http://127.0.0.1:{free_port()}/certs",
        }
    )
    token = DevIssuer(tmp_path / "i.pem", issuer="https://id.example", audience="ozgflow-portal", ttl_seconds=60)
    with TestClient(create_app(production, db=db, registry=registry)) as prod:
        response = prod.get(
            "/api/v1/mailbox", headers={"Authorization": f"Bearer {token.mint('kd-1001', roles=['customer'])}"}
        )
        assert response.status_code == 503 and response.json()["error"]["code"] == "identity_provider_unavailable"


def test_production_signs_in_at_an_external_oidc_provider_over_http(
    settings: Settings, db: Database, registry: ConnectorRegistry, tmp_path: Path
) -> None:
    """The provider is another process's embedded issuer on loopback: discovery, the browser's visit to its
    sign-in page, the code exchange and the JWKS all go over real HTTP; the portal runs in production mode."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}/dev-issuer"
    idp_settings = settings.model_copy(
        update={"auth_issuer": issuer, "public_url": "http://testserver", "data_dir": tmp_path / "idp"}
    )
    with UvicornThread(create_app(idp_settings, db=db, registry=registry), port=port):
        production = settings.model_copy(
            update={
                "environment": "production",
                "auth_issuer": issuer,
                "auth_jwks_url": f"{issuer}/jwks.json",
                "public_url": "http://testserver",
            }
        )
        with TestClient(create_app(production, db=db, registry=registry)) as prod:
            assert prod.get("/dev-issuer/jwks.json").status_code == 404  # no embedded issuer in production
            to_login = prod.get("/staff/inbox", headers=HTML, follow_redirects=False).headers["location"]
            authorize = prod.get(to_login, follow_redirects=False).headers["location"]
            assert authorize.startswith(f"{issuer}/authorize?")  # the browser leaves for the provider
            request = dict(parse_qsl(urlsplit(authorize).query))
            page = httpx.get(authorize)
            assert page.status_code == 200 and "sb-berlin-1" in page.text
            chosen = httpx.post(f"{issuer}/authorize", data={**request, "person": "staff:sb-berlin-1"})
            assert chosen.status_code == 303
            landed = prod.get(chosen.headers["location"], follow_redirects=False)
            assert landed.status_code == 303 and landed.headers["location"] == "/staff/inbox"
            assert prod.get("/staff/inbox", headers=HTML).status_code == 200


def test_production_refuses_a_separate_staff_issuer_without_its_jwks() -> None:
    staff_issuer = "https://login.jc.example"
    with pytest.raises(ValidationError, match="OZGFLOW_STAFF_AUTH_JWKS_URL"):
        production_settings(staff_auth_issuer=staff_issuer)
    separate = production_settings(staff_auth_issuer=staff_issuer, staff_auth_jwks_url="https://x/c")
    assert separate.resolved_staff_auth_issuer == staff_issuer
    shared = production_settings()  # one issuer for both realms: its JWKS serves both
    assert shared.resolved_staff_auth_issuer == shared.auth_issuer
