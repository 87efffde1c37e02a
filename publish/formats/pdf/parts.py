"""A part of a long document's PDF, made in two steps on a worker of its own: ``lay_out`` (the
costly layout, which needs nothing from the other parts) and, once every part's page count is
known, ``finish`` (the running heads and folios of the whole document drawn again, then the PDF
written). ``merge.py`` puts the parts' PDFs together."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...errors import OutputError
from ..job import Job
from .weasyprint import part_pages
from . import write as pdf_write


@dataclass
class Laid:
    """What a part's layout tells the parent: its pages and the named strings at its end."""

    pages: int
    strings: dict[str, str]


@dataclass
class Finished:
    """A part's PDF, with what the merge needs of it: each bookmark as (level, label, page index
    in the part, x, y, state) in PDF points, and the anchors the part holds itself."""

    pdf: bytes
    bookmarks: list[tuple[int, str, int, float, float, str]]
    anchors: list[str] = field(default_factory=list)


@dataclass
class _Held:
    setup: Any
    document: Any
    context: Any
    markup: str


#: The part this worker laid out, until it is finished.
_HELD: dict[int, _Held] = {}


def lay_out(job: Job, index: int, markup: str) -> Laid:
    """Lay part ``index`` (``markup``: its print page) out and keep it in this process."""
    _HELD.pop(index, None)
    try:
        with pdf_write.reproducible_fonts(job):
            made = pdf_write.setup(job)
            with part_pages.laid_out(first=index == 0) as contexts:
                document = made.layout(made.html(markup))
    except (ValueError, TypeError) as exc:
        raise OutputError(f"WeasyPrint could not write the PDF: {exc}", job.doc.path) from None
    context = contexts[-1]
    _HELD[index] = _Held(made, document, context, markup)
    return Laid(len(document.pages), part_pages.last_strings(context))


def finish(job: Job, index: int, first_page: int, total: int, strings: dict[str, str], elsewhere: list[str]) -> Finished:
    """Part ``index``'s PDF as pages ``first_page``... of ``total``, with the named strings
    ``strings`` coming in; its links to the anchors ``elsewhere`` (in other parts) are kept."""
    held = _HELD.pop(index, None)
    if held is None:
        raise OutputError(f"internal: part {index + 1} of the PDF was not laid out on this worker", job.doc.path)
    document = held.document
    part_pages.redraw_margins(document, held.context, first_page, total, strings)
    own = sorted({name for page in document.pages for name in page.anchors})
    if elsewhere and document.pages:
        last = document.pages[-1]  # a stand-in for each, so that WeasyPrint keeps the links; the merge points them home
        for name in elsewhere:
            last.anchors.setdefault(name, (0, 0, 0, 0))
    try:
        with pdf_write.reproducible_fonts(job):
            data = held.setup.write_pdf(job, document, held.markup, attachments=index == 0)
    except (ValueError, TypeError) as exc:
        raise OutputError(f"WeasyPrint could not write the PDF: {exc}", job.doc.path) from None
    return Finished(data, _bookmarks(document), own)


def _bookmarks(document: Any) -> list[tuple[int, str, int, float, float, str]]:
    """The part's bookmarks in PDF coordinates, as WeasyPrint writes them (0.75 pt a CSS px, y up)."""
    scale = 0.75
    found = []
    for number, page in enumerate(document.pages):
        for level, label, (x, y), state in page.bookmarks:
            found.append((level, label, number, x * scale, (page.height - y) * scale, state))
    return found
