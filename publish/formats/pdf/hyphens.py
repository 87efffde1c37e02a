"""Hyphens only where they help: finds the lines WeasyPrint ended with a hyphen it added where a
compositor would not (it has neither ``hyphenate-limit-last`` nor ``hyphenate-limit-lines``) and
keeps those words whole (``hyphens: manual`` on the word) for the next layout:

- a word broken across a column or page break;
- a capitalised word, a name above all ("Salt-/marsh Mill Trust"), as TeX's ``\\uchyph=0``;
- the third line in a row of a paragraph to end in a hyphen (its own or an added one)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any, Iterator

#: What WeasyPrint draws at a hyphenation point (the default ``hyphenate-character``).
HYPHEN = "\u2010"
#: Layouts tried at most: each one can only move breaks that the one before hyphenated.
MAX_PASSES = 3
#: Longer documents keep their first layout: each pass lays the whole document out again.
MAX_PAGES = 120
_WORD_START = r"(?<![\w\u00ad])"
#: Consecutive hyphenated lines allowed in a paragraph (a "ladder" of more reads as a stutter).
MAX_LADDER = 2


@dataclass
class Line:
    page: int
    x: float
    element: Any
    text: str


def _lines(document: Any) -> Iterator[Line]:
    from weasyprint.formatting_structure import boxes

    def walk(box: Any, page: int) -> Iterator[Line]:
        if isinstance(box, boxes.LineBox):
            text = "".join(t.text for t in box.descendants() if isinstance(t, boxes.TextBox))
            yield Line(page, box.position_x, box.element, text)
            return
        for child in getattr(box, "children", ()):
            yield from walk(child, page)

    for index, page in enumerate(document.pages):
        yield from walk(page._page_box, index)


def broken_words(document: Any) -> list[tuple[Any, str, int]]:
    """Every word hyphenated where it should not be (see the module): (its paragraph's element,
    the start of the word as far as the next line takes it, and how many times that start occurs
    earlier in the paragraph)."""
    found = []
    lines = list(_lines(document))
    seen: dict[int, str] = {}  # paragraph -> its text so far, hyphenation undone
    ladder: dict[int, int] = {}  # paragraph -> hyphenated lines in a row so far
    for line, following in zip(lines, lines[1:] + [None]):
        key = id(line.element)
        before = seen.get(key, "")
        hyphenated = line.text.endswith(HYPHEN) and following is not None and following.element is line.element
        # a line ending in a hyphen of the text ("fentanyl-") is a rung of the ladder too
        rung = hyphenated or (line.text.endswith("-") and following is not None and following.element is line.element)
        ladder[key] = ladder.get(key, 0) + 1 if rung else 0
        if hyphenated:
            moved = following.page != line.page or following.x != line.x
            # the word began on an earlier line when this one starts with the rest of a hyphenated word
            words = (before.rsplit(" ", 1)[-1] + line.text[:-1]).split() if before and not before.endswith(" ") \
                else line.text[:-1].split()
            rest = following.text.split()
            if words and rest:
                start = words[-1] + rest[0].rstrip(HYPHEN)
                if moved or _capitalised(start) or ladder[key] > MAX_LADDER:
                    earlier = (before + line.text[:-1])[: -len(words[-1])]
                    count = len(re.findall(_WORD_START + re.escape(start), earlier))
                    found.append((line.element, start, count))
                    ladder[key] = 0  # kept whole, the line no longer ends in a hyphen
        seen[key] = before + (line.text[:-1] if line.text.endswith(HYPHEN) else line.text + " ")
    return found


def _capitalised(word: str) -> bool:
    """Whether a word's first letter is a capital (a name, an acronym, a sentence's first word)."""
    letter = next((c for c in word if c.isalpha()), "")
    return letter.isupper()


def _text_slots(element: ET.Element) -> Iterator[tuple[ET.Element, str]]:
    """(node, 'text' or 'tail') for every run of text inside an element, in reading order."""
    yield element, "text"
    for child in element:
        yield from _text_slots(child)
        yield child, "tail"


def keep_whole(element: ET.Element, start: str, occurrence: int) -> bool:
    """Wrap the ``occurrence``-th word beginning with ``start`` inside ``element`` in a span that
    WeasyPrint will not hyphenate; False when the word is not found in one run of text."""
    pattern = re.compile(_WORD_START + re.escape(start) + r"[\w\u00ad]*")
    seen = 0
    for node, slot in list(_text_slots(element)):
        if node is element and slot == "tail":
            continue
        text = getattr(node, slot) or ""
        for match in pattern.finditer(text):
            if seen < occurrence:
                seen += 1
                continue
            span = ET.Element("span", {"style": "hyphens: manual"})
            span.text = match.group(0)
            span.tail = text[match.end():]
            setattr(node, slot, text[: match.start()])
            if slot == "text":
                node.insert(0, span)
            else:
                parent = _parent(element, node)
                parent.insert(list(parent).index(node) + 1, span)
            return True
    return False


def _parent(root: ET.Element, child: ET.Element) -> ET.Element:
    for candidate in root.iter():
        if child in list(candidate):
            return candidate
    raise ValueError("not below the root")


def fix(document: Any) -> bool:
    """Mark every word a column or page break hyphenated in the document's own element tree;
    True when something changed (and the page should be laid out again). A document of more
    than MAX_PAGES pages is left as it is laid out."""
    if len(document.pages) > MAX_PAGES:
        return False
    changed = False
    for element, start, occurrence in broken_words(document):
        changed = keep_whole(element, start, occurrence) or changed
    return changed


def serialize(root: ET.Element) -> str:
    """The (changed) element tree WeasyPrint parsed, as HTML it parses the same way again."""
    return "<!DOCTYPE html>\n" + ET.tostring(root, encoding="unicode", method="html")
