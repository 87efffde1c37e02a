"""The DOCX read back: the text of the document, its footnotes, headers and footers, paragraph by
paragraph, and the core and custom properties; a collection's, article by article too (``parts``:
the body cut at the ``article-<n>`` and ``permissions`` bookmarks, see ``collection``)."""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

from ..readback import NS, Extracted, xml
from ..zipfiles import Container

_W = "{%s}" % NS["w"]
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: The bookmarks a collection's DOCX opens each article and the permissions page with.
_PART_MARK = re.compile(r"article-\d+|permissions")
#: A collection's custom property of one article's field (collection.ARTICLE_PROPERTY), and the
#: metadata key an article's read-back gives that field (collection.PART_META).
_ARTICLE_PROPERTY = re.compile(r"Article (\d+) (\w+)")
_PART_META = {"Title": "title", "Authors": "creator", "Date": "date", "Rights": "rights", "Source": "source",
              "Publisher": "publisher", "Keywords": "keywords", "Credits": "credits", "Contact": "contact",
              "Language": "language"}


def _paragraph_text(para) -> str:  # type: ignore[no-untyped-def]
    """A paragraph's visible text: its runs' text, tabs and breaks, in order (field instructions
    are not text a reader sees; a tracked deletion is, struck through, as Word shows revisions
    with all their markup)."""
    parts = []
    for element in para.iter(f"{_W}t", f"{_W}delText", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"):
        tag = element.tag
        if tag in (f"{_W}t", f"{_W}delText"):
            parts.append(element.text or "")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("\u2011")
        else:
            parts.append("\t" if tag == f"{_W}tab" else "\n")
    return "".join(parts)


def _targets(archive: Container, part: str) -> dict[str, str]:
    """The members a part's relationships name, by relationship id (external targets left out)."""
    folder, name = posixpath.split(part)
    rels = f"{folder}/_rels/{name}.rels"
    if rels not in archive.names:
        return {}
    found = {}
    for rel in xml(archive.read(rels)):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") != "External" and target:
            found[rel.get("Id") or ""] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
    return found


def _pictures(root, targets: dict[str, str], names: set[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """The alternative text of each drawing of a part whose picture is a member of the file."""
    found = []
    for drawing in root.iter(f"{_W}drawing"):
        blips = [blip.get(f"{_R}embed") for blip in drawing.iter(f"{_A}blip")]
        if any(targets.get(rid or "") in names for rid in blips):
            described = next(drawing.iter(f"{_WP}docPr"), None)
            found.append(described.get("descr", "") if described is not None else "")
    return found


def read_back(path: Path) -> Extracted:
    """Text of the document, footnotes, headers and footers; core and custom properties."""
    from lxml import etree

    meta: dict[str, list[str]] = {}
    texts = []
    pictures: list[str] = []
    roots = {}
    articles: dict[str, dict[str, list[str]]] = {}  # a collection's articles' fields, by id
    languages: list[str] = []
    with Container(path) as archive:
        names = archive.names
        members = set(names)
        parts = ["word/document.xml", "word/footnotes.xml"] + sorted(n for n in names if re.match(r"word/(header|footer)\d*\.xml$", n))
        for name in parts:
            if name in members:
                root = roots[name] = xml(archive.read(name))
                texts.extend(_paragraph_text(para) for para in root.iter(f"{_W}p"))
                pictures.extend(_pictures(root, _targets(archive, name), members))
        if "docProps/core.xml" in names:
            for element in xml(archive.read("docProps/core.xml")):
                if isinstance(element.tag, str) and element.text:
                    meta.setdefault(etree.QName(element).localname, []).append(element.text)
        if "docProps/custom.xml" in names:
            for prop in xml(archive.read("docProps/custom.xml")):
                value = "".join(prop.itertext())
                if value:
                    meta.setdefault(prop.get("name", "").lower(), []).append(value)
                    found = _ARTICLE_PROPERTY.fullmatch(prop.get("name", ""))
                    if value and found and found.group(2) in _PART_META:
                        fields = articles.setdefault(f"article-{found.group(1)}", {})
                        fields.setdefault(_PART_META[found.group(2)], []).append(value)
        if "word/styles.xml" in names:
            styles = xml(archive.read("word/styles.xml"))
            for lang in styles.iter(f"{_W}lang"):
                value = lang.get(f"{_W}val")
                if value:
                    meta.setdefault("language", []).append(value)
            defaults = styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}lang")
            if defaults is not None and defaults.get(f"{_W}val"):
                languages.append(defaults.get(f"{_W}val") or "")
    if "created" in meta:
        meta["date"] = [v[:10] for v in meta["created"]]
    found_parts = {}
    if "word/document.xml" in roots:
        found_parts = _parts(roots["word/document.xml"], roots.get("word/footnotes.xml"), articles, languages)
    return Extracted("\n".join(texts), meta, pictures=pictures, parts=found_parts)


def _parts(document, notes, articles: dict[str, dict[str, list[str]]], languages: list[str]) -> dict[str, Extracted]:  # type: ignore[no-untyped-def]
    """A collection's body cut at its ``article-<n>`` and ``permissions`` bookmarks: each article's
    paragraphs and its notes' (in the order it refers to them), with the article's fields from the
    custom properties; its ``language`` is the languages its runs are in (those without one: the
    document's), then its Language property (LibreOffice writes ``en`` again as ``en-US``);
    nothing when the body has no such bookmark (an article)."""
    texts: dict[str, list[str]] = {}
    refs: dict[str, list[str]] = {}
    spoken: dict[str, dict[str, None]] = {}
    current: str | None = None
    for node in document.iter(f"{_W}p", f"{_W}bookmarkStart"):
        if node.tag == f"{_W}bookmarkStart":
            name = node.get(f"{_W}name") or ""
            if _PART_MARK.fullmatch(name):
                current = name
            continue
        for mark in node.iter(f"{_W}bookmarkStart"):  # the paragraph that holds the mark is the part's first
            if _PART_MARK.fullmatch(mark.get(f"{_W}name") or ""):
                current = mark.get(f"{_W}name")
                break
        if current is None:
            continue
        texts.setdefault(current, []).append(_paragraph_text(node))
        refs.setdefault(current, []).extend(ref.get(f"{_W}id") or "" for ref in node.iter(f"{_W}footnoteReference"))
        said = spoken.setdefault(current, {})
        for run in node.iter(f"{_W}r"):
            if run.find(f"{_W}t") is None:
                continue
            lang = run.find(f"{_W}rPr/{_W}lang")
            value = lang.get(f"{_W}val") if lang is not None else None
            for one in [value] if value else languages:
                said[one] = None
    by_id = {note.get(f"{_W}id"): note for note in notes.iter(f"{_W}footnote")} if notes is not None else {}
    found = {}
    for name, paragraphs in texts.items():
        for ident in refs.get(name, []):
            if ident in by_id:
                paragraphs.extend(_paragraph_text(para) for para in by_id[ident].iter(f"{_W}p"))
        meta = {key: list(values) for key, values in articles.get(name, {}).items()} if name != "permissions" else {}
        if name != "permissions":
            meta["language"] = list(dict.fromkeys([*(spoken.get(name) or languages), *meta.get("language", [])]))
        found[name] = Extracted("\n".join(paragraphs), meta)
    return found
