"""A PDF's streams measured before PDFium reads them: PDFium inflates a page's whole content stream
in memory (a 2 GiB one took 14.8 GB), so every stream it would inflate to read the text (contents,
forms, fonts, object streams...) is inflated here first, counting the bytes and keeping none, and
the file is refused (readback.Unreadable) past MAX_STREAM_BYTES a stream or MAX_DECODED_BYTES in all.

The streams are found by their ``stream`` keyword, as a PDF repair tool finds them (streams are
never inside object streams). Images are not inflated (reading text does not decode them), unless
a page names one as its content; a filter publish never writes is refused."""
from __future__ import annotations

import mmap
import re
import zlib
from pathlib import Path

from ..readback import Unreadable

#: The most one stream may inflate to: a page of a 150,000-word book's PDF is about 40 KB of content.
MAX_STREAM_BYTES = 64 * 1024 * 1024
#: The most all of a PDF's streams (images aside) may inflate to together.
MAX_DECODED_BYTES = 1024 * 1024 * 1024
_MIB = 1024 * 1024

_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_OBJ = re.compile(rb"(\d+)\s+\d+\s+obj\b")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/<>\[\]()]+)")
_LENGTH = re.compile(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)")
_CONTENTS = re.compile(rb"/(?:Contents|CharProcs)\s*(\[[^\]]*\]|<<[^>]*>>|\d+\s+\d+\s+R)")
_REF = re.compile(rb"(\d+)\s+\d+\s+R")
#: Filters of images only: reading text never applies them.
_IMAGE_FILTERS = frozenset({b"DCTDecode", b"DCT", b"JPXDecode", b"JBIG2Decode", b"CCITTFaxDecode", b"CCF"})
_FLATE = frozenset({b"FlateDecode", b"Fl"})


def check(path: Path) -> None:
    """Refuse a PDF whose streams inflate past the bounds, or that uses a filter publish never writes."""
    with open(path, "rb") as handle:
        try:
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file: PDFium says what is wrong with it
            return
    with data:
        streams = []
        for match in _STREAM.finditer(data):
            keyword = data.rfind(b"obj", 0, match.start())  # the stream's own "N 0 obj"
            header = _OBJ.search(data, max(0, keyword - 32), keyword + 3) if keyword >= 0 else None
            number = int(header.group(1)) if header else 0
            streams.append((number, bytes(data[max(0, keyword) : match.start() + 2]), match.end()))
        budget = [MAX_DECODED_BYTES]
        named: set[int] = set()  # objects a page or a Type 3 font draws as content, whatever they say they are
        for number, head, start in streams:
            if b"/ObjStm" in head:
                text = _inflate(data, number, head, start, budget, keep=True)
                named.update(_content_refs(text))
        named.update(_content_refs(data))
        for number, head, start in streams:
            if b"/ObjStm" in head:
                continue
            image = re.search(rb"/Subtype\s*/Image\b", head) is not None
            if image and number not in named:
                continue
            _inflate(data, number, head, start, budget, keep=False)


def _content_refs(text: bytes | mmap.mmap) -> set[int]:
    found: set[int] = set()
    for match in _CONTENTS.finditer(text):
        found.update(int(ref.group(1)) for ref in _REF.finditer(match.group(1)))
    return found


def _end(data: mmap.mmap, head: bytes, start: int) -> int:
    """Where the stream's data end, as far as PDFium may read them: its /Length (when direct), or
    the next ``endstream`` if that is further (PDFium looks for it when the length is wrong)."""
    found = data.find(b"endstream", start)
    end = found if found >= 0 else len(data)
    length = _LENGTH.search(head)
    return max(end, min(len(data), start + int(length.group(1)))) if length else end


def _inflate(data: mmap.mmap, number: int, head: bytes, start: int, budget: list[int], keep: bool) -> bytes:
    """The stream's inflated size checked against the bounds (its bytes, with ``keep``)."""
    found = _FILTER.search(head)
    filters = re.findall(rb"/([^\s/<>\[\]()]+)", found.group(1)) if found else []
    for name in filters:
        if name not in _FLATE and name not in _IMAGE_FILTERS:
            raise Unreadable(f"stream {number} is encoded with /{name.decode('latin-1')[:40]}, which publish never writes")
    end = _end(data, head, start)
    cap = min(MAX_STREAM_BYTES, budget[0])
    if not filters or filters[0] not in _FLATE:
        size = end - start
        if size > cap:
            raise Unreadable(_past(number, cap, budget))
        budget[0] -= size
        return bytes(data[start:end]) if keep else b""
    inflater = zlib.decompressobj()
    view = memoryview(data)[start:end]
    kept: list[bytes] = []
    total, at = 0, 0
    try:
        pending = b""
        while not inflater.eof and (pending or at < len(view)):
            if not pending:
                pending, at = bytes(view[at : at + 65536]), at + 65536
            out = inflater.decompress(pending, min(_MIB, cap + 1 - total))
            pending = inflater.unconsumed_tail
            total += len(out)
            if total > cap:
                raise Unreadable(_past(number, cap, budget))
            if keep:
                kept.append(out)
    except zlib.error as exc:
        raise Unreadable(f"stream {number} is damaged ({exc})") from None
    finally:
        view.release()
    budget[0] -= total
    return b"".join(kept)


def _past(number: int, cap: int, budget: list[int]) -> str:
    if cap < MAX_STREAM_BYTES:
        return f"its streams inflate past {MAX_DECODED_BYTES // _MIB} MiB together (at stream {number})"
    return f"stream {number} inflates past {MAX_STREAM_BYTES // _MIB} MiB"
