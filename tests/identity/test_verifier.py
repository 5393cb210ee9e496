"""What a token must be to pass: signed by the issuer's key, for us, by that issuer, valid now, about someone;
and which roles and trust level it yields, depending on the issuer."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI

from connectors.sdk.trust import TrustLevel
from services.identity.dev_issuer import DevIssuer
from services.identity.jwks import StaticKey
from services.identity.realms import RealmVerifier, build_verifier
from services.identity.verifier import InvalidToken, TokenVerifier
from services.settings import Settings
from tests.identity.support import AUDIENCE, ISSUER, SigningKey
from tests.support.http_server import UvicornThread


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey("k-1")


@pytest.fixture(scope="module")
def verifier(key: SigningKey) -> TokenVerifier:
    return TokenVerifier(issuer=ISSUER, audience=AUDIENCE, keys=StaticKey(key.private.public_key()))


def test_a_good_token_yields_subject_roles_and_trust_level(key: SigningKey, verifier: TokenVerifier) -> None:
    principal = verifier.verify(key.token(roles=["customer"], acr="http://eidas.europa.eu/LoA/substantial"))
    assert principal.subject == "kd-1001"
    assert principal.roles == {"customer"}
    assert principal.trust_level is TrustLevel.SUBSTANTIAL
    assert verifier.verify(key.token(roles=["customer"])).trust_level is TrustLevel.LOW  # no claim: low


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"aud": "someone-else"}, "(?i)audience"),
        ({"iss": "https://evil.example"}, "issuer"),
        ({"exp": -120}, "expired"),  # times relative to when the test runs, not to when it was collected
        ({"nbf": 600}, "not yet valid"),
        ({"sub": None}, "sub"),
        ({"exp": None}, "exp"),
    ],
    ids=["audience", "issuer", "expired", "not-before", "no-subject", "no-expiry"],
)
def test_tokens_not_for_us_or_not_valid_now_are_refused(
    key: SigningKey, verifier: TokenVerifier, claims: dict[str, object], reason: str
) -> None:
    now = int(time.time())
    timed = {name: now + value if name in ("exp", "nbf") and isinstance(value, int) else value
             for name, value in claims.items()}  # fmt: skip
    with pytest.raises(InvalidToken, match=reason):
        verifier.verify(key.token(**timed))


def test_clock_skew_within_the_leeway_is_tolerated(key: SigningKey, verifier: TokenVerifier) -> None:
    assert verifier.verify(key.token(nbf=int(time.time()) + 10)).subject == "kd-1001"


def test_unsigned_foreign_and_confused_algorithm_tokens_are_refused(key: SigningKey, verifier: TokenVerifier) -> None:
    claims = jwt.decode(key.token(), options={"verify_signature": False})
    unsigned = jwt.encode(claims, None, algorithm="none")
    stranger = SigningKey("k-1").token()  # same kid, another key
    public_pem = key.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    confused = _hs256_with(claims, public_pem)  # HS256 "signed" with the public key: algorithm confusion
    for token in (unsigned, stranger, confused, "not-a-jwt", ""):
        with pytest.raises(InvalidToken):
            verifier.verify(token)


def _hs256_with(claims: dict[str, object], secret: bytes) -> str:
    """An HS256 token whose MAC key is ``secret`` (PyJWT refuses PEM keys for HMAC, so built by hand)."""
    import base64
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = (
        f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT', 'kid': 'k-1'}).encode())}.{b64(json.dumps(claims).encode())}"
    )
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


def _settings(tmp_path: Path, **overrides: str) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **overrides)  # type: ignore[arg-type]


def test_separate_issuers_cannot_grant_each_others_roles(tmp_path: Path) -> None:
    """The customers' IdP knows nothing of our roles: its tokens are customers whatever they claim. The staff
    IdP grants staff and operator, never customer. Tokens of any third issuer are refused."""
    citizens = DevIssuer(tmp_path / "bund.pem", issuer="https://id.bund.example", audience="portal", ttl_seconds=60)
    org = DevIssuer(tmp_path / "org.pem", issuer="https://login.jc.example", audience="staff-portal", ttl_seconds=60)
    settings = _settings(
        tmp_path,
        auth_issuer=citizens.issuer,
        auth_audience="portal",
        staff_auth_issuer=org.issuer,
        staff_auth_audience="staff-portal",
    )
    jwks = FastAPI()
    jwks.get("/certs")(org.jwks)
    with UvicornThread(jwks) as server:
        settings = settings.model_copy(update={"staff_auth_jwks_url": f"{server.url}/certs"})
        verifier = build_verifier(settings, dev_issuer=citizens)  # customers: the dev key; staff: the org's JWKS
        _check_separate_realms(verifier, citizens, org, tmp_path)


def _check_separate_realms(verifier: RealmVerifier, citizens: DevIssuer, org: DevIssuer, tmp_path: Path) -> None:
    claims_staff = citizens.mint("kd-1001", roles=["staff", "operator"])
    assert verifier.verify(claims_staff).roles == {"customer"}
    staff = verifier.verify(org.mint("sb-berlin-1", roles=["customer", "staff"], trust_level=None))
    assert staff.roles == {"staff"}
    assert verifier.verify(org.mint("ops-1", roles=["operator"])).roles == {"operator"}
    with pytest.raises(InvalidToken):  # the org's key does not sign for the customers' issuer
        verifier.verify(org.mint("kd-1001", roles=["customer"], extra={"iss": citizens.issuer, "aud": "portal"}))
    third = DevIssuer(tmp_path / "x.pem", issuer="https://other.example", audience="portal", ttl_seconds=60)
    with pytest.raises(InvalidToken, match="issuer"):
        verifier.verify(third.mint("kd-1001", roles=["customer"]))


def test_one_issuer_for_both_realms_takes_roles_from_the_token_and_accepts_both_audiences(tmp_path: Path) -> None:
    issuer = DevIssuer(tmp_path / "dev.pem", issuer="http://127.0.0.1:8000/dev-issuer", audience="a", ttl_seconds=60)
    settings = _settings(tmp_path, auth_issuer=issuer.issuer, auth_audience="a", staff_auth_audience="b")
    verifier = build_verifier(settings, dev_issuer=issuer)
    assert verifier.verify(issuer.mint("sb-berlin-1", roles=["staff"], audience="b")).roles == {"staff"}
    assert verifier.verify(issuer.mint("kd-1001", roles=["customer"])).roles == {"customer"}
    with pytest.raises(InvalidToken, match="(?i)audience"):
        verifier.verify(issuer.mint("kd-1001", roles=["customer"], audience="c"))


def test_the_trust_level_claim_is_configurable(tmp_path: Path) -> None:
    issuer = DevIssuer(
        tmp_path / "dev.pem", issuer="https://id.example", audience="a", ttl_seconds=60, trust_level_claim="loa"
    )
    settings = _settings(tmp_path, auth_issuer=issuer.issuer, auth_audience="a", auth_trust_level_claim="loa")
    verifier = build_verifier(settings, dev_issuer=issuer)
    token = issuer.mint("kd-1001", roles=["customer"], trust_level=TrustLevel.HIGH)
    assert jwt.decode(token, options={"verify_signature": False})["loa"] == "http://eidas.europa.eu/LoA/high"
    assert verifier.verify(token).trust_level is TrustLevel.HIGH
    acr_only = issuer.mint("kd-1001", roles=["customer"], trust_level=None, extra={"acr": "substantial"})
    assert verifier.verify(acr_only).trust_level is TrustLevel.LOW  # the configured claim is the one read
