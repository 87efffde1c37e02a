"""A front-matter field that goes the other way than its article (the English notice of a Persian
reprint, the Arabic notice of an English one) is isolated in its own direction wherever a page shows
it, so its full stop stays at its end: PDFium reads the PDF's notice in order, verify passes in every
format (it refused the Persian PDF, whose notice read ".Reprinted with permission"), and the EPUB
and web page carry it in a ``<span dir>``."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from publish.builder.pipeline import build

XHTML = "{http://www.w3.org/1999/xhtml}"


def _article(folder: Path, lang: str, title: str, body: str, rights: str) -> Path:
    source = folder / f"{lang}.md"
    source.write_text(f"---\ntitle: {title}\nlang: {lang}\ndate: 2025-10-30\nrights: '{rights}'\n---\n\n{body}\n", "utf-8")
    return source


CASES = {
    "fa": ("گفتگوهای تجاری", "گفتگوهای تجاری وارد سومین هفته شد. هیئت‌ها درباره تعرفه‌های گمرکی گفتگو کردند.",
           "Reprinted with permission.", "ltr"),
    "en": ("Trade talks", "The delegations met on Monday to talk about tariffs.", "أعيد نشره بإذن من صحيفة الميناء.", "rtl"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    out = tmp_path_factory.mktemp("rtl-fields")
    found = {}
    for lang, (title, body, rights, _) in CASES.items():
        source = _article(out, lang, title, body, rights)
        found[lang] = {r.path.suffix[1:]: r.path for r in build([source], out=out / lang, project=out)}  # verify on
    return found


@pytest.mark.parametrize("lang", list(CASES))
def test_the_pdf_shows_the_notice_in_its_own_order(built, lang) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(str(built[lang]["pdf"]))
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    rights = CASES[lang][2]
    if CASES[lang][3] == "ltr":  # PDFium gives a left-to-right line in its order
        assert rights in text, text
        assert "." + rights[:-1] not in text


@pytest.mark.parametrize("lang", list(CASES))
def test_epub_and_web_page_isolate_the_notice_in_its_direction(built, lang) -> None:
    _, _, rights, direction = CASES[lang]
    with zipfile.ZipFile(built[lang]["epub"]) as book:
        page = etree.fromstring(book.read("EPUB/article.xhtml"))
    notice = next(p for p in page.iter(f"{XHTML}p") if "notice" in (p.get("class") or "").split())
    [span] = notice.findall(f"{XHTML}span")
    assert span.get("dir") == direction and "".join(span.itertext()) == rights
    web = etree.HTML(built[lang]["html"].read_bytes())
    [span] = web.xpath("//p[contains(concat(' ', @class, ' '), ' notice ')]/span[@dir]")
    assert span.get("dir") == direction and "".join(span.itertext()) == rights


def test_a_field_in_the_articles_own_direction_gets_no_span(tmp_path) -> None:
    source = _article(tmp_path, "fa", "گفتگو", "پاراگراف نخست.", "با اجازه بازنشر شده است.")
    [web] = build([source], formats=["html"], out=tmp_path / "out", project=tmp_path)
    tree = etree.HTML(web.path.read_bytes())
    assert not tree.xpath("//p[contains(@class, 'notice')]/span[@dir]")
