"""The EPUB read back: the spine's XHTML text in document order, and the OPF's metadata."""
from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..readback import NS, Extracted, xml
from ..zipfiles import Container

#: Elements that start a new line of text, so paragraphs do not run together.
BLOCKS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "tr", "caption", "figcaption",
    "pre", "div", "section", "aside", "header", "footer", "blockquote", "figure", "table", "nav", "details",
    "summary", "br", "hr",
})
#: Elements whose text a reader does not see as text.
HIDDEN = frozenset({"script", "style", "head", "title"})


def block_text(root) -> str:  # type: ignore[no-untyped-def]
    """An element's text as a reader sees it: its text, then its children's, each child followed by
    its tail (document order); a line break around each block. Images show nothing (their alt text is
    for readers that cannot see them)."""
    from lxml import etree

    parts: list[str] = []
    # an explicit stack instead of recursion: deeply nested documents must not overflow
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        if closing:
            name = etree.QName(element).localname  # type: ignore[arg-type]
            if name in BLOCKS:
                parts.append("\n")
            if element is not root and element.tail:  # type: ignore[attr-defined]
                parts.append(element.tail)  # type: ignore[attr-defined]
            continue
        if not isinstance(element.tag, str):  # type: ignore[attr-defined]
            if element is not root and element.tail:  # type: ignore[attr-defined]
                parts.append(element.tail)  # type: ignore[attr-defined]
            continue
        name = etree.QName(element).localname  # type: ignore[arg-type]
        stack.append((element, True))
        if name in HIDDEN:
            continue
        if name in BLOCKS:
            parts.append("\n")
        if element.text:  # type: ignore[attr-defined]
            parts.append(element.text)  # type: ignore[attr-defined]
        stack.extend((child, False) for child in reversed(element))  # type: ignore[call-overload]
    return "".join(parts)


def pictures(root, document: str, members: set[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """The alternative text of each image of a spine document (``document``: its member name) whose
    picture is a member of the book."""
    folder = posixpath.dirname(document)
    found = []
    for image in root.iter(f"{{{NS['x']}}}img"):
        src = urlsplit(image.get("src") or "")
        if src.scheme or src.netloc or not src.path:
            continue
        if posixpath.normpath(posixpath.join(folder, unquote(src.path))) in members:
            found.append(image.get("alt") or "")
    return found


#: A collection's content documents that are parts of its read-back: each article's and the
#: permissions page (formats.epub.collection names them after their ids).
_PART = re.compile(r"^(article-\d+|permissions)\.xhtml$")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: The DCMI terms a collection's article's fields refine its manifest item with, read back under
#: the names the single article's Dublin Core elements give them ("dcterms:rights" -> "rights").
_TERMS = "dcterms:"


def read_back(path: Path) -> Extracted:
    """Text of the spine's XHTML documents and the OPF's metadata; for a collection, each
    article's page and the metadata that refines its manifest item, and the permissions page,
    as ``parts`` (by id: ``article-1``..., ``permissions``)."""
    from lxml import etree

    meta: dict[str, list[str]] = {}
    with Container(path) as archive:
        container = xml(archive.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = xml(archive.read(opf_path))
        base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
        manifest = {item.get("id"): item.get("href") for item in opf.iterfind(".//opf:manifest/opf:item", NS)}
        refining: dict[str, dict[str, list[str]]] = {}  # what the OPF says of each manifest item, by its id
        metadata = opf.find("opf:metadata", NS)
        for element in metadata if metadata is not None else []:
            if not isinstance(element.tag, str):
                continue
            qname = etree.QName(element)
            key = qname.localname if qname.namespace == NS["dc"] else element.get("property") or element.get("name")
            if not key or not element.text:
                continue
            target = (element.get("refines") or "").removeprefix("#")
            if target in manifest:  # of one article of a collection, not of the book
                key = key.removeprefix(_TERMS)
                refining.setdefault(target, {}).setdefault(key, []).append(element.text)
                continue
            meta.setdefault(key, []).append(element.text)
        lang = opf.get(_XML_LANG)
        if lang:
            meta.setdefault("language", []).append(lang)
        texts, shown = [], []
        parts: dict[str, Extracted] = {}
        members = set(archive.names)
        for itemref in opf.iterfind(".//opf:spine/opf:itemref", NS):
            ident = itemref.get("idref")
            href = manifest.get(ident)
            if href:
                doc = xml(archive.read(base + href))
                body = doc.find("x:body", NS)
                text = block_text(body if body is not None else doc)
                drawn = pictures(doc, base + href, members)
                texts.append(text)
                shown.extend(drawn)
                part = _PART.match(posixpath.basename(href))
                if part:
                    said = {key: list(values) for key, values in refining.get(ident or "", {}).items()}
                    page_lang = doc.get(_XML_LANG) or doc.get("lang")
                    if page_lang and part.group(1) != "permissions":
                        said.setdefault("language", []).append(page_lang)
                    parts[part.group(1)] = Extracted(text, said if part.group(1) != "permissions" else {}, pictures=drawn)
    return Extracted("\n".join(texts), meta, pictures=shown, parts=parts)
