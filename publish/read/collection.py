"""Reads a collection (an issue, a digest, an anthology): a Markdown file whose front matter lists its articles.

A collection's front matter has the collection's own fields (``title``, ``subtitle``,
``editor``/``editors``, ``date``, ``volume``, ``issue``, ``number``, ``publisher``, ``lang``,
``rights``, ``cover-image``, ``identifier``) and ``articles:``, the articles in order, each a
path relative to the collection's file, optionally grouped in sections::

    articles:
      - section: World
        articles:
          - world/ferries.md
          - world/harbour.md
      - essays/salt.md

Its body, if any, is the editor's introduction. Each article is read whole, as alone.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import yaml

from ..errors import SourceError, warn
from ..model import Document, Part

#: The fields a collection has beside an article's (read here, not by the article schema).
COLLECTION_FIELDS = ("articles", "editor", "editors", "volume", "issue", "number")
#: The most articles one collection holds.
MAX_ARTICLES = 500


def is_collection(raw: object) -> bool:
    """Whether a front matter (as loaded) is a collection's: it lists ``articles``."""
    return isinstance(raw, dict) and "articles" in raw


def _item_lines(front_text: str) -> list[int]:
    """The line (in the file) of each article path under ``articles:``, in order, sections' included."""
    try:
        root = yaml.compose(front_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    found: list[int] = []

    def visit(node: yaml.Node) -> None:
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                if isinstance(item, yaml.ScalarNode):
                    found.append(item.start_mark.line + 2)
                elif isinstance(item, yaml.MappingNode):
                    for key, value in item.value:
                        if isinstance(key, yaml.ScalarNode) and key.value == "articles":
                            visit(value)

    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "articles":
                visit(value)
    return found


def _text_field(raw: dict[str, Any], key: str, path: Path, lines: dict[str, int]) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SourceError(f"'{key}' must be a number or a short text, such as {key}: 42", path, lines.get(key))
    return str(value).strip() or None


def _names(raw: dict[str, Any], path: Path, lines: dict[str, int]) -> list[str]:
    """The editors: ``editor`` or ``editors``, a name or a list of names (or of mappings with a name)."""
    key = "editors" if "editors" in raw else "editor"
    value = raw.get(key)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            raise SourceError(f"'{key}' must be a name or a list of names", path, lines.get(key))
        names.append(" ".join(name.split()))
    return names


def entries(value: Any, path: Path, line: int | None, section: str | None = None) -> list[tuple[str, str | None]]:
    """The (article path, section) pairs of an ``articles:`` list."""
    if not isinstance(value, list) or not value:
        raise SourceError("'articles' must be a list of article paths (relative to this file), "
                          "optionally in sections: '- section: World' with its own 'articles:'", path, line)
    found: list[tuple[str, str | None]] = []
    for item in value:
        if isinstance(item, str) and item.strip():
            found.append((item.strip(), section))
        elif isinstance(item, dict) and "section" in item:
            if section is not None:
                raise SourceError("sections do not nest: a section's 'articles' are article paths", path, line)
            name = item.get("section")
            if not isinstance(name, str) or not name.strip():
                raise SourceError("a section needs a name: '- section: World'", path, line)
            unknown = sorted(str(k) for k in item if k not in ("section", "articles"))
            if unknown:
                raise SourceError(f"a section takes 'section' and 'articles', not {', '.join(unknown)}", path, line)
            found.extend(entries(item.get("articles"), path, line, " ".join(name.split())))
        else:
            raise SourceError(f"each of 'articles' is an article's path or a section, not {item!r:.60}", path, line)
    return found


def read_parts(raw: dict[str, Any], lines: dict[str, int], front_text: str, path: Path,
               project: Path | None, read_document: Callable[..., Document]) -> list[Part]:
    """Read every article a collection lists, in order, with ``read_document`` (the article
    reader's); the first that cannot be read stops it with its own message."""
    listed = entries(raw.get("articles"), path, lines.get("articles"))
    if len(listed) > MAX_ARTICLES:
        raise SourceError(f"the collection lists {len(listed)} articles; a collection holds at most {MAX_ARTICLES}",
                          path, lines.get("articles"))
    item_lines = _item_lines(front_text)
    here = path.resolve()
    seen: dict[Path, int | None] = {}
    parts: list[Part] = []
    for number, (name, section) in enumerate(listed, start=1):
        line = item_lines[number - 1] if len(item_lines) == len(listed) else lines.get("articles")
        target = (path.parent / name)
        resolved = target.resolve()
        if project is not None and not resolved.is_relative_to(project.resolve()):
            raise SourceError(f"the article '{name}' is outside the project; publish reads only files inside it", path, line)
        if resolved == here:
            raise SourceError(f"the collection lists itself ('{name}')", path, line)
        if resolved in seen:
            raise SourceError(f"the article '{name}' is listed twice (first on line {seen[resolved]}); list it once", path, line)
        seen[resolved] = line
        if not target.is_file():
            raise SourceError(f"the article '{name}' does not exist (paths are relative to this file's folder)", path, line)
        doc = read_document(target, project, nested=True)
        if doc.meta.rights is None:
            warn(f"the article '{name}' has no 'rights' notice: the collection's permissions page and the outputs "
                 "say nothing of its authorization; add the notice to its front matter", path, line)
        parts.append(Part(doc, number, section, line))
    return parts


def check_not_nested(path: Path, nested: bool) -> None:
    """A collection inside a collection is refused: its articles would need a place in both."""
    if nested:
        raise SourceError("this article is itself a collection (it lists 'articles'); a collection lists articles only", path, 1)


def strip_fields(raw: dict[str, Any], lines: dict[str, int]) -> tuple[dict[str, Any], dict[str, int]]:
    """The front matter without the collection's own fields, for the article schema."""
    return ({k: v for k, v in raw.items() if k not in COLLECTION_FIELDS},
            {k: v for k, v in lines.items() if k not in COLLECTION_FIELDS})


def complete_collection(doc: Document, raw: dict[str, Any], lines: dict[str, int]) -> None:
    """The collection's own fields on its metadata: editors, volume, issue and number."""
    meta = doc.meta
    meta.editors = _names(raw, doc.path, lines)
    meta.volume = _text_field(raw, "volume", doc.path, lines)
    meta.issue = _text_field(raw, "issue", doc.path, lines)
    meta.number = _text_field(raw, "number", doc.path, lines)
    for key in COLLECTION_FIELDS:
        if key in lines:
            meta.lines[key] = lines[key]


def fingerprint(doc: Document) -> bytes:
    """What the build's manifest digests for a document: its file, and a collection's articles, each with its path."""
    return joined_inputs(doc.inputs()) if doc.parts else doc.source_bytes


def joined_inputs(inputs: list[tuple[str, bytes]]) -> bytes:
    return b"".join(name.encode("utf-8") + b"\0" + data + b"\0" for name, data in inputs)
