"""Model to PDF through WeasyPrint: the themed HTML page, print CSS, native metadata and XMP."""
from __future__ import annotations

import base64
import hashlib
import logging
from html import escape
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from ..errors import OutputError
from ..job import Job
from ..model import Node
from .html import render_page

#: Variants WeasyPrint can produce; ``None`` is a plain tagged PDF.
PDF_VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4b", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2")
MAX_FETCH_BYTES = 32 * 1024 * 1024


class ConfinedFetcher(URLFetcher):
    """The one URL fetcher for everything WeasyPrint loads: regular files inside the
    allowed folders and ``data:`` URLs; never the network."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self._roots = [r.resolve() for r in roots]

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith("file:"):
            raise ValueError(f"publish does not fetch {url.split(':', 1)[0]} URLs")
        from urllib.request import url2pathname

        path = Path(url2pathname(url.split("?")[0].split("#")[0].removeprefix("file://"))).resolve()
        if not any(path == root or root in path.parents for root in self._roots):
            raise ValueError(f"refusing to read {path.name}: outside the project and theme")
        if not path.is_file() or path.stat().st_size > MAX_FETCH_BYTES:
            raise ValueError(f"refusing to read {path.name}: not a regular file of a sane size")
        return super().fetch(url, headers)


def _meta_tags(job: Job) -> str:
    view = job.view
    tags = [f'<meta name="author" content="{escape(a)}"/>' for a in view.authors]
    if view.keywords:
        tags.append(f'<meta name="keywords" content="{escape(", ".join(view.keywords))}"/>')
    if view.description:
        tags.append(f'<meta name="description" content="{escape(view.description)}"/>')
    if view.date_iso:
        tags.append(f'<meta name="dcterms.created" content="{view.date_iso}"/>')
        tags.append(f'<meta name="dcterms.modified" content="{view.date_iso}"/>')
    tags.append('<meta name="generator" content="publish"/>')
    custom = {
        "Rights": view.rights.text if view.rights else None,
        "Source": view.source_name,
        "SourceURL": view.source_url,
        "Publisher": view.publisher,
        "Contact": view.contact.text if view.contact else None,
        "Identifier": view.identifier,
        "Language": view.lang,
        "Date": view.date_iso,
        "Credits": "; ".join(c.text for c in view.credits) or None,
    }
    tags.extend(f'<meta name="{k}" content="{escape(v)}"/>' for k, v in custom.items() if v)
    return "\n".join(tags)


def _xmp(job: Job) -> bytes:
    """Dublin Core fields WeasyPrint does not write itself: rights, source, publisher, language, date."""
    view = job.view
    dc = "http://purl.org/dc/elements/1.1/"
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
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
        f'<rdf:RDF xmlns:rdf="{rdf}" xmlns:dc="{dc}"><rdf:Description rdf:about="">'
        + "".join(parts)
        + "</rdf:Description></rdf:RDF>"
    ).encode("utf-8")


def write(job: Job) -> bytes:
    """Render the article to PDF bytes."""
    assets = job.assets

    def image_url(node: Node) -> str:
        return assets[str(node.attrs["src"])].path.as_uri()

    page, _ = render_page(job, target="print", footnotes="print", image_url=image_url, head_extra=_meta_tags(job))
    roots = [job.project, job.doc.root, *job.theme.chain]
    fetcher = ConfinedFetcher(roots)
    stylesheets = [
        CSS(string=text, base_url=folder.as_uri() + "/", url_fetcher=fetcher)
        for text, folder in job.theme.stylesheets("print")
    ]
    variant = job.options.get("pdf_variant")
    xmp = "data:application/rdf+xml;base64," + base64.b64encode(_xmp(job)).decode()
    identifier = hashlib.sha256(job.doc.source_bytes + job.view.identifier.encode()).hexdigest()[:32].encode()

    def finish(document: Any, pdf: Any) -> None:
        # WeasyPrint writes XMP only for PDF/A and PDF/UA; write it for plain PDFs too.
        if not variant:
            document.metadata.include_in_pdf(pdf, None, None, None, compress=True)

    attachments = []
    if variant and variant.startswith("pdf/a-3"):
        from weasyprint import Attachment

        attachments.append(
            Attachment(
                string=job.doc.source_bytes,
                name=job.doc.path.name,
                description="Markdown source of this article",
                relationship="Source",
            )
        )
    weasy_logger = logging.getLogger("weasyprint")
    try:
        document = HTML(string=page, base_url=job.doc.root.as_uri() + "/", url_fetcher=fetcher).render(
            stylesheets=stylesheets
        )
        data = document.write_pdf(
            finisher=finish,
            pdf_tags=True,
            custom_metadata=True,
            xmp_metadata=[xmp],
            pdf_variant=variant,
            pdf_identifier=identifier,
            attachments=attachments or None,
        )
    except (ValueError, TypeError) as exc:
        raise OutputError(f"WeasyPrint could not write the PDF: {exc}", job.doc.path) from None
    del weasy_logger
    assert isinstance(data, bytes)
    return data
