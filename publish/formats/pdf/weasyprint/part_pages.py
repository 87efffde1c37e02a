"""A part of a long document laid out on its own by WeasyPrint, as the pages it will be in the whole:
not a first page unless it is the document's, and its running heads and folios drawn again, once
every part's page count is known, with the page numbers, page total and running strings of the whole.

The margin boxes (running heads, folios) never change the layout of a page's body, so they can be
made again after the layout: WeasyPrint makes them in a last pass over the laid-out pages
(``layout_document``), from each page's counters and the named strings set so far, kept in the
layout context; ``laid_out`` keeps that context, ``redraw_margins`` runs that pass again with the
counters and strings of the whole document.
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

from weasyprint import document as weasyprint_document
from weasyprint.formatting_structure import boxes
from weasyprint.layout import background as weasyprint_background
from weasyprint.layout import page as weasyprint_page

_LAYOUT_DOCUMENT = weasyprint_document.layout_document
_PAGE_TYPE = weasyprint_page.PageType

#: The layout contexts of the documents laid out inside ``laid_out``.
_CONTEXTS: list[Any] = []


def _keeping_context(html: Any, root_box: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
    _CONTEXTS.append(context)
    return _LAYOUT_DOCUMENT(html, root_box, context, *args, **kwargs)


@contextlib.contextmanager
def laid_out(first: bool) -> Iterator[list[Any]]:
    """Inside: WeasyPrint's layouts keep their layout context (appended to the list yielded); with
    ``first`` False, no page is a ``:first`` page (a part after the first starts inside the document).
    Page selectors by position (``:nth(3)``, ``:left``, ``:right``) count from the part's first page."""
    kept: list[Any] = []
    _CONTEXTS.clear()

    def page_type(side: str, blank: bool, name: str, index: int, groups: Any) -> Any:
        # the index only decides :first and :nth(); one past 0 is never the document's first page
        return _PAGE_TYPE(side, blank, name, index if first else index + 1, groups)

    weasyprint_document.layout_document = _keeping_context
    weasyprint_page.PageType = page_type
    try:
        yield kept
    finally:
        weasyprint_document.layout_document = _LAYOUT_DOCUMENT
        weasyprint_page.PageType = _PAGE_TYPE
        kept.extend(_CONTEXTS)
        _CONTEXTS.clear()


def last_strings(context: Any) -> dict[str, str]:
    """The value each named string (``string-set``) has at the end of the part: its last assignment."""
    found: dict[str, str] = {}
    for name, pages in context.string_set.items():
        assigned = [values[-1] for _, values in sorted(pages.items()) if values]
        if assigned:
            found[name] = assigned[-1]
    return found


def redraw_margins(document: Any, context: Any, first_page: int, total: int, strings: dict[str, str]) -> None:
    """Make the margin boxes of each page again as page ``first_page``, ``first_page + 1``... of a
    document of ``total`` pages, in which the named strings had the values ``strings`` before the part."""
    for name, value in strings.items():
        pages = context.string_set[name]
        if not pages.get(1):  # a string the part's first page does not set has the value it came in with
            pages[1] = [value]
    for index, page in enumerate(document.pages, start=1):
        box = page._page_box
        state = context.page_maker[index][3]
        counters = state[1]
        counters["page"] = [first_page + index - 1]
        counters["pages"] = [total]
        context.current_page = index
        kept = [child for child in box.children if not isinstance(child, boxes.MarginBox)]
        box.children = tuple(kept) + tuple(weasyprint_page.make_margin_boxes(context, box, state))
        weasyprint_background.layout_backgrounds(box, context.get_image_from_uri)
