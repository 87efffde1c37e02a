"""Hostile images (issue 31, case 5 and "native code never gets unbounded work"): every raster image
is measured from its header before anything decodes it, every frame of it too; an SVG is measured
by what it draws with its <use> expanded and by the rasters it embeds. Over a limit the build stops
with ``article.md:LINE: image '...' is too large to draw (W x H px; the limit is ...)``, exit 1,
and dist/ stays as it was; under it, WeasyPrint's own loader draws the picture in the PDF."""
from __future__ import annotations

import base64
import ctypes
import hashlib
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from conftest import ROOT
from publish.errors import SourceError
from publish.media import assets, raster, svg
from publish.read.article import read_document

LIMIT = raster.MAX_IMAGE_PIXELS


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int, height: int, frames: list[tuple[int, int, int, int]] = ()) -> bytes:
    """A real one-colour PNG, 1 bit a pixel (a 30000 x 30000 one is 14 KiB: it compresses as such
    files do), with APNG frame controls (width, height, x, y) when ``frames`` are given."""
    row = b"\x00" + bytes((width + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row * 64) for _ in range(height // 64)) + packer.compress(row * (height % 64)) + packer.flush()
    extra = b""
    if frames:
        extra = _chunk(b"acTL", struct.pack(">II", len(frames), 0))
        for number, (w, h, x, y) in enumerate(frames):
            extra += _chunk(b"fcTL", struct.pack(">IIIIIHHBB", number, w, h, x, y, 1, 1, 0, 0))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + extra + _chunk(b"IDAT", body) + _chunk(b"IEND", b""))


def jpeg(width: int, height: int) -> bytes:
    """A JPEG's segments up to its frame header (APP0, a comment, SOF2), as a decoder reads them first."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    comment = b"\xff\xfe" + struct.pack(">H", 7) + b"hello"
    sof = b"\xff\xc2" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + comment + sof + b"\xff\xd9"


def gif(screen: tuple[int, int], frames: list[tuple[int, int, int, int]]) -> bytes:
    """A GIF with a global colour table and one-pixel-coded frames (x, y, width, height)."""
    out = b"GIF89a" + struct.pack("<HHBBB", *screen, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    for x, y, w, h in frames:
        out += b"\x21\xf9\x04\x00\x00\x00\x00\x00"  # a graphic control extension
        out += b"\x2c" + struct.pack("<HHHHB", x, y, w, h, 0) + b"\x02\x02\x44\x01\x00"
    return out + b"\x3b"


def webp_lossless(width: int, height: int) -> bytes:
    bits = (width - 1) | ((height - 1) << 14)
    chunk = b"VP8L" + struct.pack("<I", 5) + b"\x2f" + struct.pack("<I", bits) + b"\x00"
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def webp_extended(width: int, height: int) -> bytes:
    body = b"\x02\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    chunk = b"VP8X" + struct.pack("<I", len(body)) + body
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def _article(tmp_path: Path, name: str, data: bytes) -> Path:
    (tmp_path / "images").mkdir(exist_ok=True)
    (tmp_path / "images" / name).write_bytes(data)
    source = tmp_path / "article.md"
    source.write_text(f"---\ntitle: Pictures\n---\n\nText before.\n\n![A picture](images/{name})\n\nText after.\n", "utf-8")
    return source


HUGE = {
    "a 30000 x 30000 one-colour PNG": ("huge.png", png(30000, 30000), (30000, 30000)),
    "a 14000 x 14000 PNG": ("big.png", png(14000, 14000), (14000, 14000)),
    "one row over the limit": ("over.png", png(9459, 9460), (9459, 9460)),
    "an APNG frame past its small canvas": ("anim.png", png(10, 10, [(10, 10, 0, 0), (20000, 20000, 0, 0)]), (20000, 20000)),
    "a 20000 x 20000 GIF": ("huge.gif", gif((20000, 20000), [(0, 0, 1, 1)]), (20000, 20000)),
    "a GIF frame past its one-pixel screen": ("trick.gif", gif((1, 1), [(0, 0, 1, 1), (0, 0, 30000, 30000)]), (30000, 30000)),
    "a 30000 x 30000 progressive JPEG": ("huge.jpg", jpeg(30000, 30000), (30000, 30000)),
    "a 16383 x 16383 lossless WebP": ("huge.webp", webp_lossless(16383, 16383), (16383, 16383)),
    "a 16000 x 16000 WebP canvas": ("canvas.webp", webp_extended(16000, 16000), (16000, 16000)),
}


@pytest.mark.parametrize(("name", "data", "size"), HUGE.values(), ids=HUGE.keys())
def test_an_image_too_large_to_draw_is_refused_by_its_header(tmp_path: Path, name: str, data: bytes, size: tuple[int, int]) -> None:
    source = _article(tmp_path, name, data)
    with pytest.raises(SourceError) as caught:
        assets.collect(read_document(source), tmp_path)
    assert caught.value.line == 7
    assert caught.value.message == (f"image 'images/{name}' is too large to draw ({size[0]} x {size[1]} px; the limit is "
                                    f"{LIMIT:,} pixels, about 89.5 megapixels): scale it down")


SMALL = {
    "PNG": ("a.png", png(300, 200), (300, 200)),
    "APNG": ("a.png", png(300, 200, [(300, 200, 0, 0), (100, 50, 200, 150)]), (300, 200)),
    "GIF": ("a.gif", gif((300, 200), [(0, 0, 300, 200), (10, 10, 5, 5)]), (300, 200)),
    "JPEG": ("a.jpg", jpeg(300, 200), (300, 200)),
    "WebP": ("a.webp", webp_lossless(300, 200), (300, 200)),
    "WebP canvas": ("a.webp", webp_extended(300, 200), (300, 200)),
}


@pytest.mark.parametrize(("name", "data", "size"), SMALL.values(), ids=SMALL.keys())
def test_headers_are_measured_as_pillow_measures_them(name: str, data: bytes, size: tuple[int, int]) -> None:
    kind = {"png": "image/png", "gif": "image/gif", "jpg": "image/jpeg", "webp": "image/webp"}[name.rsplit(".", 1)[1]]
    assert raster.pixels(data, kind) == size


def test_real_files_are_measured_as_pillow_opens_them() -> None:
    from PIL import Image

    files = [p for p in (ROOT / "tests").rglob("*") if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".webp")]
    assert len(files) >= 10
    for path in files:
        data = path.read_bytes()
        kind = assets._sniff(data)
        if kind is None or kind[0] not in raster.MEASURED:
            continue
        with Image.open(path) as image:
            assert raster.pixels(data, kind[0]) == image.size, path


def test_a_cut_short_header_is_an_error_with_the_line(tmp_path: Path) -> None:
    source = _article(tmp_path, "cut.png", png(300, 200)[:20])
    with pytest.raises(SourceError, match=r"image 'images/cut.png' is cut short") as caught:
        assets.collect(read_document(source), tmp_path)
    assert caught.value.line == 7


def test_the_limit_is_pillows_so_weasyprint_draws_every_image_under_it() -> None:
    from PIL import Image

    assert LIMIT <= Image.MAX_IMAGE_PIXELS


def test_an_image_of_the_largest_size_allowed_is_drawn_in_the_pdf(tmp_path: Path) -> None:
    """WeasyPrint's loader refuses an image by Pillow's limit and prints the alt text instead: one
    exactly at publish's limit is drawn, pixel for pixel."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from publish.builder.pipeline import build

    side = int(LIMIT ** 0.5)  # 9459 x 9459, 9 pixels under the limit
    source = _article(tmp_path, "largest.png", png(side, side))
    [result] = build([source], formats=["pdf"], out=tmp_path / "dist", project=tmp_path, parallel=False)
    pdf = pdfium.PdfDocument(str(result.path))
    sizes = []
    for page in pdf:
        for index in range(raw.FPDFPage_CountObjects(page.raw)):
            obj = raw.FPDFPage_GetObject(page.raw, index)
            if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_IMAGE:
                width, height = ctypes.c_uint(), ctypes.c_uint()
                raw.FPDFImageObj_GetImagePixelSize(obj, ctypes.byref(width), ctypes.byref(height))
                sizes.append((width.value, height.value))
    pdf.close()
    assert sizes == [(side, side)]


def _publish(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``publish ARGS`` run in ``folder`` on the working tree's code."""
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=folder, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_the_command_refuses_a_huge_image_with_one_line_and_leaves_dist_as_it_was(tmp_path: Path) -> None:
    source = _article(tmp_path, "photo.png", png(40, 30))
    first = _publish(tmp_path, "build", "article.md")
    assert first.returncode == 0, first.stderr
    before = _digests(tmp_path / "dist")
    (tmp_path / "images" / "photo.png").write_bytes(png(30000, 30000))
    again = _publish(tmp_path, "build", "article.md")
    assert again.returncode == 1
    assert again.stderr.strip() == (f"article.md:7: image 'images/photo.png' is too large to draw (30000 x 30000 px; the limit is "
                                    f"{LIMIT:,} pixels, about 89.5 megapixels): scale it down")
    assert "Traceback" not in again.stdout + again.stderr
    assert _digests(tmp_path / "dist") == before
    assert source.is_file()


# -- SVG ------------------------------------------------------------------------------
def _use_bomb(levels: int) -> bytes:
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><defs><rect id="l0" width="1" height="1"/>']
    for level in range(1, levels + 1):
        parts.append(f'<g id="l{level}">' + f'<use href="#l{level - 1}"/>' * 10 + "</g>")
    parts.append(f'</defs><use href="#l{levels}"/></svg>')
    return "".join(parts).encode()


def test_an_svg_that_draws_too_much_once_its_uses_are_expanded_is_refused(tmp_path: Path) -> None:
    """Seven levels of ten <use> are 10^7 rectangles from 80 elements: WeasyPrint took 61 s on it."""
    source = _article(tmp_path, "bomb.svg", _use_bomb(7))
    with pytest.raises(SourceError, match=r"image 'images/bomb.svg' draws more than 1,000,000 elements once its <use> elements are expanded") as caught:
        assets.collect(read_document(source), tmp_path)
    assert caught.value.line == 7
    assert svg.sanitize(_use_bomb(5))  # 10^5 rectangles: drawn


@pytest.mark.parametrize("body", [
    '<g id="g"><use href="#g"/></g>',
    '<use id="a" href="#b"/><use id="b" href="#a"/>',
])
def test_an_svg_whose_use_refers_to_itself_is_refused(body: str) -> None:
    with pytest.raises(svg.UnsafeSvg, match="refers to an element containing it"):
        svg.sanitize(f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>'.encode())


def test_an_svg_that_uses_one_shape_many_times_is_kept() -> None:
    drawing = '<svg xmlns="http://www.w3.org/2000/svg"><rect id="r" width="1" height="1"/>' + '<use href="#r"/>' * 1000 + "</svg>"
    assert svg.sanitize(drawing.encode()).count(b"<use") == 1000


def _embedding(data: bytes, kind: str = "image/png") -> bytes:
    url = f"data:{kind};base64," + base64.b64encode(data).decode()
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="{url}" width="10" height="10"/></svg>'.encode()


def test_an_svg_that_embeds_a_huge_raster_is_refused(tmp_path: Path) -> None:
    source = _article(tmp_path, "wrapper.svg", _embedding(png(30000, 30000)))
    with pytest.raises(SourceError) as caught:
        assets.collect(read_document(source), tmp_path)
    assert caught.value.message == (f"image 'images/wrapper.svg' has an embedded image too large to draw (30000 x 30000 px; "
                                    f"the limit is {LIMIT:,} pixels, about 89.5 megapixels)")
    assert svg.sanitize(_embedding(png(30, 20))).count(b"data:image/png") == 1
