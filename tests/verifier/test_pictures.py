"""Verify counts pictures (issue 31, "verify counts pictures too"): every image of the article is in
every format, the cover included: the PDF's figures drawn, the EPUB's and DOCX's images whose media
are in the file, the web page's <img>. A picture one format lacks is a loss, named with its line."""
from __future__ import annotations

import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from independent import rewrite_zip_member
from publish.builder.check import verify_outputs
from publish.builder.pipeline import build
from publish.errors import VerifyError

FORMATS = ("pdf", "epub", "docx", "html")


def _png(width: int, height: int, grey: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = (b"\x00" + bytes([grey]) * width) * height
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


ARTICLE = """---
title: Pictures everywhere
cover-image: images/cover.png
---

Some text with an inline ![small mark](images/mark.png) picture in it.

![A photograph of the harbour](images/photo.png "Photo: The Agency")

![A drawing of the plan](images/plan.svg)

| what | picture |
|------|---------|
| a cell | ![a picture in a table](images/cell.png) |

A [![a linked picture](images/link.png)](https://example.org) and a note.[^1]

Text after.

[^1]: A note with ![a picture in a note](images/note.png) in it.
"""
#: Each image of ARTICLE: its source line, and its alt text.
IMAGES = {"images/mark.png": 6, "images/photo.png": 8, "images/plan.svg": 10, "images/cell.png": 14,
          "images/link.png": 16, "images/note.png": 20}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pictures")
    (folder / "images").mkdir()
    for number, name in enumerate(["cover", "mark", "photo", "cell", "link", "note"]):
        (folder / "images" / f"{name}.png").write_bytes(_png(20 + number, 10 + number, 40 * number))
    (folder / "images" / "plan.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
                                                '<rect width="40" height="20" fill="teal"/></svg>', "utf-8")
    (folder / "article.md").write_text(ARTICLE, "utf-8")
    build([folder / "article.md"], out=folder / "dist", project=folder, parallel=False)
    return folder


def _copy(project: Path, tmp_path: Path) -> Path:
    """A private copy of the built outputs and their manifest, to damage."""
    out = tmp_path / "dist"
    out.mkdir()
    for path in (project / "dist").iterdir():
        (out / path.name).write_bytes(path.read_bytes())
    return out


def test_every_picture_is_found_in_every_format(project: Path) -> None:
    report = verify_outputs([project / "article.md"], out=project / "dist", project=project)
    assert report.ok, report.table()
    assert report.rows["images"] == {fmt: "ok" for fmt in FORMATS}


def _lost(report, fmt: str, src: str, line: int) -> None:  # type: ignore[no-untyped-def]
    assert not report.ok
    [said] = [p for p in report.problems if p.startswith(f"{fmt}: images missing")]
    assert f"line {line}: image '{src}'" in said and "1 of the article's 7 pictures are missing" in said, said
    assert report.rows["images"] == {f: "missing" if f == fmt else "ok" for f in FORMATS}


def _drop_member(path: Path, member: str) -> None:
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist() if info.filename != member]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in items:
            target.writestr(info, data)


def test_an_epub_image_whose_file_is_gone_is_a_loss(project: Path, tmp_path: Path) -> None:
    out = _copy(project, tmp_path)
    with zipfile.ZipFile(out / "article.epub") as book:
        page = book.read("EPUB/article.xhtml").decode()
    [src] = re.findall(r'<img src="([^"]+)" alt="a picture in a table"', page)
    _drop_member(out / "article.epub", "EPUB/" + src)
    _lost(verify_outputs([project / "article.md"], out=out, project=project), "epub", "images/cell.png", 14)


def test_an_epub_image_taken_out_of_the_text_is_a_loss(project: Path, tmp_path: Path) -> None:
    out = _copy(project, tmp_path)
    rewrite_zip_member(out / "article.epub", "EPUB/article.xhtml",
                       lambda data: re.sub(rb'<img [^>]*alt="a picture in a note"[^>]*/>', b"", data, count=1))
    _lost(verify_outputs([project / "article.md"], out=out, project=project), "epub", "images/note.png", 20)


def test_a_docx_picture_whose_media_is_gone_is_a_loss(project: Path, tmp_path: Path) -> None:
    out = _copy(project, tmp_path)
    with zipfile.ZipFile(out / "article.docx") as package:
        document = package.read("word/document.xml").decode()
        rels = package.read("word/_rels/document.xml.rels").decode()
    drawing = next(d for d in re.findall(r"<w:drawing>.*?</w:drawing>", document, re.S) if 'descr="A drawing of the plan"' in d)
    [rid] = re.findall(r'r:embed="([^"]+)"', drawing)
    [target] = re.findall(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    _drop_member(out / "article.docx", "word/" + (target[0] or target[1]))
    # the SVG's PNG (Word draws no SVG alone): the drawing is the one that names the lost file
    _lost(verify_outputs([project / "article.md"], out=out, project=project), "docx", "images/plan.svg", 10)


def test_a_web_page_image_taken_out_is_a_loss(project: Path, tmp_path: Path) -> None:
    out = _copy(project, tmp_path)
    page = (out / "article.html").read_text("utf-8")
    damaged = re.sub(r'<img [^>]*alt="a linked picture"[^>]*>', "", page, count=1)
    assert damaged != page
    (out / "article.html").write_text(damaged, "utf-8")
    _lost(verify_outputs([project / "article.md"], out=out, project=project), "html", "images/link.png", 16)


def test_a_cover_missing_from_one_format_is_named(project: Path, tmp_path: Path) -> None:
    out = _copy(project, tmp_path)
    page = (out / "article.html").read_text("utf-8")
    damaged = re.sub(r'<figure class="cover" id="cover">.*?</figure>', "", page, count=1, flags=re.S)
    assert damaged != page
    (out / "article.html").write_text(damaged, "utf-8")
    report = verify_outputs([project / "article.md"], out=out, project=project)
    [said] = [p for p in report.problems if p.startswith("html: images missing")]
    assert "line 3: the cover image 'images/cover.png'" in said, said


def test_a_pdf_that_draws_a_picture_as_its_alt_text_fails_the_build(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What WeasyPrint does with an image it cannot load (it refused a 30000 x 30000 PNG by Pillow's
    limit): the alt text instead of the picture. The PDF's writer is made to do so with one image."""
    from publish.formats.pdf import page as print_page

    real = print_page.print_page

    def without_photo(job):  # type: ignore[no-untyped-def]
        html = real(job)
        changed = re.sub(r'<img src="[^"]+" alt="(A photograph of the harbour)"', r'<img src="missing.png" alt="\1"', html, count=1)
        assert changed != html
        return changed

    monkeypatch.setattr("publish.formats.pdf.write.print_page", without_photo)
    with pytest.raises(VerifyError) as caught:
        build([project / "article.md"], formats=["pdf"], out=tmp_path / "dist", project=project, parallel=False)
    said = str(caught.value)
    assert "pdf: images missing: line 8: image 'images/photo.png' (“A photograph of the harbour”) is not in the PDF" in said, said
    assert not (tmp_path / "dist" / "article.pdf").exists()


def test_the_cover_is_not_expected_in_the_pdf_and_docx_when_the_theme_leaves_it_out(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    for path in project.iterdir():
        if path.is_file():
            (folder / path.name).write_bytes(path.read_bytes())
    shutil.copytree(project / "images", folder / "images")
    (folder / "themes" / "plain").mkdir(parents=True)
    (folder / "themes" / "plain" / "theme.yaml").write_text("extends: default\noptions:\n  cover_page: false\n", "utf-8")
    build([folder / "article.md"], formats=["pdf", "docx", "epub"], out=folder / "dist", theme="plain", project=folder, parallel=False)
    report = verify_outputs([folder / "article.md"], out=folder / "dist", project=folder)
    assert report.ok, report.table()
    # the PDF has one picture fewer than the EPUB: the cover is not expected there
    from publish.formats import reader

    assert len(reader("pdf")(folder / "dist" / "article.pdf").pictures) == 6
    assert len(reader("epub")(folder / "dist" / "article.epub").pictures) == 7


def test_a_drawing_that_draws_nothing_is_still_a_picture_of_the_pdf(tmp_path: Path) -> None:
    """An empty SVG, or one whose only content the sanitizer removed (a linked photo), is a /Figure
    with nothing drawn in it: there, not lost."""
    (tmp_path / "empty.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "utf-8")
    (tmp_path / "linked.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20">'
                                         '<image href="photo.jpg" width="60" height="20"/></svg>', "utf-8")
    (tmp_path / "a.md").write_text("---\ntitle: Empty drawings\n---\n\nText.\n\n![nothing](empty.svg)\n\n![linked](linked.svg)\n\nEnd.\n", "utf-8")
    build([tmp_path / "a.md"], formats=["pdf"], out=tmp_path / "dist", project=tmp_path, parallel=False)
    assert verify_outputs([tmp_path / "a.md"], out=tmp_path / "dist", project=tmp_path).rows["images"] == {"pdf": "ok"}


def test_an_image_weasyprint_refuses_to_load_is_a_loss_of_the_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 31, case 5, with the measure of images taken away: WeasyPrint's loader refuses a 30000 x
    30000 PNG by Pillow's limit and prints the alt text; the EPUB has the picture, the PDF does not."""
    from test_hostile_images import png

    monkeypatch.setattr("publish.media.assets.check_pixels", lambda *args: None)
    (tmp_path / "huge.png").write_bytes(png(30000, 30000))
    (tmp_path / "a.md").write_text("---\ntitle: Huge\n---\n\nText.\n\n![A huge picture](huge.png)\n\nEnd.\n", "utf-8")
    with pytest.raises(VerifyError) as caught:
        build([tmp_path / "a.md"], formats=["pdf", "epub"], out=tmp_path / "dist", project=tmp_path, parallel=False)
    assert [line for line in str(caught.value).splitlines() if "missing" in line] == [
        "pdf: images missing: line 7: image 'huge.png' (“A huge picture”) is not in the PDF; 1 of the article's 1 pictures are missing"]


def test_a_label_in_a_translucent_group_of_a_drawing_is_not_read_as_the_articles_text(tmp_path: Path) -> None:
    """javascript.info's closure diagrams (zh and uk 1-js/06-advanced-functions/03-closure) draw a
    box's "..." in a group with opacity, which the PDF holds as a form XObject inside the figure's
    marked content: its text is the drawing's, as the labels outside such groups are."""
    from publish.formats import reader

    (tmp_path / "plan.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="2" y="14" font-size="12">Plainlabel</text>'
        '<g opacity=".5"><text x="2" y="32" font-size="12">Groupedlabel</text></g></svg>', "utf-8")
    (tmp_path / "a.md").write_text("---\ntitle: Diagrams\n---\n\nBefore the drawing.\n\n![A plan](plan.svg)\n\nAfter it.\n", "utf-8")
    build([tmp_path / "a.md"], formats=["pdf"], out=tmp_path / "dist", project=tmp_path, parallel=False)
    text = reader("pdf")(tmp_path / "dist" / "a.pdf").text
    assert "Before the drawing." in text and "After it." in text
    assert "Plainlabel" not in text and "Groupedlabel" not in text, text
