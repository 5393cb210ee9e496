"""JPEG and PNG uploads must be real images, not a signature followed by anything.

Pillow reads the header and ``verify()`` checks the structure (PNG chunk checksums); then the picture data
itself is decoded without holding the picture in memory: a JPEG at one eighth of its size (the DCT decoder
still reads every coefficient), a PNG by inflating its image data in pieces and comparing the length with
what its header promises. Pictures above ``MAX_IMAGE_PIXELS`` are refused before any decoding, so a small
file cannot unfold into gigabytes (a decompression bomb).
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

from services.efile.rejections import UploadRejected

MAX_IMAGE_PIXELS = 50_000_000
"""A4 at 600 dpi is 35 megapixels; phone photos are 12–50."""
_FORMATS = {"image/jpeg": ("JPEG", "MPO"), "image/png": ("PNG",)}
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def inspect_image(data: bytes, media_type: str) -> None:
    """Refuse (``UploadRejected``) an image that is damaged, truncated or too large to decode safely."""
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"] if media_type == "image/jpeg" else ["PNG"]) as image:
            if image.format not in _FORMATS[media_type]:
                raise UploadRejected("damaged_file", detail=f"format {image.format}")
            width, height = image.size
            if width < 1 or height < 1:
                raise UploadRejected("damaged_file", detail="no pixels")
            if width * height > MAX_IMAGE_PIXELS:
                raise UploadRejected("image_too_large", detail=f"{width}x{height}")
            image.verify()
        if media_type == "image/jpeg":
            _decode_jpeg(data)
        else:
            _inflate_png(data)
    except UploadRejected:
        raise
    except Image.DecompressionBombError:
        raise UploadRejected("image_too_large", detail="Pillow decompression bomb limit") from None
    except Exception as exc:  # noqa: BLE001 - whatever a hostile file makes the decoder raise, it is unreadable
        raise UploadRejected("damaged_file", detail=f"unreadable image: {type(exc).__name__}") from None


def _decode_jpeg(data: bytes) -> None:
    """Decode all of the picture data at 1/8 scale; a truncated or corrupt JPEG raises (Pillow's default)."""
    with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
        width, height = image.size
        image.draft(None, (max(1, width // 8), max(1, height // 8)))
        image.load()


def _inflate_png(data: bytes) -> None:
    """Walk the chunks to IEND; the image data (IDAT) must inflate to exactly the size the header gives."""
    position, expected, produced = 8, -1, 0
    inflater = zlib.decompressobj()
    while True:
        if position + 12 > len(data):
            raise UploadRejected("damaged_file", detail="PNG ends before IEND")
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            expected = _png_data_size(body)
        elif kind == b"IDAT":
            pending = body
            while pending and not inflater.eof:
                produced += len(inflater.decompress(pending, 1 << 20))
                pending = inflater.unconsumed_tail
                if produced > expected:
                    raise UploadRejected("damaged_file", detail="PNG data longer than its header says")
        elif kind == b"IEND":
            break
    if not inflater.eof or produced != expected:
        raise UploadRejected("damaged_file", detail="PNG data shorter than its header says")


def _png_data_size(header: bytes) -> int:
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header[:13])
    bits = depth * _CHANNELS[colour]

    def rows(w: int, h: int) -> int:
        return h * (1 + (w * bits + 7) // 8) if w and h else 0

    if not interlace:
        return rows(width, height)
    return sum(
        rows((width - x0 + dx - 1) // dx if width > x0 else 0, (height - y0 + dy - 1) // dy if height > y0 else 0)
        for x0, y0, dx, dy in _ADAM7
    )
