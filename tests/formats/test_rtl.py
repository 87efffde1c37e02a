"""A right-to-left article in every format, its direction read back from each file with tools publish
does not write it with: where PDFium finds the words on the PDF's pages (the first column on the
right, its lines starting at the right margin, the report theme's running head and folio mirrored),
the EPUB's spine and pages, the DOCX's paragraphs, runs and tables, the web page's <html>; and a
left-to-right article quoting Arabic, whose quote alone goes right to left."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT
from publish.builder.pipeline import build

FIXTURE = ROOT / "tests" / "fixtures" / "rtl" / "rtl.md"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XHTML = "http://www.w3.org/1999/xhtml"
OPF = "http://www.idpf.org/2007/opf"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ARABIC = re.compile("[\u0600-\u06ff]")
MM = 72 / 25.4


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixture built to every format with verify on (a refused output fails the build)."""
    out = tmp_path_factory.mktemp("rtl")
    results = build([FIXTURE], out=out, project=ROOT)
    return {r.path.suffix[1:]: r.path for r in results}


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rtl-report")
    # verify on: PDFium reads the Latin co-author of the report theme's facts row (a line that mixes
    # Arabic, Latin and a date) as "Saleh Omar", which verify takes in a right-to-left article
    [result] = build([FIXTURE], formats=["pdf"], out=out, project=ROOT, theme="report")
    return result.path


# -- PDF -----------------------------------------------------------------------------------------
def _words(pdf: Path) -> tuple[float, list[list[tuple[str, float, float, float, float]]]]:
    """The page width and, page by page, each character PDFium finds with its box (left, bottom, right, top)."""
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(str(pdf))
    try:
        width = document[0].get_size()[0]
        pages = []
        for page in document:
            text = page.get_textpage()
            pages.append([(text.get_text_range(i, 1), *text.get_charbox(i)) for i in range(text.count_chars())])
        return width, pages
    finally:
        document.close()


def _find(pages: list, needle: str) -> tuple[int, float, float, float, float]:
    """(page, left, bottom, right, top) of the first place ``needle`` is drawn."""
    for number, chars in enumerate(pages):
        text = "".join(c[0] for c in chars)
        at = text.find(needle)
        if at >= 0:
            boxes = chars[at:at + len(needle)]
            return number, min(b[1] for b in boxes), min(b[2] for b in boxes), max(b[3] for b in boxes), max(b[4] for b in boxes)
    raise AssertionError(f"{needle} is not in the PDF")


def test_pdf_first_column_is_on_the_right_and_its_lines_start_at_the_right_margin(outputs) -> None:
    width, pages = _words(outputs["pdf"])
    first_page, left, bottom, right, top = _find(pages, "MARKERONE")
    last_page, last_left, _, last_right, _ = _find(pages, "MARKERLAST")
    # the first paragraph (its second word) is in the right half, the last one, balanced into the
    # second column of the same page, in the left half
    assert first_page == last_page == 0
    assert left > width / 2, f"the first body line is at x={left:.0f} of {width:.0f}"
    assert last_right < width / 2, f"the last paragraph is at x={last_right:.0f}, not in the left column"
    # the first line's first word ends at the right margin (24 mm): the line starts on the right
    line = [c for c in pages[0] if c[2] < top and c[4] > bottom and c[0].strip() and c[1] > width / 2]
    assert abs(max(c[3] for c in line) - (width - 24 * MM)) < 3, "the first line does not start at the right margin"


def test_pdf_report_theme_mirrors_running_head_and_folio(report_pdf) -> None:
    width, pages = _words(report_pdf)
    assert len(pages) >= 2, "the fixture fills two pages in the report theme"
    height = 297 * MM
    chars = [c for c in pages[1] if c[0].strip()]
    head = [c for c in chars if c[2] > height - 26 * MM]
    folio = [c for c in chars if c[4] < 24 * MM]
    head_text = "".join(c[0] for c in head)
    assert _ARABIC.search(head_text), f"page 2's running head is the Arabic title: {head_text!r}"
    # the head holds the title (the longer text) and the kicker (the outlet's name), one at each side
    right = [c for c in head if c[1] > width / 2 and _ARABIC.match(c[0])]
    left = [c for c in head if c[3] < width / 2 and _ARABIC.match(c[0])]
    assert len(right) > len(left) > 0, "the running head (the title) sits on the right, where lines start; the kicker on the left"
    assert folio and max(c[3] for c in folio) < width / 2, "the page number sits on the left, where lines end"


# -- EPUB ----------------------------------------------------------------------------------------
def test_epub_spine_pages_and_nav_go_right_to_left(outputs) -> None:
    with zipfile.ZipFile(outputs["epub"]) as book:
        names = book.namelist()
        opf_name = next(n for n in names if n.endswith(".opf"))
        opf = etree.fromstring(book.read(opf_name))
        pages = {n: etree.fromstring(book.read(n)) for n in names if n.endswith(".xhtml")}
    assert opf.find(f"{{{OPF}}}spine").get("page-progression-direction") == "rtl"
    assert opf.get("dir") == "rtl" and opf.get(XML_LANG) == "ar"
    assert {"article.xhtml", "nav.xhtml"} <= {n.rsplit("/", 1)[-1] for n in pages}
    for name, root in pages.items():
        assert (root.get("dir"), root.get("lang"), root.get(XML_LANG)) == ("rtl", "ar", "ar"), name
    article = next(root for name, root in pages.items() if name.endswith("article.xhtml"))
    english = [p for p in article.iter(f"{{{XHTML}}}p") if "".join(p.itertext()).startswith("The English summary")]
    assert [p.get("dir") for p in english] == ["ltr"], "the English paragraph keeps its own direction"
    assert [pre.get("dir") for pre in article.iter(f"{{{XHTML}}}pre")] == ["ltr"]
    codes = [c for c in article.iter(f"{{{XHTML}}}code") if c.getparent().tag != f"{{{XHTML}}}pre"]
    assert codes and all(c.get("dir") == "ltr" for c in codes), "inline code is isolated left to right"
    arabic = [p for p in article.iter(f"{{{XHTML}}}p") if "".join(p.itertext()).startswith("بدأت")]
    assert arabic and all(p.get("dir") is None for p in arabic), "Arabic paragraphs take the page's direction"


# -- DOCX ----------------------------------------------------------------------------------------
def _docx(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(part))


def _text(node: etree._Element) -> str:
    return "".join(t.text or "" for t in node.iter(_w("t")))


def test_docx_paragraphs_runs_tables_and_section_go_right_to_left(outputs) -> None:
    body = _docx(outputs["docx"], "word/document.xml").find(_w("body"))
    paragraphs = [p for p in body.iter(_w("p")) if _text(p).strip()]
    bidi = {_text(p)[:30]: p.find(f"{_w('pPr')}/{_w('bidi')}") is not None for p in paragraphs}
    arabic = [text for text in bidi if text.startswith(("بدأت", "أوضح", "وفي ختام", "محادثات"))]
    assert len(arabic) >= 4 and all(bidi[text] for text in arabic), "Arabic paragraphs are bidi"
    assert not bidi[next(t for t in bidi if t.startswith("The English summary"))], "the English paragraph is not"
    assert not bidi[next(t for t in bidi if t.startswith("python tariffs.py"))], "the code block is not"
    runs = [r for r in body.iter(_w("r")) if _text(r).strip()]
    rtl = {_text(r): r.find(f"{_w('rPr')}/{_w('rtl')}") is not None for r in runs}
    assert all(flag for text, flag in rtl.items() if _ARABIC.search(text)), "every run of Arabic text is w:rtl"
    assert not any(flag for text, flag in rtl.items() if re.search("[A-Za-z]", text)), "no Latin run is w:rtl"
    [table] = body.iter(_w("tbl"))
    assert table.find(f"{_w('tblPr')}/{_w('bidiVisual')}") is not None, "the table's columns run right to left"
    assert all(s.find(_w("bidi")) is not None for s in body.iter(_w("sectPr")))


def test_docx_styles_name_the_complex_script_font_size_and_language(outputs) -> None:
    styles = _docx(outputs["docx"], "word/styles.xml")
    lang = styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}/{_w('lang')}")
    assert (lang.get(_w("val")), lang.get(_w("bidi"))) == ("ar", "ar-SA")
    for style in styles.iter(_w("style")):
        fonts = style.find(f"{_w('rPr')}/{_w('rFonts')}")
        if fonts is not None and fonts.get(_w("ascii")):
            assert fonts.get(_w("cs")) == "Noto Naskh Arabic", style.get(_w("styleId"))
        size = style.find(f"{_w('rPr')}/{_w('sz')}")
        if size is not None and style.get(_w("type")) == "paragraph":
            assert style.find(f"{_w('rPr')}/{_w('szCs')}").get(_w("val")) == size.get(_w("val")), style.get(_w("styleId"))


# -- web -----------------------------------------------------------------------------------------
def test_web_page_is_right_to_left(outputs) -> None:
    page = outputs["html"].read_text("utf-8")
    assert re.search(r'<html lang="ar" dir="rtl">', page)
    assert re.search(r'<p dir="ltr">The English summary', page)


# -- a left-to-right article quoting Arabic ------------------------------------------------------
def test_an_arabic_quote_in_an_english_article_goes_right_to_left_alone(tmp_path: Path) -> None:
    source = tmp_path / "quote.md"
    source.write_text(
        "---\ntitle: Trade talks\nlang: en\n---\n\nThe minister opened the talks with a line of poetry.\n\n"
        "> إذا الشعب يوما أراد الحياة فلا بد أن يستجيب القدر\n\nThe delegations then turned to tariffs.\n", "utf-8")
    results = {r.path.suffix[1:]: r.path for r in build([source], formats=["html", "docx"], out=tmp_path / "out", project=tmp_path)}
    page = results["html"].read_text("utf-8")
    assert '<html lang="en" dir="ltr">' in page
    assert re.search(r'<blockquote dir="rtl">\s*<p>إذا', page) and page.count('dir="rtl"') == 1
    body = _docx(results["docx"], "word/document.xml").find(_w("body"))
    flagged = [(_text(p)[:10], p.find(f"{_w('pPr')}/{_w('bidi')}") is not None) for p in body.iter(_w("p")) if _text(p).strip()]
    assert [text for text, flag in flagged if flag] == ["إذا الشعب "]


def test_a_right_to_left_first_line_indent_is_at_the_start_of_the_line(tmp_path: Path) -> None:
    """WeasyPrint set the indent of a right-to-left paragraph at the end of its first line; the
    correction (publish.formats.pdf.weasyprint.indent) moves the line so that it starts one indent
    in from the right edge, for a theme that indents right-to-left paragraphs."""
    from publish.formats.pdf import write  # noqa: F401  (applies the corrections)
    from publish.formats.pdf.weasyprint import indent

    assert indent.APPLIED
    import weasyprint

    words = "بدأت الوفود صباح الاثنين جولة جديدة من المحادثات حول الرسوم الجمركية على السلع الزراعية والصناعية"
    page = (f'<html dir="rtl" lang="ar"><head><meta charset="utf-8"/><style>@page {{ size: 120mm 80mm; margin: 10mm }}'
            f' body {{ margin: 0; font: 12pt "Noto Naskh Arabic", serif }} p {{ margin: 0 }} p + p {{ text-indent: 20mm }}</style></head>'
            f'<body><p>MARKERA {words}</p><p>MARKERB {words}</p></body></html>')
    pdf = tmp_path / "indent.pdf"
    weasyprint.HTML(string=page).write_pdf(pdf)
    _, pages = _words(pdf)
    width = 120 * MM
    first, second = _find(pages, "MARKERA"), _find(pages, "MARKERB")
    # each paragraph's first word is its first line's rightmost word: the line of the second,
    # indented, starts 20 mm further from the right edge than the first
    lines = []
    for _, _, bottom, _, top in (first, second):
        lines.append(max(c[3] for c in pages[0] if c[0].strip() and c[2] < top and c[4] > bottom))
    assert abs(lines[0] - (width - 10 * MM)) < 2, "the unindented line starts at the right margin"
    assert abs((lines[0] - lines[1]) - 20 * MM) < 2, f"the indent is {(lines[0] - lines[1]) / MM:.1f} mm at the line's start"


def test_verify_takes_a_latin_name_pdfium_reads_backwards_only_in_a_right_to_left_article() -> None:
    from types import SimpleNamespace

    from publish.formats.readback import Extracted
    from publish.verifier.compare import _shown_reversed

    got = Extracted("ليلى حداد, Saleh Omar 30 أكتوبر 2025", {})
    assert _shown_reversed(got, "Omar Saleh", SimpleNamespace(dir="rtl"))
    assert not _shown_reversed(got, "Omar Salah", SimpleNamespace(dir="rtl")), "a changed name is still missing"
    assert not _shown_reversed(got, "Omar Saleh", SimpleNamespace(dir="ltr")), "a left-to-right article reads in order"


@pytest.mark.parametrize("lost", [
    "وأضاف الوزير أن الحكومة ستنشر تقريرا مفصلا عن نتائج الجولة قبل نهاية الشهر الجاري.",
    "The minister added that a full report on the round would be published before the end of the month.",
    "وقال `git log` إن",
])
def test_verify_still_refuses_a_right_to_left_pdf_that_lost_a_paragraph(outputs, tmp_path: Path, lost: str) -> None:
    """verify looks for the paragraphs of a right-to-left PDF leniently (PDFium reads mixed lines in
    visual order): a paragraph the PDF does not have is still missing, Arabic, English or short."""
    from publish.formats.pdf.read import read_back
    from publish.formats.view import make_view
    from publish.read.article import read_document
    from publish.theme import load
    from publish.verifier.compare import MISSING, compare

    text = FIXTURE.read_text("utf-8")
    anchor = "وفي ختام اليوم الأول"
    source = tmp_path / "rtl.md"
    source.write_text(text.replace(anchor, f"{lost}\n\n{anchor}"), "utf-8")
    line = source.read_text("utf-8").split("\n").index(lost) + 1
    doc = read_document(source)
    cells, _ = compare(doc, make_view(doc, load(None, ROOT).options), "pdf", read_back(outputs["pdf"]))
    body = next(cell for cell in cells if cell[0] == "body")
    assert body[1] == MISSING and f"line {line}:" in body[2], body
