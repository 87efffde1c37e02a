"""The document model: one tree of blocks and inlines, each block knowing its source line.

Every node may carry pandoc-style attributes in ``attrs``: ``id`` (str), ``classes``
(list[str]) and ``kv`` (dict[str, str]) -- from ``{#id .class key=value}``, fenced divs,
bracketed spans or sanitized raw HTML.

Block kinds: heading(level, id), paragraph, figure(src, title, width, height; children =
caption), bullet_list, ordered_list(start), list_item(checked: True/False for task lists,
absent otherwise), blockquote, code_block(info; text), table(align; children = thead/tbody
of rows of cells(header, align, colspan, rowspan)), thematic_break, div(class),
callout(type: note/tip/important/warning/caution/..., title: inlines or absent; children =
blocks) for GitHub alerts, pandoc/Quarto callouts and admonitions, definition_list
(children = term (inlines) and definition (blocks), in source order), details(children =
summary (inlines) then blocks), math_block(text = TeX).
Inline kinds: text, emph, strong, strike, code, link(href, title; missing=True when it points
at a local file that is not there: writers show its text), image(src, title, width, height),
softbreak, hardbreak, footnote_ref(n), sup, sub, kbd, span (classes such as smallcaps,
underline, mark), math(text = TeX).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator


@dataclass
class Node:
    """One block or inline of the tree."""

    kind: str
    children: list[Node] = field(default_factory=list)
    text: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    line: int | None = None

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, depth first (a callout's title inlines included)."""
        yield self
        title = self.attrs.get("title")
        if title.__class__ is list:
            for node in title:
                yield from node.walk()
        for child in self.children:
            yield from child.walk()


def plain_text(nodes: list[Node], note_mark: str = "", opaque: frozenset[str] = frozenset()) -> str:
    """The text a reader sees, without markup: soft breaks become spaces, a formula its TeX,
    an image inside text nothing (it shows its picture, not its alt text), and each footnote
    reference (and each node of an ``opaque`` kind) becomes ``note_mark``."""
    parts: list[str] = []
    for node in nodes:
        if node.kind in opaque:
            parts.append(note_mark)
        elif node.kind == "image":
            continue
        elif node.kind in ("text", "code", "math"):
            parts.append(node.text)
        elif node.kind in ("softbreak", "hardbreak"):
            parts.append(" " if node.kind == "softbreak" else "\n")
        elif node.kind == "footnote_ref":
            parts.append(note_mark)
        else:
            parts.append(plain_text(node.children, note_mark, opaque))
    return "".join(parts)


@dataclass
class Rich:
    """A metadata value written in inline Markdown: its inlines and its plain text."""

    text: str
    inlines: list[Node]
    line: int | None = None


@dataclass
class Blocks:
    """A metadata value written in block Markdown (an abstract): its blocks and its plain text."""

    text: str
    blocks: list[Node]
    line: int | None = None


@dataclass
class Person:
    """An author: a name, and what a byline may show beside it."""

    name: str
    affiliations: list[str] = field(default_factory=list)
    email: str | None = None
    orcid: str | None = None


@dataclass
class Source:
    """The outlet an article was first published by."""

    name: str
    url: str | None = None


@dataclass
class Metadata:
    """What the article says about itself (the front matter), validated."""

    title: Rich
    subtitle: Rich | None = None
    short_title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: _dt.date | None = None
    lang: str = "en"
    #: the direction the article is written in, ``ltr`` or ``rtl`` (pandoc's `dir`; else its language's)
    direction: str = "ltr"
    abstract: Blocks | None = None
    people: list[Person] = field(default_factory=list)
    publisher: str | None = None
    rights: Rich | None = None
    identifier: str | None = None
    keywords: list[str] = field(default_factory=list)
    description: str | None = None
    cover_image: str | None = None
    source: Source | None = None
    credits: list[Rich] = field(default_factory=list)
    contact: Rich | None = None
    accessibility_certifier: str | None = None
    #: a collection's editors (``editor``/``editors``), volume, issue and number; empty for an article
    editors: list[str] = field(default_factory=list)
    volume: str | None = None
    issue: str | None = None
    number: str | None = None
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Footnote:
    """A footnote's number, label and blocks."""

    n: int
    label: str
    blocks: list[Node]
    line: int | None = None


@dataclass
class Document:
    """A whole article: metadata, body blocks, footnotes, and where it came from.

    A collection (an issue, a digest, an anthology) is a Document too: its metadata is the
    collection's, its blocks the editor's introduction, and ``parts`` its articles in order,
    each a whole Document of its own."""

    path: Path
    root: Path
    meta: Metadata
    blocks: list[Node]
    footnotes: list[Footnote] = field(default_factory=list)
    source_bytes: bytes = b""
    parts: list[Part] = field(default_factory=list)

    @property
    def is_collection(self) -> bool:
        return bool(self.parts)

    def images(self, parts: bool = True) -> list[Node]:
        """Every image and figure node, in reading order (a collection's articles' too, unless not ``parts``)."""
        found = []
        for block in self.blocks + [b for f in self.footnotes for b in f.blocks]:
            found.extend(n for n in block.walk() if n.kind in ("image", "figure"))
        for part in self.parts if parts else ():
            found.extend(part.doc.images())
        return found

    def inputs(self) -> list[tuple[str, bytes]]:
        """The files the document was read from, as (path, bytes): the article, or a collection and each of its articles."""
        return [(self.path.as_posix(), self.source_bytes)] + [(p.doc.path.as_posix(), p.doc.source_bytes) for p in self.parts]


@dataclass
class Part:
    """One article of a collection: its document, the section it is in (or none), and its number (1, 2, ...)."""

    doc: Document
    number: int
    section: str | None = None
    #: the collection's line that names the article
    line: int | None = None
