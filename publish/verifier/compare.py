"""Compares what each format's read-back returns with the article: every paragraph, in order, and
every metadata field, visible and in the format's own fields. Linear in the size of the output."""
from __future__ import annotations

import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from ..formats.view import View, build_date, make_view
from ..model import Document, Node, plain_text
from ..read.numbering import localize_number
from ..theme.labels import folio_text
from ..formats import READ_BACKS, reader
from ..formats.readback import Extracted, Unreadable, joined, layout_key

FORMATS = tuple(READ_BACKS)
OK, MISSING, DIFFERS, UNDRAWN, NA = "ok", "missing", "differs", "not drawn", "-"
#: How many characters of context a message shows on each side of where two values part.
CONTEXT = 24
#: After this many lost paragraphs the body check stops: every further search would scan the whole
#: output (a PDF that lost its last third would cost minutes), and the verdict is made.
MAX_LOST = 50
#: A lost paragraph whose start is found for at least this many characters (layout aside) is
#: said to be found up to where it parts from the output; a shorter common start ("The U.S. ")
#: is chance, and the paragraph is simply not there.
PARTED = 24

#: One cell of the report: field, status, and why (empty when ok).
Cell = tuple[str, str, str]


class _Readers(dict):  # type: ignore[type-arg]
    """``READERS[fmt](path)``: each format's read-back, imported when first asked for."""

    def __missing__(self, fmt: str) -> Callable[[Path], Extracted]:
        return reader(fmt)


READERS: dict[str, Callable[[Path], Extracted]] = _Readers()


# -- what the article says --------------------------------------------------------
#: Inlines that show no text of their own: an inline image's alt text is for readers that cannot
#: see it (a figure's caption is its own block); a formula is set differently by each format; a
#: revision's comment is a note in the line, a Word comment beside the text in the DOCX.
_NOT_TEXT = frozenset({"math", "image", "comment"})


def _note_paragraphs(note: Any) -> list[tuple[int | None, str]]:
    found: list[Paragraph] = []
    _visit(note.blocks, found)
    return [(line, text) for line, text, _ in found]


def body_paragraphs(doc: Document) -> list[tuple[int | None, str]]:
    """Every paragraph-level text of the body and footnotes, in reading order, with its source line."""
    return [(line, text) for line, text, _ in _paragraphs(doc)]


#: A paragraph to look for: its source line, its text, and whether each end of it (start, end)
#: is the paragraph's own edge, where a word must end, rather than a note's call or a formula cut out
Paragraph = tuple[int | None, str, tuple[bool, bool]]


def _paragraphs(doc: Document, rows: bool = False) -> list[Paragraph]:
    """The paragraphs to look for; with ``rows``, each table row as one (see _visit)."""
    return _paragraphs_of([*doc.blocks, *(block for note in doc.footnotes for block in note.blocks)], rows)


def _visit(nodes: list[Node], found: list[Paragraph], rows: bool = False) -> None:
    for node in nodes:
        if node.kind in ("paragraph", "heading", "figure", "cell", "term", "summary") or (rows and node.kind == "row"):
            # a formula and an image inside text are pictures or math markup in the outputs, not text:
            # the text on each side of them is compared. With ``rows`` (a right-to-left PDF, whose
            # reader gives a row's cells in visual order, the last first) a row is one paragraph
            children = [c for cell in node.children for c in (*cell.children, Node("text", text=" "))] if node.kind == "row" else node.children
            text = plain_text(children, note_mark="\0", opaque=_NOT_TEXT).strip()
            if node.kind == "figure" and node.attrs.get("title"):
                text = f"{text} {node.attrs['title']}".strip()
            # formats show a note's call differently (a number, a symbol, a Word field):
            # the text on each side of it must be there, the call itself is not compared
            parts = text.split("\0")
            for number, part in enumerate(parts):
                if part.strip():
                    found.append((node.line, part.strip(), (number == 0, number == len(parts) - 1)))
        elif node.kind == "code_block":  # a display formula is math markup or a picture, not text
            for line in node.text.splitlines():
                if line.strip():
                    found.append((node.line, line, (True, True)))
        else:
            _visit(node.children, found, rows)


#: A picture the article shows: its source line, its path, its alternative text, and whether it is the cover.
Picture = tuple[int | None, str, str, bool]


def pictures(doc: Document, view: View, fmt: str) -> list[Picture]:
    """Every picture a format must draw: each local image of the body and the notes (one on the web
    is shown as its alt text), and the cover (in the PDF and the DOCX only when the theme's
    ``cover_page`` is on)."""
    from ..media.assets import is_remote

    found: list[Picture] = []
    cover = doc.meta.cover_image
    if cover and not is_remote(cover) and (fmt in ("epub", "html") or view.options.get("cover_page", True)):
        found.append((doc.meta.lines.get("cover-image"), cover, view.title.text, True))
    for node in doc.images():
        src = str(node.attrs.get("src", ""))
        if not is_remote(src):
            found.append((node.line, src, plain_text(node.children), False))
    return found


def lost_pictures(expected: list[Picture], drawn: list[str]) -> list[Picture]:
    """The pictures the output does not draw: each is matched with a drawn picture of the same
    alternative text (layout aside), the cover also with one whose text ends with the title
    ("Cover: Title"); any order, so a picture floated to another page is still found."""
    left = Counter(layout_key(alt) for alt in drawn)
    lost = []
    for picture in expected:
        key = layout_key(picture[2])
        if left[key] <= 0 and picture[3]:
            key = next((k for k, n in left.items() if n > 0 and k.endswith(key)), key)
        if left[key] > 0:
            left[key] -= 1
        else:
            lost.append(picture)
    return lost


_FORMAT_NAMES = {"pdf": "PDF", "epub": "EPUB", "docx": "DOCX", "html": "web page"}


def _pictures_cell(doc: Document, view: View, fmt: str, got: Extracted) -> Cell | None:
    """The report's ``images`` cell: ok, or the first picture the output lacks; None when the
    article has none or the read-back does not count them."""
    expected = pictures(doc, view, fmt)
    if not expected or got.pictures is None:
        return None
    lost = lost_pictures(expected, got.pictures)
    if lost and got.recount is not None:
        lost = lost_pictures(expected, got.recount())
    if not lost:
        return ("images", OK, "")
    line, src, alt, cover = lost[0]
    where = f"line {line}: " if line else ""
    what = "the cover image" if cover else "image"
    return ("images", MISSING, f"{where}{what} '{src}' (“{_shown(alt[:2 * CONTEXT])}”) is not in the {_FORMAT_NAMES.get(fmt, fmt)}; "
                               f"{len(lost)} of the article's {len(expected)} pictures are missing")


def _whole_words(got: Extracted, key: str, at: int, edges: tuple[bool, bool]) -> bool:
    """Whether ``key`` found at ``at`` in the output's key starts and ends where words do, at the
    paragraph's own edges: "Orange" is not found in "Oranges"."""
    text, end = got.key, at + len(key)
    if edges[0] and at > 0 and at not in got.breaks and joined(text[at - 1], key[0]):
        return False
    return not (edges[1] and end < len(text) and end not in got.breaks and joined(key[-1], text[end]))


def find_paragraph(got: Extracted, key: str, edges: tuple[bool, bool] = (True, True), start: int = 0) -> int:
    """Where the paragraph's key is in the output's key from ``start``, as whole words (-1: nowhere)."""
    found = got.key.find(key, start)
    while found >= 0 and not _whole_words(got, key, found, edges):
        found = got.key.find(key, found + 1)
    return found


@dataclass
class Check:
    """Expected values of one field: what must be visible and what metadata must say."""

    name: str
    visible: list[str]
    meta: list[str]
    meta_only: bool = False
    line: int | None = None


#: For each field, the metadata key that holds it in each format.
META_KEYS: dict[str, dict[str, str]] = {
    "title": {"pdf": "title", "epub": "title", "docx": "title", "html": "ld:headline"},
    "date": {"pdf": "date", "epub": "date", "docx": "date", "html": "ld:datePublished"},
    "authors": {"pdf": "author", "epub": "creator", "docx": "creator", "html": "ld:author"},
    "lang": {"pdf": "language", "epub": "language", "docx": "language", "html": "language"},
    "publisher": {"pdf": "publisher", "epub": "publisher", "docx": "publisher", "html": "ld:publisher"},
    "source": {"pdf": "source", "epub": "source", "docx": "source", "html": "ld:isBasedOn"},
    "keywords": {"pdf": "keywords", "epub": "subject", "docx": "keywords", "html": "ld:keywords"},
    "credits": {"pdf": "credits", "epub": "schema:creditText", "docx": "credits", "html": "ld:creditText"},
    "contact": {"pdf": "contact", "epub": "schema:contactPoint", "docx": "contact"},
    "rights": {"pdf": "rights", "epub": "rights", "docx": "rights", "html": "ld:copyrightNotice"},
    "rights (XMP)": {"pdf": "xmp:rights"},
    "rights (head)": {"html": "dcterms.rights"},
}


def expectations(view: View, lines: dict[str, int] | None = None) -> list[Check]:
    """The fields every format must keep, from the article's own metadata (``lines``: each
    front-matter key's line, for the messages)."""
    at = (lines or {}).get
    checks = [Check("title", [view.title.text], [view.title.text], line=at("title"))]
    if view.date_iso:
        checks.append(Check("date", [view.date_display or view.date_iso], [view.date_iso], line=at("date")))
    if view.authors:
        checks.append(Check("authors", list(view.authors), list(view.authors), line=at("author")))
    checks.append(Check("lang", [], [view.lang], meta_only=True, line=at("lang")))
    if view.affiliations:
        checks.append(Check("affiliations", list(view.affiliations), [], line=at("author")))
    if view.abstract:
        checks.append(Check("abstract", [p for p in view.abstract.text.split("\n\n") if p.strip()], [], line=at("abstract")))
    if view.publisher:
        checks.append(Check("publisher", [view.publisher], [view.publisher], line=at("publisher")))
    if view.source_name:
        checks.append(Check("source", [view.source_line or view.source_name], [view.source_name], line=at("source")))
    if view.keywords:
        checks.append(Check("keywords", list(view.keywords), list(view.keywords), line=at("keywords")))
    if view.credits:
        checks.append(Check("credits", [c.text for c in view.credits], [c.text for c in view.credits], line=at("credits")))
    if view.contact:
        checks.append(Check("contact", [view.contact.text], [view.contact.text], line=at("contact")))
    if view.rights:
        checks.append(Check("rights", [view.rights.text], [view.rights.text], line=at("rights")))
        checks.append(Check("rights (XMP)", [], [view.rights.text], meta_only=True, line=at("rights")))
        checks.append(Check("rights (head)", [], [view.rights.text], meta_only=True, line=at("rights")))
    return checks


# -- messages ------------------------------------------------------------------------
def _shown(text: str) -> str:
    """Text for a message: invisible and look-alike characters named, so two values never look alike."""
    out = []
    for char in text:
        if char in "\n\r\t":
            out.append(" ")
        elif char.isprintable() and char not in "\u00a0\u2007\u202f\u00ad" and (char == " " or not char.isspace()):
            out.append(char)
        else:
            out.append(f"<U+{ord(char):04X}>")
    return "".join(out)


def parting(got: str, want: str, context: int = CONTEXT) -> str:
    """Where two values first differ, with a few characters of context on each side:
    ``at character 31: “…Lu Zhenhua<U+00A0>(zhen…” where the article has “…Lu Zhenhua (zhen…”``."""
    at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    start = max(0, at - context)

    def excerpt(text: str) -> str:
        piece = text[start : at + context]
        return ("…" if start else "") + _shown(piece) + ("…" if at + context < len(text) else "")

    if at >= len(got):
        return f"at character {at + 1}: the value ends (“{excerpt(got)}”) where the article goes on: “{excerpt(want)}”"
    return f"at character {at + 1}: “{excerpt(got)}” where the article has “{excerpt(want)}”"


def _lost_where(text: str, got: Extracted, start: int) -> str:
    """For a paragraph not found: how far it is found (after ``start``, where the previous paragraph
    ended, if it is there), and what the output shows instead."""
    key = layout_key(text)
    low, high = 0, len(key)  # the longest prefix found: a binary search of O(log n) finds
    while low < high:
        middle = (low + high + 1) // 2
        if key[:middle] in got.key:
            low = middle
        else:
            high = middle - 1
    if low < min(PARTED, len(key)):
        return f"“{_shown(text[:2 * CONTEXT])}…” is not in the visible text"
    at = got.key.find(key[:low], start)
    at = at if at >= 0 else got.key.find(key[:low])
    shown, end = got.shown, got.shown_at(at + low - 1) + 1
    if low == len(key):  # every character is there, but not where words begin and end
        begin = got.shown_at(at)
        around = shown[max(0, begin - CONTEXT) : end + CONTEXT]
        return f"“{_shown(text[:2 * CONTEXT])}” is in the output only inside longer words: “…{_shown(around)}…”"
    # the same place in the paragraph as written
    consumed, cut = 0, len(text)
    for index, char in enumerate(text):
        if consumed >= low:
            cut = index
            break
        consumed += len(layout_key(char))
    while cut < len(text) and not layout_key(text[cut]):
        cut += 1
    before = _shown(text[max(0, cut - CONTEXT) : cut])
    after = _shown(text[cut : cut + CONTEXT])
    # the output from its first character that differs (layout the key drops is skipped, as in the article)
    differs = got.shown_at(at + low)  # past the end when the output stops there: the quote is empty
    # line and block breaks as one space, as a reader sees them (the article's side has none)
    instead = _shown(re.sub(r"[ \t\r\n]+", " ", shown[differs : differs + 4 * CONTEXT])[:CONTEXT])
    if not instead.strip():
        return f"found up to “…{before}”, where the output ends; the article goes on: “{after}…”"
    return f"found up to “…{before}”, then the output has “{instead}…” where the article has “{after}…”"


# -- comparison ----------------------------------------------------------------------
def _furniture(view: View, number: int, count: int) -> tuple[list[str], set[str]]:
    """The strings a page template draws on page ``number`` of ``count`` (running heads, folios):
    used only for a PDF without /ArtBox, whose margins cannot be told from its content."""
    tokens = [t for t in (view.short_title, view.title.text, view.source_name, view.publisher) if t]
    folio = view.labels["folio"]  # the language's table over English: always there
    folios = {"", layout_key(folio_text(folio, str(number), str(count))).lower(), f"{number}/{count}", str(number)}
    # and in the language's digits, as the PDF draws them where a folio has no Latin words (fa: ۲/۹)
    mine, all_ = localize_number(number, view.lang), localize_number(count, view.lang)
    folios |= {layout_key(folio_text(folio, mine, all_)).lower(), f"{mine}/{all_}", mine}
    return sorted({layout_key(t).lower() for t in tokens}, key=len, reverse=True), folios


def flow(got: Extracted, view: View, notes: dict[int, str]) -> Extracted:
    """A paged output's text as one flow: the foot notes of each page (wherever PDFium reads them)
    are taken out of the running text and put at the end, so that a paragraph crossing a page or
    column break reads as one (list markers PDFium reads between its lines are allowed for when a
    paragraph is looked for: ``_with_markers``); pages without a content box
    lose the running heads and folios of that very page (exact strings, never any line of digits).
    ``notes`` maps note numbers to their text."""
    if not got.pages:
        return got
    note_keys = {n: layout_key(text) for n, text in notes.items() if layout_key(text)}

    def note_start(line: str) -> tuple[str, str] | None:
        """If the line starts note n: (what of the note it holds, the note's whole key)."""
        match = re.match(r"\s*(\d+)\D", line)
        if not match or int(match[1]) not in note_keys:
            return None
        rest, want = layout_key(line[match.end():]).lstrip(".)"), note_keys[int(match[1])]
        if rest and (want.startswith(rest) or rest.startswith(want[:16])):
            return rest, want
        return None

    bodies, feet = [], []
    # the title page has no running head: the first page with text (a cover page has none)
    title_page = next((i for i, page in enumerate(got.pages) if page.strip()), 0)
    for index, page in enumerate(got.pages):
        lines = page.split("\n")
        if not got.bounded and index > title_page:
            keys, folios = _furniture(view, index + 1, len(got.pages))
            edges = set(range(min(2, len(lines)))) | set(range(max(0, len(lines) - 3), len(lines)))

            def furniture(line: str) -> bool:
                rest = layout_key(line).lower()
                for key in keys:
                    rest = rest.replace(key, "")
                return bool(layout_key(line)) and rest in folios

            lines = [line for i, line in enumerate(lines) if not (i in edges and furniture(line))]
        body, foot = [], []
        i = 0
        while i < len(lines):
            line = lines[i]
            started = note_start(line) if note_keys else None
            if started:
                held, want = started
                foot.append(line)
                i += 1
                # the note's following lines, as long as they go on with its text
                while i < len(lines) and len(held) < len(want):
                    more = layout_key(lines[i])
                    if not more or not want.startswith(held + more):
                        break
                    held += more
                    foot.append(lines[i])
                    i += 1
                continue
            body.append(line)
            i += 1
        bodies.append("\n".join(body))
        feet.append("\n".join(foot))
    return Extracted("\n".join(bodies + [f for f in feet if f]), got.meta)


def _says(got: Extracted, key: str, value: str) -> tuple[str, str]:
    """Whether the format's own field ``key`` holds ``value`` byte for byte (ok), and why not."""
    values = got.meta.get(key) or []
    if not values:
        return MISSING, f"metadata '{key}' absent"
    for said in values:
        if value == said or value in re.split(r"; |, ", said) or value in said.split("; ") or value in said.split("\n"):
            return OK, ""
        if said.startswith(value + " (") and said.endswith(")"):  # a name with its address: "Caixin Global (https://…)"
            return OK, ""
        # a field a format limits in length (DOCX core properties) may end in an ellipsis
        if said.endswith("…") and len(said) > 100 and value.startswith(said[:-1]):
            return OK, ""
    near = max(values, key=lambda v: len(_common_prefix(v, value)))
    return DIFFERS, f"metadata '{key}' {parting(near, value)}"


def _common_prefix(a: str, b: str) -> str:
    n = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return a[:n]


#: Scripts whose PDF text PDFium cannot give back letter for letter in logical order: right-to-left
#: ones (it reorders each line's runs by itself, and reads a lam-alef ligature's two letters
#: backwards) and those shaped into reordered or stacked glyphs (an Indic vowel sign drawn before
#: its consonant, Thai's sara am split in two), whose ToUnicode entries WeasyPrint writes per glyph.
SHAPED_SCRIPTS = ("ARABIC", "HEBREW", "SYRIAC", "THAANA", "NKO", "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI",
                  "ORIYA", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "SINHALA", "THAI", "LAO", "TIBETAN",
                  "MYANMAR", "KHMER")
#: Right-to-left scripts: PDFium gives back every letter, but each line's runs in visual order.
RTL_SCRIPTS = frozenset({"ARABIC", "HEBREW", "SYRIAC", "THAANA", "NKO"})
#: Of a paragraph in another shaped script, the share of letters the PDF may show as something
#: else: WeasyPrint writes one ToUnicode entry per glyph, so a glyph drawn inside several clusters
#: reads as the text of the first it was drawn in (a Bengali ঘ as a control character).
SHAPED_SLACK = 0.2
#: Scripts whose subscript and pre-base forms are glyphs of their own (Khmer's coeng ro, Myanmar's
#: medials): more of their letters read as something else.
STACKED_SLACK = {"KHMER": 0.35, "MYANMAR": 0.35, "TIBETAN": 0.35}
#: Of a right-to-left paragraph, the share of letters that may lie outside the span looked in: a
#: left-to-right run (a number, a Latin name) at a line's end is drawn on that line's far side.
RTL_SLACK = 0.05
#: How far before the place reached a right-to-left paragraph is looked for (see compare).
RTL_BACK = 16


def _slack(letters: int, share: float) -> int:
    """How many of a paragraph's letters may be missed: its share, rounded up from three letters."""
    return -(-int(letters * share * 100) // 100) if letters >= 3 else 0




def _shaped_script(text: str) -> str | None:
    """The first shaped script (SHAPED_SCRIPTS) a text has letters of, or None."""
    for char in text:
        if ord(char) >= 0x0590 and char.isalpha():
            name = unicodedata.name(char, "")
            for script in SHAPED_SCRIPTS:
                if name.startswith(script):
                    return script
    return None


def _letters(text: str) -> str:
    """The base letters and digits of a text: compatibility-decomposed (Arabic presentation forms,
    Thai sara am), marks, joiners and punctuation left out."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c)[0] in "LN" and c != "\u0640")  # not the tatweel, a stretch


def _row_headers(doc: Document) -> dict[tuple[int | None, str], int]:
    """For each body row of a table with a header, as _visit gives it with ``rows``: the length of the
    header's key (a PDF repeats the header where the table goes on in another column or page)."""
    found: dict[tuple[int | None, str], int] = {}
    for table in (n for block in doc.blocks for n in block.walk() if n.kind == "table"):
        head = [n for n in table.children if n.kind == "thead"]
        if not head:
            continue
        room = sum(len(layout_key(text)) for _, text, _ in _paragraphs_of(head, rows=True))
        for line, text, _ in _paragraphs_of([n for n in table.children if n.kind != "thead"], rows=True):
            found[(line, text)] = room
    return found


def _paragraphs_of(nodes: list[Node], rows: bool = False) -> list[Paragraph]:
    found: list[Paragraph] = []
    _visit(nodes, found, rows)
    return found


#: The bullets themes draw before list items (as _MARKS has them).
_BULLETS = "•◦▪‣⁃∙·●○■□"


def find_shaped(got: Extracted, key: str, start: int, script: str, reach: int = 0, room: int = 0) -> tuple[int, int]:
    """Where a paragraph of a shaped script is in a PDF's key from ``start``: the place by which
    half of its letters were seen (the next paragraph is looked for from there) and the place by
    which all were, or (-1, -1). The span looked in ends 30% and 20 characters past the
    paragraph's length after ``reach`` (where the paragraph before was seen whole), and further
    by the list bullets in it and by ``room`` (a table's header, repeated before a row where the
    table goes on in the next column or page).

    A right-to-left paragraph must have every letter there, in any order (PDFium orders each line's
    runs visually and reverses a lam-alef's letters). Another shaped script's letters must come in
    their order, each within a few letters of the one before, but for SHAPED_SLACK of them (the
    glyphs WeasyPrint maps to other text): marks are left out, as Indic vowel signs are drawn before
    their consonants."""
    source, letters, share = _letters(key), _letters, RTL_SLACK
    if not source and script in RTL_SCRIPTS:
        # a paragraph of signs only ("*/!*" between Urdu paragraphs): the line draws its run
        # reversed, so its characters are looked for as a right-to-left word's letters, all of them
        source, letters, share = key, str, 0.0
    if not source:
        return -1, -1
    text = got.key
    end = min(len(text), max(start, reach) + int(1.3 * len(key)) + 20 + room)
    for _ in range(4):  # list bullets PDFium reads in a run (a column's markers, drawn at its end) take no room
        wider = min(len(text), max(start, reach) + int(1.3 * len(key)) + 20 + room + sum(text.count(b, max(start, reach), end) for b in _BULLETS))
        if wider == end:
            break
        end = wider
    places = [(index, letter) for index in range(start, end) for letter in letters(text[index])]
    half_at = len(source) // 2
    if script in RTL_SCRIPTS:
        need = Counter(source)
        wanted = len(source) - _slack(len(source), share)
        covered, half = 0, -1
        for index, letter in places:
            if need[letter] > 0:
                need[letter] -= 1
                covered += 1
                if covered == half_at + 1:
                    half = index + 1
                if covered == wanted:
                    # the letters may all be seen before the paragraph's last line ends (each line's
                    # runs are in visual order): it reaches at least its own length on
                    return max(half, start), max(index + 1, max(start, reach) + len(key))
        return -1, -1
    # the letters in their order, as difflib aligns them (a letter read as another one, or one
    # the PDF added, leaves the rest aligned)
    from difflib import SequenceMatcher

    shown = "".join(letter for _, letter in places)
    matched, half, last = 0, -1, start
    for block in SequenceMatcher(None, source, shown, autojunk=False).get_matching_blocks():
        if not block.size:
            continue
        if half < 0 and matched + block.size > half_at:
            half = places[block.b + (half_at - matched)][0] + 1
        matched += block.size
        last = places[block.b + block.size - 1][0] + 1
    if matched < len(source) - _slack(len(source), STACKED_SLACK.get(script, SHAPED_SLACK)):
        return -1, -1
    return max(half, start), last


def find_shaped_anywhere(got: Extracted, key: str, script: str) -> tuple[int, int]:
    """find_shaped from each place one of the text's first letters is shown (the first 200 of
    them and the last 200: the title block opens the text, the end matter closes it, and in an
    Arabic article the first letters of a field are in every line of the body between), or for
    right-to-left text from its length before (a left-to-right run may be drawn first on the
    line): the first place it is found, or (-1, -1)."""
    firsts = set(_letters(key)[:3])
    back = len(key) if script in RTL_SCRIPTS else 2
    places = [i for i, char in enumerate(got.key) if char in firsts]
    for start in dict.fromkeys(places[:200] + places[-200:]):
        found = find_shaped(got, key, max(0, start - back), script, max(0, start - back))
        if found[1] >= 0:
            return found
    return -1, -1


def shows_shaped(got: Extracted, value: str, script: str) -> bool:
    """Whether a PDF shows a value of a shaped script somewhere, read as find_shaped reads a paragraph."""
    return find_shaped_anywhere(got, layout_key(value), script)[1] >= 0


def _shown_shaped(got: Extracted, value: str) -> bool:
    script = _shaped_script(value)
    return script is not None and shows_shaped(got, value, script)


def _shown_reversed(got: Extracted, value: str, view: View) -> bool:
    """Whether a PDF of a right-to-left article shows a value's words in the reverse order: on a
    line that also holds Arabic or Hebrew, PDFium may give a Latin name's words from right to left
    ("Saleh Omar" for the "Omar Saleh" drawn beside an Arabic name)."""
    words = value.split()
    return view.dir == "rtl" and len(words) > 1 and got.shows(" ".join(reversed(words)))


def compare(doc: Document, view: View, fmt: str, got: Extracted,
            undrawn: dict[int | None, list[str]] | None = None) -> tuple[list[Cell], list[str]]:
    """The report cells of one output (its body and each field) and notes (paragraphs far out of order).
    ``undrawn``: the characters no font could draw, by line (the build warned about them).
    A collection's output is compared article by article (``compare_collection``)."""
    if doc.parts:
        return compare_collection(doc, view, fmt, got, undrawn)
    return _compare_one(doc, view, fmt, got, undrawn)


#: Fields only a whole page can carry (the web page's <head>): not looked for in each article of a collection.
_PAGE_WIDE = frozenset({"rights (head)"})


def compare_collection(doc: Document, view: View, fmt: str, got: Extracted,
                       undrawn: dict[int | None, list[str]] | None = None) -> tuple[list[Cell], list[str]]:
    """A collection's output: the collection's own introduction and fields in the whole output; each
    article's body and every field of it in that article's own part of the output (``got.parts``,
    whose metadata is what the format says of that article), so that a notice lost at one article
    is not hidden by its copy on the permissions page; and each article's notice, source and
    credits on the permissions page."""
    from ..formats.collection import PERMISSIONS, entries

    cells, remarks = _compare_one(doc, view, fmt, got, undrawn)
    cells = [c for c in cells if c[0] != "authors"]  # a collection has editors, not authors
    if doc.meta.editors:
        hidden = [name for name in doc.meta.editors if not got.shows(name)]
        where = f"line {doc.meta.lines['editors']}: " if "editors" in doc.meta.lines else ""
        cells.append(("editors", MISSING, f"{where}“{_shown(hidden[0])}” is not in the visible text") if hidden else ("editors", OK, ""))
    permissions = got.parts.get(PERMISSIONS)
    for entry in entries(doc, view.options):
        label = f"article {entry.number} ({entry.doc.path.name}): "
        part = got.parts.get(entry.id)
        if part is None:
            cells.append((label + "article", MISSING, f"the output has no article {entry.number} "
                          f"(“{_shown(entry.view.title.text[:2 * CONTEXT])}”)"))
            continue
        found, notes = _compare_one(entry.doc, entry.view, fmt, part, undrawn, with_pictures=False, skip=_PAGE_WIDE)
        cells.extend((label + name, status, why) for name, status, why in found)
        remarks.extend(notes)
        shown = [v for v in (entry.view.source_line, entry.view.rights.text if entry.view.rights else None,
                             *(c.text for c in entry.view.credits)) if v]
        if not shown:
            continue
        if permissions is None:
            cells.append((label + "permissions", MISSING, "the output has no permissions page"))
            continue
        hidden = [v for v in shown if not _visible(permissions, v, fmt, entry.view)]
        cells.append((label + "permissions", MISSING, f"“{_shown(hidden[0][:2 * CONTEXT])}” is not on the permissions page")
                     if hidden else (label + "permissions", OK, ""))
    return cells, remarks


def _visible(got: Extracted, value: str, fmt: str, view: View) -> bool:
    """Whether a field's value is in the visible text (in a PDF, also as PDFium reads shaped and right-to-left runs)."""
    return got.shows(value) or (fmt == "pdf" and (_shown_shaped(got, value) or _shown_reversed(got, value, view)))


def _compare_one(doc: Document, view: View, fmt: str, got: Extracted,
                 undrawn: dict[int | None, list[str]] | None = None, with_pictures: bool = True,
                 skip: frozenset[str] = frozenset()) -> tuple[list[Cell], list[str]]:
    notes = {n.n: " ".join(text for _, text in _note_paragraphs(n)) for n in doc.footnotes}
    whole = got
    got = flow(got, view, notes)
    text = got.key
    cells: list[Cell] = []
    lost: list[tuple[int | None, str, int]] = []  # line, paragraph, where the one before it ended
    unshown: list[tuple[int | None, str]] = [(line, "".join(chars)) for line, chars in sorted((undrawn or {}).items(), key=lambda i: i[0] or 0)]
    drawless = {c for chars in (undrawn or {}).values() for c in chars}
    remarks: list[str] = []
    position = 0
    reach = 0  # where the last paragraph of a shaped script was seen whole (see find_shaped)
    rows = fmt == "pdf" and view.dir == "rtl"
    paragraphs = _paragraphs(doc, rows=rows)
    headers = _row_headers(doc) if rows else {}
    unchecked = 0
    for number, (line, paragraph, edges) in enumerate(paragraphs):
        if len(lost) >= MAX_LOST:  # a large loss: each search would scan the whole output; say so and stop
            unchecked = len(paragraphs) - number
            break
        key = layout_key(paragraph)
        if not key:
            continue
        found = find_paragraph(got, key, edges, position)
        if found < 0:
            found = find_paragraph(got, key, edges)  # out of order: worth a note, not a failure
            if found >= 0 and len(remarks) < 5:
                remarks.append(f"{fmt}: line {line}: “{_shown(paragraph[:40])}…” is found out of its order")
        if found >= 0:
            position = found + len(key)
            continue
        script = _shaped_script(key) if fmt == "pdf" else None
        if script is None and fmt == "pdf" and view.dir == "rtl":
            # in a right-to-left article PDFium reads a line's runs in visual order, code and Latin
            # words too: a paragraph without Arabic or Hebrew letters is looked for as one with them
            script = "ARABIC"
        if script is not None:
            # a right-to-left line may be read from a left-to-right run drawn at its left end (the
            # "<br>" after an Arabic line of code), which the paragraph before it used up: look a
            # little before the place reached
            back = RTL_BACK if script in RTL_SCRIPTS and _letters(key) else 0  # signs only: the signs before are another paragraph's
            middle, end = find_shaped(got, key, max(0, position - back), script, reach, headers.get((line, paragraph), 0))
            if end < 0 and position == 0 and reach == 0:  # the body's first paragraph: after a title block of any length
                middle, end = find_shaped_anywhere(got, key, script)
            elif end < 0 and script not in RTL_SCRIPTS and position > 0:
                # a heading whose glyphs read as other text is found as a word of the paragraph after
                # it (Obsidian's Bengali "সীমাবদ্ধতা", a link in the next line): that paragraph may start
                # before the place reached
                middle, end = find_shaped(got, key, max(0, position - len(key)), script, position)
                middle = max(middle, position) if end >= 0 else middle
            if end >= 0:
                position, reach = middle, end
                continue
        if whole is not got and find_paragraph(whole, key, edges) >= 0:  # a line the flow took for a marker or a note is the article's
            continue
        glued = _with_markers(key, got, position, edges)
        if glued is not None:  # a list marker or note number PDFium read into one of its lines
            position = glued
            continue
        missing_chars = [c for c in dict.fromkeys(key) if c not in got.characters]
        rest = "".join(c for c in key if c not in missing_chars)
        # the paragraph is there but for characters no font could draw (only a PDF draws glyphs; the
        # other formats keep text as text): those the build named, or (when it named none) a few,
        # with the rest of the paragraph in place
        undrawable = all(c in drawless for c in missing_chars) if drawless else len(rest) >= 2 * len(missing_chars)
        if fmt == "pdf" and missing_chars and rest and undrawable and rest in text:
            unshown.append((line, "".join(missing_chars)))
        else:
            lost.append((line, paragraph, position))
    if lost:
        line, paragraph, after = lost[0]
        more = f" (and {len(lost) - 1} more)" if len(lost) > 1 else ""
        if unchecked:
            more = f" (and {len(lost) - 1} more; the {unchecked} paragraphs after line {lost[-1][0]} were not looked for)"
        cells.append(("body", MISSING, f"line {line}: {_lost_where(paragraph, got, after)}{more}"))
    elif unshown:
        cells.append(("body", UNDRAWN, _undrawn_message(unshown)))
    else:
        cells.append(("body", OK, ""))
    drawn = _pictures_cell(doc, view, fmt, whole) if with_pictures else None
    if drawn is not None:
        cells.append(drawn)
    for check in expectations(view, doc.meta.lines):
        if check.name in skip:
            continue
        key = META_KEYS.get(check.name, {}).get(fmt)
        if check.meta_only and key is None:
            continue
        status, why = OK, ""
        where = f"line {check.line}: " if check.line else ""
        hidden = [v for v in check.visible if not _visible(got, v, fmt, view)]
        if hidden:
            value = hidden[0]
            cut = "…" if len(value) > 2 * CONTEXT else ""
            status, why = MISSING, f"{where}“{_shown(value[:2 * CONTEXT])}{cut}” is not in the visible text"
        elif key is not None:
            for value in check.meta:
                status, said = _says(got, key, value)
                if status != OK and check.name == "date" and build_date(doc.meta).date().isoformat() in got.meta.get(key, []):
                    # DOCX stamps its creation time with SOURCE_DATE_EPOCH when one is set (reproducible builds)
                    status = OK
                if status != OK:
                    why = where + said
                    break
        cells.append((check.name, status, why))
    return cells, remarks


#: What a list or note marker looks like in extracted text: "1." (or "1)", or a note's "1" and an en
#: space) and the bullets themes use.
_MARKS = re.compile("\\d{1,4}[.)\u2002]|[•◦▪‣⁃∙·●○■□]")


def _with_markers(key: str, got: Extracted, position: int, edges: tuple[bool, bool]) -> int | None:
    """Where to go on from if the paragraph is there with list markers or note numbers read into it
    (PDFium reads a marker drawn beside another column's line as part of that line); None if it is
    not. Markers are taken out of both sides, only near where the previous paragraph ended, so the
    whole check stays linear; the paragraph must still start and end where words do."""
    bare = _MARKS.sub("", key)
    if not bare:
        return None
    text = got.key
    window = 3 * len(key) + 2000
    for start in (position, max(0, position - window)):
        part = text[start : start + 2 * window]
        kept = [i for m in _spans_between_marks(part) for i in range(*m)]  # window index of each kept character
        stripped = "".join(part[i] for i in kept)
        found = stripped.find(bare)
        while found >= 0:
            end = found + len(bare)
            # a word goes on across the edge if its characters were side by side in the output
            glued_before = found > 0 and kept[found] - kept[found - 1] == 1 and start + kept[found] not in got.breaks \
                and joined(stripped[found - 1], bare[0])
            glued_after = end < len(stripped) and kept[end] - kept[end - 1] == 1 and start + kept[end] not in got.breaks \
                and joined(bare[-1], stripped[end])
            if not (edges[0] and glued_before) and not (edges[1] and glued_after):
                return position
            found = stripped.find(bare, found + 1)
    return None


def _spans_between_marks(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of ``text`` that are not list or note markers."""
    spans, at = [], 0
    for mark in _MARKS.finditer(text):
        spans.append((at, mark.start()))
        at = mark.end()
    spans.append((at, len(text)))
    return spans


def _undrawn_message(undrawn: list[tuple[int | None, str]]) -> str:
    from ..media.fonts import describe

    line, chars = undrawn[0]
    more = f" (and {len(undrawn) - 1} more lines)" if len(undrawn) > 1 else ""
    where = f"line {line}: " if line else ""
    return f"{where}{describe(list(chars))} could not be drawn (no font has them; the build warned){more}"


def check_file(doc: Document, view: View, fmt: str, path: Path,
               undrawn: dict[int | None, list[str]] | None = None) -> tuple[list[Cell], list[str]]:
    """Read one output file back and compare it with the article (``undrawn``: see ``compare``)."""
    if not path.is_file():
        return [("file", MISSING, f"{path} does not exist; run publish build")], []
    try:
        got = READERS[fmt](path)
    except Unreadable as exc:  # a file made to exhaust the read-back, or damaged so
        return [("file", DIFFERS, f"{path}: {exc}; not a file publish wrote")], []
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        return [("file", DIFFERS, f"{path} cannot be read: {exc}")], []
    except Exception as exc:  # the PDF and XML libraries raise their own error types on damaged files
        return [("file", DIFFERS, f"{path} cannot be read: {type(exc).__name__}: {exc}")], []
    return compare(doc, view, fmt, got, undrawn)


# -- report ----------------------------------------------------------------------------
@dataclass
class Report:
    """A field × format table of ok / missing / differs / not drawn, with the reasons."""

    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def set(self, field_name: str, fmt: str, status: str, why: str) -> None:
        if fmt not in self.formats:
            self.formats.append(fmt)
        self.rows.setdefault(field_name, {})[fmt] = status
        if status == UNDRAWN:  # the build warned already; the text is there, its glyphs are not
            self.notes.append(f"{fmt}: {field_name} {status}: {why}")
        elif status not in (OK, NA):
            self.problems.append(f"{fmt}: {field_name} {status}{': ' + why if why else ''}")

    def add(self, fmt: str, cells: Iterable[Cell], notes: Iterable[str] = (), label: str = "") -> None:
        """One output's cells (``label`` names its source when there are several)."""
        for name, status, why in cells:
            self.set(label + name, fmt, status, why)
        self.notes.extend(notes)

    def table(self) -> str:
        width = max([len(name) for name in self.rows] + [5])
        lines = [f"{'field':<{width}}  " + "  ".join(f"{f:<9}" for f in self.formats)]
        for name, cells in self.rows.items():
            lines.append(f"{name:<{width}}  " + "  ".join(f"{cells.get(f, NA):<9}" for f in self.formats))
        lines.extend(self.problems)
        lines.extend(f"note: {note}" for note in self.notes)
        return "\n".join(lines)

    def summary(self) -> str:
        return "; ".join(self.problems[:5]) + (f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else "")


def check_output(doc: Document, view: View, fmt: str, path: Path, report: Report, label: str,
                 undrawn: dict[int | None, list[str]] | None = None) -> None:
    """Compare one output with the article, adding its cells to the report."""
    cells, notes = check_file(doc, view, fmt, path, undrawn)
    report.add(fmt, cells, notes, label)
