"""The DOCX read back: the text of the document, its footnotes, headers and footers, paragraph by
paragraph, and the core and custom properties."""
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


def _paragraph_text(para) -> str:  # type: ignore[no-untyped-def]
    """A paragraph's visible text: its runs' text, tabs and breaks, in order (deleted text and
    field instructions are not text a reader sees)."""
    parts = []
    for element in para.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"):
        tag = element.tag
        if tag == f"{_W}t":
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
    with Container(path) as archive:
        names = archive.names
        members = set(names)
        parts = ["word/document.xml", "word/footnotes.xml"] + sorted(n for n in names if re.match(r"word/(header|footer)\d*\.xml$", n))
        for name in parts:
            if name in members:
                root = xml(archive.read(name))
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
        if "word/styles.xml" in names:
            for lang in xml(archive.read("word/styles.xml")).iter(f"{_W}lang"):
                value = lang.get(f"{_W}val")
                if value:
                    meta.setdefault("language", []).append(value)
    if "created" in meta:
        meta["date"] = [v[:10] for v in meta["created"]]
    return Extracted("\n".join(texts), meta, pictures=pictures)
