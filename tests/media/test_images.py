"""SVG and WebP images: SVG sanitized, each format given a type it can carry."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from publish.media import assets, svg
from publish.errors import SourceError
from publish.read.article import read_document

HOSTILE_SVG = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20" onload="alert(1)">
  <script>alert(2)</script>
  <style>@import url(https://evil.example/x.css); rect { fill: blue }</style>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">html</div></foreignObject>
  <image xlink:href="https://evil.example/track.png" width="1" height="1"/>
  <image href="file:///etc/passwd" width="1" height="1"/>
  <use xlink:href="other.svg#shape"/>
  <a href="javascript:alert(3)"><text x="1" y="15">&xxe;Hi</text></a>
  <rect id="r" width="40" height="20" fill="red" style="fill: url(https://evil.example/p)" onclick="x()"/>
  <use href="#r"/>
</svg>
"""


def test_svg_sanitizer_keeps_the_drawing_and_drops_scripts_and_external_references() -> None:
    clean = svg.sanitize(HOSTILE_SVG)
    for gone in (b"script", b"alert", b"onload", b"onclick", b"evil.example", b"@import", b"foreignObject",
                 b"/etc/passwd", b"other.svg", b"javascript", b"ENTITY", b"xxe"):
        assert gone not in clean, gone
    assert b"<rect" in clean and b'href="#r"' in clean and b"Hi</text>" in clean


def test_svg_that_is_not_svg_is_refused() -> None:
    with pytest.raises(svg.UnsafeSvg, match="not an SVG image"):
        svg.sanitize(b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>')
    with pytest.raises(svg.UnsafeSvg, match="well-formed"):
        svg.sanitize(b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "draw.svg").write_bytes(HOSTILE_SVG)
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "green").save(buffer, format="WEBP")
    (tmp_path / "photo.webp").write_bytes(buffer.getvalue())
    (tmp_path / "a.md").write_text(
        "---\ntitle: Images\nlang: en\n---\n\n![A drawing](draw.svg)\n\n![A photo](/photo.webp)\n", "utf-8"
    )
    return tmp_path


def test_svg_and_webp_are_typed_and_the_svg_is_kept_sanitized(project: Path) -> None:
    found = assets.collect(read_document(project / "a.md"), project)
    drawing, photo = found["draw.svg"], found["/photo.webp"]
    assert (drawing.media_type, drawing.extension) == ("image/svg+xml", ".svg")
    assert b"script" not in drawing.data and b"<rect" in drawing.data
    assert (photo.media_type, photo.extension) == ("image/webp", ".webp")


def test_formats_get_images_they_can_carry(project: Path) -> None:
    found = assets.collect(read_document(project / "a.md"), project)
    drawing, photo = found["draw.svg"], found["/photo.webp"]
    assert assets.for_format(drawing, "epub") is drawing  # EPUB 3 carries SVG
    for fmt, asset in (("docx", drawing), ("docx", photo), ("epub", photo)):
        converted = assets.for_format(asset, fmt)
        assert converted.media_type == "image/png" and converted.data.startswith(b"\x89PNG")
        with Image.open(io.BytesIO(converted.data)) as image:
            assert image.width >= 30
    assert assets.for_format(photo, "pdf") is photo


def test_svg_and_webp_images_build_in_every_format(project: Path) -> None:
    from publish.builder.pipeline import build

    results = {r.format: r.path for r in build([project / "a.md"], out=project / "out", project=project, parallel=False)}
    with zipfile.ZipFile(results["epub"]) as book:
        names = book.namelist()
        opf = book.read("EPUB/content.opf").decode()
    assert any(n.endswith(".svg") for n in names) and not any(n.endswith(".webp") for n in names)
    assert 'media-type="image/svg+xml"' in opf and "image/webp" not in opf
    with zipfile.ZipFile(results["docx"]) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
    assert len(media) == 2 and all(n.endswith(".png") for n in media)
    assert results["pdf"].read_bytes().startswith(b"%PDF")


def test_a_rebuild_with_an_unchanged_svg_leaves_the_output_unchanged(project: Path) -> None:
    """The manifest records the SVG file's own digest, not the sanitized drawing's, so nothing looks stale."""
    from publish.builder.pipeline import build

    first = build([project / "a.md"], formats=["docx"], out=project / "out", project=project, parallel=False)
    again = build([project / "a.md"], formats=["docx"], out=project / "out", project=project, parallel=False)
    assert [r.unchanged for r in first] == [False] and [r.unchanged for r in again] == [True]


def test_missing_local_image_is_still_an_error_with_its_line(project: Path) -> None:
    (project / "a.md").write_text("---\ntitle: T\n---\n\nText.\n\n<img src=\"gone.png\" alt=\"x\">\n", "utf-8")
    with pytest.raises(SourceError, match="'gone.png' does not exist") as caught:
        assets.collect(read_document(project / "a.md"), project)
    assert caught.value.line == 7


GRAPHVIZ_SVG = b"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Generated by graphviz version 2.40.1 (20161225.0304) -->
<svg width="250pt" viewBox="0.00 0.00 363.00 342.00" xmlns="http://www.w3.org/2000/svg">
<g><polygon fill="white" points="0,0 363,0 363,342 0,342"/><text x="20" y="40">ptr</text></g>
</svg>
"""


@pytest.mark.parametrize(("head", "expected"), [
    (b'width="250pt" viewBox="0 0 363 342"', (250 * 96 / 72, 250 * 96 / 72 * 342 / 363)),  # graphviz: a width in pt
    (b'width="633pt" height="498pt" viewBox="0 0 633.33 498.19"', (633 * 96 / 72, 498 * 96 / 72)),
    (b'viewBox="0 0 100 50"', (100.0, 50.0)),  # a size only from the viewBox
    (b'width="2in" height="10mm"', (192.0, 96 / 2.54)),
    (b'width="100%" height="100%" viewBox="0 0 300 200"', (300.0, 200.0)),  # relative: the viewBox decides
    (b"", (100.0, 100.0)),
])
def test_an_svg_is_measured_as_a_renderer_sizes_it(head: bytes, expected: tuple[float, float]) -> None:
    width, height = svg.size(b'<svg xmlns="http://www.w3.org/2000/svg" ' + head + b"/>")
    assert (round(width, 3), round(height, 3)) == (round(expected[0], 3), round(expected[1], 3))


def test_an_svg_sized_in_points_is_drawn_for_the_docx_at_twice_its_size() -> None:
    """resvg's default dpi (0) made every width in pt or mm "an invalid size": the Rust book's 15
    graphviz figures stopped the DOCX with a traceback."""
    data = svg.to_png(svg.sanitize(GRAPHVIZ_SVG))
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
    assert abs(width - 2 * 250 * 96 / 72) <= 1 and abs(height - 2 * 250 * 96 / 72 * 342 / 363) <= 1


@pytest.mark.parametrize("head", [b'width="100000" height="100000"', b'viewBox="0 0 100000 100000"', b'width="5000in" height="1in"'])
def test_an_svg_that_declares_a_huge_size_is_drawn_no_larger_than_the_limit(head: bytes) -> None:
    drawing = b'<svg xmlns="http://www.w3.org/2000/svg" ' + head + b'><rect width="10" height="10"/></svg>'
    with Image.open(io.BytesIO(svg.to_png(svg.sanitize(drawing)))) as image:
        assert max(image.size) <= svg.MAX_PNG_SIDE and max(image.size) >= svg.MAX_PNG_SIDE - 1


def test_an_svg_that_cannot_be_drawn_stops_the_docx_with_the_images_line_not_a_traceback(tmp_path: Path) -> None:
    from publish.builder.pipeline import build

    (tmp_path / "flat.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"><rect width="1" height="1"/></svg>')
    (tmp_path / "a.md").write_text("---\ntitle: A flat drawing\n---\n\nText.\n\n![Nothing to see](flat.svg)\n", "utf-8")
    with pytest.raises(SourceError, match="image 'flat.svg' cannot be drawn") as caught:
        build([tmp_path / "a.md"], formats=["docx"], out=tmp_path / "out", project=tmp_path, parallel=False)
    assert (Path(caught.value.path).name, caught.value.line) == ("a.md", 7)
    assert not (tmp_path / "out" / "a.docx").exists()


def test_the_labels_of_an_svg_figure_are_not_read_as_the_articles_text(tmp_path: Path) -> None:
    """PDFium reads the words an SVG drawing draws (a diagram's labels) in among the paragraphs;
    the PDF's read-back leaves out what is marked as a figure, and the text around it is checked."""
    from publish.builder.pipeline import build
    from publish.formats.pdf.read import read_back

    labels = "".join(f'<text x="10" y="{20 + 20 * n}">Zebralabel{n} drawn</text>' for n in range(8))
    (tmp_path / "d.svg").write_bytes(f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200">{labels}</svg>'.encode())
    paragraph = "A paragraph long enough to be set on several lines of a column, around a diagram. " * 6
    (tmp_path / "a.md").write_text(f"---\ntitle: Diagram\n---\n\n{paragraph}\n\n![](d.svg)\n\n{paragraph}\n", "utf-8")
    results = {r.format: r.path for r in build([tmp_path / "a.md"], formats=["pdf"], out=tmp_path / "out", project=tmp_path, parallel=False)}
    text = read_back(results["pdf"]).text
    assert "Zebralabel" not in text and " ".join(text.split()).count("around a diagram") == 12
