"""Independent read-back for the tests: outputs read with tools publish does not use, expectations from the article's own text."""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from typing import Any, Iterable

import pytest
import yaml
from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
#: WeasyPrint writes a hyphenation point as U+2010; pdfium reports a hyphen that ends a line as
#: U+FFFE (or U+0002).
_BREAK_HYPHENS = "\u2010\ufffe\u0002-"


# -- the article's own text ---------------------------------------------------------
def front_matter(source: Path) -> dict[str, Any]:
    """The article's front matter, parsed by PyYAML's safe loader (not by publish)."""
    text = source.read_text("utf-8")
    assert text.startswith("---\n"), f"{source} starts with front matter"
    block = text[4 : text.index("\n---\n", 4)]
    data = yaml.safe_load(block)
    assert isinstance(data, dict)
    return data


def plain(markdown: str) -> str:
    """The visible text of a one-line Markdown value as the fixtures write them: autolinks
    ``<x>`` show as ``x``, ``[text](url)`` as ``text``, emphasis marks vanish."""
    text = re.sub(r"<((?:https?:|mailto:)?[^<>\s]+)>", r"\1", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_)(\S(?:.*?\S)?)\1", r"\2", text)
    return text


def body_paragraphs(source: Path) -> list[tuple[int, str]]:
    """Each plain prose paragraph of the article's body with its 1-based source line: blocks that
    are neither headings, lists, quotes, fences, tables nor divs, and hold no Markdown marks."""
    lines = source.read_text("utf-8").split("\n")
    end = lines.index("---", 1)
    found: list[tuple[int, str]] = []
    start, block = None, []
    for number, line in enumerate(lines[end + 1 :], start=end + 2):
        if line.strip():
            if start is None:
                start = number
            block.append(line.strip())
            continue
        if start is not None:
            found.append((start, " ".join(block)))
        start, block = None, []
    if start is not None:
        found.append((start, " ".join(block)))
    prose = re.compile(r"^[^#>\-*+|:`~\d\[!<]")
    return [(n, p) for n, p in found if prose.match(p) and not re.search(r"[*_`\[\]<>\\]|\"|'|--", p)]


def source_line(source: Path, needle: str) -> int:
    """The 1-based line of the source that contains ``needle`` (which must be there once)."""
    hits = [i for i, line in enumerate(source.read_text("utf-8").split("\n"), start=1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits} of {source}"
    return hits[0]


# -- comparing text -------------------------------------------------------------------
def norm(text: str) -> str:
    """Whitespace (no-break spaces too) collapsed, soft hyphens dropped; typography kept."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def squash(text: str) -> str:
    """``norm`` without any space or hyphen: a paragraph set over several lines, hyphenated at
    line ends, still matches. Quotes, dashes and every letter must still match."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    return re.sub(rf"[\s{_BREAK_HYPHENS}]", "", text)


def shows(text: str, value: str) -> bool:
    """Whether ``text`` (an output's visible text) contains ``value`` up to layout."""
    return squash(value) in squash(text)


# -- the PDF: pdfium ----------------------------------------------------------------------
def pdf_pages(path: Path) -> list[str]:
    """The text of each page, as pdfium extracts it."""
    pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 comes with the test extra")
    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(document))]
    finally:
        document.close()


def pdf_text(path: Path, running: Iterable[str] = ()) -> str:
    """The PDF's text as one flow: on pages after the first, lines that only repeat a running header
    or footer (one of ``running``, or "Page N of M") are dropped, so a paragraph that crosses a
    page reads as one."""
    drop = {squash(r) for r in running if r}
    kept = []
    for number, page in enumerate(pdf_pages(path)):
        for line in page.split("\n"):
            if number and (re.fullmatch(r"\s*(Page\s+)?\d+\s*(of|/)\s*\d+\s*", line) or (squash(line) and squash(line) in drop)):
                continue
            kept.append(line)
    return "\n".join(kept)


def pdf_info(path: Path) -> dict[str, str]:
    """Every key of the Info dictionary, custom ones too, as poppler's pdfinfo prints them."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("pdfinfo is not installed (Debian package poppler-utils)")
    done = subprocess.run([pdfinfo, "-custom", "-enc", "UTF-8", "-isodates", str(path)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    info = {}
    for line in done.stdout.decode("utf-8").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            info[key.strip()] = value.strip()
    return info


def pdf_xmp(path: Path) -> etree._Element:
    """The XMP packet, as poppler's pdfinfo extracts it."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("pdfinfo is not installed (Debian package poppler-utils)")
    done = subprocess.run([pdfinfo, "-meta", str(path)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return etree.fromstring(done.stdout.strip())


# -- the EPUB: zipfile and lxml ------------------------------------------------------------
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "figcaption", "pre", "div", "section", "aside", "header", "footer", "dt", "dd", "blockquote"}


def epub_opf(path: Path) -> etree._Element:
    """The package document named by META-INF/container.xml."""
    with zipfile.ZipFile(path) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        return etree.fromstring(archive.read(container.find(f".//{{{CONTAINER}}}rootfile").get("full-path")))


def epub_dc(path: Path, name: str) -> list[str]:
    """The values of one Dublin Core element of the OPF's metadata."""
    return [e.text or "" for e in epub_opf(path).iterfind(f"{{{OPF}}}metadata/{{{DC}}}{name}")]


def epub_text(path: Path) -> str:
    """The text of every spine document, one line per block element."""
    with zipfile.ZipFile(path) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        opf_path = container.find(f".//{{{CONTAINER}}}rootfile").get("full-path")
        opf = etree.fromstring(archive.read(opf_path))
        base = opf_path.rpartition("/")[0]
        hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(f"{{{OPF}}}manifest/{{{OPF}}}item")}
        texts = []
        for ref in opf.iterfind(f"{{{OPF}}}spine/{{{OPF}}}itemref"):
            page = etree.fromstring(archive.read(f"{base}/{hrefs[ref.get('idref')]}" if base else hrefs[ref.get("idref")]))
            parts = []
            for element in page.iter():
                if not isinstance(element.tag, str):
                    if element.tail:
                        parts.append(element.tail)
                    continue
                if etree.QName(element).localname in _BLOCKS:
                    parts.append("\n")
                parts.append(element.text or "")
                if element is not page:
                    parts.append(element.tail or "")
            texts.append("".join(parts))
    return "\n".join(texts)


# -- the DOCX: pandoc --------------------------------------------------------------------
def docx_text(path: Path) -> str:
    """The document as pandoc reads it (the title block pandoc takes as metadata, the body, the
    footnotes), as plain text."""
    pypandoc = pytest.importorskip("pypandoc", reason="pandoc comes with the pypandoc-binary test extra")
    done = subprocess.run(
        [pypandoc.get_pandoc_path(), "--standalone", "-f", "docx", "-t", "plain", "--wrap=none", str(path)], capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8")


def docx_properties(path: Path) -> dict[str, list[str]]:
    """Core properties (by local name) and custom properties (by name), read from the zip with lxml."""
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as archive:
        for element in etree.fromstring(archive.read("docProps/core.xml")):
            found.setdefault(etree.QName(element).localname, []).append(element.text or "")
        if "docProps/custom.xml" in archive.namelist():
            for prop in etree.fromstring(archive.read("docProps/custom.xml")):
                found.setdefault(prop.get("name"), []).append("".join(prop.itertext()))
    return found


# -- the web page: lxml's HTML parser ---------------------------------------------------------
def html_text(path: Path) -> str:
    """The body's text, without scripts and styles, one line per block element."""
    from lxml import html

    body = html.fromstring(path.read_bytes()).body
    for hidden in body.xpath(".//script|.//style|.//template"):
        hidden.drop_tree()
    for block in body.iter(*_BLOCKS):
        block.text = "\n" + (block.text or "")
    return body.text_content()


def text_of(fmt: str, path: Path, running: Iterable[str] = ()) -> str:
    """An output's visible text, read independently of publish."""
    if fmt == "pdf":
        return pdf_text(path, running)
    return {"epub": epub_text, "docx": docx_text, "html": html_text}[fmt](path)


# -- damaging a zip output -------------------------------------------------------------------
def rewrite_zip_member(path: Path, member: str, edit: Any) -> None:
    """Rewrite one member of a zip in place through ``edit(bytes) -> bytes``, the rest unchanged."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    assert member in [info.filename for info, _ in items], f"{member} is in {path.name}"
    with zipfile.ZipFile(path, "w") as target:
        for info, data in items:
            target.writestr(info, edit(data) if info.filename == member else data)
