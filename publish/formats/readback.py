"""What a format's read-back returns (``Extracted``), the text key it is compared by, and the safe XML parser read-backs share."""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable

_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
_LIGATURE_RE = re.compile("|".join(_LIGATURES))
#: Layout, and the invisible characters text extraction drops: joiners (U+200C, U+200D), the
#: variation selectors that choose an emoji's look (U+FE0F in "⚡️"), and the marks and controls
#: that only steer the direction of a line (U+200E, U+200F, U+061C, U+202A-U+202E, U+2066-U+2069:
#: "Arabic&rlm;" in free-programming-books' Arabic lists), which no PDF shows as text.
_DROPPED = re.compile("[\\s\u00ad\\-\u2010\u2011\u200b-\u200f\u061c\u202a-\u202e\u2060\u2066-\u2069\ufeff\ufe00-\ufe0f\U000e0100-\U000e01ef]+")


#: Brackets a right-to-left line draws with its pair's glyph (Unicode's Bidi_Mirroring_Glyph): a PDF
#: font maps a glyph to one character, so where "(" is drawn in Hebrew or Arabic text with the
#: glyph of ")", the ")" of left-to-right text with that glyph extracts as "(" (and the other way
#: round). Each pair is one key.
_MIRRORED = str.maketrans(")]}>»›", "([{<«‹")


#: A combining accent with no letter before it (after a space: "Daum ́e", a PDF's text pasted into
#: Markdown), and the character it is drawn over: PDF readers give the accent after that
#: character ("Daum é"), so either order is the same text.
_ORPHAN_MARK = re.compile("(?<=\\s)([\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+)([^\\s\u0300-\u036f])")


def _spelled(text: str) -> str:
    """Text with its ligatures spelled out and orphan accents after their letter, NFC."""
    text = _LIGATURE_RE.sub(lambda m: _LIGATURES[m.group()], text)
    return unicodedata.normalize("NFC", _ORPHAN_MARK.sub(r"\2\1", text))


def layout_key(text: str) -> str:
    """Text with layout differences removed (whitespace, soft hyphens, ligatures, line-break
    hyphens, which of a mirrored pair of brackets, whether an accent with no letter of its own
    comes before or after the letter it is drawn over); typography (curly quotes, dashes) is
    kept, so it must still match. Linear in the text."""
    return _DROPPED.sub("", _spelled(text)).translate(_MIRRORED)


class Unreadable(ValueError):
    """An output that is not a file publish could have written (a container of too many members or
    of one named outside it, a part or a stream that inflates past its bound): read no further.
    The message says what is wrong with it."""


@dataclass
class Extracted:
    """What one output shows (its visible text, in reading order) and says about itself (its metadata).

    ``pages`` holds a paged format's text page by page."""

    text: str
    meta: dict[str, list[str]]
    pages: list[str] = field(default_factory=list)
    #: True when the pages hold only their content area (the page furniture is already off)
    bounded: bool = False
    #: The pictures the output draws, in reading order, each by its alternative text (its media
    #: actually there: an EPUB's or DOCX's image that names a member the file lacks is not drawn);
    #: None when the read-back does not count them
    pictures: list[str] | None = None
    #: The pictures counted the thorough way, when ``pictures`` may have left some out (a PDF's
    #: figures that draw nothing): asked for only when some picture seems lost
    recount: Callable[[], list[str]] | None = None
    #: A collection's output, part by part: each article's own text and what the format says of that
    #: article (its metadata, under the same keys as an article's), by the article's id
    #: (``article-1``, ...), and the permissions page's text (``permissions``); see formats.collection
    parts: dict[str, Extracted] = field(default_factory=dict)

    @cached_property
    def key(self) -> str:
        """The text's layout key, made once."""
        return layout_key(self.text)

    @cached_property
    def shown(self) -> str:
        """The text as ``key`` is made from it (ligatures spelled out, NFC), layout kept."""
        return _spelled(self.text)

    @cached_property
    def _dropped(self) -> tuple[list[int], list[int]]:
        """For each run of layout the key dropped: where in the key it was, and how many characters
        of ``shown`` had been dropped up to its end."""
        places, totals, dropped = [], [], 0
        for match in _DROPPED.finditer(self.shown):
            places.append(match.start() - dropped)
            dropped += match.end() - match.start()
            totals.append(dropped)
        return places, totals

    @cached_property
    def breaks(self) -> frozenset[int]:
        """The places in ``key`` where the text had layout (a space, a line break, a hyphen) that
        the key dropped: a word may end there."""
        return frozenset(self._dropped[0])

    def shown_at(self, index: int) -> int:
        """Where the key's character ``index`` is in ``shown``."""
        places, totals = self._dropped
        runs = bisect.bisect_right(places, index)  # the runs of layout before that character
        return index + (totals[runs - 1] if runs else 0)

    @cached_property
    def characters(self) -> frozenset[str]:
        """Every character the output shows."""
        return frozenset(self.key)

    def shows(self, value: str) -> bool:
        """Whether the value is somewhere in the visible text (layout aside)."""
        return layout_key(value) in self.key


#: Scripts that put spaces between words, as Unicode names their letters; ``DIGIT`` is 0-9.
_SPACED = ("LATIN ", "GREEK ", "CYRILLIC ", "DIGIT ")


def spaced(char: str) -> bool:
    """Whether the character is a letter or digit of a script that puts spaces between its words
    (Latin, Greek, Cyrillic, and the digits 0-9): two of them side by side with no layout between
    are one word. CJK text has no spaces, so a paragraph in it can start or end next to any
    character; other scripts are given the same benefit of the doubt."""
    return char.isalnum() and unicodedata.name(char, "").startswith(_SPACED)


def joined(before: str, after: str) -> bool:
    """Whether two characters met with no layout between them are one word: both letters, or
    both digits, of a spaced script (a note's number read against a word is not part of it). A
    lower-case letter followed by a capital is not: PDF readers put the cells of a table row side
    by side with nothing between (``ld-seq-sa`` then ``LD-SEQ-SA``), and a word goes on in its
    own case."""
    if before.islower() and after.isupper():
        return False
    return spaced(before) and spaced(after) and before.isdigit() == after.isdigit()


def xml(data: bytes):  # type: ignore[no-untyped-def]
    """Parse XML from an output file: no entities, no network, no huge trees."""
    from lxml import etree

    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))


NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "cu": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
