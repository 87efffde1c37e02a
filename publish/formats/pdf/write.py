"""Model to PDF through WeasyPrint: the themed page and print CSS, embedded fonts, outline, tags,
links, Info dictionary, one XMP packet, and the Markdown source attached for PDF/A-3."""
from __future__ import annotations

import calendar
import contextlib
import dataclasses
import difflib
import hashlib
import os
import re
from pathlib import Path
from typing import Any, Iterator
from urllib.request import url2pathname
from xml.sax.saxutils import escape as xml_escape

import pydyf

from .weasyprint import loader as weasyprint_import
from weasyprint import CSS, HTML, Attachment
from weasyprint.pdf import VARIANTS
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from ...media import hyphenation
from ..view import View, build_date
from ...errors import OutputError
from ..job import Job
from ...read.language import cjk_fonts
from . import chapters, fit, folios
from .weasyprint import columns as weasyprint_columns
from .weasyprint import indent as weasyprint_indent
from .page import PROJECT_SCHEME, print_page

weasyprint_columns.apply()  # a run of columns ending at a page foot no longer loses what follows it
weasyprint_indent.apply()  # a right-to-left paragraph's first-line indent at its start, not its end

MAX_FETCH_BYTES = 32 * 1024 * 1024

_UNCACHED_PAGE_REFERENCES = pydyf.PDF.page_references


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    """pydyf's ``PDF.page_references``, made once per page count instead of on every call.

    WeasyPrint's tagging asks for it once per tagged box, and pydyf rebuilds the tuple of every
    page's reference each time: for the 151,000-word Rust Reference (about 1,000 pages) that was
    40 million generator steps, a sixth of the whole PDF render in the profile. Pages are only ever
    appended, so the tuple is valid as long as the count of ``Kids`` entries is the same. The bytes
    written are unchanged."""
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_publish_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), _UNCACHED_PAGE_REFERENCES.fget(pdf))
        pdf.__dict__["_publish_page_references"] = cached
    return cached[1]  # type: ignore[no-any-return]


pydyf.PDF.page_references = property(_page_references)
#: WeasyPrint's own debugging variant is not a publishing format.
_HIDDEN_VARIANTS = {"debug"}
#: Variants WeasyPrint would label but publish cannot make valid, and why.
REFUSED_VARIANTS = {
    "pdf/x-": "PDF/X needs an output intent (the ICC profile of the printing condition) and CMYK or "
              "calibrated colour; publish writes RGB without one, which a printer's preflight rejects. "
              "Ask the printer for their requirements, or use pdf/a-3b or pdf/ua-1",
}


def pdf_variants() -> list[str]:
    """The PDF variants publish can write valid (``pdf/a-3b``, ``pdf/ua-1``, ...), sorted."""
    return sorted(v for v in VARIANTS if v not in _HIDDEN_VARIANTS and not v.startswith(tuple(REFUSED_VARIANTS)))


def check_variant(value: str | None) -> str | None:
    """A variant name as WeasyPrint spells it, or a PublishError naming the valid ones."""
    if value is None or not str(value).strip():
        return None
    wanted = str(value).strip().lower()
    known = pdf_variants()
    for prefix, reason in REFUSED_VARIANTS.items():
        if wanted.startswith(prefix):
            raise OutputError(f"publish cannot make a valid {wanted} file: {reason}")
    if wanted in known:
        return wanted
    near = difflib.get_close_matches(wanted, known, n=1, cutoff=0.6)
    hint = f"did you mean '{near[0]}'? " if near else ""
    raise OutputError(f"unknown PDF variant '{value}'; {hint}choose from {', '.join(known)}")


class ConfinedFetcher(URLFetcher):
    """The one URL fetcher for everything WeasyPrint loads: regular files inside the
    allowed folders and ``data:`` URLs; never the network.

    A file URL is parsed (no host allowed), percent-decoded, made absolute and resolved
    (symlinks followed) before the check, and the file read is the one checked: opened
    without following a last symlink, without blocking on a FIFO, and fstat-ed."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self._roots = [r.resolve() for r in roots]

    def fetch(self, url: str, headers: Any = None) -> Any:
        import mimetypes
        import os
        import stat
        from urllib.parse import urlsplit
        from urllib.request import url2pathname

        from weasyprint.urls import URLFetcherResponse

        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == PROJECT_SCHEME:  # a project file (print_page): the first root is the project
            from urllib.parse import unquote

            url, scheme = (self._roots[0] / unquote(url.split(":", 1)[1])).as_uri(), "file"
        if scheme != "file":
            raise ValueError(f"publish does not fetch {scheme or 'relative'} URLs")
        parts = urlsplit(url)
        name = url2pathname(parts.path)
        if parts.netloc or not os.path.isabs(name):
            raise ValueError("refusing a file URL with a host or a relative path")
        path = Path(name).resolve()
        if not any(path == root or root in path.parents for root in self._roots):
            raise ValueError(f"refusing to read {path.name}: outside the project and theme")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FETCH_BYTES:
                raise ValueError(f"refusing to read {path.name}: not a regular file of a sane size")
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read(MAX_FETCH_BYTES + 1)
        finally:
            os.close(fd)
        if len(data) > MAX_FETCH_BYTES:
            raise ValueError(f"refusing to read {path.name}: larger than {MAX_FETCH_BYTES} bytes")
        media_type = mimetypes.guess_type(path.name)[0] or "text/plain"
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": media_type, "Content-Length": str(len(data))})


def custom_info(job: Job) -> dict[str, str]:
    """The Info dictionary keys a reprint adds (WeasyPrint would lowercase them, so we write them)."""
    view = job.view
    values = {
        "Rights": view.rights.text if view.rights else None,
        "Source": view.source_name,
        "SourceURL": view.source_url,
        "Publisher": view.publisher,
        "Contact": view.contact.text if view.contact else None,
        "Credits": "; ".join(c.text for c in view.credits) or None,
        "Identifier": view.identifier,
        # WeasyPrint splits the keywords <meta> at every comma: a keyword with a comma of its own
        # is written here whole, the list semicolon separated
        "Keywords": view.keywords_text if any("," in k for k in view.keywords) else None,
    }
    return {key: value for key, value in values.items() if value}


def xmp_description(job: Job) -> str:
    """Dublin Core fields WeasyPrint does not write itself, as one rdf:Description."""
    view = job.view
    parts = []
    if view.rights:
        parts.append(f'<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{xml_escape(view.rights.text)}</rdf:li></rdf:Alt></dc:rights>')
    if view.publisher:
        parts.append(f"<dc:publisher><rdf:Bag><rdf:li>{xml_escape(view.publisher)}</rdf:li></rdf:Bag></dc:publisher>")
    if view.source_name:
        source = view.source_name + (f" ({view.source_url})" if view.source_url else "")
        parts.append(f"<dc:source>{xml_escape(source)}</dc:source>")
    parts.append(f"<dc:language><rdf:Bag><rdf:li>{xml_escape(view.lang)}</rdf:li></rdf:Bag></dc:language>")
    if view.date_iso:
        parts.append(f"<dc:date><rdf:Seq><rdf:li>{view.date_iso}</rdf:li></rdf:Seq></dc:date>")
    parts.append(f"<dc:identifier>{xml_escape(view.identifier)}</dc:identifier>")
    if view.keywords:
        items = "".join(f"<rdf:li>{xml_escape(k)}</rdf:li>" for k in view.keywords)
        parts.append(f"<dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>")
    return (
        '<rdf:Description rdf:about="" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">' + "".join(parts) + "</rdf:Description>"
        + (articles_xmp(job) if job.doc.parts else "")
    )


#: The XMP namespace of a collection's articles (publish's own: XMP has no standard for the parts of a document).
ARTICLES_NS = "urn:publish:collection:1#"


def article_fields(view: View) -> list[tuple[str, str]]:
    """What the XMP says of one article of a collection, as (field, value) pairs, under the names
    the PDF's Info dictionary gives the whole document's (title, author, date, rights, ...)."""
    fields = [("id", ""), ("title", view.title.text)]
    fields += [("author", name) for name in view.authors]
    for name, value in (("date", view.date_iso), ("language", view.lang), ("publisher", view.publisher),
                        ("source", view.source_name + (f" ({view.source_url})" if view.source_url else "") if view.source_name else None),
                        ("contact", view.contact.text if view.contact else None),
                        ("rights", view.rights.text if view.rights else None)):
        if value:
            fields.append((name, value))
    fields += [("keywords", k) for k in view.keywords]
    fields += [("credits", c.text) for c in view.credits]
    return fields


def articles_xmp(job: Job) -> str:
    """A collection's articles in the XMP, each with its own fields and its notice verbatim, in order:
    ``pubc:articles``, an rdf:Seq of one resource per article (its ``pubc:id`` the article's id, then
    ``pubc:title``, ``pubc:author`` (one per author), ``pubc:date``, ``pubc:language``,
    ``pubc:publisher``, ``pubc:source``, ``pubc:contact``, ``pubc:rights``, ``pubc:keywords`` and
    ``pubc:credits`` (one each))."""
    from ..collection import entries

    items = []
    for entry in entries(job.doc, job.theme.options):
        fields = "".join(f"<pubc:{name}>{xml_escape(entry.id if name == 'id' else value)}</pubc:{name}>"
                         for name, value in article_fields(entry.view))
        items.append(f'<rdf:li rdf:parseType="Resource">{fields}</rdf:li>')
    return (f'<rdf:Description rdf:about="" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:pubc="{ARTICLES_NS}">'
            f'<pubc:articles><rdf:Seq>{"".join(items)}</rdf:Seq></pubc:articles></rdf:Description>')


_XML_DECLARATION = re.compile(rb"<\?xml[^>]*\?>\s*")


def merge_xmp(packet: bytes, description: str) -> bytes:
    """WeasyPrint's XMP packet with our description inside its one rdf:RDF (one RDF per packet,
    as XMP readers expect), and without the XML declaration WeasyPrint leaves mid-packet."""
    packet = _XML_DECLARATION.sub(b"", packet)
    end = packet.find(b"</rdf:RDF>")
    if end < 0:
        raise OutputError("WeasyPrint wrote an XMP packet without rdf:RDF; cannot add the Dublin Core fields")
    return packet[:end] + description.encode("utf-8") + packet[end:]


def _finisher(job: Job) -> Any:
    description = xmp_description(job)
    info = custom_info(job)

    def finish(document: Any, pdf: Any) -> None:
        _mark_art_boxes(document, pdf)
        for key, value in info.items():
            pdf.info[key] = pydyf.String(value)
        if "Metadata" not in pdf.catalog:
            # WeasyPrint writes XMP only for PDF/A, PDF/UA and PDF/X; write it for plain PDFs too.
            document.metadata.include_in_pdf(pdf, None, None, None, compress=True)
        stream = pdf.objects[int(_bytes(pdf.catalog["Metadata"]).split()[0])]
        stream.stream = [merge_xmp(b"".join(_bytes(part) for part in stream.stream), description)]
        # an XMP packet is meant to be found by scanning a file's bytes (its xpacket wrapper): keep it
        # unfiltered, so a reader finds it without parsing the PDF's object streams
        stream.compress = False
        if "AF" in pdf.catalog:
            # WeasyPrint 70 lists each PDF/A-3 attachment twice (name tree and file spec).
            unique = list(dict.fromkeys(_bytes(ref) for ref in pdf.catalog["AF"]))
            pdf.catalog["AF"] = pydyf.Array(unique)

    return finish


def _mark_art_boxes(document: Any, pdf: Any) -> None:
    """Give each page an /ArtBox, the page's content area: what lies outside it (running heads,
    folios, whatever the theme's @page margin boxes draw) is page furniture, not the article.
    The read-back (pdf_read.py) reads the text inside it."""
    kids = pdf.pages["Kids"]
    for index, page in enumerate(document.pages):
        box = page._page_box
        x, y = box.content_box_x(), box.content_box_y()
        scale = 0.75  # CSS px to PDF points
        left, right = x * scale, (x + box.width) * scale
        top, bottom = (page.height - y) * scale, (page.height - y - box.height) * scale
        pdf.objects[kids[3 * index]]["ArtBox"] = pydyf.Array([round(left, 3), round(bottom, 3), round(right, 3), round(top, 3)])


def _bytes(part: Any) -> bytes:
    return part if isinstance(part, bytes) else str(part).encode("utf-8")


@contextlib.contextmanager
def reproducible_fonts(job: Job) -> Iterator[None]:
    """Font subsets with a fixed timestamp: fontTools stamps each subset's `head` table with
    SOURCE_DATE_EPOCH, else the clock; give it the article's date unless the caller set one."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(build_date(job.doc.meta).timetuple()))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def _source_attachment(job: Job) -> Attachment:
    return Attachment(
        string=job.doc.source_bytes,
        name=job.doc.path.name,
        description="Markdown source of this article",
        relationship="Source",
    )


def _identifier(page: str, sheets: list[tuple[str, Path]], variant: str | None) -> bytes:
    """The PDF's /ID: a digest of what was rendered, so it changes with the content and only then."""
    digest = hashlib.sha256(page.encode("utf-8"))
    for text, _ in sheets:
        digest.update(text.encode("utf-8"))
    digest.update(str(variant).encode())
    return digest.hexdigest()[:32].encode()


@dataclasses.dataclass
class Setup:
    """What every layout of an article's page shares: the variant, the fetcher, the print stylesheets
    (as text, for the PDF's /ID, and parsed) and the font configuration they load their fonts into."""

    variant: str | None
    fetcher: ConfinedFetcher
    sheets: list[tuple[str, Path]]
    stylesheets: list[Any]
    font_config: Any
    base_url: str

    def html(self, markup: str) -> Any:
        """The page ``markup`` for WeasyPrint."""
        return HTML(string=markup, base_url=self.base_url, url_fetcher=self.fetcher)

    def layout(self, html: Any) -> Any:
        """One layout of ``html``: a WeasyPrint document."""
        return html.render(
            stylesheets=self.stylesheets,
            font_config=self.font_config,
            presentational_hints=False,  # the page's one hint, <ol start>, is spelt as CSS (html.py)
            pdf_variant=self.variant,
            pdf_tags=True,
        )

    def write_pdf(self, job: Job, document: Any, page: str, attachments: bool = True) -> bytes:
        """The laid-out ``document`` as PDF bytes, with publish's Info, XMP and art boxes (and,
        for PDF/A-3 with ``attachments``, the Markdown source attached)."""
        attached = [_source_attachment(job)] if attachments and self.variant and self.variant.startswith("pdf/a-3") else []
        data = document.write_pdf(
            finisher=_finisher(job),
            pdf_tags=True,
            pdf_variant=self.variant,
            pdf_identifier=_identifier(page, self.sheets, self.variant),
            attachments=attached or None,
        )
        assert isinstance(data, bytes)
        return data


def setup(job: Job) -> Setup:
    """The layout's setup for an article (inside ``reproducible_fonts``: loading the theme's fonts stamps them)."""
    variant = check_variant(job.options.get("pdf_variant"))
    fetcher = ConfinedFetcher([job.project, job.doc.root, *job.theme.chain])
    # the CJK faces of the article's language: Japanese glyph forms for ja, Korean for ko, ...
    # and the labels of its language (the folio's words)
    fonts = {"font_cjk": cjk_fonts(job.doc.meta.lang, job.theme.options["font_cjk"]), "labels": job.view.labels}
    sheets = [(hyphenation.stylesheet(job.theme.options), job.project), *job.theme.stylesheets("print", fonts, job.view.dir, collection=bool(job.doc.parts))]
    sheets = folios.localized(sheets, job.view.lang)  # the folios in the language's digits (fa: ۱۲)
    hyphenation.preload(job.theme, job.view.lang, job.hyphenation_cache)  # from the project's cache, unless the parent sent them
    font_config = FontConfiguration()  # the theme's @font-face rules load only through it
    stylesheets = [
        CSS(string=text, base_url=folder.as_uri() + "/", url_fetcher=fetcher, font_config=font_config)
        for text, folder in sheets
    ]
    return Setup(variant, fetcher, sheets, stylesheets, font_config, job.doc.root.as_uri() + "/")


def write(job: Job) -> bytes:
    """Render the article to PDF bytes (a long one as chapters, see chapters.py)."""
    page = job.print_page if job.print_page is not None else print_page(job)
    book = chapters.long_document(job, page)
    try:
        # Inside: loading @font-face fonts rewrites them (WOFF to TrueType) and stamps them too.
        with reproducible_fonts(job):
            made = setup(job)
            if book is not None:  # one layout: each pass of fit.py lays a whole book out again
                page = book.whole()
                return made.write_pdf(job, made.layout(made.html(page)), page)
            # the hyphenation passes, then a last page under a quarter full pulled up if the theme can
            html, document = fit.laid_out(made.html(page), made.layout, made.html)
            document = fit.pull_up(html, document, made.layout, made.html, any(fit.PULL_UP in text for text, _ in made.sheets))
            return made.write_pdf(job, document, page)
    except (ValueError, TypeError) as exc:
        raise OutputError(f"WeasyPrint could not write the PDF: {exc}", job.doc.path) from None
