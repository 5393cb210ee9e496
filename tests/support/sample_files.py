"""Files for the upload-safety tests. PDFs built byte by byte: a one-page document plus whatever construct a
test injects, written with a correct cross-reference table (classic) or with its objects compressed into an
object stream behind a cross-reference stream — so a reader sees exactly what the test meant. Benign PDFs as
reportlab writes them, and real PNG/JPEG pictures (an interlaced PNG by hand: Pillow writes none)."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from dataclasses import dataclass, field

from PIL import Image
from reportlab.pdfgen import canvas

CONTENT = b"0.2 0.4 0.8 rg 72 700 200 50 re f"


@dataclass
class Doc:
    """Objects 1 catalog, 2 pages, 3 page, 4 content stream; ``extra`` objects are numbered from 5."""

    catalog: bytes = b""
    page: bytes = b""
    extra: list[bytes] = field(default_factory=list)
    content: bytes = CONTENT
    content_filters: tuple[str, ...] = ("FlateDecode",)
    """As in ``/Filter``: the first one is undone first (so it is applied last when encoding)."""
    orphan: bytes = b""
    """Bytes written between the objects but not listed in the cross-reference table."""
    preamble: bytes = b""
    """Bytes before the first object (after the header); ``postamble``: after the last one."""
    postamble: bytes = b""

    def objects(self) -> list[bytes]:
        return [
            b"<< /Type /Catalog /Pages 2 0 R " + self.catalog + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R " + self.page + b" >>",
            *self.extra,
        ]

    def content_stream(self) -> bytes:
        data = self.content
        for name in reversed(self.content_filters):
            data = ENCODERS.get(name, _declared_only)(data)
        names = b" ".join(b"/" + n.encode() for n in self.content_filters)
        filters = b"/Filter [" + names + b"] " if self.content_filters else b""
        return b"<< " + filters + b"/Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _run_length(data: bytes) -> bytes:
    """Literal runs only (a valid, if unambitious, RunLength encoding)."""
    out = bytearray()
    for start in range(0, len(data), 128):
        chunk = data[start : start + 128]
        out += bytes([len(chunk) - 1]) + chunk
    return bytes(out + b"\x80")


ENCODERS = {
    "FlateDecode": zlib.compress,
    "ASCIIHexDecode": lambda data: data.hex().encode() + b">",
    "ASCII85Decode": lambda data: base64.a85encode(data) + b"~>",
    "RunLengthDecode": _run_length,
}


def _declared_only(data: bytes) -> bytes:
    """Filters the tests only name (LZW, Brotli …): the checker must refuse what it cannot decode."""
    return data


def classic(doc: Doc) -> bytes:
    """The document with every object in plain sight and a classic xref table."""
    bodies = doc.objects()
    bodies.insert(3, doc.content_stream())
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + doc.preamble)
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        if number == 4:
            out += doc.orphan
    out += doc.postamble
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def compressed(doc: Doc) -> bytes:
    """The same document with every non-stream object inside one Flate object stream (PDF 1.5)."""
    bodies = doc.objects()  # numbers 1..3 and 5.. go into the object stream; 4 stays the content stream
    numbers = [1, 2, 3, *range(5, 5 + len(doc.extra))]
    objstm_number, xref_number = 5 + len(doc.extra), 6 + len(doc.extra)
    index, payload = [], bytearray()
    for number, body in zip(numbers, bodies, strict=True):
        index.append(b"%d %d" % (number, len(payload)))
        payload += body + b"\n"
    head = b" ".join(index) + b"\n"
    packed = zlib.compress(head + payload)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    content_at = len(out)
    out += b"4 0 obj\n" + doc.content_stream() + b"\nendobj\n" + doc.orphan
    objstm_at = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        objstm_number,
        len(numbers),
        len(head),
        len(packed),
    )
    out += packed + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    for number in range(1, xref_number + 1):
        if number == 4:
            rows.append(b"\x01" + content_at.to_bytes(4, "big") + b"\x00\x00")
        elif number == objstm_number:
            rows.append(b"\x01" + objstm_at.to_bytes(4, "big") + b"\x00\x00")
        elif number == xref_number:
            rows.append(b"\x01" + xref_at.to_bytes(4, "big") + b"\x00\x00")
        else:
            rows.append(b"\x02" + objstm_number.to_bytes(4, "big") + numbers.index(number).to_bytes(2, "big"))
    table = zlib.compress(b"".join(rows))
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\n" % (
        xref_number,
        xref_number + 1,
        len(table),
    )
    out += b"stream\n" + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def reportlab_pdf(
    text: str = "Lohnabrechnung März", *, image: bool = False, link: bool = False, form: bool = False
) -> bytes:
    """A benign PDF as reportlab writes it (compressed pages), optionally with a picture, a web link and
    fillable fields (a plain AcroForm: no scripts, no XFA)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1, pageCompression=1)
    pdf.drawString(72, 720, text)
    if image:
        from reportlab.lib.utils import ImageReader

        pdf.drawImage(ImageReader(Image.new("RGB", (64, 48), (200, 30, 30))), 72, 500, 64, 48)
    if link:
        pdf.linkURL("https://www.arbeitsagentur.de/", (72, 600, 300, 620))
    if form:
        pdf.acroForm.textfield(name="name", x=72, y=400, width=200, height=20)
        pdf.acroForm.checkbox(name="einverstanden", x=72, y=360)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def png(width: int = 4, height: int = 3, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(width: int = 16, height: int = 16, *, progressive: bool = False) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "orange").save(buffer, "JPEG", progressive=progressive)
    return buffer.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def interlaced_png(width: int = 13, height: int = 7) -> bytes:
    """An Adam7-interlaced greyscale PNG: seven passes of rows, each row with filter byte 0."""
    passes = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
    raw = bytearray()
    for x0, y0, dx, dy in passes:
        columns = range(x0, width, dx)
        for y in range(y0, height, dy):
            if columns:
                raw += b"\x00" + bytes((x * 17 + y * 5) % 256 for x in columns)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 1)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(raw)))
        + _chunk(b"IEND", b"")
    )


def png_with(width: int, height: int, image_data: bytes) -> bytes:
    """A greyscale PNG header with whatever image data the test wants behind it (checksums correct)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", image_data) + _chunk(b"IEND", b"")
