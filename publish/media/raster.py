"""Raster images (PNG, JPEG, GIF, WebP) measured from their headers, never decoded: the size every
frame is drawn at, so that no decoder (Pillow, WeasyPrint's loader, resvg, a reader's viewer) is
handed a picture larger than MAX_IMAGE_PIXELS."""
from __future__ import annotations

import struct

#: The most pixels a raster image (each of its frames, and the canvas they are drawn on) may have:
#: Pillow's own decompression-bomb limit (Image.MAX_IMAGE_PIXELS, about 89.5 megapixels: 9459 x
#: 9459, or a 61-megapixel camera's 9504 x 6336 with room to spare). WeasyPrint's loader refuses
#: anything over twice that and warns over it, so everything under it is drawn in the PDF; decoded
#: as RGBA it is 358 MB.
MAX_IMAGE_PIXELS = 89_478_485


class BadRaster(ValueError):
    """The image's header cannot be read: the message says what is wrong with it."""


def pixels(data: bytes, media_type: str) -> tuple[int, int]:
    """The largest width and height any frame of the image covers (with its offset on the canvas),
    and the canvas's: what a decoder allocates. Reads headers and frame descriptors only."""
    try:
        return _MEASURES[media_type](data)
    except (IndexError, struct.error):
        raise BadRaster("is cut short (its header ends too soon)") from None


def too_large(size: tuple[int, int]) -> bool:
    """Whether an image of this size is over MAX_IMAGE_PIXELS."""
    return size[0] * size[1] > MAX_IMAGE_PIXELS


def describe_limit() -> str:
    """The limit as the messages say it."""
    return f"the limit is {MAX_IMAGE_PIXELS:,} pixels, about {MAX_IMAGE_PIXELS / 1e6:.1f} megapixels"


def _png(data: bytes) -> tuple[int, int]:
    """IHDR's size, and every APNG frame's (fcTL: its size and offset), walking the chunks."""
    if data[12:16] != b"IHDR":
        raise BadRaster("is not a valid PNG file (it does not start with its IHDR header)")
    width, height = struct.unpack(">II", data[16:24])
    at = 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        if kind == b"fcTL":
            w, h, x, y = struct.unpack(">IIII", data[at + 12 : at + 28])
            width, height = max(width, x + w), max(height, y + h)
        elif kind == b"IEND":
            break
        at += 12 + length
    return width, height


#: JPEG start-of-frame markers (SOF0 to SOF15, less DHT, JPG and DAC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg(data: bytes) -> tuple[int, int]:
    """The first start-of-frame segment's size, walking the segments before it (as Pillow does)."""
    at = 2
    while True:
        while data[at] != 0xFF:  # a stray byte between segments (Pillow skips them too)
            at += 1
        while data[at] == 0xFF:  # fill bytes
            at += 1
        marker = data[at]
        at += 1
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:  # markers without a length
            continue
        if marker in (0xD9, 0xDA):
            raise BadRaster("is not a valid JPEG file (no frame header before its image data)")
        length = struct.unpack(">H", data[at : at + 2])[0]
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[at + 3 : at + 7])
            return width, height
        at += length


def _gif(data: bytes) -> tuple[int, int]:
    """The logical screen, grown by every frame that reaches past it (Pillow grows the canvas so)."""
    width, height = struct.unpack("<HH", data[6:10])
    flags = data[10]
    at = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while at < len(data):
        block = data[at]
        if block == 0x3B:  # the trailer
            break
        if block == 0x21:  # an extension: its label, then sub-blocks
            at = _sub_blocks(data, at + 2)
        elif block == 0x2C:  # an image: its descriptor, colour table, LZW code size, sub-blocks
            x, y, w, h = struct.unpack("<HHHH", data[at + 1 : at + 9])
            width, height = max(width, x + w), max(height, y + h)
            local = data[at + 9]
            at += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0)
            at = _sub_blocks(data, at + 1)
        else:
            break  # what follows is not GIF: decoders stop here too
    return width, height


def _sub_blocks(data: bytes, at: int) -> int:
    while True:
        size = data[at]
        at += 1 + size
        if size == 0:
            return at


def _webp(data: bytes) -> tuple[int, int]:
    """The canvas (VP8X: an animation's frames must lie inside it), else the one frame's size."""
    kind = data[12:16]
    if kind == b"VP8X":
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
        return width, height
    if kind == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if kind == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    raise BadRaster("is not a valid WebP file (no VP8, VP8L or VP8X header)")


_MEASURES = {"image/png": _png, "image/jpeg": _jpeg, "image/gif": _gif, "image/webp": _webp}
#: The media types measured here.
MEASURED = frozenset(_MEASURES)
