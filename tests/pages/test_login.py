"""Signing in to the staff pages in headless Chromium: a signed-out browser opening the inbox lands on the
(development) identity provider's sign-in page, picks a person, comes back signed in; signing out works."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from connectors.sdk.registry import ConnectorRegistry
from services.portal.app import create_app
from services.settings import Settings
from services.store.db import Database
from tests.pages.accessibility import axe_violations
from tests.support.http_server import UvicornThread, free_port


@pytest.fixture
def portal(settings: Settings, db: Database, registry: ConnectorRegistry) -> Iterator[str]:
    """The portal on loopback with its embedded issuer at its own address (as `make run` has it)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    configured = settings.model_copy(update={"auth_issuer": f"{base}/dev-issuer", "public_url": base})
    with UvicornThread(create_app(configured, db=db, registry=registry), port=port) as server:
        yield server.url


def test_signed_out_staff_sign_in_through_the_issuer_and_out_again(page: Any, portal: str) -> None:
    page.goto(f"{portal}/staff/inbox")
    assert page.url.startswith(f"{portal}/dev-issuer/authorize?")
    assert page.locator("h1").inner_text() == "Anmelden"
    pytest.importorskip("axe_playwright_python.sync_playwright")
    assert axe_violations(page) == []  # the sign-in page meets WCAG 2.1 AA like every other page

    page.get_by_role("button", name=re.compile(r"– sb-berlin-1,")).click()
    page.wait_for_url(f"{portal}/staff/inbox")
    assert "Posteingang" in page.locator("main").inner_text()
    assert "Jobcenter Berlin Mitte" in page.locator("header").inner_text()
    session = next(c for c in page.context.cookies() if c["name"] == "ozgflow_session")
    assert session["httpOnly"] and session["sameSite"] == "Lax" and session["path"] == "/"

    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url(re.compile(r".*/auth/signed-out.*"))
    assert page.locator("h1").inner_text() == "Sie sind abgemeldet"
    assert not [c for c in page.context.cookies() if c["name"] == "ozgflow_session"]
    page.goto(f"{portal}/staff/inbox")
    assert page.url.startswith(f"{portal}/dev-issuer/authorize?")  # signed out: the login again
