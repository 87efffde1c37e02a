"""Reads every output back with its own code and checks the text, the metadata and the notice."""
from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from lxml import etree

from .context import View, make_view
from .errors import PublishError
from .model import Document, Node, plain_text
from .reader import read_document

FORMATS = ("pdf", "epub", "docx", "html")
OK, MISSING, DIFFERS, NA = "ok", "missing", "differs", "-"
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
_NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "cu": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}


def layout_key(text: str) -> str:
    """Text with layout differences removed (whitespace, soft hyphens, ligatures, line-break
    hyphens); typography (curly quotes, dashes) is kept, so it must still match."""
    text = text.replace("\u00ad", "")
    for lig, plain in _LIGATURES.items():
        text = text.replace(lig, plain)
    text = re.sub(r"-\s*\n\s*", "", text)
    text = text.replace("-", "").replace("\u2010", "").replace("\u2011", "")
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


@dataclass
class Extracted:
    """What one output shows (its visible text) and says about itself (its metadata)."""

    text: str
    meta: dict[str, list[str]]
    pages: list[str] = field(default_factory=list)

    def reflowed(self, view: View, notes: dict[int, str]) -> "Extracted":
        """The PDF's text as one flow: running headers and footers taken out of pages 2
        onwards and each page's foot notes moved to the end, so that a paragraph crossing
        a page break reads as one. ``notes`` maps note numbers to the start of their text."""
        if not self.pages:
            return self
        tokens = [t for t in (view.short_title, view.title.text, view.source_name, view.publisher) if t]
        page_word = re.escape(view.labels.get("page", "Page"))
        of_word = re.escape(view.labels.get("of", "of"))
        number = re.compile(rf"(?i)({page_word}\s*)?\d+\s*({of_word}|/)\s*\d+|{page_word}\s*\d+")
        keys = sorted((layout_key(t).lower() for t in tokens), key=len, reverse=True)
        note_keys = {n: layout_key(text)[:16] for n, text in notes.items() if layout_key(text)}

        def is_running_head(line: str) -> bool:
            rest = layout_key(number.sub("", line)).lower()
            for key in keys:
                rest = rest.replace(key, "")
            return bool(layout_key(line)) and not re.sub(r"[\W\d_]", "", rest)

        def starts_notes(line: str) -> bool:
            match = re.match(r"\s*(\d+)\D", line)
            if not match or int(match[1]) not in note_keys:
                return False
            rest, want = layout_key(line[match.end():]).lstrip(".)"), note_keys[int(match[1])]
            return rest.startswith(want) or (len(rest) >= 4 and want.startswith(rest))

        bodies, feet = [], []
        # the title page has no running head: the first page with text (a cover page has none)
        title_page = next((i for i, page in enumerate(self.pages) if page.strip()), 0)
        for index, page in enumerate(self.pages):
            lines = page.split("\n")
            if index > title_page:
                edges = set(range(min(2, len(lines)))) | set(range(max(0, len(lines) - 2), len(lines)))
                lines = [line for i, line in enumerate(lines) if not (i in edges and is_running_head(line))]
            cut = next((i for i, line in enumerate(lines) if starts_notes(line)), len(lines))
            bodies.append("\n".join(lines[:cut]))
            feet.append("\n".join(lines[cut:]))
        flow = bodies + [f for f in feet if f]
        return Extracted("\n".join(flow), self.meta, bodies)

    def shows(self, value: str) -> bool:
        return layout_key(value) in layout_key(self.text)

    def says(self, key: str, value: str) -> str:
        values = self.meta.get(key) or []
        if not values:
            return MISSING
        wanted = layout_key(value)
        for v in values:
            if wanted in layout_key(v):
                return OK
            # a field a format limits in length (DOCX core properties) may end in an ellipsis
            if v.endswith("…") and len(v) > 100 and wanted.startswith(layout_key(v[:-1])):
                return OK
        return DIFFERS


# -- readers ---------------------------------------------------------------
def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))


def read_pdf(path: Path) -> Extracted:
    """Visible text of every page, the Info dictionary, the catalog language and the XMP."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = [page.extract_text() or "" for page in reader.pages]
    text = "\n".join(pages)
    meta: dict[str, list[str]] = {}
    info = reader.metadata or {}
    for key, value in info.items():
        meta.setdefault(key.lstrip("/").lower(), []).append(str(value))
    lang = reader.trailer["/Root"].get("/Lang")
    if lang:
        meta["language"] = [str(lang)]
    xmp_stream = reader.trailer["/Root"].get("/Metadata")
    if xmp_stream is not None:
        try:
            root = _xml(xmp_stream.get_object().get_data())
            for element in root.iter():
                if isinstance(element.tag, str) and element.tag.startswith("{" + _NS["dc"]):
                    name = "xmp:" + etree.QName(element).localname
                    value = " ".join(t.strip() for t in element.itertext() if t.strip())
                    if value:
                        meta.setdefault(name, []).append(value)
        except etree.XMLSyntaxError:
            pass
    if "creationdate" in meta:
        meta["date"] = [re.sub(r"^D:(\d{4})(\d{2})(\d{2}).*", r"\1-\2-\3", v) for v in meta["creationdate"]]
    return Extracted(text, meta, pages)


def read_epub(path: Path) -> Extracted:
    """Text of the spine's XHTML documents and the OPF's metadata."""
    meta: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as archive:
        container = _xml(archive.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = _xml(archive.read(opf_path))
        base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
        metadata = opf.find("opf:metadata", _NS)
        for element in metadata if metadata is not None else []:
            if not isinstance(element.tag, str):
                continue
            qname = etree.QName(element)
            key = qname.localname if qname.namespace == _NS["dc"] else element.get("property") or element.get("name")
            if key and element.text:
                meta.setdefault(key, []).append(element.text.strip())
        lang = opf.get("{http://www.w3.org/XML/1998/namespace}lang")
        if lang:
            meta.setdefault("language", []).append(lang)
        manifest = {item.get("id"): item.get("href") for item in opf.iterfind(".//opf:manifest/opf:item", _NS)}
        texts = []
        for itemref in opf.iterfind(".//opf:spine/opf:itemref", _NS):
            href = manifest.get(itemref.get("idref"))
            if href:
                doc = _xml(archive.read(base + href))
                body = doc.find("x:body", _NS)
                texts.append(_block_text(body if body is not None else doc))
    return Extracted("\n".join(texts), meta)


def _block_text(root: etree._Element) -> str:
    """Element text with a line break after each block, so paragraphs do not run together."""
    blocks = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "figcaption", "pre", "div", "section", "aside", "header", "footer"}
    parts: list[str] = []
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname in blocks:
            parts.append("\n")
        if element.text and isinstance(element.tag, str):
            parts.append(element.text)
        if element.tail and element is not root:
            parts.append(element.tail)
    return "".join(parts)


def read_docx(path: Path) -> Extracted:
    """Text of the document, footnotes, headers and footers; core and custom properties."""
    meta: dict[str, list[str]] = {}
    texts = []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        parts = ["word/document.xml", "word/footnotes.xml"] + sorted(n for n in names if re.match(r"word/(header|footer)\d*\.xml$", n))
        for name in parts:
            if name in names:
                root = _xml(archive.read(name))
                for para in root.iter(f"{{{_NS['w']}}}p"):
                    texts.append("".join(t.text or "" for t in para.iter(f"{{{_NS['w']}}}t")))
        if "docProps/core.xml" in names:
            for element in _xml(archive.read("docProps/core.xml")):
                if element.text:
                    meta.setdefault(etree.QName(element).localname, []).append(element.text.strip())
        if "docProps/custom.xml" in names:
            for prop in _xml(archive.read("docProps/custom.xml")):
                value = "".join(prop.itertext()).strip()
                if value:
                    meta.setdefault(prop.get("name", "").lower(), []).append(value)
        if "word/styles.xml" in names:
            for lang in _xml(archive.read("word/styles.xml")).iter(f"{{{_NS['w']}}}lang"):
                value = lang.get(f"{{{_NS['w']}}}val")
                if value:
                    meta.setdefault("language", []).append(value)
    if "created" in meta:
        meta["date"] = [v[:10] for v in meta["created"]]
    return Extracted("\n".join(texts), meta)


def read_html(path: Path) -> Extracted:
    """The web edition, read by its own module (writers/web_read.py)."""
    from .writers.web_read import read_back

    return read_back(path)


READERS: dict[str, Callable[[Path], Extracted]] = {"pdf": read_pdf, "epub": read_epub, "docx": read_docx, "html": read_html}

#: For each field, the metadata key that holds it in each format.
META_KEYS: dict[str, dict[str, str]] = {
    "title": {"pdf": "title", "epub": "title", "docx": "title", "html": "ld:headline"},
    "date": {"pdf": "date", "epub": "date", "docx": "date", "html": "ld:datePublished"},
    "authors": {"pdf": "author", "epub": "creator", "docx": "creator", "html": "ld:author"},
    "lang": {"pdf": "language", "epub": "language", "docx": "language", "html": "language"},
    "publisher": {"pdf": "publisher", "epub": "publisher", "docx": "publisher", "html": "ld:publisher"},
    "source": {"pdf": "source", "epub": "source", "docx": "source", "html": "ld:isBasedOn"},
    "keywords": {"pdf": "keywords", "epub": "subject", "docx": "keywords", "html": "ld:keywords"},
    "credits": {"pdf": "credits", "epub": "schema:creditText", "docx": "credits", "html": "ld:creditText"},
    "contact": {"pdf": "contact", "epub": "schema:contactPoint", "docx": "contact"},
    "rights": {"pdf": "rights", "epub": "rights", "docx": "rights", "html": "ld:copyrightNotice"},
    "rights (XMP)": {"pdf": "xmp:rights"},
    "rights (head)": {"html": "dcterms.rights"},
}


# -- expectations ------------------------------------------------------------
_NOT_TEXT = frozenset({"math", "image"})


def body_paragraphs(doc: Document) -> list[tuple[int | None, str]]:
    """Every paragraph-level text of the body and footnotes, with its source line."""
    found: list[tuple[int | None, str]] = []

    def visit(nodes: list[Node]) -> None:
        for node in nodes:
            if node.kind in ("paragraph", "heading", "figure", "cell", "term", "summary"):
                # a formula and an image inside text are pictures or math markup in the outputs, not text
                text = plain_text(node.children, note_mark="\0", opaque=_NOT_TEXT).strip()
                if node.kind == "figure" and node.attrs.get("title"):
                    text = f"{text} {node.attrs['title']}".strip()
                # formats show a note's call differently (a number, a symbol, a Word field):
                # the text on each side of it must be there, the call itself is not compared
                found.extend((node.line, part.strip()) for part in text.split("\0") if part.strip())
            elif node.kind == "code_block":
                for line in node.text.splitlines():
                    if line.strip():
                        found.append((node.line, line))
            else:
                visit(node.children)

    visit(doc.blocks)
    for note in doc.footnotes:
        visit(note.blocks)
    return found


@dataclass
class Check:
    """Expected values of one field: what must be visible and what metadata must say."""

    name: str
    visible: list[str]
    meta: list[str]
    meta_only: bool = False


def expectations(view: View) -> list[Check]:
    """The fields every format must keep, from the article's own metadata."""
    checks = [Check("title", [view.title.text], [view.title.text])]
    if view.date_iso:
        checks.append(Check("date", [view.date_display or view.date_iso], [view.date_iso]))
    if view.authors:
        checks.append(Check("authors", list(view.authors), list(view.authors)))
    checks.append(Check("lang", [], [view.lang], meta_only=True))
    if view.affiliations:
        checks.append(Check("affiliations", list(view.affiliations), []))
    if view.abstract:
        checks.append(Check("abstract", [p for p in view.abstract.text.split("\n\n") if p.strip()], []))
    if view.publisher:
        checks.append(Check("publisher", [view.publisher], [view.publisher]))
    if view.source_name:
        checks.append(Check("source", [view.source_line or view.source_name], [view.source_name]))
    if view.keywords:
        checks.append(Check("keywords", list(view.keywords), list(view.keywords)))
    if view.credits:
        checks.append(Check("credits", [c.text for c in view.credits], [c.text for c in view.credits]))
    if view.contact:
        checks.append(Check("contact", [view.contact.text], [view.contact.text]))
    if view.rights:
        checks.append(Check("rights", [view.rights.text], [view.rights.text]))
        checks.append(Check("rights (XMP)", [], [view.rights.text], meta_only=True))
        checks.append(Check("rights (head)", [], [view.rights.text], meta_only=True))
    return checks


# -- report ------------------------------------------------------------------
@dataclass
class Report:
    """A field × format table of ok / missing / differs, with the reasons."""

    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def set(self, field_name: str, fmt: str, status: str, why: str = "") -> None:
        self.rows.setdefault(field_name, {})[fmt] = status
        if status not in (OK, NA):
            self.problems.append(f"{fmt}: {field_name} {status}{': ' + why if why else ''}")

    def table(self) -> str:
        width = max([len(name) for name in self.rows] + [5])
        lines = [f"{'field':<{width}}  " + "  ".join(f"{f:<7}" for f in self.formats)]
        for name, cells in self.rows.items():
            lines.append(f"{name:<{width}}  " + "  ".join(f"{cells.get(f, NA):<7}" for f in self.formats))
        lines.extend(self.problems)
        return "\n".join(lines)

    def summary(self) -> str:
        return "; ".join(self.problems[:5]) + (f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else "")


def check_output(doc: Document, view: View, fmt: str, path: Path, report: Report, label: str = "") -> None:
    """Compare one output with the article, adding its cells to the report."""
    prefix = f"{label}" if label else ""
    if not path.is_file():
        report.set(prefix + "file", fmt, MISSING, f"{path} does not exist; run publish build")
        return
    try:
        notes = {note.n: plain_text(note.blocks[0].children) if note.blocks else "" for note in doc.footnotes}
        got = READERS[fmt](path).reflowed(view, notes)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError, OSError) as exc:
        report.set(prefix + "file", fmt, DIFFERS, f"{path} cannot be read: {exc}")
        return
    except Exception as exc:  # pypdf raises its own error types on damaged files
        report.set(prefix + "file", fmt, DIFFERS, f"{path} cannot be read: {type(exc).__name__}: {exc}")
        return
    lost = [(line, text) for line, text in body_paragraphs(doc) if not got.shows(text)]
    if lost:
        line, text = lost[0]
        where = f"line {line}: " if line else ""
        more = f" (and {len(lost) - 1} more)" if len(lost) > 1 else ""
        report.set(prefix + "body", fmt, MISSING, f"{where}“{text[:60]}…” not in the visible text{more}")
    else:
        report.set(prefix + "body", fmt, OK)
    for check in expectations(view):
        key = META_KEYS.get(check.name, {}).get(fmt)
        if check.meta_only and key is None:
            continue
        status, why = OK, ""
        missing_visible = [v for v in check.visible if not got.shows(v)]
        if missing_visible:
            status, why = MISSING, f"“{missing_visible[0][:60]}” not in the visible text"
        elif key is not None:
            for value in check.meta:
                said = got.says(key, value)
                if said != OK:
                    shown = (got.meta.get(key) or [""])[0][:60]
                    status = said
                    why = f"metadata '{key}' " + ("absent" if said == MISSING else f"is “{shown}”, expected “{value[:60]}”")
                    break
        report.set(prefix + check.name, fmt, status, why)


def verify_outputs(
    sources: Iterable[str | Path] | None = None,
    out: str | Path = "dist",
    formats: Iterable[str] | None = None,
    theme: str | Path | None = None,
    web_folder: bool = False,
    project: str | Path | None = None,
) -> Report:
    """Read every output of every source back and check it against the article
    (the theme decides how dates and labels are shown; ``web_folder``: the web edition was
    written as a folder, ``OUT/<stem>/index.html``; ``project`` is where a project theme
    is found, the working directory by default)."""
    from .pipeline import DEFAULT_SOURCE, output_path
    from .themes import load

    paths = [Path(s) for s in (sources or [DEFAULT_SOURCE])]
    wanted = [f for f in FORMATS if f in (list(formats) if formats else FORMATS)]
    report = Report(formats=wanted)
    options = load(str(theme) if theme else None, Path(project) if project else Path.cwd()).options
    for source in paths:
        doc = read_document(source)
        view = make_view(doc, options)
        label = f"{source.stem}: " if len(paths) > 1 else ""
        for fmt in wanted:
            check_output(doc, view, fmt, output_path(source, fmt, Path(out), {"web_folder": web_folder}), report, label)
    if not report.rows:
        raise PublishError("nothing to verify")
    return report
