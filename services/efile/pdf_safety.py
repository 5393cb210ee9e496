"""PDF uploads without active content: no scripts, automatic actions, embedded files or form submission.

Jobcenter staff open every uploaded PDF on their workstations; a PDF that runs a script, launches a program,
carries another file or sends data somewhere when opened is an attack, not a supporting document. So a PDF
that *names* such a construct anywhere is refused — we do not try to guess which of them a viewer would run.

Viewers disagree on malformed files, so two views of the file are checked:
1. the bytes (``pdf_lexical``): every PDF name outside stream data, ``#xx`` escapes decoded, and every stream
   that can hold PDF syntax (object streams, page content, forms), decoded under a size budget — what a
   viewer repairing a broken file by scanning it from the start would see, orphaned objects included;
2. the objects a conforming reader resolves through the cross-reference table (pypdf), including objects
   inside compressed object streams.
Encrypted PDFs cannot be inspected (their streams are ciphertext) and get their own code; truncated or
damaged files, and files we cannot decode within the budget, are refused too. Nothing but ``UploadRejected``
leaves this module, whatever the bytes.
"""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from services.efile.pdf_lexical import ACTIVE_NAMES, Budget, scan_bytes
from services.efile.rejections import UploadRejected

MAX_DECODED_BYTES = 64 * 1024 * 1024
"""Decoded stream data scanned per file, all streams together (a 10 MB upload of zip bombs stops here)."""
MAX_IMAGE_INFLATE_BYTES = 512 * 1024 * 1024
"""Image data inflated (and discarded) per file only to check it is what it claims: ~50 scanned A4 pages."""
MAX_OBJECT_ITEMS = 2_000_000
"""Dictionary entries and array elements walked in the object view before we give up (uninspectable)."""
_EOF_WINDOW = 1024
"""Readers look for ``%%EOF`` within the last 1024 bytes; a file without it there was cut off."""

# pypdf reports every repair of a broken file as a warning, at times quoting bytes of it: a hostile upload must
# neither flood our logs nor put fragments of a document (personal data) into them. Our own log line says why.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def inspect_pdf(data: bytes) -> None:
    """Refuse (``UploadRejected``) a PDF that is damaged, encrypted, uninspectable or has active content."""
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise UploadRejected("damaged_file", detail="no %%EOF at the end (truncated)")
    scan_bytes(
        data,
        decoded=Budget(MAX_DECODED_BYTES),
        binary=Budget(MAX_IMAGE_INFLATE_BYTES, "inflated image data"),
    )
    inspect_objects(data)


def inspect_objects(data: bytes) -> None:
    """The reader's view: every object the cross-reference table (or pypdf's repair of it) names."""
    try:
        with apply_configuration(
            zlib_maximum_output_length=MAX_DECODED_BYTES,
            lzw_maximum_output_length=MAX_DECODED_BYTES,
            run_length_maximum_output_length=MAX_DECODED_BYTES,
            maximum_declared_stream_length=MAX_DECODED_BYTES,
        ):
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise UploadRejected("pdf_encrypted", detail="Encrypt in trailer")
            if len(reader.pages) < 1:
                raise UploadRejected("damaged_file", detail="no pages")
            _walk(reader)
    except UploadRejected:
        raise
    except LimitReachedError as exc:
        raise UploadRejected("pdf_uninspectable", detail=f"pypdf limit: {type(exc).__name__}") from None
    except Exception as exc:  # noqa: BLE001 - whatever a hostile file makes the parser raise, it is unreadable
        raise UploadRejected("damaged_file", detail=f"unreadable: {type(exc).__name__}") from None


def _walk(reader: PdfReader) -> None:
    """Every name (keys and values, escapes already decoded by pypdf) of every object, without following
    references: each referenced object is visited through the table itself."""
    numbers: set[tuple[int, int]] = set()
    for generation, entries in reader.xref.items():
        numbers.update((number, generation) for number in entries)
    numbers.update((number, 0) for number in reader.xref_objStm)
    roots: list[object] = [reader.trailer]
    roots += [IndirectObject(number, generation, reader).get_object() for number, generation in sorted(numbers)]
    budget = MAX_OBJECT_ITEMS
    stack = [r for r in roots if r is not None]
    while stack:
        item = stack.pop()
        budget -= 1
        if budget < 0:
            raise UploadRejected("pdf_uninspectable", detail="too many objects")
        if isinstance(item, DictionaryObject):
            for key, value in dict.items(item):
                _check_name(str(key))
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))
        elif isinstance(item, NameObject):
            _check_name(str(item))


def _check_name(name: str) -> None:
    bare = name[1:] if name.startswith("/") else name
    if bare == "Encrypt":
        raise UploadRejected("pdf_encrypted", detail="Encrypt")
    if bare in ACTIVE_NAMES:
        raise UploadRejected("pdf_active_content", detail=bare)
