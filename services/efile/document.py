"""The human-readable e-file PDF of what was filed.

Rendered with reportlab's built-in Helvetica (covers German umlauts and ß without loading a font
file) and ``invariant=1``, so the same submission always yields the same bytes: a rerun replaces
the document with an identical one.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from connectors.sdk import DocumentSection, SubmissionContext

_STYLES = getSampleStyleSheet()
_CELL = ParagraphStyle("cell", parent=_STYLES["BodyText"], fontSize=9, leading=11)
_LABEL = ParagraphStyle("label", parent=_CELL, textColor=colors.HexColor("#444444"))
_SMALL = ParagraphStyle("small", parent=_STYLES["BodyText"], fontSize=8, textColor=colors.HexColor("#555555"))


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def render_submission_pdf(title: str, sections: list[DocumentSection], ctx: SubmissionContext) -> bytes:
    buffer = io.BytesIO()
    jc = ctx.jobcenter
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{title} {ctx.receipt_number}",
        author=jc.name,
        creator="ozgflow",
        invariant=1,
    )
    story: list = [
        _p(f"{jc.name} · {jc.street} · {jc.postal_code} {jc.city}", _SMALL),
        Spacer(1, 4 * mm),
        _p(title, _STYLES["Title"]),
        _p(
            f"Eingangsnummer {ctx.receipt_number} · eingegangen am {ctx.submitted_at:%d.%m.%Y um %H:%M} Uhr (UTC) · "
            f"Kanal: {'online' if ctx.channel == 'online' else 'Papier'} · Formularversion {ctx.service_version}",
            _SMALL,
        ),
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
    doc.build(story)
    return buffer.getvalue()
