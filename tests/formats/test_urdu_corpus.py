"""A real Urdu article (a chapter of javascript.info's Urdu translation, tests/corpus) built as it is:
its language guessed as Urdu, laid out right to left in the four formats (the PDF's first line on the
right half of the page, the EPUB's spine, the DOCX's bidi paragraphs, the web page's dir), drawn
with an Arabic-script face that is embedded, and its folio and labels in Urdu; verify on."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from publish.builder.pipeline import build
from publish.media.fonts import installed_family
from publish.theme.labels import english, folio_text, labels_for

SOURCE = ROOT / "tests" / "corpus" / "jsinfo-ur-hello-world" / "article.md"
FIRST_WORD = "ٹیوٹوریل"  # the first word of its first paragraph


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not installed_family("Noto Naskh Arabic"):
        pytest.skip("no Arabic-script font is installed (Debian: apt install fonts-noto-core)")
    out = tmp_path_factory.mktemp("urdu")
    return {r.path.suffix[1:]: r.path for r in build([SOURCE], out=out, project=SOURCE.parent)}  # its folder is its project


def test_the_urdu_articles_pdf_starts_its_text_on_the_right_in_an_embedded_arabic_face(outputs) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(str(outputs["pdf"]))
    try:
        page = document[0]
        text = page.get_textpage()
        at = text.get_text_range().find(FIRST_WORD)
        assert at >= 0
        left = min(text.get_charbox(at + i)[0] for i in range(len(FIRST_WORD)))
        assert left > page.get_width() / 2, "the first paragraph starts in the right half"
        second = document[1]
        foot = second.get_textpage().get_text_bounded(0, 0, second.get_width(), 25 * 72 / 25.4)
        assert folio_text(labels_for("ur", english())["folio"], "2", "") in foot, foot  # صفحہ 2 از
    finally:
        document.close()
    pypdf = pytest.importorskip("pypdf")
    names = {str(f.get_object()["/BaseFont"]).split("+", 1)[-1] for p in pypdf.PdfReader(outputs["pdf"]).pages
             for f in p["/Resources"].get("/Font", {}).values()}
    assert "Noto-Naskh-Arabic" in names, names


def test_the_urdu_articles_epub_docx_and_web_page_go_right_to_left_in_urdu(outputs) -> None:
    with zipfile.ZipFile(outputs["epub"]) as book:
        opf = next(book.read(n).decode() for n in book.namelist() if n.endswith(".opf"))
        page = book.read(next(n for n in book.namelist() if n.endswith("article.xhtml"))).decode()
        assert any("NotoNaskhArabic" in n for n in book.namelist())
    assert 'page-progression-direction="rtl"' in opf and "<dc:language>ur</dc:language>" in opf
    assert re.search(r'<html[^>]*dir="rtl"', page) and 'xml:lang="ur"' in page
    with zipfile.ZipFile(outputs["docx"]) as package:
        body = package.read("word/document.xml").decode()
    assert body.count("<w:bidi/>") > 10
    html = outputs["html"].read_text("utf-8")
    assert '<html lang="ur" dir="rtl">' in html
    assert labels_for("ur", english())["skip"] in html  # مضمون پر جائیں
