"""Principle 7 on paper: every page of the e-file PDF and every receipt letter carries the responsible
jobcenter's own name, address, contact, opening hours and colours, and the PDF stays byte-for-byte
deterministic (a rerun of the efile stage replaces a document with an identical one)."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader
from reportlab.lib.colors import HexColor

from connectors.sdk import DocumentSection, SubmissionContext
from connectors.sdk.registry import ConnectorRegistry
from connectors.sdk.testkit import sample_context
from services.demo.data import JOBCENTERS
from services.efile.document import render_submission_pdf
from services.pipeline.job import jobcenter_summary
from services.portal.branding import DEFAULT_PRIMARY
from services.store.models import Jobcenter

FILL = re.compile(rb"(\d*\.?\d+) (\d*\.?\d+) (\d*\.?\d+) rg")


def _row(demo_id: str, **overrides: object) -> Jobcenter:
    jc = next(j for j in JOBCENTERS if j.id == demo_id)
    values: dict[str, object] = {
        "id": jc.id,
        "name": jc.name,
        "office_number": jc.office_number,
        "street": jc.street,
        "postal_code": jc.postal_code,
        "city": jc.city,
        "email": jc.email,
        "phone": jc.phone,
        "website": jc.website,
        "opening_hours": list(jc.opening_hours),
        "colour_primary": jc.colour_primary,
        "colour_accent": jc.colour_accent,
    }
    return Jobcenter(**{**values, **overrides})


def _context(registry: ConnectorRegistry, jobcenter: Jobcenter) -> SubmissionContext:
    return sample_context(registry.get("wba"), jobcenter=jobcenter_summary(jobcenter))


def _long_sections() -> list[DocumentSection]:
    """Enough rows for three pages, so "every page" means something."""
    return [DocumentSection(f"Abschnitt {n}", [(f"Angabe {n}.{i}", "Wert") for i in range(40)]) for n in range(3)]


def _pages(pdf: bytes) -> list[tuple[str, bytes]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [(page.extract_text(), page.get_contents().get_data()) for page in reader.pages]


def _fills(stream: bytes) -> list[tuple[float, float, float]]:
    return [tuple(float(v) for v in match.groups()) for match in FILL.finditer(stream)]  # type: ignore[misc]


def _uses(stream: bytes, colour: str) -> bool:
    expected = HexColor(colour).rgb()
    return any(all(abs(a - b) < 0.002 for a, b in zip(fill, expected, strict=True)) for fill in _fills(stream))


@pytest.mark.parametrize("demo_id", [jc.id for jc in JOBCENTERS])
def test_every_page_names_the_jobcenter_with_address_contact_and_hours(
    registry: ConnectorRegistry, demo_id: str
) -> None:
    row = _row(demo_id)
    ctx = _context(registry, row)
    pages = _pages(render_submission_pdf("Weiterbewilligungsantrag", _long_sections(), ctx))
    assert len(pages) >= 3
    for number, (text, stream) in enumerate(pages, start=1):
        flat = " ".join(text.split())
        for fact in (row.name, row.street, f"{row.postal_code} {row.city}", row.phone, row.email, row.website):
            assert fact in flat, (number, fact)
        assert "Öffnungszeiten: Mo, Di, Fr 08:00–12:30; Do 08:00–18:00; Mi nur mit Termin" in flat, number
        assert f"Seite {number}" in flat
        assert _uses(stream, row.colour_primary), (number, _fills(stream))  # the header band
        assert _uses(stream, row.colour_accent), number  # the accent stripe
        assert _uses(stream, "#ffffff"), number  # the name in white on the band


def test_the_pdf_stays_deterministic_and_differs_per_jobcenter(registry: ConnectorRegistry) -> None:
    berlin = _context(registry, _row("jc-berlin-mitte"))
    first = render_submission_pdf("WBA", _long_sections(), berlin)
    assert first == render_submission_pdf("WBA", _long_sections(), berlin)
    leipzig = render_submission_pdf("WBA", _long_sections(), _context(registry, _row("jc-leipzig")))
    assert leipzig != first


def test_an_inaccessible_colour_is_replaced_on_paper_too(registry: ConnectorRegistry) -> None:
    ctx = _context(registry, _row("jc-dortmund", colour_primary="#ffee00", colour_accent="nicht-hex"))
    assert (ctx.jobcenter.colour_primary, ctx.jobcenter.colour_accent) == (DEFAULT_PRIMARY, "#e2001a")
    _, stream = _pages(render_submission_pdf("WBA", _long_sections(), ctx))[0]
    assert _uses(stream, DEFAULT_PRIMARY) and not _uses(stream, "#ffee00")
    # a third-party connector test may build a summary by hand: the renderer guards the colours as well
    raw = replace(ctx, jobcenter=replace(ctx.jobcenter, colour_primary="#fafafa"))
    _, stream = _pages(render_submission_pdf("WBA", _long_sections(), raw))[0]
    assert _uses(stream, DEFAULT_PRIMARY) and not _uses(stream, "#fafafa")


def test_jobcenter_summary_carries_the_whole_identity() -> None:
    summary = jobcenter_summary(_row("jc-leipzig", website="javascript:alert(1)"))
    assert summary.name == "Jobcenter Leipzig" and summary.phone == "0341 5555 2000"
    assert summary.website is None  # only web addresses are shown as such
    assert summary.opening_hours[0] == ("Mo, Di, Fr", "08:00–12:30")
    assert (summary.colour_primary, summary.colour_accent) == ("#00557f", "#f29400")


@pytest.mark.parametrize("service", ["wba", "vaem", "anlage_kdu"])
def test_receipt_letters_close_with_the_jobcenters_address_and_contact(
    registry: ConnectorRegistry, service: str
) -> None:
    connector = registry.get(service)
    row = _row("jc-bremen")
    ctx = sample_context(connector, jobcenter=jobcenter_summary(row))
    body = connector.receipt(connector.form.model_validate(connector.examples()[0]), ctx).body
    assert f"{row.name}, {row.street}, {row.postal_code} {row.city}" in body
    assert f"Telefon {row.phone}, E-Mail {row.email}" in body
    assert f"Internet: {row.website}" in body
    assert "Öffnungszeiten: Mo, Di, Fr 08:00–12:30; Do 08:00–18:00; Mi nur mit Termin" in body
    assert body.rstrip().endswith(f"Mit freundlichen Grüßen\n{row.name}")
