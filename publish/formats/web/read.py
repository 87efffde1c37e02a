"""Reads the web edition back: the visible text of its body, its head's metadata and its JSON-LD."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

#: Elements whose text a reader never sees.
_HIDDEN = ("script", "style", "template", "noscript", "head")
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "figcaption", "pre", "div", "section", "aside", "header", "footer", "blockquote", "dt", "dd"}
MAX_BYTES = 256 * 1024 * 1024


def _visible_text(body: Any, pictures: list[str] | None = None) -> str:
    """The body's text with a line break before each block, skipping script, style and hidden
    elements; the alternative text of each image it shows (a ``data:`` image or a file's path) is
    added to ``pictures``."""
    parts: list[str] = []

    def visit(element: Any) -> None:
        if not isinstance(element.tag, str) or element.tag in _HIDDEN or element.get("hidden") is not None:
            return
        if element.tag == "img" and pictures is not None:
            src = (element.get("src") or "").strip()
            if src.startswith("data:image/") or (src and ":" not in src.split("/")[0]):
                pictures.append(element.get("alt") or "")
        if element.tag in _BLOCKS:
            parts.append("\n")
        if element.text:
            parts.append(element.text)
        for child in element:
            visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(body)
    return "".join(parts)


def _flatten(value: Any, key: str, into: dict[str, list[str]]) -> None:
    """Every text value inside a JSON-LD property, under its key (nested objects' texts too)."""
    if isinstance(value, dict):
        for name, inner in value.items():
            if not name.startswith("@"):
                _flatten(inner, key, into)
    elif isinstance(value, list):
        for item in value:
            _flatten(item, key, into)
    elif isinstance(value, (str, int, float)) and key:
        into.setdefault(key, []).append(str(value))


def json_ld(root: Any) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page (a script holding a list gives each item)."""
    found: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        data = json.loads(script.text or "null")
        found.extend(item for item in (data if isinstance(data, list) else [data]) if isinstance(item, dict))
    return found


def read_back(path: Path) -> Any:
    """The page's visible text and metadata: ``<html lang>`` as ``language``, ``<title>``, each
    ``<meta name|property>`` by its name, the canonical link, and each top-level JSON-LD property
    as ``ld:<name>`` with every text inside it."""
    from ..readback import Extracted

    from ..readback import Unreadable

    with open(path, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Unreadable(f"is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    root = lxml_html.document_fromstring(data, parser=lxml_html.HTMLParser(encoding="utf-8", no_network=True, huge_tree=False))
    meta: dict[str, list[str]] = {}
    if root.get("lang"):
        meta["language"] = [root.get("lang")]
    title = root.findtext(".//title")
    if title:
        meta["title"] = [title.strip()]
    for element in root.iter("meta"):
        key = element.get("name") or element.get("property")
        if key and element.get("content") is not None:
            meta.setdefault(key.lower() if not key.startswith(("og:", "article:", "twitter:")) else key, []).append(element.get("content"))
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            meta.setdefault("canonical", []).append(link.get("href") or "")
    for item in json_ld(root):
        if item.get("@type"):
            meta.setdefault("ld:@type", []).append(str(item["@type"]))
        for name, value in item.items():
            if not name.startswith("@"):
                _flatten(value, f"ld:{name}", meta)
    body = root.find("body")
    pictures: list[str] = []
    got = Extracted(_visible_text(body if body is not None else root, pictures), meta, pictures=pictures)
    _collection_parts(root, got)
    return got


def _collection_parts(root: Any, got: Any) -> None:
    """A collection's page, part by part: each ``<article id="article-N">``'s text, with its language
    and what the JSON-LD's ``hasPart`` item of that ``@id`` says (as ``ld:<name>``), and the
    permissions section's text."""
    from ..readback import Extracted

    described: dict[str, dict[str, Any]] = {}
    for item in json_ld(root):
        for part in item.get("hasPart") or []:
            if isinstance(part, dict) and isinstance(part.get("@id"), str):
                described[part["@id"].lstrip("#")] = part
    if not described:
        return
    for element in root.iter("article", "section"):
        ident = element.get("id") or ""
        if element.tag == "article" and ident in described:
            meta: dict[str, list[str]] = {}
            if element.get("lang"):
                meta["language"] = [element.get("lang")]
            for name, value in described[ident].items():
                if not name.startswith("@"):
                    _flatten(value, f"ld:{name}", meta)
            got.parts[ident] = Extracted(_visible_text(element), meta)
        elif element.tag == "section" and ident == "permissions":
            got.parts[ident] = Extracted(_visible_text(element), {})
