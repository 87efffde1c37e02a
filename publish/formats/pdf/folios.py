"""Page numbers in the article's digits: where the language's default numbering system (CLDR, see
read.numbering) is not 0-9 (Persian for fa, Arabic-Indic for ar-EG, Bengali for bn...), every
``counter(page)`` and ``counter(pages)`` of the print stylesheets that names no counter style is
drawn in the CSS Counter Styles' ready-made style of those digits (``persian``, ``arabic-indic``,
``bengali``: WeasyPrint's user-agent sheet declares them, as browsers do). A theme that names a
style keeps it; a numbering system without a ready-made style keeps 0-9; and so does a folio whose
words are Latin (the theme's English "Page 2 of 9" in an Arabic article): to the bidi algorithm
Arabic-Indic digits are Arabic numbers, and "Page ٢ of ٩" would read backwards, from the right."""
from __future__ import annotations

import re
from pathlib import Path

from ...read.numbering import numbering_system

#: CLDR's decimal numbering systems and the ready-made counter style (CSS Counter Styles 3, 7.1.1) of each.
COUNTER_STYLES = {
    "arab": "arabic-indic", "arabext": "persian", "beng": "bengali", "deva": "devanagari", "guru": "gurmukhi",
    "gujr": "gujarati", "knda": "kannada", "khmr": "khmer", "laoo": "lao", "mlym": "malayalam", "mong": "mongolian",
    "mymr": "myanmar", "orya": "oriya", "tamldec": "tamil", "telu": "telugu", "thai": "thai", "tibt": "tibetan",
}
_PAGE_COUNTER = re.compile(r"(?<![\w-])counter\(\s*(pages?)\s*\)")
_CONTENT = re.compile(r"""(?<![\w-])content\s*:(?:"[^"]*"|'[^']*'|[^;}"'])*""")
_STRING = re.compile(r""""([^"]*)"|'([^']*)'""")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")


def page_counter_style(lang: str) -> str | None:
    """The counter style the folios of an article in ``lang`` are drawn in, or None for 0-9."""
    return COUNTER_STYLES.get(numbering_system(lang))


def localized(sheets: list[tuple[str, Path]], lang: str) -> list[tuple[str, Path]]:
    """The print stylesheets with their page counters in the language's digits (unchanged for a
    language written with 0-9)."""
    style = page_counter_style(lang)
    if style is None:
        return sheets

    def declaration(match: re.Match[str]) -> str:
        words = "".join(a or b for a, b in _STRING.findall(match.group(0)))
        return match.group(0) if _LATIN.search(words) else _PAGE_COUNTER.sub(rf"counter(\1, {style})", match.group(0))

    return [(_CONTENT.sub(declaration, text), folder) for text, folder in sheets]
