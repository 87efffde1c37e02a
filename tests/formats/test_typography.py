"""Typography a designer would sign: short running heads, dates in the article's locale, notes on
their caller's page, a readable measure, calm notices, credits apart from captions, tables that
fill and flow, links told apart by more than colour, the cover as a first page, in every theme."""
from __future__ import annotations

import datetime as dt
import re
import statistics
import struct
import subprocess
import shutil
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import ARTICLE, ROOT
from publish.formats.view import format_date, running_head
from publish.builder.pipeline import build

THEMES = ["default", "report"]  # every shipped theme
FIXTURES = ROOT / "tests" / "fixtures" / "typography"
NOTES = FIXTURES / "notes.md"
LONG_TABLE = FIXTURES / "long-table.md"
COVER = ROOT / "tests" / "fixtures" / "epub" / "cover.md"
CONSTRUCTS = ROOT / "tests" / "fixtures" / "constructs" / "constructs.md"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}


def _pdf(source: Path, out: Path, theme: str = "default") -> Path:
    [result] = build([source], formats=["pdf"], out=out, project=ROOT, theme=theme)
    return result.path


def _docx(source: Path, out: Path, theme: str = "default", project: Path = ROOT) -> Path:
    [result] = build([source], formats=["docx"], out=out, project=project, theme=theme)
    return result.path


def _key(text: str) -> str:
    """Text without spaces and hyphens, so a phrase matches across line breaks and hyphenation."""
    return re.sub(r"[\s\-\u2010\u00ad]", "", text)


def _pages(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(pdf)).pages]


# -- dates and running heads ---------------------------------------------------------
@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "October 30, 2025"), ("en-US", "October 30, 2025"), ("en-GB", "30 October 2025"),
    ("fr", "30 octobre 2025"), ("de", "30. Oktober 2025"), ("zh-Hans", "2025年10月30日"),
    ("xx-unknown", "October 30, 2025"),
])
def test_dates_are_written_in_the_articles_locale(lang, expected):
    assert format_date(dt.date(2025, 10, 30), None, lang) == expected


def test_the_themes_date_format_still_wins_when_set():
    assert format_date(dt.date(2025, 10, 30), "{day} {month_abbr} {year}", "en") == "30 Oct 2025"


def test_a_long_title_gives_a_running_head_cut_at_a_word_boundary():
    title = "China, U.S. Reach Basic Consensus in Kuala Lumpur Trade Talks Ahead of Leaders’ Summit"
    head = running_head(title)
    assert head == "China, U.S. Reach Basic Consensus in Kuala Lumpur…"
    assert title.startswith(head[:-1]) and len(head) <= 51
    assert running_head("Every Construct: A “Test” Document – With Dashes Everywhere In It Too") == "Every Construct"
    assert running_head("A Short Title") == "A Short Title"
    assert not running_head("Notes on the Keeping of Bees in the Gardens of the Old Town Hall").endswith("the…")


@pytest.mark.parametrize("theme", THEMES)
def test_the_pdf_running_head_is_short(theme, tmp_path):
    pages = _pages(_pdf(ARTICLE, tmp_path, theme))
    assert len(pages) >= 2
    assert "China, U.S. Reach Basic Consensus in Kuala Lumpur…" in pages[1]
    assert "Trade Talks Ahead of Leaders’ Summit" not in pages[1].split("\n")[0]


# -- notes on their page --------------------------------------------------------------------
CALLS = {  # note text -> the words just before its call
    "The quay was built in 1846": "undermined its foundations",
    "The sea wall was raised": "protects the lower town",
    "The fund pays up to half": "the national coastal fund",
    "has fished from the harbour since 1971": "moved to a neighbouring port",
}


@pytest.mark.parametrize("theme", THEMES)
def test_every_footnote_lands_on_the_page_that_calls_it(theme, tmp_path):
    pages = [_key(p) for p in _pages(_pdf(NOTES, tmp_path, theme))]
    for note, caller in CALLS.items():
        note_pages = [i for i, p in enumerate(pages) if _key(note) in p]
        call_pages = [i for i, p in enumerate(pages) if _key(caller) in p]
        assert note_pages and note_pages == call_pages, f"{theme}: note '{note}' on {note_pages}, called on {call_pages}"
    assert len(pages) <= 2, f"{theme}: a two-page article with notes stays on two pages"


# -- measure ----------------------------------------------------------------------------
def _line_lengths(pdf: Path) -> list[int]:
    """Lengths of the body's full lines (layout text; columns split apart; short lines dropped)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [len(part) for line in text.splitlines() for part in re.split(r"\s{3,}", line.strip()) if len(part) > 30]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
def test_the_report_theme_sets_a_measure_of_60_to_75_characters(tmp_path):
    assert 60 <= statistics.median(_line_lengths(_pdf(ARTICLE, tmp_path, "report"))) <= 75


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
def test_the_default_theme_columns_hold_about_45_characters(tmp_path):
    assert 38 <= statistics.median(_line_lengths(_pdf(ARTICLE, tmp_path, "default"))) <= 52


@pytest.mark.parametrize("theme", THEMES)
def test_the_docx_measure_is_60_to_75_characters_and_hyphenated(theme, tmp_path):
    from publish.media.font_embed import average_char_width, family_faces
    from publish.theme import load as load_theme

    path = _docx(ARTICLE, tmp_path, theme)
    document = docx.Document(str(path))
    section = document.sections[-1]
    width_pt = (section.page_width - section.left_margin - section.right_margin) / 12700
    loaded = load_theme(theme, ROOT)
    family = loaded.options["font_docx_body"]
    face = family_faces(loaded.chain, family)["Regular"]
    chars = width_pt / (average_char_width(face.path) * 1.07 * float(loaded.options["font_size"]))
    assert 60 <= chars <= 75
    settings = etree.fromstring(zipfile.ZipFile(path).read("word/settings.xml"))
    assert settings.find("w:autoHyphenation", NS) is not None


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="needs LibreOffice (soffice) and poppler-utils (pdftotext)")
def test_libreoffice_sets_the_docx_at_60_to_75_characters_a_line(tmp_path):
    path = _docx(ARTICLE, tmp_path)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)], capture_output=True, timeout=180, check=True)
    assert 58 <= statistics.median(_line_lengths(tmp_path / "article.pdf")) <= 75


# -- blocks in print --------------------------------------------------------------------------
def _laid_out(theme: str, html: str, selector_class: str):
    """The first box with a class, and its parent, as WeasyPrint lays out a snippet of body
    text (inside the article's .body) with a theme's print CSS."""
    import weasyprint

    from publish.theme import load as load_theme

    loaded = load_theme(theme, ROOT)
    sheets = [weasyprint.CSS(string=text, base_url=str(folder) + "/") for text, folder in loaded.stylesheets("print")]
    page = f'<html><body><article class="article"><div class="body">{html}</div></article></body></html>'
    document = weasyprint.HTML(string=page).render(stylesheets=sheets)

    def walk(box, parent):
        element = getattr(box, "element", None)
        if element is not None and selector_class in (element.get("class") or "").split():
            return box, parent
        for child in getattr(box, "children", []):
            found = walk(child, box)
            if found is not None:
                return found
        return None

    for laid in document.pages:
        found = walk(laid._page_box, None)
        if found is not None:
            return found
    raise AssertionError(f"no .{selector_class} laid out")


def _style_of(theme: str, html: str, selector_class: str) -> dict:
    """WeasyPrint's computed style of the first element with a class, in a theme's print CSS."""
    return _laid_out(theme, html, selector_class)[0].style


@pytest.mark.parametrize("theme", THEMES)
def test_links_in_print_are_told_apart_by_more_than_colour(theme):
    style = _style_of(theme, '<p>Some text with <a class="probe" href="https://example.org">a link</a> in it.</p>', "probe")
    assert "underline" in style["text_decoration_line"] or style["border_bottom_width"] > 0


@pytest.mark.parametrize("theme", THEMES)
def test_the_notice_is_calm_upright_and_not_in_a_warning_colour(theme):
    from publish.theme import load as load_theme

    accent = load_theme(theme, ROOT).options["color_accent"].lower()
    style = _style_of(theme, '<div class="end-matter"><p class="notice">A reprint notice.</p></div>', "notice")
    assert style["font_style"] == "normal"
    frame = [style[f"border_{side}_width"] for side in ("top", "right", "bottom", "left")]
    assert frame.count(0) >= 1, "not a closed frame around the notice"
    for side in ("top", "right", "bottom"):
        if style[f"border_{side}_width"]:
            colour = style[f"border_{side}_color"]
            hex_ = "#%02x%02x%02x" % tuple(round(c * 255) for c in colour[:3])
            assert hex_ != accent, f"{side} rule in the accent colour"


@pytest.mark.parametrize("theme", THEMES)
def test_a_figure_credit_sits_on_its_own_line_under_the_caption(theme):
    style = _style_of(theme, '<figure><figcaption>Daily riders <span class="credit">Chart: Coastline Review</span></figcaption></figure>', "credit")
    assert style["display"] == ("block", "flow")


def test_a_figure_credit_is_a_line_of_its_own_in_the_docx(tmp_path):
    document = docx.Document(str(_docx(CONSTRUCTS, tmp_path)))
    caption = next(p for p in document.paragraphs if p.style.name == "Caption" and "Diagram: Test Press" in p.text)
    assert caption.text.split("\n")[-1] == "Diagram: Test Press"


def test_tables_fill_the_column_and_wide_tables_span_the_page(tmp_path):
    from publish.model import Node
    from publish.formats.html import is_wide_table

    def table(cols: int, text: str = "x") -> Node:
        row = Node("row", [Node("cell", [Node("text", text=text)]) for _ in range(cols)])
        return Node("table", [Node("tbody", [row])])

    assert not is_wide_table(table(3)) and is_wide_table(table(4)) and is_wide_table(table(2, "y" * 40))
    for theme in THEMES:
        table, column = _laid_out(theme, '<p>Text.</p><table class="probe"><tr><td>a</td><td>b</td></tr></table>', "probe")
        assert table.margin_width() == pytest.approx(column.width, abs=0.5), f"{theme}: the table fills its column"
    assert _style_of("default", '<div class="table-wide probe"><table><tr><td>a</td></tr></table></div>', "probe")["column_span"] == "all"


def test_a_long_table_starts_on_page_one_and_flows_through_both_columns(tmp_path):
    pdf = _pdf(LONG_TABLE, tmp_path)
    reader = PdfReader(str(pdf))
    first = reader.pages[0]
    half = float(first.mediabox.width) / 2
    xs: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        match = re.match(r"Row (\d+)", text.strip())
        if match:
            xs[match.group(1)] = tm[4]

    first.extract_text(visitor_text=visit)
    assert "1" in xs, "the table starts on page 1"
    assert any(x < half for x in xs.values()) and any(x > half for x in xs.values()), "rows in both columns of page 1"


# -- DOCX sizes -----------------------------------------------------------------------------
def _png(path: Path, width: int, height: int) -> None:
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_docx_images_and_tables_keep_their_own_size(tmp_path):
    (tmp_path / "images").mkdir()
    _png(tmp_path / "images" / "small.png", 90, 45)
    (tmp_path / "small.md").write_text(
        "---\ntitle: Small Things\nlang: en\n---\n\n![A small picture](images/small.png)\n\n"
        "| A | B |\n|---|---|\n| 1 | 2 |\n", "utf-8")
    path = _docx(tmp_path / "small.md", tmp_path / "out", project=tmp_path)
    document = docx.Document(str(path))
    section = document.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    [extent] = document.element.body.iter(f"{{{NS['wp']}}}extent")
    assert int(extent.get("cx")) < text_width / 2, "a 90-pixel picture is not stretched to the text width"
    [table] = document.tables
    assert sum(col.width for col in table.columns) < text_width / 2, "a two-letter table is not stretched"


@pytest.mark.parametrize("theme", THEMES)
def test_docx_leaves_room_between_the_title_block_and_the_text(theme, tmp_path):
    document = docx.Document(str(_docx(ARTICLE, tmp_path, theme)))
    last_fact = next(p for p in document.paragraphs if p.style.name == "Source Line")
    assert last_fact.paragraph_format.space_after.pt >= 12


# -- the cover ---------------------------------------------------------------------------------
@pytest.mark.parametrize("theme", THEMES)
def test_the_cover_is_the_first_page_of_the_pdf_unless_the_theme_turns_it_off(theme, tmp_path):
    pdf = _pdf(COVER, tmp_path / "on", theme)
    reader = PdfReader(str(pdf))
    cover_text = (reader.pages[0].extract_text() or "").lower().split()
    assert cover_text == "test press a reprint with a cover".split(), "page 1: the masthead, the picture and the title"
    assert reader.pages[0]["/Resources"].get("/XObject"), "page 1 draws the cover image"
    assert "A Reprint With a Cover" in reader.pages[1].extract_text()
    second_top = reader.pages[1].extract_text().strip().split("\n")[0]
    assert "Page" not in second_top and not second_top.startswith("A Reprint With a Cover A"), "no running head on the title page"
    no_cover = tmp_path / "no-cover"
    no_cover.mkdir()
    (no_cover / "theme.yaml").write_text(f"extends: {theme}\noptions:\n  cover_page: false\n", "utf-8")
    off = PdfReader(str(_pdf(COVER, tmp_path / "off", str(no_cover))))
    assert "A Reprint With a Cover" in off.pages[0].extract_text()
    assert len(off.pages) == len(reader.pages) - 1


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("shape", ["landscape", "portrait"])
def test_the_cover_picture_is_fitted_whole_not_cropped_to_the_page(theme, shape, tmp_path):
    import pypdfium2
    from PIL import Image

    project = tmp_path / "p"
    for folder in ("epub", "constructs"):
        shutil.copytree(COVER.parent.parent / folder, project / folder)
    size = (640, 360) if shape == "landscape" else (240, 360)
    picture = Image.new("RGB", size, (40, 90, 160))
    picture.putpixel((0, 0), (255, 255, 255))  # not one colour: WeasyPrint 70 paints a one-colour picture over the whole page
    picture.save(project / "epub" / "images" / "cover.png")
    [result] = build([project / "epub" / COVER.name], formats=["pdf"], out=tmp_path / "out", project=project, theme=theme)
    pdf = result.path
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        picture = document[0].render(scale=1).to_pil().convert("RGB")
    finally:
        document.close()
    red, green, blue = (band.point(lambda v, want=want: 255 if abs(v - want) < 12 else 0)
                        for band, want in zip(picture.split(), (40, 90, 160)))
    from PIL import ImageChops

    left, top, right, bottom = ImageChops.multiply(ImageChops.multiply(red, green), blue).getbbox()  # the picture's colour
    assert abs((right - left) / (bottom - top) - size[0] / size[1]) < 0.03, "drawn whole, in its own proportions"
    assert left > 20 and right < picture.width - 20, "inside the page margins, not bled off the page"


def test_the_cover_is_a_first_section_of_the_docx(tmp_path):
    document = docx.Document(str(_docx(COVER, tmp_path)))
    assert len(document.sections) == 2
    first = document.paragraphs[0]
    assert first._p.find(f".//{{{NS['wp']}}}inline") is not None and first._p.find("w:pPr/w:sectPr", NS) is not None
    cover_section = first._p.find("w:pPr/w:sectPr", NS)
    assert cover_section.find("w:headerReference", NS) is None, "no running head on the cover"


# -- no hyphen across a break -------------------------------------------------------------
def test_words_hyphenated_at_a_column_or_page_break_are_kept_whole():
    import weasyprint

    from publish.formats.pdf import hyphens as break_hyphens

    words = " ".join(["extraordinarily intergovernmental administrative considerations"] * 30)
    page = ("<style>@page { size: 120mm 80mm } .b { columns: 2 } p { hyphens: auto; text-align: left }</style>"
            f"<div class='b'><p lang='en'>{words}</p></div>")
    html = weasyprint.HTML(string=page)
    document = html.render()
    assert break_hyphens.broken_words(document), "the fixture does hyphenate at a break"
    for _ in range(break_hyphens.MAX_PASSES + 2):
        if not break_hyphens.fix(document):
            break
        html = weasyprint.HTML(string=break_hyphens.serialize(html.etree_element))
        document = html.render()
    assert break_hyphens.broken_words(document) == []
    text = "".join(line.text for line in break_hyphens._lines(document)).replace(break_hyphens.HYPHEN, "")
    assert text.replace(" ", "") == words.replace(" ", ""), "no text lost or doubled"


@pytest.mark.parametrize("source", [ARTICLE, NOTES], ids=["article", "notes"])
def test_no_column_or_page_of_the_pdf_ends_in_a_hyphenated_word(source, tmp_path):
    import pypdfium2

    document = pypdfium2.PdfDocument(str(_pdf(source, tmp_path)))
    try:
        for number in range(len(document)):
            page = document[number]
            half, height = page.get_width() / 2, page.get_height()
            text = page.get_textpage()
            columns: dict[bool, list[tuple[float, str]]] = {False: [], True: []}
            for i in range(text.count_rects()):
                left, bottom, right, top = text.get_rect(i)
                run = text.get_text_bounded(left, bottom, right, top).strip()
                if len(run) > 3 and 0.08 * height < bottom < 0.92 * height:  # not the running head or folio
                    columns[left > half].append((bottom, run))
            for right, runs in columns.items():
                if runs:
                    last = min(runs)[1]
                    assert not last.endswith(("\u2010", "-")), f"page {number + 1} {'right' if right else 'left'} column ends '{last}'"
    finally:
        document.close()
