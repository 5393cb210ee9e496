"""Verifying against an issuer's JWKS served over real HTTP, while the issuer rotates its keys.

The cache's bounds are about intervals, so time is a fake clock the test moves; the server counts requests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import jwt
import pytest

from services.identity.jwks import JwksKeys, KeysUnavailable
from services.identity.verifier import InvalidToken, TokenVerifier
from tests.identity.support import AUDIENCE, ISSUER, FakeClock, JwksServer, SigningKey
from tests.support.http_server import UvicornThread

MAX_AGE, MIN_REFETCH = 600.0, 30.0


@pytest.fixture
def idp() -> Iterator[tuple[JwksServer, str]]:
    server = JwksServer()
    with UvicornThread(server.app()) as http:
        yield server, f"{http.url}/certs"


def _verifier(url: str, clock: FakeClock) -> TokenVerifier:
    keys = JwksKeys(url, max_age_seconds=MAX_AGE, min_refetch_seconds=MIN_REFETCH, clock=clock)
    return TokenVerifier(issuer=ISSUER, audience=AUDIENCE, keys=keys)


def test_a_rotated_key_is_picked_up_and_a_removed_one_refused(idp: tuple[JwksServer, str]) -> None:
    server, url = idp
    clock = FakeClock()
    old, new, newest = SigningKey("k-2025"), SigningKey("k-2026"), SigningKey("k-2027")
    server.keys = [old]
    verifier = _verifier(url, clock)

    assert verifier.verify(old.token()).subject == "kd-1001"
    assert verifier.verify(old.token(subject="kd-1002")).subject == "kd-1002"
    assert server.fetches == 1  # cached

    server.keys = [old, new]  # the IdP publishes its next key and signs with it at once
    clock.advance(1)
    assert verifier.verify(new.token()).subject == "kd-1001"  # unknown kid: fetched again, found
    assert server.fetches == 2

    server.keys = [new, newest]  # rotated again: the oldest key is gone
    clock.advance(MIN_REFETCH)
    assert verifier.verify(old.token()).subject == "kd-1001"  # still cached: accepted until the set is refreshed
    assert verifier.verify(newest.token()).subject == "kd-1001"  # unknown kid → refetch → the new set
    assert server.fetches == 3
    with pytest.raises(InvalidToken, match="does not publish"):
        verifier.verify(old.token())  # removed from the JWKS: refused

    server.keys = [newest]  # dropped without anyone presenting an unknown kid: the age limit refreshes
    clock.advance(MAX_AGE)
    with pytest.raises(InvalidToken, match="does not publish"):
        verifier.verify(new.token())
    assert verifier.verify(newest.token()).subject == "kd-1001"


def test_made_up_key_ids_cost_the_idp_one_request_per_interval(idp: tuple[JwksServer, str]) -> None:
    server, url = idp
    clock = FakeClock()
    real = SigningKey("k-real")
    server.keys = [real]
    verifier = _verifier(url, clock)
    verifier.verify(real.token())
    assert server.fetches == 1

    def garbage() -> str:
        return SigningKey(f"k-{uuid.uuid4().hex}", private=real.private).token()

    forged = [garbage() for _ in range(3)]
    for round_ in range(3):
        for token in forged * 10:
            with pytest.raises(InvalidToken):
                verifier.verify(token)
        assert server.fetches == 2 + round_  # one refetch per interval, however many tokens
        clock.advance(MIN_REFETCH)
    assert verifier.verify(real.token()).subject == "kd-1001"  # real tokens keep working throughout


def test_an_idp_outage_keeps_the_last_keys_and_is_not_hammered(idp: tuple[JwksServer, str]) -> None:
    server, url = idp
    clock = FakeClock()
    key = SigningKey("k-1")
    server.keys = [key]
    verifier = _verifier(url, clock)
    verifier.verify(key.token())

    server.failing = True
    clock.advance(MAX_AGE)
    for _ in range(20):
        assert verifier.verify(key.token()).subject == "kd-1001"  # stale keys serve while the IdP is down
    assert server.fetches == 2  # one failed try, then quiet until MIN_REFETCH has passed
    clock.advance(MIN_REFETCH)
    verifier.verify(key.token())
    assert server.fetches == 3
    server.failing = False
    clock.advance(MIN_REFETCH)
    verifier.verify(key.token())
    assert server.fetches == 4


def test_without_any_keys_verification_says_the_idp_is_unavailable(idp: tuple[JwksServer, str]) -> None:
    server, url = idp
    server.failing = True
    clock = FakeClock()
    verifier = _verifier(url, clock)
    token = SigningKey("k-1").token()
    with pytest.raises(KeysUnavailable):
        verifier.verify(token)
    with pytest.raises(KeysUnavailable):
        verifier.verify(token)
    assert server.fetches == 1  # the second try waits for MIN_REFETCH


def test_a_token_without_kid_is_accepted_only_while_the_issuer_has_one_key(idp: tuple[JwksServer, str]) -> None:
    server, url = idp
    clock = FakeClock()
    only = SigningKey("k-only")
    server.keys = [only]
    verifier = _verifier(url, clock)
    claims = jwt.decode(only.token(), options={"verify_signature": False})
    unnamed = jwt.encode(claims, only.private, "RS256")
    assert verifier.verify(unnamed).subject == "kd-1001"
    server.keys = [only, SigningKey("k-next")]
    clock.advance(MAX_AGE)
    with pytest.raises(InvalidToken):
        verifier.verify(unnamed)
