"""The human-readable e-file PDF of what was filed, in the responsible jobcenter's own identity.

Every page carries the jobcenter's header (its name in white on its primary colour, an accent stripe) and a
footer with address, telephone, e-mail, website and opening hours (principle 7). Rendered with reportlab's
built-in Helvetica (covers German umlauts and ß without loading a font file) and ``invariant=1``, so the same
submission always yields the same bytes: a rerun replaces the document with an identical one.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from connectors.sdk import DocumentSection, JobcenterSummary, SubmissionContext
from connectors.sdk.documents import opening_hours_text
from services.portal.branding import accessible_accent, accessible_primary
from services.receipts.document import ReceiptProof, proof_lines

_STYLES = getSampleStyleSheet()
_CELL = ParagraphStyle("cell", parent=_STYLES["BodyText"], fontSize=9, leading=11)
_LABEL = ParagraphStyle("label", parent=_CELL, textColor=colors.HexColor("#444444"))
_SMALL = ParagraphStyle("small", parent=_STYLES["BodyText"], fontSize=8, textColor=colors.HexColor("#555555"))


_MARGIN = 20 * mm
_BAND = 17 * mm  # the coloured header band
_STRIPE = 1.5 * mm  # the accent stripe beneath it
_FOOTER_SIZE = 7.5
_FOOTER_TEXT = colors.HexColor("#333333")


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def footer_lines(jc: JobcenterSummary) -> list[str]:
    """The footer's text: who the jobcenter is and how to reach it (before wrapping to the page width)."""
    lines = [
        f"{jc.name} · {jc.street} · {jc.postal_code} {jc.city}",
        f"Telefon {jc.phone} · E-Mail {jc.email}" + (f" · {jc.website}" if jc.website else ""),
    ]
    if jc.opening_hours:
        lines.append(f"Öffnungszeiten: {opening_hours_text(jc)}")
    return lines


class _Identity:
    """Draws the jobcenter's header band and contact footer on every page (a reportlab page callback)."""

    def __init__(self, jc: JobcenterSummary) -> None:
        self.jc = jc
        self.primary = colors.HexColor(accessible_primary(jc.colour_primary))
        self.accent = colors.HexColor(accessible_accent(jc.colour_accent))

    def __call__(self, canvas: Canvas, doc: SimpleDocTemplate) -> None:
        width, height = doc.pagesize
        canvas.saveState()
        canvas.setFillColor(self.primary)
        canvas.rect(0, height - _BAND, width, _BAND, stroke=0, fill=1)
        canvas.setFillColor(self.accent)
        canvas.rect(0, height - _BAND - _STRIPE, width, _STRIPE, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont("Helvetica-Bold", 13)
        canvas.drawString(_MARGIN, height - 8 * mm, self.jc.name)
        canvas.setFont("Helvetica", 8.5)
        canvas.drawString(_MARGIN, height - 13 * mm, f"{self.jc.street} · {self.jc.postal_code} {self.jc.city}")

        text_width = width - 2 * _MARGIN
        wrapped = [
            part for line in footer_lines(self.jc) for part in simpleSplit(line, "Helvetica", _FOOTER_SIZE, text_width)
        ]
        top = 8 * mm + len(wrapped) * (_FOOTER_SIZE + 2)
        canvas.setStrokeColor(self.primary)
        canvas.setLineWidth(0.8)
        canvas.line(_MARGIN, top + 4 * mm, width - _MARGIN, top + 4 * mm)
        canvas.setFillColor(_FOOTER_TEXT)
        canvas.setFont("Helvetica", _FOOTER_SIZE)
        y = top
        for part in wrapped:
            canvas.drawString(_MARGIN, y, part)
            y -= _FOOTER_SIZE + 2
        canvas.drawRightString(width - _MARGIN, top + 5.5 * mm, f"Seite {doc.page}")
        canvas.restoreState()


def render_submission_pdf(
    title: str, sections: list[DocumentSection], ctx: SubmissionContext, *, proof: ReceiptProof | None = None
) -> bytes:
    """``proof``: the signed receipt, shown under the receipt number (stored values only: same bytes on rerun)."""
    buffer = io.BytesIO()
    jc = ctx.jobcenter
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_BAND + _STRIPE + 8 * mm,
        bottomMargin=30 * mm,
        title=f"{title} {ctx.receipt_number}",
        author=jc.name,
        creator="ozgflow",
        invariant=1,
    )
    story: list = [
        _p(title, _STYLES["Title"]),
        _p(
            f"Eingangsnummer {ctx.receipt_number} · eingegangen am {ctx.submitted_at:%d.%m.%Y um %H:%M} Uhr (UTC) · "
            f"Kanal: {'online' if ctx.channel == 'online' else 'Papier'} · Formularversion {ctx.service_version}",
            _SMALL,
        ),
        *[_p(line, _SMALL) for line in (proof_lines(proof) if proof else [])],
        Spacer(1, 6 * mm),
    ]
    for section in sections:
        story.append(_p(section.title, _STYLES["Heading3"]))
        if section.rows:
            table = Table(
                [[_p(label, _LABEL), _p(value, _CELL)] for label, value in section.rows],
                colWidths=[60 * mm, 110 * mm],
            )
            table.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#dddddd")),
                    ]
                )
            )
            story.append(table)
        story.append(Spacer(1, 3 * mm))
    story.append(Spacer(1, 6 * mm))
    story.append(_p(f"Zuständig: {jc.name}, {ctx.team_name}. Kontakt: {jc.email} · {jc.phone}", _SMALL))
    identity = _Identity(jc)
    doc.build(story, onFirstPage=identity, onLaterPages=identity)
    return buffer.getvalue()
