"""Page tests in headless Chromium (Debian's package, installed by `make chromium` when root).

Playwright's own browser download cannot work offline, so the system binary is used; where it or the
playwright package is missing, the page tests skip and say why.

Why not pytest-playwright's ``page`` fixture: its ``playwright`` fixture is session-scoped, and the sync API
keeps an event loop running in the main thread until the session ends, so every later test that calls
``asyncio.run`` (the pipeline worker, say) would fail. Here the browser lives only as long as this package's
tests need it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    """A headless Chromium browser (playwright ``Browser``), closed with its event loop after these tests."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (run `make chromium` as root)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context()
    yield context.new_page()
    context.close()
