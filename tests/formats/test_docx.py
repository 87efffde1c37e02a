"""The DOCX writer: named styles, real lists, footnotes and hyperlinks, properties, read back by python-docx, pandoc and LibreOffice."""
from __future__ import annotations

import hashlib

import datetime as dt
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from independent import docx_properties, front_matter, plain
from publish.builder.pipeline import build

ROOT = Path(__file__).resolve().parents[2]
CONSTRUCTS = ROOT / "tests" / "fixtures" / "constructs" / "constructs.md"
LISTS_NOTES = ROOT / "tests" / "fixtures" / "docx" / "lists-notes.md"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {
    "w": W,
    "r": R,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
HYPERLINK_RT = f"{R}/hyperlink"


def _build(source: Path, out: Path) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        [result] = build([source], formats=["docx"], out=out, project=ROOT)
    return result.path


@pytest.fixture(scope="module")
def constructs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(CONSTRUCTS, tmp_path_factory.mktemp("docx"))


@pytest.fixture(scope="module")
def constructs_doc(constructs: Path) -> docx.document.Document:
    """The every-construct build opened once with python-docx."""
    return docx.Document(str(constructs))


@pytest.fixture(scope="module")
def lists_notes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(LISTS_NOTES, tmp_path_factory.mktemp("docx-lists"))


def _part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


def _rels(path: Path, name: str) -> dict[str, etree._Element]:
    return {rel.get("Id"): rel for rel in _part(path, name).findall("rel:Relationship", NS)}


def _style_of(document: docx.document.Document, startswith: str) -> str:
    for para in document.paragraphs:
        if para.text.startswith(startswith):
            return para.style.name
    raise AssertionError(f"no paragraph starts with {startswith!r}")


# -- named styles ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("The Example Review", "Kicker"),
        ("Every Construct", "Title"),
        ("A fixture that uses", "Subtitle"),
        ("Ada Example and Bo Sample", "Author"),  # the English list pattern
        ("15 March 2024", "Date"),
        ("Reprinted from", "Source Line"),
        ("Headings and paragraphs", "Heading 2"),
        ("A third-level heading", "Heading 3"),
        ("A fourth-level heading", "Heading 4"),
        ("A paragraph with", "First Paragraph"),  # after a heading: no first-line indent
        ("A bullet item", "List Bullet"),
        ("first", "List Number"),
        ("deeper bullet", "List Bullet"),
        ("An ordered list starting at three", "List Number"),
        ("def greet", "Source Code"),
        ("An outer quotation.", "Quote"),
        ("A nested quotation inside it.", "Quote"),
        ("A red square", "Caption"),
        ("* * *", "Thematic Break"),
        ("Contact editor", "Contact"),
        ("© 2024 Test Press", "Notice"),
        ("Diagram: Test Press", "Credit"),
        ("Published by", "End Matter"),
    ],
)
def test_named_style_on_each_kind_of_paragraph(constructs_doc: docx.document.Document, text: str, style: str) -> None:
    assert _style_of(constructs_doc, text) == style


def test_heading_1_figure_table_and_character_styles(constructs_doc: docx.document.Document, lists_notes: Path) -> None:
    assert _style_of(docx.Document(str(lists_notes)), "A first-level heading") == "Heading 1"
    document = constructs_doc
    figure = [p for p in document.paragraphs if p._p.xpath(".//w:drawing")]
    assert [p.style.name for p in figure] == ["Figure"]
    [table] = document.tables
    assert table.style.name == "Article Table"
    assert {p.style.name for row in table.rows for cell in row.cells for p in cell.paragraphs} == {"Table Text"}
    assert [c.text for c in table.rows[0].cells] == ["Left", "Centre", "Right"]
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    runs = {run.text: run.style.name for p in document.paragraphs for run in p.iter_inner_content() if hasattr(run, "style")}
    assert runs["inline code"] == "Verbatim Char"
    links = [r.style.name for p in document.paragraphs for h in p.hyperlinks for r in h.runs]
    assert links and set(links) == {"Hyperlink"}


def test_styles_take_the_theme_fonts_and_colours(constructs_doc: docx.document.Document) -> None:
    styles = constructs_doc.styles
    assert styles["Normal"].font.name == "Charis SIL"
    assert styles["Heading 2"].font.name == "Charis SIL"
    fonts = styles["Heading 2"].element.rPr.rFonts
    assert fonts.get(f"{{{W}}}asciiTheme") is None, "a theme font would win over the named font"
    assert str(styles["Hyperlink"].font.color.rgb) == "8B1E1E"
    assert styles["Source Code"].font.name == "DejaVu Sans Mono"
    assert styles["Footnote Reference"].font.superscript is True


# -- footnotes -------------------------------------------------------------------
def test_footnotes_part_holds_the_notes_and_the_body_references_them(constructs: Path) -> None:
    notes = _part(constructs, "word/footnotes.xml")
    special = {n.get(f"{{{W}}}type"): n.get(f"{{{W}}}id") for n in notes.findall("w:footnote", NS) if n.get(f"{{{W}}}type")}
    assert special == {"separator": "-1", "continuationSeparator": "0"}
    real = [n for n in notes.findall("w:footnote", NS) if not n.get(f"{{{W}}}type")]
    assert [n.get(f"{{{W}}}id") for n in real] == ["1", "2"]
    text = ["".join(n.itertext()) for n in real]
    assert "The first footnote, with emphasis." in text[0]
    assert "It has a second paragraph." in text[1]
    for note in real:
        assert note.xpath("./w:p[1]/w:r[1][w:rPr/w:rStyle/@w:val='FootnoteReference']/w:footnoteRef", namespaces=NS)
        assert set(note.xpath("./w:p/w:pPr/w:pStyle/@w:val", namespaces=NS)) == {"FootnoteText"}
    body = _part(constructs, "word/document.xml")
    refs = body.xpath("//w:r[w:rPr/w:rStyle/@w:val='FootnoteReference']/w:footnoteReference/@w:id", namespaces=NS)
    assert refs == ["1", "2"]
    assert "Notes" not in [p.text for p in docx.Document(str(constructs)).paragraphs], "no end-notes list any more"
    rels = _rels(constructs, "word/_rels/document.xml.rels")
    assert any(r.get("Type").endswith("/footnotes") for r in rels.values())
    settings = _part(constructs, "word/settings.xml")
    assert settings.xpath("w:footnotePr/w:footnote/@w:id", namespaces=NS) == ["-1", "0"]


def test_links_inside_footnotes_relate_from_the_footnotes_part(lists_notes: Path) -> None:
    notes = _part(lists_notes, "word/footnotes.xml")
    rels = _rels(lists_notes, "word/_rels/footnotes.xml.rels")
    targets = [rels[rid].get("Target") for rid in notes.xpath("//w:hyperlink/@r:id", namespaces=NS)]
    assert targets == ["https://example.com/note", "mailto:ed@example.com"]


# -- hyperlinks ------------------------------------------------------------------
def test_hyperlinks_are_external_relationships(constructs: Path) -> None:
    body = _part(constructs, "word/document.xml")
    rels = _rels(constructs, "word/_rels/document.xml.rels")
    links = body.xpath("//w:hyperlink", namespaces=NS)
    found = {}
    for link in links:
        rel = rels[link.get(f"{{{R}}}id")]
        assert rel.get("Type") == HYPERLINK_RT and rel.get("TargetMode") == "External"
        found[rel.get("Target")] = "".join(link.itertext())
    assert found["https://www.w3.org/"] == "link to the W3C"
    assert found["mailto:bo@example.org"] == "bo@example.org"
    assert found["mailto:ada@example.org"] == "ada@example.org"
    assert found["https://example.org/review"] == "The Example Review"


# -- lists -----------------------------------------------------------------------
def _list_items(path: Path) -> list[tuple[str, int, int]]:
    """(text, numId, ilvl) of every numbered body paragraph."""
    items = []
    for p in _part(path, "word/document.xml").xpath("//w:body/w:p[w:pPr/w:numPr]", namespaces=NS):
        num_id = int(p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS))
        level = int(p.xpath("string(w:pPr/w:numPr/w:ilvl/@w:val)", namespaces=NS))
        items.append(("".join(p.itertext()), num_id, level))
    return items


def _starts(path: Path) -> dict[int, tuple[str, int | None]]:
    """numId -> (format of level 0, startOverride of level 0)."""
    numbering = _part(path, "word/numbering.xml")
    formats = {
        a.get(f"{{{W}}}abstractNumId"): a.xpath("string(w:lvl[@w:ilvl='0']/w:numFmt/@w:val)", namespaces=NS)
        for a in numbering.findall("w:abstractNum", NS)
    }
    starts = {}
    for num in numbering.findall("w:num", NS):
        abstract = num.xpath("string(w:abstractNumId/@w:val)", namespaces=NS)
        override = num.xpath("string(w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val)", namespaces=NS)
        starts[int(num.get(f"{{{W}}}numId"))] = (formats[abstract], int(override) if override else None)
    return starts


def test_lists_nest_with_ilvl_and_use_real_numbering(constructs: Path) -> None:
    items = _list_items(constructs)
    levels = {text: level for text, _, level in items}
    assert levels == {
        "A bullet item": 0, "A bullet with a nested ordered list:": 0, "first": 1, "second": 1,
        "deeper bullet": 2, "A last bullet": 0, "An ordered list starting at three": 0, "and going on to four": 0,
    }
    starts = _starts(constructs)
    by_text = {text: starts[num_id] for text, num_id, _ in items}
    assert by_text["A bullet item"][0] == "bullet"
    assert by_text["first"] == ("decimal", 1)
    assert by_text["An ordered list starting at three"] == ("decimal", 3)


def test_each_ordered_list_restarts_at_its_own_start(lists_notes: Path) -> None:
    items = _list_items(lists_notes)
    num = {text: num_id for text, num_id, _ in items}
    starts = _starts(lists_notes)
    assert starts[num["one"]] == ("decimal", 1)
    assert starts[num["nested, starts at one"]] == ("decimal", 1)
    assert starts[num["a second nested list, starts at one again"]] == ("decimal", 1)
    assert starts[num["five"]] == ("decimal", 5)
    distinct = {num["one"], num["nested, starts at one"], num["a second nested list, starts at one again"], num["five"]}
    assert len(distinct) == 4, "every list needs its own w:num to restart"
    assert num["one"] == num["three"] and num["five"] == num["six"]


# -- images, header and footer -------------------------------------------------
def test_image_is_embedded_at_text_width_with_alt_text(constructs: Path, constructs_doc: docx.document.Document) -> None:
    document = constructs_doc
    [shape] = document.inline_shapes
    section = document.sections[0]
    assert shape.width == section.page_width - section.left_margin - section.right_margin
    doc_pr = shape._inline.find("wp:docPr", NS)
    assert doc_pr.get("descr") == "A red square and a blue circle on a striped ground"
    with zipfile.ZipFile(constructs) as package:
        assert any(name.startswith("word/media/") for name in package.namelist())


def test_running_head_and_foot_skip_the_first_page(constructs_doc: docx.document.Document) -> None:
    section = constructs_doc.sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == "Every Construct: A “Test” Document – With Dashes"
    assert section.header.paragraphs[0].style.name == "Header"
    footer = section.footer.paragraphs[0]
    assert "Test Press" in footer.text
    assert [f.strip().split()[0] for f in footer._p.xpath("w:fldSimple/@w:instr")] == ["PAGE", "NUMPAGES"]
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()
    assert not "".join(p.text for p in section.first_page_footer.paragraphs).strip()


# -- metadata --------------------------------------------------------------------
def test_core_and_custom_properties_and_language(constructs: Path, constructs_doc: docx.document.Document) -> None:
    core = constructs_doc.core_properties
    assert core.title == "Every Construct: A “Test” Document – With Dashes"
    assert core.author == "Ada Example; Bo Sample"
    assert core.subject == "A fixture that uses every Markdown construct publish supports"
    assert core.keywords == "testing, typography, EPUB"
    assert core.comments.startswith("A document exercising headings")
    assert core.language == "en-GB"
    assert core.identifier == "urn:isbn:9780000000002"
    assert core.created == core.modified == dt.datetime(2024, 3, 15, tzinfo=dt.timezone.utc)
    custom = _part(constructs, "docProps/custom.xml")
    ns = {"cp": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"}
    props = {p.get("name"): "".join(p.itertext()) for p in custom.findall("cp:property", ns)}
    assert props["Rights"] == "© 2024 Test Press. Reprinted with permission – all rights reserved."
    assert props["Source"] == "The Example Review"
    assert props["Publisher"] == "Test Press"
    assert props["Contact"] == "Contact editor Ada Example (ada@example.org)"
    assert props["Credits"] == "Diagram: Test Press"
    styles = _part(constructs, "word/styles.xml")
    assert styles.xpath("string(w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val)", namespaces=NS) == "en-GB"
    with zipfile.ZipFile(constructs) as package:
        assert "docProps/thumbnail.jpeg" not in package.namelist()
        assert b"Microsoft" not in package.read("docProps/app.xml")


def test_every_custom_property_is_text_numbered_from_two_with_the_front_matters_values(constructs: Path) -> None:
    """docProps/custom.xml, read with lxml: one text property per reprint field, pids 2, 3, ...
    (Word's numbering), values as the front matter gives them."""
    fm = front_matter(CONSTRUCTS)
    custom = _part(constructs, "docProps/custom.xml")
    cp = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    vt = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"
    props = custom.findall(f"{cp}property")
    assert [p.get("pid") for p in props] == [str(i) for i in range(2, 2 + len(props))]
    assert {p.get("fmtid") for p in props} == {"{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"}
    assert all(len(p) == 1 and p[0].tag == f"{vt}lpwstr" for p in props)
    values = {p.get("name"): p[0].text for p in props}
    # the marks `publish import` finds the source by (the path inside the project, its sha256, the fields' hashes)
    marks = {name: values.pop(name) for name in ("PublishSource", "PublishSourceSHA256", "PublishFields")}
    assert marks["PublishSourceSHA256"] == hashlib.sha256(CONSTRUCTS.read_bytes()).hexdigest()
    assert marks["PublishSource"] == CONSTRUCTS.name or CONSTRUCTS.as_posix().endswith("/" + marks["PublishSource"])
    assert values == {
        "Rights": fm["rights"],
        "Source": fm["source"]["name"],
        "SourceURL": fm["source"]["url"],
        "Publisher": fm["publisher"],
        "Contact": plain(fm["contact"]),
        "Date": fm["date"].isoformat(),
        "Credits": "; ".join(fm["credits"]),
    }
    core = docx_properties(constructs)
    assert core["lastModifiedBy"] == [fm["publisher"]] and core["revision"] == ["1"]
    assert core["subject"] == [plain(fm["subtitle"])] and core["description"] == [fm["description"]]


def test_a_title_or_keywords_too_long_for_word_are_kept_whole_in_custom_properties(tmp_path: Path) -> None:
    title = ("A very long title that goes on " * 12).strip()
    keywords = [f"keyword number {i}" for i in range(30)]
    source = tmp_path / "long.md"
    source.write_text(f'---\ntitle: "{title}"\nkeywords: [{", ".join(keywords)}]\n---\nBody text.\n', "utf-8")
    [result] = build([source], formats=["docx"], out=tmp_path, project=tmp_path)
    found = docx_properties(result.path)
    assert found["Title"] == [title] and found["Keywords"] == [", ".join(keywords)]
    assert found["title"] == [title[:254] + "…"] and found["keywords"] == [", ".join(keywords)[:254] + "…"]
    short = tmp_path / "short.md"
    short.write_text("---\ntitle: Short\nkeywords: [a, b]\n---\nBody.\n", "utf-8")
    [result] = build([short], formats=["docx"], out=tmp_path, project=tmp_path)
    found = docx_properties(result.path)
    assert "Title" not in found and "Keywords" not in found and found["title"] == ["Short"]


# -- read back -------------------------------------------------------------------
def _pandoc_ast(path: Path) -> dict:
    import pypandoc

    return json.loads(pypandoc.convert_file(str(path), "json", format="docx"))


def _walk(node: object):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _plain(node: object) -> str:
    parts = []
    for item in _walk(node):
        if item.get("t") == "Str":
            parts.append(item["c"])
        elif item.get("t") in ("Space", "SoftBreak"):
            parts.append(" ")
    return "".join(parts)


def test_pandoc_reads_back_text_structure_notes_and_links(constructs: Path) -> None:
    ast = _pandoc_ast(constructs)
    blocks = ast["blocks"]
    headers = [(b["c"][0], _plain(b["c"][2])) for b in blocks if b["t"] == "Header"]
    assert headers[:3] == [(2, "Headings and paragraphs"), (3, "A third-level heading"), (4, "A fourth-level heading")]
    text = _plain(blocks)
    assert "Straight “quotes” become curly – and double hyphens" in text
    assert "中美经贸磋商取得基本共识。" in text
    bullet = next(b for b in blocks if b["t"] == "BulletList")
    nested = [n for n in _walk(bullet["c"]) if n.get("t") == "OrderedList"]
    assert nested and [n for n in _walk(nested[0]["c"]) if n.get("t") == "BulletList"]
    ordered = [b for b in blocks if b["t"] == "OrderedList"]
    assert [o["c"][0][0] for o in ordered] == [3]
    [table] = [b for b in blocks if b["t"] == "Table"]
    cells = [_plain(c) for c in _walk(table) if c.get("t") == "Plain" or c.get("t") == "Para"]
    assert cells == ["Left", "Centre", "Right", "a", "b", "1.00", "long cell text", "em", "22.50"]
    notes = [n for n in _walk(blocks) if n.get("t") == "Note"]
    assert [_plain(n["c"]) for n in notes] == [
        "The first footnote, with emphasis.", "The second footnote.It has a second paragraph.",
    ]
    links = {n["c"][2][0] for n in _walk(blocks) if n.get("t") == "Link"}
    assert {"https://www.w3.org/", "mailto:bo@example.org", "https://example.org/review"} <= links
    assert [n["c"][2][0] for n in _walk(blocks) if n.get("t") == "Image"] == ["media/image1.png"]


def test_libreoffice_converts_it(constructs: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(constructs)],
        check=True, capture_output=True, timeout=180,
    )
    from pypdf import PdfReader

    reader = PdfReader(str(tmp_path / "constructs.pdf"))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Every Construct" in text and "The first footnote, with" in text and "Page 2 of 2" in text


# -- determinism -----------------------------------------------------------------
def test_two_builds_are_byte_identical(constructs: Path, tmp_path: Path) -> None:
    again = _build(CONSTRUCTS, tmp_path)
    assert again.read_bytes() == constructs.read_bytes()
    with zipfile.ZipFile(again) as package:
        assert {info.date_time for info in package.infolist()} == {(2024, 3, 15, 0, 0, 0)}


# -- a theme's reference document ---------------------------------------------
def test_a_themes_reference_docx_keeps_its_styles_and_gains_the_missing_ones(constructs: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(constructs) as package:
        members = {name: package.read(name) for name in package.namelist()}
    styles = etree.fromstring(members["word/styles.xml"])
    [heading] = styles.xpath("w:style[@w:styleId='Heading2']", namespaces=NS)
    heading.find("w:rPr/w:color", NS).set(f"{{{W}}}val", "00AA00")
    for kicker in styles.xpath("w:style[@w:styleId='Kicker']", namespaces=NS):
        styles.remove(kicker)
    members["word/styles.xml"] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
    theme = tmp_path / "restyled"
    (theme / "docx").mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: restyled\nextends: default\n", "utf-8")
    with zipfile.ZipFile(theme / "docx" / "reference.docx", "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        [result] = build([LISTS_NOTES], formats=["docx"], theme=str(theme), out=tmp_path / "out", project=ROOT)
    document = docx.Document(str(result.path))
    assert str(document.styles["Heading 2"].font.color.rgb) == "00AA00", "the reference's own look wins"
    assert document.styles["Kicker"].font.all_caps, "styles the reference lacks come from the options"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Lists and Notes" in text and "Every Construct" not in text and "A paragraph with" not in text
    with zipfile.ZipFile(result.path) as package:
        names = package.namelist()
    assert len(names) == len(set(names)) and "word/media/image1.png" not in names
    notes = _part(result.path, "word/footnotes.xml")
    assert len(notes.xpath("w:footnote[not(@w:type)]", namespaces=NS)) == 2
    assert "The first footnote" not in "".join(notes.itertext())


# -- theme shapes: title band, notice panel, paragraph style, Word fonts ----------
ARTICLE = ROOT / "source" / "article.md"


@pytest.fixture(scope="module")
def themed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, docx.document.Document]]:
    """The article built once as DOCX in each shipped theme: (path, opened document)."""
    built = {}
    for theme in ("default", "report"):
        with pytest.MonkeyPatch.context() as patch:
            patch.delenv("SOURCE_DATE_EPOCH", raising=False)
            [result] = build([ARTICLE], formats=["docx"], theme=theme, out=tmp_path_factory.mktemp(f"docx-{theme}"), project=ROOT)
        built[theme] = (result.path, docx.Document(str(result.path)))
    return built


def _options(theme: str) -> dict:
    from publish.theme import load

    return load(theme, ROOT).options


def _ppr(document: docx.document.Document, style: str) -> etree._Element:
    return document.styles[style].element.find("w:pPr", NS)


def _fill(document: docx.document.Document, style: str) -> str | None:
    shd = _ppr(document, style).find("w:shd", NS)
    return None if shd is None else shd.get(f"{{{W}}}fill")


def _borders(document: docx.document.Document, style: str) -> dict[str, str]:
    """side -> colour of a paragraph style's borders."""
    pbdr = _ppr(document, style).find("w:pBdr", NS)
    return {} if pbdr is None else {etree.QName(side).localname: side.get(f"{{{W}}}color") for side in pbdr}


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def test_band_title_style_shades_kicker_title_and_subtitle_in_the_accent_with_white_title(themed) -> None:
    report, options = themed["report"][1], _options("report")
    accent, tint = _hex(options["color_accent"]), _hex(options["color_tint"])
    for style in ("Kicker", "Title", "Subtitle"):
        assert _fill(report, style) == accent, style
        assert set(_borders(report, style).values()) == {accent}, f"{style}: the band's padding is accent on accent"
    assert str(report.styles["Title"].font.color.rgb) == "FFFFFF"
    assert {str(report.styles[s].font.color.rgb) for s in ("Kicker", "Subtitle")} == {tint}
    # the facts sit under the band above one rule, the first of them a gap below the band
    assert _borders(report, "Date") == {"bottom": _hex(options["color_text"])}
    first_fact = next(p for p in report.paragraphs if p.style.name in ("Author", "Date", "Source Line"))
    assert first_fact.paragraph_format.space_before and first_fact.paragraph_format.space_before > 0


def test_ruled_title_style_keeps_rules_and_no_shading(themed) -> None:
    default, options = themed["default"][1], _options("default")
    for style in ("Kicker", "Title", "Subtitle", "Author", "Date", "Source Line"):
        assert _fill(default, style) is None, style
        assert set(_borders(default, style)) == {"top", "bottom"}, style
    assert str(default.styles["Title"].font.color.rgb) == _hex(options["color_text"])


def test_panel_notice_is_tinted_upright_with_only_a_left_accent_bar(themed) -> None:
    report, options = themed["report"][1], _options("report")
    assert _borders(report, "Notice") == {"left": _hex(options["color_accent"])}
    assert _fill(report, "Notice") == _hex(options["color_tint"])
    assert report.styles["Notice"].font.italic is False
    bar = _ppr(report, "Notice").find("w:pBdr/w:left", NS)
    assert int(bar.get(f"{{{W}}}sz")) >= 16, "a bar, not a hairline (eighths of a point)"


def test_box_notice_is_calm_upright_on_the_tint_between_muted_rules(themed) -> None:
    """Information, not a warning: no accent-coloured frame, no italics block."""
    default, options = themed["default"][1], _options("default")
    assert _borders(default, "Notice") == dict.fromkeys(("top", "bottom"), _hex(options["color_muted"]))
    assert _fill(default, "Notice") == _hex(options["color_tint"])
    assert not default.styles["Notice"].font.italic


def test_paragraph_style_indents_default_body_text_and_spaces_report_body_text(themed) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    default = themed["default"][1].styles["Body Text"].paragraph_format
    report = themed["report"][1].styles["Body Text"].paragraph_format
    assert default.first_line_indent > 0 and default.space_after == 0
    assert default.alignment == WD_ALIGN_PARAGRAPH.LEFT, "ragged: justified lines gape where an editor has no hyphenation dictionary"
    assert not report.first_line_indent and report.space_after > 0
    assert report.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for theme in ("default", "report"):
        first = themed[theme][1].styles["First Paragraph"]
        assert first.base_style.name == "Body Text" and first.paragraph_format.first_line_indent == 0


def test_first_paragraph_only_where_the_print_css_drops_the_indent(themed) -> None:
    """A paragraph that follows a paragraph is Body Text; one after a caption, heading or figure is First Paragraph."""
    document = themed["default"][1]
    body = [p for p in document.paragraphs if p.style.name in ("Body Text", "First Paragraph")]
    assert body[0].style.name == "First Paragraph" and body[0].text.startswith("Top trade negotiators")
    assert {p.style.name for p in body[1:]} == {"Body Text"}


def test_word_fonts_come_from_the_font_docx_options_of_each_theme(themed) -> None:
    for theme, font in (("default", "Charis SIL"), ("report", "Inter")):
        path, document = themed[theme]
        options = _options(theme)
        assert options["font_docx_body"] == options["font_docx_heading"] == font
        for style in ("Normal", "Title", "Heading 1", "Heading 2"):
            assert document.styles[style].font.name == font, (theme, style)
        defaults = _part(path, "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
        assert defaults.get(f"{{{W}}}ascii") == defaults.get(f"{{{W}}}hAnsi") == font


def test_font_table_gives_each_theme_font_a_word_fallback(themed) -> None:
    for theme, font, fallback, family in (("default", "Charis SIL", "Georgia", "roman"), ("report", "Inter", "Arial", "swiss")):
        table = _part(themed[theme][0], "word/fontTable.xml")
        [entry] = [f for f in table.findall("w:font", NS) if f.get(f"{{{W}}}name") == font]
        assert entry.find("w:altName", NS).get(f"{{{W}}}val") == fallback
        assert entry.find("w:family", NS).get(f"{{{W}}}val") == family
        names = [f.get(f"{{{W}}}name") for f in table.findall("w:font", NS)]
        assert len(names) == len(set(names)), "each font declared once"


def test_line_spacing_is_the_css_line_height_in_points_whatever_the_font(themed) -> None:
    """Word's "multiple" spacing scales the font's own line height (1.64 em in Charis SIL), so the
    leading is exact, in points, as in the PDF; figures keep automatic spacing so images are not clipped."""
    from docx.enum.text import WD_LINE_SPACING

    for theme in ("default", "report"):
        document, options = themed[theme][1], _options(theme)
        normal = document.styles["Normal"].paragraph_format
        assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        assert abs(normal.line_spacing.pt - options["font_size"] * options["line_height"]) < 0.05
        assert document.styles["Figure"].paragraph_format.line_spacing_rule == WD_LINE_SPACING.SINGLE


def _theme_dir(tmp_path: Path, name: str, body: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "theme.yaml").write_text(f"extends: default\noptions:\n{body}", "utf-8")
    return folder


def test_font_docx_options_override_the_css_list_and_follow_a_child_that_changes_it(tmp_path: Path) -> None:
    from publish.theme import load

    named = load(str(_theme_dir(tmp_path, "named", "  font_docx_body: Georgia\n")), ROOT).options
    assert named["font_docx_body"] == "Georgia" and named["font_docx_heading"] == "Charis SIL"
    # default.yaml names Charis SIL for Word; a child that swaps the CSS list must not keep it
    swapped = load(str(_theme_dir(tmp_path, "swapped", '  font_body: ["DejaVu Sans", "sans-serif"]\n')), ROOT).options
    assert swapped["font_docx_body"] == "DejaVu Sans" and swapped["font_docx_heading"] == "Charis SIL"


def test_a_font_list_for_font_docx_body_is_refused_with_its_manifest_line(tmp_path: Path) -> None:
    from publish.errors import ThemeError
    from publish.theme import load

    folder = _theme_dir(tmp_path, "bad", '  font_size: 11\n  font_docx_body: ["Inter", "Arial"]\n')
    with pytest.raises(ThemeError) as caught:
        load(str(folder), ROOT)
    assert caught.value.line == 4 and "font_docx_body" in str(caught.value)


def test_libreoffice_draws_the_report_band_in_the_accent_colour(themed, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    pdfium = pytest.importorskip("pypdfium2")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(themed["report"][0])],
        check=True, capture_output=True, timeout=180,
    )
    page = pdfium.PdfDocument(str(tmp_path / "article.pdf"))[0].render(scale=0.5).to_pil().convert("RGB")
    top = page.crop((0, 0, page.width, page.height // 4))
    accent = tuple(int(_hex(_options("report")["color_accent"])[i:i + 2], 16) for i in (0, 2, 4))
    data = top.tobytes()
    pixels = (data[i:i + 3] for i in range(0, len(data), 3))
    near = sum(1 for px in pixels if all(abs(a - b) <= 12 for a, b in zip(px, accent)))
    assert near / (top.width * top.height) > 0.2, "the title band fills much of the top of page one"


# -- core properties longer than Word allows -------------------------------------------
def test_title_and_keywords_longer_than_255_characters_build_and_verify(tmp_path):
    from publish.builder.pipeline import build
    from publish.builder.check import verify_outputs

    title = ("A very long title that goes on " * 12).strip()
    keywords = ", ".join(f"keyword number {i}" for i in range(30))
    source = tmp_path / "long.md"
    source.write_text(f'---\ntitle: "{title}"\nkeywords: [{keywords}]\n---\nBody text.\n', "utf-8")
    build([source], formats=["docx"], out=tmp_path, project=tmp_path)
    props = docx.Document(str(tmp_path / "long.docx")).core_properties
    assert len(props.title) == 255 and props.title.endswith("…")
    assert verify_outputs([source], tmp_path, formats=["docx"]).ok


def test_headings_that_share_a_long_slug_get_distinct_bookmarks_and_the_build_ends(tmp_path: Path) -> None:
    """Word cuts bookmark names at 40 characters; the number that makes a repeated heading's name
    unique must survive the cut (an 8,600-word style guide with repeated long headings used to loop
    forever here)."""
    heading = "Quy tắc viết hoa tên riêng trong văn bản hành chính nhà nước"
    text = "---\ntitle: Repeated headings\n---\n\n" + "".join(f"## {heading}\n\nSection {n}.\n\n" for n in range(12))
    (tmp_path / "a.md").write_text(text, "utf-8")
    path = _build(tmp_path / "a.md", tmp_path / "out")
    with zipfile.ZipFile(path) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    every = [b.get(f"{{{W}}}name") for b in body.iter(f"{{{W}}}bookmarkStart")]
    assert len(set(every)) == len(every) and all(len(name) <= 40 for name in every)
    names = [name for name in every if not name.startswith("_pub_")]  # not publish import's hidden marks
    assert len(names) == 12 and len(set(names)) == 12, names
    assert all(len(name) <= 40 for name in names)
    assert names[1].endswith("-2") and names[11].endswith("-12")
