"""Direction in WordprocessingML: right-to-left paragraphs (w:bidi), right-to-left runs (w:rtl),
tables whose columns run right to left (w:bidiVisual) and the section's own direction, set on the
finished document so that every paragraph the writer made (body, notes, headers, footers) gets it.

A paragraph's direction is found as the HTML writer finds it (``dir="auto"``'s rule): its first
strong character, code left out; a paragraph with none takes the article's. In a bidi paragraph
Word reads ``w:jc`` left/right and ``w:ind`` left/right as start and end (ECMA-376 Part 1,
17.3.1.12 and 17.3.1.13, transitional), so the styles' indents and alignment mirror by themselves.
"""
from __future__ import annotations

import copy
import unicodedata
from typing import Any, Iterable

from docx.oxml.ns import qn

from ...read.language import has_rtl, text_direction
from .ooxml import PPR_ORDER, RPR_ORDER, element, put

#: Child order of w:tblPr up to w:bidiVisual's followers, and of w:sectPr around w:bidi.
TBLPR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize", "w:tblStyleColBandSize",
    "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
    "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange",
)
SECTPR_ORDER = (
    "w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr", "w:type", "w:pgSz", "w:pgMar",
    "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType", "w:cols", "w:formProt", "w:vAlign",
    "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings",
    "w:sectPrChange",
)


def _first_child(parent: Any, tag: str) -> Any:
    """``parent``'s ``tag`` child (w:pPr of a paragraph, w:rPr of a run), made as its first child if absent."""
    found = parent.find(qn(tag))
    if found is None:
        found = element(tag)
        parent.insert(0, found)
    return found


def _run_text(run: Any) -> str:
    return "".join(t.text or "" for t in run.iter(qn("w:t")))


def _segments(text: str) -> list[str]:
    """The text cut where its strong direction changes (neutral characters stay with the run
    before them): "Arabic GitHub Arabic" gives three pieces, "plain English" one."""
    pieces: list[list[str]] = [[]]
    current = None
    for char in text:
        kind = unicodedata.bidirectional(char)
        way = "r" if kind in ("R", "AL") else "l" if kind == "L" else None
        if way is not None and current is not None and way != current:
            pieces.append([])
        if way is not None:
            current = way
        pieces[-1].append(char)
    return ["".join(piece) for piece in pieces if piece]


def split_mixed_runs(paragraph: Any) -> None:
    """Cut each run of plain text that mixes right-to-left and left-to-right words into runs of
    one direction each, with the same properties, so that w:rtl marks only right-to-left text."""
    for run in list(paragraph.iter(qn("w:r"))):
        content = [child for child in run if child.tag != qn("w:rPr")]
        if len(content) != 1 or content[0].tag != qn("w:t"):
            continue
        pieces = _segments(content[0].text or "")
        if len(pieces) < 2:
            continue
        parent = run.getparent()
        index = parent.index(run)
        for offset, piece in enumerate(pieces):
            twin = copy.deepcopy(run)
            text = twin.find(qn("w:t"))
            text.text = piece
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            parent.insert(index + offset, twin)
        parent.remove(run)


def paragraph_direction(paragraph: Any, article: str, code_styles: frozenset[str]) -> str:
    """``rtl`` or ``ltr``: the paragraph's first strong character outside code runs, else the article's."""
    texts = []
    for run in paragraph.iter(qn("w:r")):
        style = run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
        if style is not None and style.get(qn("w:val")) in code_styles:
            continue
        texts.append(_run_text(run))
    return text_direction("".join(texts)) or article


def lay_out(roots: Iterable[Any], article: str, code_styles: frozenset[str]) -> None:
    """Mark every right-to-left paragraph, run and table below ``roots`` (the document's body,
    its notes, headers and footers), in an article written in ``article`` (``ltr`` or ``rtl``);
    a right-to-left article's sections are right to left too (columns and gutter)."""
    for root in roots:
        for paragraph in root.iter(qn("w:p")):
            split_mixed_runs(paragraph)
            if paragraph_direction(paragraph, article, code_styles) == "rtl":
                put(_first_child(paragraph, "w:pPr"), element("w:bidi"), PPR_ORDER)
            for run in paragraph.iter(qn("w:r")):
                if has_rtl(_run_text(run)):  # only runs of right-to-left text: Word orders the rest itself
                    put(_first_child(run, "w:rPr"), element("w:rtl"), RPR_ORDER)
        for table in root.iter(qn("w:tbl")):
            text = "".join(t.text or "" for t in table.iter(qn("w:t")))
            if (text_direction(text) or article) == "rtl":
                put(_first_child(table, "w:tblPr"), element("w:bidiVisual"), TBLPR_ORDER)
        if article == "rtl":
            for section in root.iter(qn("w:sectPr")):
                put(section, element("w:bidi"), SECTPR_ORDER)
