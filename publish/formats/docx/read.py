"""The DOCX read back: the text of the document, its footnotes, headers and footers, paragraph by
paragraph, and the core and custom properties."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..readback import NS, Extracted, xml

_W = "{%s}" % NS["w"]


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


def read_back(path: Path) -> Extracted:
    """Text of the document, footnotes, headers and footers; core and custom properties."""
    from lxml import etree

    meta: dict[str, list[str]] = {}
    texts = []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        parts = ["word/document.xml", "word/footnotes.xml"] + sorted(n for n in names if re.match(r"word/(header|footer)\d*\.xml$", n))
        for name in parts:
            if name in names:
                root = xml(archive.read(name))
                texts.extend(_paragraph_text(para) for para in root.iter(f"{_W}p"))
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
    return Extracted("\n".join(texts), meta)
