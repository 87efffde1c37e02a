"""What every format shows of a collection: each article's view and id, the sections, and the one-page edition (print, web).

A collection's outputs keep each article's own title block and end matter at the article, and
add a table of contents (each article's title, authors and source, by section) and a
permissions page (every article's notice, verbatim, with its source and credits). Each article
has one id, ``article-<n>``: its element in a page, its EPUB file, its DOCX bookmark, and the
key of its slice in every read-back (``Extracted.parts``); the permissions page's is
``permissions``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from markupsafe import Markup

from ..model import Document, Node, Part
from ..theme.labels import numbered
from .localized import list_separators
from .view import View, make_view

#: The read-back key (and element id) of the permissions page.
PERMISSIONS = "permissions"


def part_id(number: int) -> str:
    """The id of a collection's article ``number`` (1, 2, ...)."""
    return f"article-{number}"


@dataclass
class Entry:
    """One article of a collection as every format shows it: its part, its view and its id."""

    part: Part
    view: View
    id: str

    @property
    def doc(self) -> Document:
        return self.part.doc

    @property
    def number(self) -> int:
        return self.part.number


def entries(doc: Document, options: dict[str, Any]) -> list[Entry]:
    """Each article of a collection, in order, with its view (made with the theme's options and the article's own language)."""
    return [Entry(part, make_view(part.doc, options), part_id(part.number)) for part in doc.parts]


@dataclass
class Section:
    """A run of a collection's articles under one section name (None: articles outside any section)."""

    title: str | None
    entries: list[Entry]


def sections(found: list[Entry]) -> list[Section]:
    """The articles grouped by section, in order: consecutive articles of one section are one group."""
    groups: list[Section] = []
    for entry in found:
        if groups and groups[-1].title == entry.part.section:
            groups[-1].entries.append(entry)
        else:
            groups.append(Section(entry.part.section, [entry]))
    return groups


def issue_line(view: View, meta: Any) -> str | None:
    """The collection's volume, issue and number as one line ("Volume 3 · Issue 1"), or None."""
    labels = view.labels
    parts = [numbered(labels[key], str(value)) for key, value in (("volume", meta.volume), ("issue", meta.issue), ("number", meta.number)) if value]
    return " · ".join(parts) or None


@dataclass
class RenderedArticle:
    """One article of a one-page edition: its entry and its body and notes as HTML."""

    entry: Entry
    body: Markup
    notes: Markup


def render_articles(doc: Document, options: dict[str, Any], footnotes: str, image_url: Callable[[Node], str],
                    list_counters: bool, math: str, labels: dict[str, str]) -> list[RenderedArticle]:
    """Every article's body for one page: ids unique across the page, each article's notes its own,
    its headings one level under its title (two when the collection has sections)."""
    from .html import consecutive_levels, render_body

    ids: set[str] = {PERMISSIONS, "contents", "introduction"} | {part_id(p.number) for p in doc.parts}
    shift = 2 if any(p.section for p in doc.parts) else 1
    out = []
    for entry in entries(doc, options):
        rendered = render_body(entry.doc, footnotes, image_url, list_counters=list_counters, math=math, labels=labels,
                               note_prefix=f"a{entry.number}-", shift=shift, ids=ids, levels=consecutive_levels(entry.doc))
        out.append(RenderedArticle(entry, rendered.body, rendered.notes))
    return out


@dataclass
class CollectionView:
    """What a collection's templates are given beside ``meta`` (the collection's own view)."""

    entries: list[Entry]
    sections: list[Section]
    #: each article's rendered body and notes, by id (a one-page edition; empty for the EPUB's pages)
    rendered: dict[str, RenderedArticle]
    editors: list[str]
    issue_line: str | None
    #: the article's link target: "#article-3" in one page, "article-3.xhtml" in an EPUB
    href: Callable[[Entry], str]
    permissions_href: str
    #: the heading level of each article's title (under the collection's title, and its section's)
    title_level: int = 2
    #: what stands before each editor's name: the collection's language's list pattern ("", ", ", " and ")
    editor_separators: tuple[str, ...] = ()

    @property
    def has_sections(self) -> bool:
        return any(s.title for s in self.sections)

    @property
    def permissions(self) -> bool:
        """Whether the permissions page has anything to say: some article has a notice, a source or credits."""
        return any(e.view.rights or e.view.source_name or e.view.credits for e in self.entries)


def collection_view(doc: Document, view: View, options: dict[str, Any], rendered: list[RenderedArticle] | None = None,
                    href: Callable[[Entry], str] | None = None, permissions_href: str = f"#{PERMISSIONS}") -> CollectionView:
    """The collection's template context: its entries (those of ``rendered`` when given), sections and links."""
    found = [r.entry for r in rendered] if rendered is not None else entries(doc, options)
    groups = sections(found)
    return CollectionView(
        entries=found,
        sections=groups,
        rendered={r.entry.id: r for r in rendered or []},
        editors=list(doc.meta.editors),
        issue_line=issue_line(view, doc.meta),
        href=href or (lambda entry: f"#{entry.id}"),
        permissions_href=permissions_href,
        title_level=3 if any(g.title for g in groups) else 2,
        editor_separators=list_separators(len(doc.meta.editors), view.lang),
    )
