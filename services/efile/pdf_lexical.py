"""The byte view of a PDF: its names, outside stream data and inside every stream that can hold PDF syntax.

Names are matched in every spelling of their ``#xx`` escapes (``/J#61vaScript`` is ``/JavaScript`` to every
reader) by one regular expression, so even a file of a million names is searched in C, not decoded in Python.
Strings are not skipped: a name-like text inside a string is refused as well — a rare false alarm is cheaper
than a lexer that disagrees with a viewer about where a string ends. Stream data is blanked out of the outer
scan (compressed bytes would raise false alarms) and scanned decoded instead, except image data. A stream we
cannot decode (LZW, a predictor on non-image data, an unknown filter) is refused as uninspectable rather than
passed unread; encrypted streams (``/Crypt``) as encrypted.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from services.efile.rejections import UploadRejected

ACTIVE_NAMES = frozenset(
    {
        "JavaScript", "JS", "OpenAction", "AA", "Launch", "EmbeddedFile", "EmbeddedFiles", "FileAttachment",
        "RichMedia", "RichMediaExecute", "XFA", "SubmitForm", "ImportData", "GoToR", "GoToE", "Rendition",
        "Sound", "Movie",
    }
)  # fmt: skip
"""PDF names that make a viewer run code, act on opening, carry files or send data away."""
MAX_STREAMS = 20_000
"""Streams per file; beyond that the file is uninspectable (a real 10 MB PDF has a few thousand at most)."""
MAX_OBJECTS = 100_000
"""``endobj`` keywords per file (objects outside object streams), likewise."""

_WS = rb"\x00\t\n\x0c\r "
_S = rb"[" + _WS + rb"]"
_REGULAR = rb"[^" + _WS + rb"()<>\[\]{}/%]"
"""A byte that continues a name or keyword (not white space, not a delimiter)."""
_ENDS = rb"(?!" + _REGULAR + rb")"
_NAME = re.compile(rb"/(" + _REGULAR + rb"*)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb">>" + _S + rb"*stream" + _ENDS)
_LENGTH = re.compile(rb"/Length" + _S + rb"+(\d+)(?!\d)(?!" + _S + rb"+\d+" + _S + rb"+R)")
_FILTER = re.compile(rb"/Filter" + _ENDS + _S + rb"*(\[[^\]]*\]|/" + _REGULAR + rb"+)?")
_DECODE_PARMS_REF = re.compile(rb"/(?:DecodeParms|DP)" + _S + rb"+\d+" + _S + rb"+\d+" + _S + rb"+R")
_PREDICTOR = re.compile(rb"/Predictor" + _S + rb"+(\d+)")
_IMAGE_FILTERS = frozenset({"DCTDecode", "DCT", "JPXDecode", "CCITTFaxDecode", "CCF", "JBIG2Decode"})


class Budget:
    """Bytes still allowed to be decoded for this file; a file that needs more is uninspectable (a zip bomb)."""

    def __init__(self, remaining: int, what: str = "decoded streams") -> None:
        self.remaining = remaining
        self.what = what

    def spend(self, size: int) -> None:
        self.remaining -= size
        if self.remaining < 0:
            raise UploadRejected("pdf_uninspectable", detail=f"{self.what} exceed the limit")


@dataclass(frozen=True)
class Stream:
    dictionary: bytes
    """The stream's dictionary with name escapes decoded."""
    start: int
    end: int
    after: int
    """Offset just past ``endstream``."""


def decode_name(raw: bytes) -> bytes:
    return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw) if b"#" in raw else raw


def names(data: bytes) -> Iterator[str]:
    for match in _NAME.finditer(data):
        yield decode_name(match.group(1)).decode("latin-1")


def _normalised(dictionary: bytes) -> bytes:
    return _NAME.sub(lambda m: b"/" + decode_name(m.group(1)), dictionary)


def _spelled_any_way(name: str) -> bytes:
    """``/JS`` as a pattern that also matches ``/#4AS``, ``/J#53``, ``/#4a#53`` … and ends where the name does."""
    chars = [rb"(?:" + re.escape(c.encode()) + rb"|#" + _hex_either_case(ord(c)) + rb")" for c in name]
    return rb"/" + b"".join(chars) + _ENDS


def _hex_either_case(code: int) -> bytes:
    """The two hex digits of ``code`` as a pattern, letters in either case (``4[Aa]``)."""
    return b"".join(b"[%c%c]" % (d, d ^ 0x20) if chr(d).isalpha() else bytes([d]) for d in b"%02X" % code)


_ACTIVE = re.compile(b"|".join(_spelled_any_way(n) for n in sorted(ACTIVE_NAMES | {"Encrypt"}, key=len, reverse=True)))
"""One search in C over the whole file instead of decoding every name in Python."""


def _refuse_active(data: bytes, where: str) -> None:
    match = _ACTIVE.search(data)
    if match is None:
        return
    name = decode_name(match.group(0)[1:]).decode("latin-1")
    if name == "Encrypt":
        raise UploadRejected("pdf_encrypted", detail=f"Encrypt ({where})")
    raise UploadRejected("pdf_active_content", detail=f"{name} ({where})")


def scan_bytes(data: bytes, *, decoded: Budget, binary: Budget) -> None:
    """Refuse the file if its byte view names active content or encryption (see the module doc).

    ``decoded`` bounds the stream data kept and scanned, ``binary`` the image data only inflated to check it."""
    if data.count(b"endobj") > MAX_OBJECTS:
        raise UploadRejected("pdf_uninspectable", detail="too many objects")
    found = streams(data)
    gaps, previous = [], 0
    for stream in found:
        gaps.append(data[previous : stream.start])
        previous = stream.end
    gaps.append(data[previous:])
    for gap in gaps:
        _refuse_active(gap, "outside streams")
    for stream in found:
        text = decode_stream(stream, data[stream.start : stream.end], decoded, binary)
        if text is not None:
            _refuse_active(text, "inside a stream")


def streams(data: bytes) -> list[Stream]:
    """Every ``stream … endstream`` in file order; the data extent by a direct ``/Length`` when it ends at
    ``endstream``, otherwise up to the next ``endstream`` (as viewers repair it)."""
    found: list[Stream] = []
    position = 0
    while (match := _STREAM.search(data, position)) is not None:
        start = _data_start(data, match.end())
        opening = data.rfind(b"obj", position, match.start())
        dictionary = _normalised(data[opening if opening >= 0 else position : match.start() + 2])
        end, after = _data_end(data, start, dictionary)
        found.append(Stream(dictionary, start, end, after))
        if len(found) > MAX_STREAMS:
            raise UploadRejected("pdf_uninspectable", detail="too many streams")
        position = after
    return found


def _data_start(data: bytes, keyword_end: int) -> int:
    i = keyword_end
    while i < len(data) and data[i] in b" \t\x00\x0c":
        i += 1
    if data[i : i + 2] == b"\r\n":
        return i + 2
    if data[i : i + 1] in (b"\n", b"\r"):
        return i + 1
    raise UploadRejected("damaged_file", detail="stream keyword without a line end")


def _data_end(data: bytes, start: int, dictionary: bytes) -> tuple[int, int]:
    lengths = _LENGTH.findall(dictionary)
    if lengths:
        end = start + int(lengths[-1])
        i = end
        while i < len(data) and data[i] in b"\x00\t\n\x0c\r ":
            i += 1
        if end <= len(data) and data.startswith(b"endstream", i):
            return end, i + len(b"endstream")
    keyword = data.find(b"endstream", start)
    if keyword < 0:
        raise UploadRejected("damaged_file", detail="stream without endstream (truncated)")
    end = keyword
    if data[end - 2 : end] == b"\r\n" and end - 2 >= start:
        end -= 2
    elif data[end - 1 : end] in (b"\n", b"\r") and end - 1 >= start:
        end -= 1
    return end, keyword + len(b"endstream")


def decode_stream(stream: Stream, raw: bytes, budget: Budget, binary: Budget) -> bytes | None:
    """The stream's data as a viewer would parse it, or None for data that is never PDF syntax (images,
    cross-reference tables) — unless the dictionary also claims to be an object stream."""
    dictionary = stream.dictionary
    kinds = set(names(dictionary))
    filters = _filters(dictionary)
    if "Crypt" in filters:
        raise UploadRejected("pdf_encrypted", detail="Crypt filter")
    if "ObjStm" not in kinds and (
        _IMAGE_FILTERS.intersection(filters)
        or _pair(dictionary, b"Subtype", b"Image")
        or _pair(dictionary, b"Type", b"XRef")
    ):
        return _binary_data(filters, raw, binary)
    unknown = [f for f in filters if f not in _DECODERS]
    if unknown:
        raise UploadRejected("pdf_uninspectable", detail=f"filter {unknown[0]}")
    predictors = [int(p) for p in _PREDICTOR.findall(dictionary)]
    if filters and (_DECODE_PARMS_REF.search(dictionary) or any(p > 1 for p in predictors)):
        raise UploadRejected("pdf_uninspectable", detail="predictor on a stream that can hold PDF syntax")
    data = raw
    for name in filters:
        data = _DECODERS[name](data, budget)
    return data


def _binary_data(filters: list[str], raw: bytes, budget: Budget) -> bytes | None:
    """Image or cross-reference data is not scanned for names, but it must be what its filter says: a fake
    "image" (a ``>> stream`` inside a comment, say) must not hide the objects after it from the outer scan.
    Unfiltered data is returned to be scanned like any other."""
    first = filters[0] if filters else None
    if first is None:
        return raw
    if first in ("FlateDecode", "Fl"):
        _inflates_cleanly(raw, budget)
    elif first in ("DCTDecode", "DCT") and not raw.startswith(b"\xff\xd8"):
        raise UploadRejected("damaged_file", detail="image stream is not JPEG data")
    elif first == "JPXDecode" and not raw.startswith((b"\x00\x00\x00\x0cjP  ", b"\xff\x4f\xff\x51")):
        raise UploadRejected("damaged_file", detail="image stream is not JPEG 2000 data")
    return None


def _inflates_cleanly(data: bytes, budget: Budget) -> None:
    """Inflate and discard, in bounded pieces: large scanned pages are fine, broken or endless data is not."""
    inflater, pending = zlib.decompressobj(), data
    try:
        while pending and not inflater.eof:
            budget.spend(len(inflater.decompress(pending, 1 << 20)))
            pending = inflater.unconsumed_tail
    except zlib.error:
        raise UploadRejected("damaged_file", detail="broken Flate image data") from None
    if data.strip(b"\x00\t\n\x0c\r ") and not inflater.eof:
        raise UploadRejected("damaged_file", detail="Flate image data cut off")


def _pair(dictionary: bytes, key: bytes, value: bytes) -> bool:
    pattern = rb"/" + key + _S + rb"*/" + value + _ENDS
    return re.search(pattern, dictionary) is not None


def _filters(dictionary: bytes) -> list[str]:
    matches = _FILTER.findall(dictionary)
    if not matches:
        return []
    if len(matches) > 1 or not matches[0]:
        raise UploadRejected("pdf_uninspectable", detail="filter given indirectly or twice")
    return list(names(matches[0]))


def _inflate(data: bytes, budget: Budget) -> bytes:
    if not data.strip(b"\x00\t\n\x0c\r "):
        return b""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, max(budget.remaining, 0) + 1)
    except zlib.error:
        raise UploadRejected("damaged_file", detail="broken Flate stream") from None
    budget.spend(len(out))
    if not inflater.eof:
        raise UploadRejected("damaged_file", detail="Flate stream cut off")
    return out


def _unhex(data: bytes, budget: Budget) -> bytes:
    body = re.sub(_S, b"", data.split(b">", 1)[0])
    try:
        out = binascii.unhexlify(body + b"0" if len(body) % 2 else body)
    except (binascii.Error, ValueError):
        raise UploadRejected("damaged_file", detail="broken ASCIIHex stream") from None
    budget.spend(len(out))
    return out


def _un85(data: bytes, budget: Budget) -> bytes:
    body = data.split(b"~>", 1)[0].strip(b"\x00\t\n\x0c\r ")
    body = body[2:] if body.startswith(b"<~") else body
    budget.spend(len(body) + 4 * body.count(b"z"))  # the most it can become, before allocating it
    try:
        return base64.a85decode(body, ignorechars=b"\x00\t\n\x0c\r ")
    except ValueError:
        raise UploadRejected("damaged_file", detail="broken ASCII85 stream") from None


def _unrun(data: bytes, budget: Budget) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data) and data[i] != 128:
        length = data[i]
        if length < 128:
            chunk = data[i + 1 : i + 2 + length]
            i += 2 + length
        else:
            chunk = data[i + 1 : i + 2] * (257 - length)
            i += 2
        budget.spend(len(chunk))
        out += chunk
    return bytes(out)


_DECODERS = {
    "FlateDecode": _inflate,
    "Fl": _inflate,
    "ASCIIHexDecode": _unhex,
    "AHx": _unhex,
    "ASCII85Decode": _un85,
    "A85": _un85,
    "RunLengthDecode": _unrun,
    "RL": _unrun,
}
