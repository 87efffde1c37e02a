"""The PDF: page setup, running header and footer, fonts, outline, links, tags, metadata, variants, reproducibility."""
from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from independent import front_matter, pdf_info, pdf_xmp, plain
from publish.media import fonts
from publish.errors import PublishError
from publish.builder.pipeline import build
from publish.read.article import read_document
from publish.formats.pdf import write as pdf_writer

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "pdf" / "reprint.md"
THEME = ROOT / "themes" / "default"
HYPHENS = ("-", "\u2010")  # WeasyPrint writes its hyphenation points as U+2010


def _build(out: Path, **options: Any) -> Path:
    build([FIXTURE], formats=["pdf"], out=out, project=ROOT, options=options or None)
    return out / "reprint.pdf"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def logged() -> list[logging.LogRecord]:
    """What WeasyPrint and publish log while the A4 fixture builds."""
    return []


@pytest.fixture(scope="module")
def a4(tmp_path_factory: pytest.TempPathFactory, logged: list[logging.LogRecord]) -> Path:
    handler = _Records()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("publish")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        return _build(tmp_path_factory.mktemp("a4"))
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
        logged.extend(handler.records)


@pytest.fixture(scope="module")
def reader(a4: Path) -> PdfReader:
    return PdfReader(str(a4))


@pytest.fixture(scope="module")
def pdfa3(tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    return PdfReader(str(_build(tmp_path_factory.mktemp("pdfa3"), pdf_variant="pdf/a-3b")))


def _lines(reader: PdfReader, page: int) -> list[str]:
    return [line.strip() for line in (reader.pages[page].extract_text() or "").splitlines() if line.strip()]


def _outline(items: list[Any], depth: int = 1) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for item in items:
        if isinstance(item, list):
            found.extend(_outline(item, depth + 1))
        else:
            found.append((depth, item.title))
    return found


def _uris(reader: PdfReader) -> set[str]:
    uris = set()
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            if action.get("/S") == "/URI":
                uris.add(str(action["/URI"]))
    return uris


# -- page ------------------------------------------------------------------
def test_two_pages_with_a_running_header_and_page_n_of_m_after_the_first(reader):
    count = len(reader.pages)
    assert count >= 2
    first, second = _lines(reader, 0), _lines(reader, 1)
    assert not any(line.startswith("Page 1 of") for line in first), "page 1 has no footer"
    assert first[0] == "Coastal Affairs Quarterly", "page 1 opens with the title block (kicker first)"
    assert f"Page 2 of {count}" in second
    assert "Harbour Cities Rethink Their Waterfronts" in second  # the short title, as running header
    assert f"Page {count} of {count}" in _lines(reader, count - 1)


def test_a4_by_default_and_letter_on_request(reader, tmp_path):
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width, 1), round(height, 1)) == (595.3, 841.9)
    letter = PdfReader(str(_build(tmp_path, paper="letter")))
    assert [float(v) for v in letter.pages[0].mediabox[2:]] == [612, 792]
    assert "Page 2 of" in letter.pages[1].extract_text()


def test_every_line_of_text_on_page_one_is_drawn_in_ink(a4):
    """The text layer is not all: each line pdfium finds on page 1 has ink where it sits on the
    rendered page (a blank page, invisible text or glyphs missing from the font would leave none)."""
    pdfium = pytest.importorskip("pypdfium2")
    page = pdfium.PdfDocument(str(a4))[0]
    scale = 1.0
    image = page.render(scale=scale).to_pil().convert("L")
    textpage = page.get_textpage()
    lines = [textpage.get_rect(i) for i in range(textpage.count_rects())]
    assert len(lines) >= 20, "page 1 holds the title block and the start of the text"
    faint = []
    for left, bottom, right, top in lines:
        box = image.crop((int(left * scale), int(image.height - top * scale), int(right * scale) + 1, int(image.height - bottom * scale) + 1))
        ink = sum(box.histogram()[:200]) / (box.width * box.height)  # grey and coloured text too
        if ink < 0.08:  # a line of text inks a fifth of its box or more
            faint.append((textpage.get_text_bounded(left, bottom, right, top), round(ink, 3)))
    assert not faint, f"lines of text with (almost) no ink: {faint[:3]}"


# -- typography ------------------------------------------------------------
def test_the_theme_fonts_are_embedded(reader):
    names, embedded = set(), []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
            embedded.append(any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")))
    assert all(embedded)
    assert {"Charis-SIL", "Charis-SIL-Bold", "Charis-SIL-Italic"} <= names, names


def test_the_theme_ships_its_fonts_with_their_licence():
    folder = THEME / "fonts"
    files = sorted(p.name for p in folder.glob("CharisSIL-*.ttf"))
    assert files == ["CharisSIL-Bold.ttf", "CharisSIL-BoldItalic.ttf", "CharisSIL-Italic.ttf", "CharisSIL-Regular.ttf"]
    assert "SIL Open Font License" in (folder / "OFL.txt").read_text("utf-8")
    assert sum(p.stat().st_size for p in folder.iterdir()) < 3.5 * 1024 * 1024


def _between(lines: list[str], first: str, stop: str) -> list[str]:
    """The lines from the one starting with `first` up to (not including) the one starting with `stop`."""
    begin = next(i for i, line in enumerate(lines) if line.startswith(first))
    end = next(i for i, line in enumerate(lines) if i > begin and line.startswith(stop))
    return lines[begin:end]


def test_the_body_is_hyphenated_but_never_the_notice_or_the_title(reader):
    lines = [line for i in range(len(reader.pages)) for line in _lines(reader, i)]
    assert any(line.endswith(HYPHENS) for line in lines), "the body should hyphenate"
    rights = front_matter(FIXTURE)["rights"]
    notice = _between(lines, "Reproduced under licence", "Diagram:")
    title = _between(lines, "Harbour Cities Rethink", "Engineers, planners")
    assert len(notice) >= 3 and len(title) >= 2, "both wrap over several lines"
    assert not [line for line in notice + title if line.endswith(HYPHENS)]
    assert " ".join(notice) == re.sub(r"\s+", " ", rights), "the notice is verbatim"


def test_greek_gets_real_glyphs_and_no_warning():
    doc = read_document(FIXTURE)
    cover = fonts.coverage([THEME])
    if cover is None:
        pytest.skip("fontconfig cannot be loaded, so coverage is unknown")
    assert "Η θάλασσα" in FIXTURE.read_text("utf-8")
    assert fonts.missing_by_line(doc, cover) == {}


# -- structure -------------------------------------------------------------
def test_outline_is_the_title_then_the_headings(reader):
    assert _outline(reader.outline) == [
        (1, "Harbour Cities Rethink Their Waterfronts After a Decade of Storms"),
        (2, "The storms that changed the plans"),
        (2, "Who pays for the water"),
        (2, "Lessons from elsewhere"),
        (3, "What the next decade asks"),
    ]


def test_links_are_clickable_uri_and_mailto(reader):
    uris = _uris(reader)
    assert "https://coastal-affairs.example.org/harbours/review" in uris
    assert "https://coastal-affairs.example.org/harbours" in uris  # the source line
    assert "mailto:secretary@harbour-residents.example.org" in uris
    assert "mailto:mira@example.org" in uris  # the contact


def test_tagged_with_the_document_language(reader):
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" in root


# -- metadata --------------------------------------------------------------
def _check_metadata(reader: PdfReader) -> None:
    """The Info dictionary and the XMP say what the fixture's front matter says, verbatim."""
    fm = front_matter(FIXTURE)
    info = reader.metadata
    assert info["/Title"] == fm["title"]
    assert info["/Author"] == ", ".join(fm["author"])
    assert info["/Subject"] == fm["description"]
    assert info["/Keywords"] == ", ".join(fm["keywords"])
    day = "D:" + fm["date"].strftime("%Y%m%d")
    assert info["/CreationDate"].startswith(day) and info["/ModDate"].startswith(day)
    assert info["/Rights"] == fm["rights"]
    assert info["/Source"] == fm["source"]["name"]
    assert info["/SourceURL"] == fm["source"]["url"]
    assert info["/Publisher"] == fm["publisher"]
    assert info["/Contact"] == plain(fm["contact"])
    assert [info["/Credits"]] == fm["credits"]
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert xmp.dc_rights == {"x-default": fm["rights"]}
    assert xmp.dc_title == {"x-default": fm["title"]}
    assert xmp.dc_creator == fm["author"]
    assert xmp.dc_publisher == [fm["publisher"]]
    assert xmp.dc_language == [fm["lang"]]
    assert xmp.dc_subject == fm["keywords"]
    packet = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert packet.count(b"<rdf:RDF") == 1 and b"<?xml" not in packet, "one well-formed RDF per packet"


def test_poppler_reads_the_same_metadata(a4):
    """A second, independent reader (poppler's pdfinfo) finds the notice and the custom keys too."""
    fm = front_matter(FIXTURE)
    info = pdf_info(a4)
    assert info["Title"] == fm["title"] and info["Author"] == ", ".join(fm["author"])
    assert info["Rights"] == fm["rights"] and info["Publisher"] == fm["publisher"]
    assert info["Source"] == fm["source"]["name"] and info["Contact"] == plain(fm["contact"])
    assert info["CreationDate"].startswith(fm["date"].isoformat())
    assert info["Identifier"] == fm["identifier"] and info["SourceURL"] == fm["source"]["url"]
    assert info["Credits"] == "; ".join(fm["credits"])
    dc = "{http://purl.org/dc/elements/1.1/}"
    xmp = pdf_xmp(a4)

    def values(name: str) -> list[str]:
        return ["".join(e.itertext()).strip() for e in xmp.iter(f"{dc}{name}")]

    assert values("source") == [f"{fm['source']['name']} ({fm['source']['url']})"]
    assert values("date") == [fm["date"].isoformat()]
    assert values("identifier") == [fm["identifier"]]
    assert values("rights") == [fm["rights"]] and values("publisher") == [fm["publisher"]]
    assert values("language") == [fm["lang"]]
    assert [li.text for e in xmp.iter(f"{dc}subject") for li in e.iter("{*}li")] == fm["keywords"]


def test_metadata_of_a_plain_pdf(reader):
    _check_metadata(reader)


def test_metadata_of_a_pdfa3(pdfa3):
    _check_metadata(pdfa3)
    assert b"pdfaid:part" in pdfa3.trailer["/Root"]["/Metadata"].get_object().get_data()


# -- variants and provenance -----------------------------------------------
def test_pdfa3_embeds_the_markdown_source_as_its_source(pdfa3):
    assert pdfa3.attachments == {"reprint.md": [FIXTURE.read_bytes()]}
    root = pdfa3.trailer["/Root"]
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[1].get_object()
    assert spec["/AFRelationship"] == "/Source"
    assert [ref.get_object() for ref in root["/AF"]] == [spec], "listed once in /AF"
    assert root["/OutputIntents"]


def test_pdfua1_is_written(tmp_path):
    ua = PdfReader(str(_build(tmp_path, pdf_variant="pdf/ua-1")))
    packet = ua.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in packet
    assert ua.xmp_metadata is not None and ua.xmp_metadata.dc_rights
    assert not ua.attachments, "only PDF/A-3 attaches the source"


@pytest.mark.parametrize("value", ["pdf/a-3x", "pdfa", "PDF/A-9"])
def test_an_unknown_variant_is_a_clear_error(value, tmp_path):
    with pytest.raises(PublishError) as caught:
        _build(tmp_path, pdf_variant=value)
    message = str(caught.value)
    assert f"unknown PDF variant '{value}'" in message and "pdf/a-3b" in message and "pdf/ua-1" in message
    assert not (tmp_path / "reprint.pdf").exists()


def test_variants_follow_weasyprint():
    from weasyprint.pdf import VARIANTS

    assert set(pdf_writer.pdf_variants()) == {v for v in VARIANTS if v != "debug" and not v.startswith("pdf/x-")}
    assert pdf_writer.check_variant(" PDF/A-3b ") == "pdf/a-3b"
    assert pdf_writer.check_variant(None) is None
    assert "did you mean 'pdf/a-3b'" in str(pytest.raises(PublishError, pdf_writer.check_variant, "pdf/a3b").value)


# -- reproducibility -------------------------------------------------------
def test_two_builds_are_byte_identical(a4, tmp_path):
    again = _build(tmp_path)
    assert again.read_bytes() == a4.read_bytes()


# -- font coverage warnings ------------------------------------------------
def test_a_character_without_a_font_is_warned_with_its_line(tmp_path, monkeypatch):
    source = tmp_path / "cjk.md"
    source.write_text(
        "---\ntitle: Coverage\nrights: © Test\n---\n\nLatin only.\n\nChinese: 中美经贸磋商\n\n- item 共识\n",
        "utf-8",
    )
    monkeypatch.setattr(fonts, "_system_has_char", lambda: (lambda code: code < 0x2E80))
    said: list[tuple[str, Any, Any]] = []
    monkeypatch.setattr(fonts, "warn", lambda message, path=None, line=None: said.append((message, path, line)))
    found = fonts.warn_missing_glyphs(read_document(source), [THEME])
    assert found == {8: ["中", "美", "经", "贸", "磋", "商"], 10: ["共", "识"]}
    assert [(Path(str(p)).name, line) for _, p, line in said] == [("cjk.md", 8), ("cjk.md", 10)]
    assert "中 (U+4E2D)" in said[0][0] and "fonts-noto-cjk" in said[0][0]


def test_spaces_and_format_characters_need_no_glyph():
    assert not fonts.needs_glyph(" ") and not fonts.needs_glyph("\u00a0") and not fonts.needs_glyph("\u200d")
    assert not fonts.needs_glyph("\ufe0f") and not fonts.needs_glyph("\u00ad")
    assert fonts.needs_glyph("a") and fonts.needs_glyph("中")


def test_the_coverage_check_agrees_with_fontconfig():
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        pytest.skip("fc-list is not installed (Debian package fontconfig)")
    cover = fonts.coverage([])
    assert cover is not None
    for char in "aΩ中\U0001D11E":
        listed = subprocess.run([fc_list, f":charset={ord(char):x}", "file"], capture_output=True, text=True, check=True)
        assert cover.has(char) == bool(listed.stdout.strip()), char


def test_the_coverage_check_reads_theme_fonts_only_for_characters_no_installed_font_has(monkeypatch):
    read: list[Path] = []
    monkeypatch.setattr(fonts, "font_file_chars", lambda path: read.append(path) or frozenset({ord("ŋ")}))
    cover = fonts.Coverage([THEME / "fonts" / "CharisSIL-Regular.ttf"], lambda code: code < 0x250)
    assert cover.has("a") and read == []
    assert cover.has("ŋ") is True and read == []  # U+014B: an installed font has it
    assert cover.has("ʃ") is False and len(read) == 1  # U+0283: read once, then remembered
    assert cover.has("中") is False and len(read) == 1


def test_embedding_a_font_does_not_decompile_the_layout_tables_it_drops(monkeypatch):
    """Why pyproject.toml holds fontTools below 4.68: WeasyPrint drops GSUB and GPOS when it subsets
    a font for the PDF, and fontTools 4.68 decompiles them first, which triples the embedding time."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables import otBase

    decompiled: list[str] = []
    original = otBase.BaseTTXConverter.decompile

    def recording(self, data, font):
        decompiled.append(self.tableTag)
        return original(self, data, font)

    monkeypatch.setattr(otBase.BaseTTXConverter, "decompile", recording)
    font = TTFont(THEME / "fonts" / "CharisSIL-Regular.ttf")
    font.flavor = None
    plain = io.BytesIO()
    font.save(plain)
    decompiled.clear()
    # the options of WeasyPrint's _fonttools_subset
    options = subset.Options(retain_gids=True, passthrough_tables=True, ignore_missing_glyphs=True,
                             hinting=False, desubroutinize=True, notdef_outline=False)
    options.drop_tables += ["GSUB", "GPOS", "SVG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=list(range(100)))
    subsetter.subset(TTFont(io.BytesIO(plain.getvalue())))
    assert "GPOS" not in decompiled and "GSUB" not in decompiled


def test_the_bundled_fonts_count_even_when_not_installed():
    chars = set()
    for path in fonts.theme_font_files([THEME]):
        chars |= fonts.font_file_chars(path)
    assert {ord(c) for c in "Charis ŁĳŒ–“”"} <= chars


# -- confinement -----------------------------------------------------------
def test_the_fetcher_reads_only_inside_its_roots(tmp_path):
    inside = tmp_path / "inside"
    inside.mkdir()
    (inside / "ok.css").write_text("p{}", "utf-8")
    (tmp_path / "secret.txt").write_text("no", "utf-8")
    fetcher = pdf_writer.ConfinedFetcher([inside])
    fetched = fetcher.fetch((inside / "ok.css").as_uri())
    assert fetched is not None
    for url in ((tmp_path / "secret.txt").as_uri(), (inside / ".." / "secret.txt").as_uri(), "https://example.org/x.css"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_the_build_logs_no_warning(a4, logged):
    # WeasyPrint asks for HarfBuzz-Subset when only fontTools can subset: advice about the machine, not the article.
    noise = [
        f"{r.name}: {r.getMessage()}" for r in logged
        if r.levelno >= logging.WARNING and "HarfBuzz-Subset" not in r.getMessage()
    ]
    assert not noise, noise


def _import_pdf_writer(before: str, after: str) -> str:
    """What a fresh interpreter prints when it runs ``before``, imports the PDF writer (so WeasyPrint),
    checks WeasyPrint opened its libraries, and runs ``after``."""
    code = before + (
        "import publish.formats.pdf.write\n"
        "from weasyprint.text import ffi\n"
        "assert None not in (ffi.gobject, ffi.pango, ffi.harfbuzz, ffi.fontconfig, ffi.pangoft2)\n"
    ) + after
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shortcut is Linux's: elsewhere find_library spawns nothing")
def test_weasyprint_is_imported_without_spawning_a_library_search() -> None:
    """ctypes.util.find_library runs ldconfig, gcc and ld for every library name WeasyPrint tries
    that is not a file: without the shortcut, about 20 subprocesses and 0.4 s of every PDF build."""
    code = (
        "import ctypes.util, subprocess\n"
        "spawned = []\n"
        "real_init = subprocess.Popen.__init__\n"
        "def recording(self, args, *a, **k):\n"
        "    spawned.append(args)\n"
        "    return real_init(self, args, *a, **k)\n"
        "subprocess.Popen.__init__ = recording\n"
        "original = ctypes.util.find_library\n"
    )
    after = "assert ctypes.util.find_library is original, 'find_library was not restored'\nprint(len(spawned), spawned[:3])\n"
    out = _import_pdf_writer(code, after)
    assert out.split(" ", 1)[0] == "0", out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shortcut is Linux's")
def test_weasyprint_is_imported_the_slow_way_when_the_shortcut_finds_no_library() -> None:
    """A WeasyPrint whose name lists lack the sonames: the first try fails, quietly, and the import
    is tried again with find_library's search."""
    code = (
        "import cffi, ctypes.util\n"
        "real_dlopen, real_find, searched = cffi.FFI.dlopen, ctypes.util.find_library, []\n"
        "def dlopen(self, name, *args):\n"
        "    if ctypes.util.find_library.__name__ == '_not_searched':\n"
        "        raise OSError(f'cannot load {name}')\n"
        "    return real_dlopen(self, name, *args)\n"
        "def find(name):\n"
        "    searched.append(name)\n"
        "    return real_find(name)\n"
        "cffi.FFI.dlopen, ctypes.util.find_library = dlopen, find\n"
    )
    out = _import_pdf_writer(code, "print('searched', len(searched) > 0)\n")
    assert out == "searched True\n", out  # and no installation advice printed


def test_the_library_search_shortcut_restores_find_library_after_an_error() -> None:
    import ctypes.util

    from publish.formats.pdf.weasyprint.loader import no_library_search

    original = ctypes.util.find_library
    with pytest.raises(OSError), no_library_search():
        assert ctypes.util.find_library("pango-1.0") is None or not sys.platform.startswith("linux")
        raise OSError("a library that would not load")
    assert ctypes.util.find_library is original


@pytest.mark.parametrize("theme", [None, "report"])
def test_an_ordered_list_starting_at_three_is_numbered_from_three(tmp_path, theme):
    """WeasyPrint reads <ol start> only with presentational hints, which publish leaves off (they
    cost a seventh of the render): the print page spells the start as CSS counters instead."""
    source = tmp_path / "list.md"
    source.write_text("---\ntitle: Lists\nlang: en\n---\n\n3. three\n4. four\n\nA paragraph.\n\n1. one\n2. two\n", "utf-8")
    build([source], formats=["pdf"], out=tmp_path / "out", project=tmp_path, theme=theme)
    text = PdfReader(tmp_path / "out" / "list.pdf").pages[0].extract_text()
    assert re.findall(r"\b(\d)\.\s", text) == ["3", "4", "1", "2"], text  # the list markers, in order


def test_the_cached_page_references_write_the_same_pdf_as_pydyf_s_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pydyf

    from publish.builder.pipeline import prepare
    from publish.theme import load

    job = prepare(FIXTURE, load("default", ROOT), ROOT)
    cached = pdf_writer.write(job)
    monkeypatch.setattr(pydyf.PDF, "page_references", pdf_writer._UNCACHED_PAGE_REFERENCES)
    assert pdf_writer.write(job) == cached
    assert len(PdfReader(__import__("io").BytesIO(cached)).pages) >= 2
