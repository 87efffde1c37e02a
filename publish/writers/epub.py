"""Model to EPUB 3 through ebooklib: the themed XHTML page, e-reader CSS, nav, NCX and OPF metadata."""
from __future__ import annotations

import io
import posixpath

from ebooklib import epub
from lxml import etree

from ..context import build_date
from ..errors import OutputError
from ..job import Job
from ..model import Node
from ..zipfiles import normalize
from .html import Heading, render_page

CHAPTER = "article.xhtml"
STYLESHEET = "css/epub.css"


def _toc(headings: list[Heading], title: str) -> list:
    """Nest the headings under the article's title, following their levels."""
    root: list = []
    stack: list[tuple[int, list]] = [(0, root)]
    for heading in headings:
        while stack[-1][0] >= heading.level:
            stack.pop()
        children: list = []
        link = epub.Link(f"{CHAPTER}#{heading.id}", heading.text, heading.id)
        stack[-1][1].append((link, children))
        stack.append((heading.level, children))

    def simplify(items: list) -> list:
        return [link if not kids else (epub.Section(link.title, link.href), simplify(kids)) for link, kids in items]

    return [epub.Link(CHAPTER, title, "article")] + simplify(root)


def write(job: Job) -> bytes:
    """Render the article to EPUB bytes."""
    view = job.view
    images = {src: f"images/{asset.name}" for src, asset in job.assets.items()}

    def image_url(node: Node) -> str:
        return images[str(node.attrs["src"])]

    head = f'<link rel="stylesheet" type="text/css" href="{STYLESHEET}"/>'
    page, rendered = render_page(job, target="epub", footnotes="epub", image_url=image_url, head_extra=head)
    try:
        etree.fromstring(page.encode("utf-8"))
    except etree.XMLSyntaxError as exc:
        raise OutputError(f"the theme's article.html does not give well-formed XHTML: {exc}", job.theme.find("templates/article.html")) from None

    book = epub.EpubBook()
    book.set_identifier(view.identifier)
    book.set_title(view.title.text)
    book.set_language(view.lang)
    for i, author in enumerate(view.authors):
        book.add_author(author, uid=f"creator{i}")
    if view.date_iso:
        book.add_metadata("DC", "date", view.date_iso)
    if view.publisher:
        book.add_metadata("DC", "publisher", view.publisher)
    if view.rights:
        book.add_metadata("DC", "rights", view.rights.text)
    if view.source_name:
        book.add_metadata("DC", "source", view.source_url or view.source_name)
    if view.description:
        book.add_metadata("DC", "description", view.description)
    for keyword in view.keywords:
        book.add_metadata("DC", "subject", keyword)

    css = epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css", content=job.theme.css("epub").encode("utf-8"))
    book.add_item(css)
    chapter = epub.EpubItem(uid="article", file_name=CHAPTER, media_type="application/xhtml+xml", content=page.encode("utf-8"))
    book.add_item(chapter)
    for src, asset in sorted(job.assets.items()):
        book.add_item(epub.EpubItem(uid=f"img-{asset.name.split('.')[0]}", file_name=images[src], media_type=asset.media_type, content=asset.data))

    book.toc = _toc(rendered.headings, view.title.text)
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav()
    nav.add_link(href=posixpath.relpath(STYLESHEET), rel="stylesheet", type="text/css")
    book.add_item(nav)
    book.spine = [chapter]
    book.guide = [
        {"href": CHAPTER, "title": view.title.text, "type": "text"},
    ]
    out = io.BytesIO()
    writer = epub.EpubWriter(out, book, {"mtime": build_date(job.doc.meta), "epub3_landmark": True, "plugins": []})
    writer.process()
    try:
        writer.write()
    except (IOError, ValueError) as exc:
        raise OutputError(f"could not write the EPUB: {exc}", job.doc.path) from None
    return normalize(out.getvalue(), build_date(job.doc.meta))
