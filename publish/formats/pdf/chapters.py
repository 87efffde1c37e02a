"""A long document's print page as chapters: its body cut before each top-level heading, each
chapter a body of its own that starts a new page, and the chapters grouped into parts that can be
laid out apart (in parallel) and give the same pages as the whole.

Why a chapter starts a new page: the default theme sets its body in balanced columns that run on
from one heading to the next, so the page where a part ended would depend on the part before it
(a sequential dependency). A book whose chapters each start a page has none: every part starts
at the top of a page, and a part laid out alone has exactly the pages it has in the whole. So a
document over the threshold is set this way whether it is laid out in parts or in one piece.

Each chapter's body carries, inline, what the one body it is cut from would have given it: its
footnotes numbered on from the chapter before (``counter-reset: footnote N``) and, after the
first, an empty hidden paragraph at its start, so that the theme's ``.body > p:first-of-type`` and
``.body > h2:first-child`` still match only where they did in the one body.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..job import Job

#: Documents of more words than this are set as chapters (and laid out in parts when there are
#: cores for it). About 120 pages of the default theme (a 150,000-word book has 291): a shorter
#: document gets the hyphenation passes of fit.py (up to three layouts of the whole), which a
#: chaptered one, laid out once, goes without; longer ones went without them anyway.
LONG_WORDS = 60_000

_BODY_OPEN = re.compile(r'<div class="body">')
_TOKENS = re.compile(r"<(style|script)\b.*?</\1\s*>|<!--.*?-->|<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>|[^<]+|<", re.S)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_HEADING = re.compile(r"h([1-6])$")
_WORD = re.compile(r"[^\W_]+")
_NOTE = re.compile(r'<span class="footnote"')
#: What a chapter after the first starts with (see the module's docstring).
HIDDEN_START = '<p style="display: none"></p>'


@dataclass(frozen=True)
class Chaptered:
    """A print page cut into chapters: ``head`` up to the body (title block included), the
    chapters' markup in order, ``tail`` after the body (end matter included)."""

    head: str
    chapters: tuple[str, ...]
    tail: str

    def whole(self) -> str:
        """The page in one piece, every chapter a body of its own."""
        return self.head + self._bodies(0, len(self.chapters)) + self.tail

    def part(self, start: int, end: int) -> str:
        """The page of chapters ``start`` to ``end`` (exclusive) alone: the title block only in the
        first part, the end matter only in the last."""
        head = self.head if start == 0 else _without_front(self.head)
        tail = self.tail if end == len(self.chapters) else _without_back(self.tail)
        return head + self._bodies(start, end) + tail

    def _bodies(self, start: int, end: int) -> str:
        notes = sum(len(_NOTE.findall(chapter)) for chapter in self.chapters[:start])
        bodies = []
        for index in range(start, end):
            if index == 0:
                bodies.append('<div class="body">' + self.chapters[0] + "</div>\n")
            else:
                style = f"break-before: page; counter-reset: footnote {notes}"
                bodies.append(f'<div class="body" style="{style}">' + HIDDEN_START + self.chapters[index] + "</div>\n")
            notes += len(_NOTE.findall(self.chapters[index]))
        return "".join(bodies)

    def parts(self, count: int) -> list[tuple[int, int]]:
        """At most ``count`` runs of whole chapters, (start, end), of about the same length: each
        cut at the chapter boundary nearest its share of the text."""
        ends = [0]
        for chapter in self.chapters:
            ends.append(ends[-1] + len(chapter))
        chapters = len(self.chapters)
        count = max(1, min(count, chapters))
        cuts = [0]
        for k in range(1, count):
            target = ends[-1] * k / count
            cuts.append(min(range(cuts[-1] + 1, chapters - (count - k) + 1), key=lambda j: (abs(ends[j] - target), j)))
        cuts.append(chapters)
        return list(zip(cuts, cuts[1:]))


def long_document(job: Job, page: str) -> Chaptered | None:
    """The print page as chapters when the article is longer than the threshold (the job's
    ``long_words`` option, else LONG_WORDS) and has two chapters or more; else None. A collection
    is never cut (its contents page refers to pages across its articles)."""
    limit = int(job.options.get("long_words") or LONG_WORDS)
    if job.doc.parts or words(page) <= limit:
        return None
    return chaptered(page)


def words(page: str) -> int:
    """The words of a print page's text (its markup and its head left out)."""
    start = page.find("<body")
    return sum(len(_WORD.findall(m.group(0))) for m in _TOKENS.finditer(page, max(start, 0)) if not m.group(0).startswith("<"))


def chaptered(page: str) -> Chaptered | None:
    """The page cut before each of its body's top-level headings, or None when it has no such
    body, or fewer than two chapters."""
    opening = _BODY_OPEN.search(page)
    if opening is None or _BODY_OPEN.search(page, opening.end()) is not None:
        return None
    depth, cuts, levels, end = 0, [], [], None
    for token in _TOKENS.finditer(page, opening.end()):
        closing, name, self_closing = token.group(2), token.group(3), token.group(4)
        if name is None:
            continue
        name = name.lower()
        if closing:
            if depth == 0:
                end = token.start()
                break
            depth -= 1
            continue
        heading = _HEADING.match(name)
        if depth == 0 and heading:
            cuts.append(token.start())
            levels.append(int(heading.group(1)))
        if not self_closing and name not in _VOID:
            depth += 1
    if end is None or not levels:
        return None
    top = min(levels)
    starts = [at for at, level in zip(cuts, levels) if level == top]
    if page[opening.end():starts[0]].strip():  # what comes before the first heading is a chapter of its own
        starts.insert(0, opening.end())
    else:
        starts[0] = opening.end()
    bounds = [*starts, end]
    chapters = tuple(page[a:b] for a, b in zip(bounds, bounds[1:]))
    head, tail = page[: opening.start()], page[end + len("</div>"):]
    if len(chapters) < 2 or not (_BODY_ELEMENT.search(head) and _ARTICLE_OPEN.search(head)) or not tail.lstrip().startswith(("<section", "</article>")):
        return None
    return Chaptered(head, chapters, tail)


_ARTICLE_OPEN = re.compile(r"<article\b[^>]*>")
_BODY_ELEMENT = re.compile(r"<body\b[^>]*>")


def _without_front(head: str) -> str:
    """The page's head without what comes before the body inside the document: a cover page, the title block."""
    body = _BODY_ELEMENT.search(head)
    article = _ARTICLE_OPEN.search(head)
    if body is None or article is None:
        return head
    return head[: body.end()] + "\n" + article.group(0) + "\n"


def _without_back(tail: str) -> str:
    """The page's tail without what comes after the body: the end matter."""
    return "\n</article>\n</body>\n</html>\n"
