"""A cover for a book whose article names no ``cover-image``: an SVG drawn from the article's own
fields in the theme's colours (the masthead, a rule, the title, the byline and the date), so an
e-reader's library shows the book by its title instead of a blank tile. Made from text alone, it is
the same bytes for the same article and theme."""
from __future__ import annotations

import unicodedata
from typing import Any
from xml.sax.saxutils import escape

from ..view import View

#: The drawing's size: the 2:3 of most e-reader covers.
WIDTH, HEIGHT = 1200, 1800
MARGIN = 110
#: The title's size; a line holds the width over 0.62 em a letter (a wide bold sans, DejaVu Sans Bold, fits).
TITLE_SIZE = 104
TITLE_LINES = 7


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def wrap(text: str, width: float) -> list[str]:
    """``text`` broken into lines of at most ``width`` units (a letter 1, a CJK character 2), at
    spaces, or anywhere in a run of CJK characters; a word longer than a line keeps a line of its own."""
    lines: list[str] = []
    line, used = "", 0.0
    for word in _words(text):
        size = sum(2 if _wide(c) else 1 for c in word)
        joined = line + (" " if line and not (_wide(word[0]) or _wide(line[-1])) else "")
        if line and used + (len(joined) - len(line)) + size > width:
            lines.append(line)
            line, used = word, size
        else:
            used += (len(joined) - len(line)) + size
            line = joined + word
    if line:
        lines.append(line)
    return lines


def _words(text: str) -> list[str]:
    words: list[str] = []
    for word in text.split():
        run = ""
        for char in word:  # each CJK character is a place to break
            if _wide(char):
                if run:
                    words.append(run)
                words.append(char)
                run = ""
            else:
                run += char
        if run:
            words.append(run)
    return words


def _family(names: list[str]) -> str:
    return ", ".join(n if n in ("serif", "sans-serif") else f"'{n}'" for n in names)


def svg(view: View, options: dict[str, Any]) -> bytes:
    """The cover drawing for ``view`` in the theme ``options``' fonts and colours."""
    text, accent = options.get("color_text", "#1a1a1a"), options.get("color_accent", "#8b1e1e")
    muted = options.get("color_muted", "#5c5c5c")
    heading = escape(_family(list(options.get("font_heading") or ["serif"])), {"'": "&apos;"})
    body = escape(_family(list(options.get("font_body") or ["serif"])), {"'": "&apos;"})
    rtl = view.dir == "rtl"
    x = WIDTH - MARGIN if rtl else MARGIN
    direction = ' direction="rtl"' if rtl else ""
    banded = options.get("title_style") == "band"
    masthead = view.publisher or view.source_name or ""
    parts = [f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>']
    if banded:  # the report theme's colour band, across the top
        parts.append(f'<rect width="{WIDTH}" height="330" fill="{accent}"/>')
    else:
        parts.append(f'<rect x="{MARGIN}" y="150" width="{WIDTH - 2 * MARGIN}" height="12" fill="{text}"/>')
    if masthead:
        parts.append(f'<text x="{x}" y="{255 if banded else 240}" font-family="{body}" font-size="46" font-weight="bold" '
                     f'letter-spacing="6" fill="{"#ffffff" if banded else accent}"{direction}>{escape(masthead.upper())}</text>')
    lines = wrap(view.title.text, (WIDTH - 2 * MARGIN) / (TITLE_SIZE * 0.62))[:TITLE_LINES]
    y = 560
    for line in lines:
        parts.append(f'<text x="{x}" y="{y}" font-family="{heading}" font-size="{TITLE_SIZE}" font-weight="bold" '
                     f'fill="{text}"{direction}>{escape(line)}</text>')
        y += round(TITLE_SIZE * 1.15)
    y += 40
    parts.append(f'<rect x="{WIDTH - MARGIN - 260 if rtl else MARGIN}" y="{y}" width="260" height="10" fill="{accent}"/>')
    y += 110
    for line in [" \u00b7 ".join(view.authors)] if view.authors else []:
        for piece in wrap(line, (WIDTH - 2 * MARGIN) / (52 * 0.5))[:2]:
            parts.append(f'<text x="{x}" y="{y}" font-family="{body}" font-size="52" fill="{text}"{direction}>{escape(piece)}</text>')
            y += 70
    if view.date_display:
        parts.append(f'<text x="{x}" y="{HEIGHT - MARGIN}" font-family="{body}" font-size="44" fill="{muted}"{direction}>'
                     f'{escape(view.date_display)}</text>')
    title = escape(view.title.text, {'"': "&quot;"})
    return (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{title}" xml:lang="{escape(view.lang)}">'
            f'<title>{title}</title>' + "".join(parts) + "</svg>\n").encode("utf-8")
