"""A collection (an issue, a digest, an anthology) as one EPUB 3: a front page, one content
document per article, a permissions page, and each article's own metadata in the OPF.

The spine is the cover (if any), ``front.xhtml`` (the collection's title block, the contents with
each article's title, authors and source by section, the editor's introduction and the
collection's own notice), then ``article-1.xhtml``, ``article-2.xhtml``... (each article in its
own language and direction, with its title block, body, notes and end matter; the first article
of a section opens with the section's name), and ``permissions.xhtml`` (every article's notice,
verbatim, with its source and credits). The nav lists the sections, their articles and each
article's headings.

EPUB 3 has no per-item rights (w3c/epub-specs#1675), so each article's fields are ``meta``
elements that refine its manifest item (``refines="#article-3"``), under the DCMI terms
(``dcterms:title``, ``dcterms:creator``, ``dcterms:rights``, ``dcterms:source``...) and
schema.org (``schema:creditText``, ``schema:contactPoint``), which EPUBCheck takes without a
word; the collection's editors are ``dc:contributor`` with the MARC role ``edt``. The read-back
(read.py) gives each article's page and these fields back as ``Extracted.parts``.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from ebooklib import epub
from lxml import etree
from markupsafe import escape

from ...errors import OutputError, warn
from ...model import Document
from ...read.language import cjk_fonts, language_script_code
from ..collection import PERMISSIONS, CollectionView, Entry as Article, RenderedArticle, collection_view, part_id
from ..html import Heading, consecutive_levels, render_body
from ..job import Job
from ..page import themed
from ..view import View
from .summary import sentences
from .write import (COVER_PAGE, NAV, NCX, STYLESHEET, Entry, Image, _item, _labels, _metadata,
                    accessibility, cover_document, generated_cover, images_without_alt, nav_document, ncx_document, package_fonts,
                    package_images, used_characters, write_package)

FRONT = "front.xhtml"
PERMISSIONS_PAGE = f"{PERMISSIONS}.xhtml"
_MATHML = b'xmlns="http://www.w3.org/1998/Math/MathML"'


def article_href(number: int) -> str:
    """The content document of a collection's article ``number``."""
    return f"{part_id(number)}.xhtml"


class _CollectionSheets:
    """The theme, giving its EPUB stylesheets with the chain's css/collection.css (package_fonts
    reads the theme's sheets through these two methods)."""

    def __init__(self, theme: Any) -> None:
        self._theme = theme

    def __getattr__(self, name: str) -> Any:
        return getattr(self._theme, name)

    def stylesheet_paths(self, name: str) -> Any:
        return self._theme.stylesheet_paths(name, collection=True)

    def stylesheets(self, name: str, overrides: Any = None, direction: str = "ltr") -> Any:
        return self._theme.stylesheets(name, overrides, direction, collection=True)


@dataclasses.dataclass
class Page:
    """One content document of the collection: its file, manifest id, bytes and headings."""

    href: str
    id: str
    data: bytes
    headings: list[Heading]


def _document(lang: str, direction: str, title: str, body: str, body_class: str) -> str:
    """A whole XHTML content document around ``body`` (the themed fragments of one page)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{escape(lang)}" '
        f'xml:lang="{escape(lang)}" dir="{escape(direction)}">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" type="text/css" href="{STYLESHEET}"/>\n</head>\n'
        f'<body class="epub {body_class}">\n{body}\n</body>\n</html>\n'
    )


def _checked(job: Job, data: str, href: str, template: str) -> bytes:
    """The page as bytes, once it parses as XHTML (else an error naming the template that made
    it), its links to its own headings written as their ids are (see _same_page_links)."""
    encoded = data.encode("utf-8")
    try:
        root = etree.fromstring(encoded)
    except etree.XMLSyntaxError as exc:
        raise OutputError(f"the theme's {template} does not give well-formed XHTML in {href}: {exc.msg} "
                          "(line numbers of the rendered page)", job.theme.find(f"templates/{template}"), exc.lineno) from None
    return _same_page_links(root, data).encode("utf-8")


def _same_page_links(root: etree._Element, data: str) -> str:
    """The page with each ``#fragment`` link that names no id of the page but one in another
    case written as that id: a README's own contents links "#...OSS" to the heading GitHub (and
    publish) gives the id "...oss", which EPUBCheck reports as a fragment not defined."""
    ids = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    folded: dict[str, str] = {}
    for ident in sorted(ids):
        folded.setdefault(ident.casefold(), ident)
    for link in {a.get("href") for a in root.iter("{http://www.w3.org/1999/xhtml}a") if (a.get("href") or "").startswith("#")}:
        fragment = link[1:]
        if fragment in ids or fragment.casefold() not in folded:
            continue
        data = data.replace(f'href="{escape(link)}"', f'href="#{escape(folded[fragment.casefold()])}"')
    return data


def _warn_missing_alt(doc: Document) -> None:
    """One warning for each image without alt text, naming its own article's file and line."""
    for one in [doc, *(p.doc for p in doc.parts)]:
        own = Document(one.path, one.root, one.meta, one.blocks, one.footnotes)  # without its parts
        for node in images_without_alt(own):
            warn(f"image '{node.attrs.get('src', '')}' has no alt text: write a description between ![ and ], "
                 "or e-readers cannot describe it (the EPUB then does not claim alternativeText)", one.path, node.line)


def _pages(job: Job, images: dict[str, Image]) -> tuple[Page, list[Page], Page | None, CollectionView]:
    """The front page, each article's page and the permissions page (None when no article has a
    notice, a source or credits), and the collection's template context."""
    view = job.view

    def image_url(node: Any) -> str:
        return images[str(node.attrs["src"])].href

    href = lambda entry: article_href(entry.number)  # noqa: E731
    base = collection_view(job.doc, view, job.theme.options, href=href, permissions_href=PERMISSIONS_PAGE)
    base = dataclasses.replace(base, title_level=1)
    intro = render_body(job.doc, "epub", image_url, math="mathml", labels=view.labels)
    front = "\n".join([
        themed(job, "collection_title.html", meta=view, collection=base, target="epub"),
        themed(job, "contents.html", meta=view, collection=base, target="epub", heading_level=2),
        f'<section class="introduction" id="introduction">\n{intro.body}\n</section>\n{intro.notes}' if intro.body.strip() else "",
        themed(job, "end_matter.html", meta=view, target="epub"),
    ])
    front_page = Page(FRONT, "front", _checked(job, _document(
        view.lang, view.dir, view.title.text, f'<section class="collection-front">\n{front}\n</section>', "collection"), FRONT,
        "collection_title.html"), intro.headings)

    articles: list[Page] = []
    opened: set[str | None] = set()
    for entry in base.entries:
        section = entry.part.section
        opens = section is not None and section not in opened
        opened.add(section)
        level = 2 if opens else 1  # under the section's name on the page that opens the section
        ids = {PERMISSIONS, "contents", "introduction", "section", "section-title", entry.id, f"{entry.id}-end-matter"}
        rendered = render_body(entry.doc, "epub", image_url, math="mathml", labels=entry.view.labels, shift=level - 1, ids=ids,
                               levels=consecutive_levels(entry.doc))
        page_view = dataclasses.replace(base, title_level=level, rendered={entry.id: RenderedArticle(entry, rendered.body, rendered.notes)})
        fragment = themed(job, "collection_article.html", meta=view, collection=page_view, target="epub",
                          item=page_view.rendered[entry.id])
        if opens:
            fragment = (f'<section class="collection-section" id="section" aria-labelledby="section-title">\n'
                        f'<h1 class="section-title" id="section-title" lang="{escape(view.lang)}" dir="{escape(view.dir)}">'
                        f"{escape(section)}</h1>\n{fragment}\n</section>")
        href_ = article_href(entry.number)
        data = _document(entry.view.lang, entry.view.dir, entry.view.title.text, fragment, "collection-page")
        articles.append(Page(href_, entry.id, _checked(job, data, href_, "collection_article.html"), rendered.headings))

    permissions = None
    if base.permissions:
        body = themed(job, "permissions.html", meta=view, collection=base, target="epub", heading_level=1)
        label = str(view.labels.get("permissions", "Permissions"))
        permissions = Page(PERMISSIONS_PAGE, PERMISSIONS, _checked(job, _document(
            view.lang, view.dir, label, body, "collection-permissions"), PERMISSIONS_PAGE, "permissions.html"), [])
    return front_page, articles, permissions, base


# -- the nav ---------------------------------------------------------------------------
#: The most headings of one article the nav lists in two levels; an article with more lists its top level only.
NAV_HEADINGS = 20


def _headings(headings: list[Heading], href: str, below: int) -> list[Entry]:
    """An article's headings nested by level, each pointing into ``href``: its top two levels,
    or its top level alone when they are more than NAV_HEADINGS (a long README's every
    subsection would bury the other articles)."""
    shown = [h for h in headings if h.text.strip() and h.level > below]
    if not shown:
        return []
    top_level = min(h.level for h in shown)
    deepest = top_level + 1 if sum(h.level <= top_level + 1 for h in shown) <= NAV_HEADINGS else top_level
    top: list[Entry] = []
    stack: list[tuple[int, list[Entry]]] = [(0, top)]
    for heading in shown:
        if heading.level > deepest:
            continue
        while stack[-1][0] >= heading.level:
            stack.pop()
        item = Entry(heading.text, f"{href}#{heading.id}")
        stack[-1][1].append(item)
        stack.append((heading.level, item.children))
    return top


def outline(view: View, cv: CollectionView, pages: dict[str, Page], permissions: Page | None) -> list[Entry]:
    """The collection's title, then each section (pointing at its first article, whose page
    opens with its name) with its articles, each with its headings; the permissions page."""
    found = [Entry(view.title.text, FRONT)]
    for group in cv.sections:
        items = []
        for entry in group.entries:
            page = pages[entry.id]
            # the article's own element: after its section's name, when its page opens a section
            items.append(Entry(entry.view.title.text, f"{page.href}#{entry.id}", _headings(page.headings, page.href, 1)))
        if group.title:  # its name at the top of its first article's page (NCX: a target of its own)
            found.append(Entry(group.title, f"{pages[group.entries[0].id].href}#section", items))
        else:
            found.extend(items)
    if permissions is not None:
        found.append(Entry(str(view.labels.get("permissions", "Permissions")), permissions.href))
    return found


# -- the package's metadata -------------------------------------------------------------
def _collection_metadata(book: epub.EpubBook, view: View, doc: Document) -> None:
    """The collection's editors (dc:contributor, MARC role edt) and its articles' languages."""
    for i, name in enumerate(doc.meta.editors):
        book.add_metadata("DC", "contributor", name, {"id": f"editor{i}"})
        book.add_metadata(None, "meta", "edt", {"refines": f"#editor{i}", "property": "role", "scheme": "marc:relators"})
    for lang in dict.fromkeys(p.doc.meta.lang for p in doc.parts):
        if lang != view.lang:
            book.add_metadata("DC", "language", lang)


def _article_metadata(book: epub.EpubBook, entry: Article) -> None:
    """What the article says of itself, refining its manifest item: title, authors, date,
    language, publisher, notice, source, keywords, credits, contact."""
    view, target = entry.view, f"#{entry.id}"

    def say(prop: str, value: str, extra: dict[str, str] | None = None) -> None:
        book.add_metadata(None, "meta", value, {"refines": target, "property": prop, **(extra or {})})

    say("dcterms:title", view.title.text)
    for author in view.authors:
        # no MARC role beside it: EPUBCheck takes "role" only on dc:creator, dc:contributor or dc:publisher
        say("dcterms:creator", author)
    if view.date_iso:
        say("dcterms:date", view.date_iso)
    say("dcterms:language", view.lang)
    if view.publisher:
        say("dcterms:publisher", view.publisher)
    if view.rights:
        say("dcterms:rights", view.rights.text)
    if view.source_name:
        say("dcterms:source", f"{view.source_name} ({view.source_url})" if view.source_url else view.source_name)
    if view.description:
        say("dcterms:description", view.description)
    for keyword in view.keywords:
        say("dcterms:subject", keyword)
    for credit in view.credits:
        say("schema:creditText", credit.text)
    if view.contact:
        say("schema:contactPoint", view.contact.text)


def _summary(job: Job, summary: str) -> str:
    """The accessibility summary, its opening sentences said of a collection of articles."""
    view, doc = job.view, job.doc
    _, say = sentences(view.lang)
    opening = " ".join([say["reflow"], say["navigation"]] + ([say["notes"]] if doc.footnotes else []))
    rest = summary[len(opening):] if summary.startswith(opening) else ""
    notes = doc.footnotes or any(p.doc.footnotes for p in doc.parts)
    own = [say["collection"].format(count=len(doc.parts)), say["collection_navigation"]] + ([say["notes"]] if notes else [])
    return " ".join(own) + rest


# -- the package -------------------------------------------------------------------------
def write_collection(job: Job) -> bytes:
    """Render a collection to EPUB bytes: the same input always gives the same bytes."""
    from ...media.font_embed import shared_characters
    from ...media.script_fonts import faces_of_scripts, script_faces

    view, doc = job.view, job.doc
    labels = _labels(view)
    _warn_missing_alt(doc)
    images, cover = package_images(job)
    drawn = generated_cover(job) if cover is None else None  # no cover-image: one drawn from the collection's title
    cover = cover or drawn
    front, articles, permissions, cv = _pages(job, images)
    # the drawn cover shows nothing the text does not say (its title): the book stays textual
    a11y = accessibility(job, has_cover=cover is not None and drawn is None)
    a11y.summary = _summary(job, a11y.summary)

    book = epub.EpubBook()
    _metadata(book, view, a11y)
    _collection_metadata(book, view, doc)
    langs = list(dict.fromkeys([view.lang, *(part.doc.meta.lang for part in doc.parts)]))  # each page's language
    scripts = faces_of_scripts(script_faces(shared_characters(doc, frozenset()), job.theme.options.get("font_scripts") or {},
                                            cjk_fonts(doc.meta.lang, job.theme.options["font_cjk"])), map(language_script_code, langs))
    css, fonts = package_fonts(_CollectionSheets(job.theme), view.dir, scripts, langs)
    book.add_item(_item("style", STYLESHEET, "text/css", css.encode("utf-8")))
    spine: list[epub.EpubItem] = []
    landmarks: list[tuple[str, str, str]] = []
    cover_page = cover_document(view, cover) if cover is not None else None
    if cover is not None and cover_page is not None:
        book.add_metadata(None, "meta", "", {"name": "cover", "content": cover.id})
        spine.append(book.add_item(_item("cover", COVER_PAGE, "application/xhtml+xml", cover_page)))
        landmarks.append(("cover", COVER_PAGE, labels["cover"]))
        book.guide.append({"href": COVER_PAGE, "title": labels["cover"], "type": "cover"})
    if drawn is not None:
        book.add_item(_item(drawn.id, drawn.href, drawn.asset.media_type, drawn.asset.data, drawn.properties))
    pages = [front, *articles, *([permissions] if permissions is not None else [])]
    for page in pages:
        mathml = ["mathml"] if _MATHML in page.data else []
        spine.append(book.add_item(_item(page.id, page.href, "application/xhtml+xml", page.data, mathml)))
    for entry in cv.entries:
        _article_metadata(book, entry)
    # the pictures the pages show and the cover (an article's own cover-image is not drawn in a collection)
    shown_images = {i.id: i for i in images.values() if i is cover or any(f'src="{i.href}"'.encode() in p.data for p in pages)}
    for image in sorted(shown_images.values(), key=lambda i: i.id):
        book.add_item(_item(image.id, image.href, image.asset.media_type, image.asset.data, image.properties))

    by_id = {page.id: page for page in articles}
    entries = outline(view, cv, by_id, permissions)
    landmarks.append(("titlepage", FRONT, view.title.text))
    landmarks.append(("toc", f"{FRONT}#contents", labels["contents"]))
    landmarks.append(("bodymatter", articles[0].href, cv.entries[0].view.title.text))
    if permissions is not None:
        landmarks.append(("backmatter", permissions.href, str(view.labels.get("permissions", "Permissions"))))
    nav = nav_document(view, entries, landmarks)
    book.add_item(_item("nav", NAV, "application/xhtml+xml", nav, ["nav"]))
    if fonts:
        shown = [page.data for page in pages] + [nav] + ([cover_page] if cover_page is not None else [])
        chars = shared_characters(doc, used_characters(shown, css))
        for font in fonts:
            book.add_item(_item(font.id, font.href, font.media_type, font.data(chars)))
    book.add_item(_item("ncx", NCX, "application/x-dtbncx+xml", ncx_document(view, entries)))
    book.spine = spine
    if view.dir == "rtl":
        book.set_direction("rtl")
    book.guide.append({"href": FRONT, "title": labels["contents"], "type": "toc"})
    book.guide.append({"href": articles[0].href, "title": cv.entries[0].view.title.text, "type": "text"})
    return write_package(book, job)
