"""axe-core in the test's Chromium (bundled by axe-playwright-python: no network needed)."""

from __future__ import annotations

from typing import Any

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = ("serious", "critical")


def axe_violations(page: Any, *, wcag_only: bool = True, impacts: tuple[str, ...] | None = None) -> list[str]:
    """Violations on the current page, one readable line per rule and element.

    ``wcag_only`` runs the WCAG 2.1 A/AA rules only (the public pages' promise); without it every rule runs,
    best practices included, and ``impacts`` keeps those that matter for a working page."""
    from axe_playwright_python.sync_playwright import Axe

    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if wcag_only:
        options["runOnly"] = {"type": "tag", "values": WCAG_21_AA}
    results = Axe().run(page, options=options)
    return [
        f"{violation['id']}: {node['target']} {node.get('failureSummary', '')}"
        for violation in results.response["violations"]
        if impacts is None or violation["impact"] in impacts
        for node in violation["nodes"]
    ]
