"""The last page pulled up: when the laid-out article ends on a page less than a quarter full (the
end matter alone on it, typically), the page is laid out once more with ``class="pull-up"`` on its
root element, which the theme's print stylesheet answers with a tighter setting (the end matter's
spacing, the body's paragraph spacing); that layout is kept only when it has fewer pages, so an
article is never set tighter for nothing. A theme whose stylesheets never name ``pull-up`` is not
laid out again."""
from __future__ import annotations

from typing import Any, Callable

from . import hyphens as break_hyphens

#: A last page filled less than this (a fraction of its content area's height) is pulled up.
MIN_LAST_PAGE = 0.25
#: The class the root element carries in the tighter layout.
PULL_UP = "pull-up"


def page_fill(page: Any) -> float:
    """How far down its content area a laid-out page is filled, from 0 to 1: the bottom of its
    lowest line or picture (running heads and folios, in the page margins, do not count)."""
    from weasyprint.formatting_structure import boxes

    box = page._page_box
    top, height = box.content_box_y(), box.height
    bottom = top

    def walk(child: Any) -> None:
        nonlocal bottom
        if isinstance(child, boxes.MarginBox):
            return
        if isinstance(child, (boxes.LineBox, boxes.ReplacedBox)):
            bottom = max(bottom, child.position_y + child.margin_height())
            return
        for grandchild in getattr(child, "children", ()):
            walk(grandchild)

    walk(box)
    return max(0.0, min(1.0, (bottom - top) / height)) if height else 1.0


def short_last_page(document: Any) -> bool:
    """Whether a document of two pages or more (and at most hyphens.MAX_PAGES) ends on a page
    filled less than MIN_LAST_PAGE."""
    pages = document.pages
    return 2 <= len(pages) <= break_hyphens.MAX_PAGES and page_fill(pages[-1]) < MIN_LAST_PAGE


#: A title, deck or heading whose last line is shorter than this part of its longest is balanced.
SHORT_LAST_LINE = 0.6
#: How much wider than the narrowest estimated measure a balanced title is set (the estimate's margin).
BALANCE_SLACK = 1.04
_DISPLAY_TAGS = {"h1", "h2", "h3", "h4"}


def _display(element: Any) -> bool:
    tag = str(getattr(element, "tag", "")).rsplit("}", 1)[-1]
    return tag in _DISPLAY_TAGS or not {"title", "subtitle", "cover-title"}.isdisjoint((element.get("class") or "").split())


def balance(document: Any) -> bool:
    """``text-wrap: balance`` for the PDF (WeasyPrint has none): a title, deck or heading of two
    lines or more whose last line is short gets the narrowest ``max-width`` that still holds it in
    as many lines, so they come out about as long ("Saltmarsh Mill Grinds Flour / Again After 80
    Years", not "...Again After / 80 Years"). The width is found from the laid-out lines (each
    word as wide as its share of its line), without laying the page out again; one that took more
    lines even so gets its width back and is left alone. True when something changed."""
    from weasyprint.formatting_structure import boxes

    if len(document.pages) > break_hyphens.MAX_PAGES:
        return False
    lines: dict[int, tuple[Any, list[tuple[str, float]]]] = {}

    def walk(box: Any) -> None:
        if isinstance(box, boxes.LineBox):
            if box.element is not None and _display(box.element):
                text = "".join(t.text for t in box.descendants() if isinstance(t, boxes.TextBox))
                ends = [child.position_x + child.margin_width() for child in box.children]
                width = max(ends, default=box.position_x) - box.position_x
                lines.setdefault(id(box.element), (box.element, []))[1].append((text.strip(), width))
            return
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    changed = False
    for element, laid in lines.values():
        was = element.get("data-balanced")
        if was is not None:  # balanced in an earlier layout: it must not have taken more lines
            if was != "no" and len(laid) > int(was):
                style = element.get("data-style")
                element.attrib.pop("data-style", None)
                if style is None:
                    element.attrib.pop("style", None)
                else:
                    element.set("style", style)
                element.set("data-balanced", "no")
                changed = True
            continue
        widths = [width for _, width in laid]
        if len(laid) < 2 or widths[-1] >= SHORT_LAST_LINE * max(widths):
            continue
        width = _balanced_width(laid) * BALANCE_SLACK
        if width >= max(widths) - 1:
            continue
        style = element.get("style")
        if style is not None:
            element.set("data-style", style)
        element.set("style", (style.rstrip("; ") + "; " if style else "") + f"max-width: {width:.1f}px")
        element.set("data-balanced", str(len(laid)))
        changed = True
    return changed


def _balanced_width(laid: list[tuple[str, float]]) -> float:
    """The narrowest measure in which the words of these (text, width) lines still break into as
    many lines, greedily, each character as wide as the average of its own line."""
    words, space = [], 0.0
    for text, width in laid:
        unit = width / max(len(text), 1)
        space = max(space, unit)
        words += [len(word) * unit for word in text.split(" ") if word]

    def count(measure: float) -> int:
        used, total = None, 1
        for word in words:
            if used is None:
                used = word
            elif used + space + word <= measure:
                used += space + word
            else:
                total, used = total + 1, word
        return total

    low, high = max(words, default=0.0), max(width for _, width in laid)
    for _ in range(24):
        middle = (low + high) / 2
        low, high = (low, middle) if count(middle) <= len(laid) else (middle, high)
    return high


def laid_out(html: Any, render: Callable[[Any], Any], reparse: Callable[[str], Any]) -> tuple[Any, Any]:
    """(the HTML, its document) after the hyphenation and balancing passes: ``render`` lays an
    HTML out, ``reparse`` makes a new HTML from serialized markup."""
    document = render(html)
    # a word hyphenated across a column or page break (or a name, or a third hyphen in a row) is
    # kept whole, a title's short last line balanced, and the page laid out again
    for _ in range(break_hyphens.MAX_PASSES):
        hyphens_fixed = break_hyphens.fix(document)
        if not balance(document) and not hyphens_fixed:
            break
        html = reparse(break_hyphens.serialize(html.etree_element))
        document = render(html)
    return html, document


def pull_up(html: Any, document: Any, render: Callable[[Any], Any], reparse: Callable[[str], Any],
            themed: bool) -> Any:
    """The document to write: ``document``, or the tighter layout when its last page is short
    and the tighter one has fewer pages. ``themed``: whether the stylesheets answer PULL_UP."""
    if not themed or not short_last_page(document):
        return document
    root = html.etree_element
    classes = root.get("class")
    root.set("class", f"{classes} {PULL_UP}" if classes else PULL_UP)
    try:
        markup = break_hyphens.serialize(root)
    finally:
        if classes is None:
            del root.attrib["class"]
        else:
            root.set("class", classes)
    _, tighter = laid_out(reparse(markup), render, reparse)
    return tighter if len(tighter.pages) < len(document.pages) else document
