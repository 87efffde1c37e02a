"""What a Word file's styles and numbering say about a paragraph or run: its style's name and the
styles it is based on, its outline level, its list (bullet or ordered, level, start) and whether
its font is a monospace one (code)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..formats.docx.marks import W

#: Fonts that are monospace (code), by name.
_MONOSPACE = re.compile(r"mono|courier|consolas|menlo|monaco|lucida console|lucida sans typewriter|andale|inconsolata|"
                        r"fira code|source code|jetbrains|cascadia|\bhack\b|fixedsys|typewriter|ocr[ -]?[ab]\b|liberation mono|"
                        r"pt mono|roboto mono|ubuntu mono|noto mono|sf mono|iosevka", re.I)
#: Character styles that mark code, by name.
_CODE_STYLE = re.compile(r"verbatim|code|html (code|typewriter|keyboard|sample|variable)|source|keyboard|\btok$|^\w+tok$", re.I)
#: How deep a chain of based-on styles is followed (a loop in a broken file ends there too).
MAX_CHAIN = 20
_ON = ("", "1", "true", "on")


def _int(value: str | None, default: int = 0) -> int:
    """A number attribute, or ``default`` when it is missing or no number (a broken file)."""
    return int(value) if value and value.isdigit() else default


def is_monospace(font: str) -> bool:
    return bool(font) and bool(_MONOSPACE.search(font))


def on(element: Any) -> bool:
    """A toggle property (``w:b``, ``w:i``...) that is present and not switched off."""
    return element is not None and element.get(W + "val", "").lower() in _ON


def run_marks(rpr: Any) -> set[str]:
    """The marks a run's own properties (``w:rPr``) give it."""
    found: set[str] = set()
    if rpr is None:
        return found
    if on(rpr.find(W + "b")):
        found.add("strong")
    if on(rpr.find(W + "i")):
        found.add("emph")
    if on(rpr.find(W + "strike")) or on(rpr.find(W + "dstrike")):
        found.add("strike")
    align = rpr.find(W + "vertAlign")
    if align is not None:
        value = align.get(W + "val", "")
        found |= {"superscript": {"sup"}, "subscript": {"sub"}}.get(value, set())
    fonts = rpr.find(W + "rFonts")
    if fonts is not None and is_monospace(fonts.get(W + "ascii", "") or fonts.get(W + "hAnsi", "")):
        found.add("code")
    return found


@dataclass(frozen=True)
class ListLevel:
    """A numbered paragraph's list: its numbering's id, its level (0 outermost), ordered or not, its start."""

    num: str
    level: int
    ordered: bool
    start: int


class Styles:
    """styles.xml and numbering.xml of one Word file, looked up by style id and numbering id."""

    def __init__(self, styles: Any, numbering: Any) -> None:
        self.by_id: dict[str, Any] = {}
        self.default_paragraph = ""
        for style in styles.iter(W + "style") if styles is not None else []:
            ident = style.get(W + "styleId", "")
            self.by_id.setdefault(ident, style)
            if style.get(W + "type") == "paragraph" and style.get(W + "default") in ("1", "true", "on"):
                self.default_paragraph = ident
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.overrides: dict[tuple[str, int], Any] = {}  # a level a numbering redefines (LibreOffice writes them)
        self.abstracts: dict[str, Any] = {}
        for abstract in numbering.iter(W + "abstractNum") if numbering is not None else []:
            self.abstracts[abstract.get(W + "abstractNumId", "")] = abstract
        for num in numbering.iter(W + "num") if numbering is not None else []:
            ref = num.find(W + "abstractNumId")
            starts = {}
            for override in num.iter(W + "lvlOverride"):
                redefined = override.find(W + "lvl")
                if redefined is not None:
                    self.overrides[(num.get(W + "numId", ""), _int(override.get(W + "ilvl")))] = redefined
                start = override.find(W + "startOverride")
                if start is not None and start.get(W + "val", "").isdigit():
                    starts[_int(override.get(W + "ilvl"))] = int(start.get(W + "val"))
            self.nums[num.get(W + "numId", "")] = (ref.get(W + "val", "") if ref is not None else "", starts)

    def chain(self, ident: str) -> list[Any]:
        """The style and those it is based on, nearest first."""
        found: list[Any] = []
        while ident and ident in self.by_id and len(found) < MAX_CHAIN:
            style = self.by_id[ident]
            if any(style is seen for seen in found):
                break
            found.append(style)
            based = style.find(W + "basedOn")
            ident = based.get(W + "val", "") if based is not None else ""
        return found

    def name(self, ident: str) -> str:
        """A style's name in lower case (Word keeps the English names of its own styles), else its id."""
        style = self.by_id.get(ident)
        found = style.find(W + "name") if style is not None else None
        return (found.get(W + "val", "") if found is not None else ident).strip().lower()

    def names(self, ident: str) -> list[str]:
        """The names of the style and of those it is based on."""
        return [self.name(style.get(W + "styleId", "")) for style in self.chain(ident)]

    def paragraph_property(self, para_props: Any, ident: str, tag: str) -> Any:
        """A paragraph property from the paragraph itself, else from its style chain."""
        if para_props is not None and para_props.find(W + tag) is not None:
            return para_props.find(W + tag)
        for style in self.chain(ident or self.default_paragraph):
            found = style.find(f"{W}pPr/{W}{tag}")
            if found is not None:
                return found
        return None

    def style_marks(self, ident: str) -> set[str]:
        """The marks a character style gives its runs (bold, italic, code...), based-on styles included."""
        found: set[str] = set()
        for style in reversed(self.chain(ident)):
            found |= run_marks(style.find(W + "rPr"))
        if any(_CODE_STYLE.search(name) for name in self.names(ident)):
            found.add("code")
        return found

    def monospace_style(self, ident: str) -> bool:
        """Whether a paragraph style's font (or that of a style it is based on) is monospace."""
        for style in self.chain(ident):
            fonts = style.find(f"{W}rPr/{W}rFonts")
            if fonts is not None and (fonts.get(W + "ascii") or fonts.get(W + "hAnsi")):
                return is_monospace(fonts.get(W + "ascii", "") or fonts.get(W + "hAnsi", ""))
        return False

    def list_level(self, num: str, level: int) -> ListLevel | None:
        """The list a numbering id and level make, or None (no numbering, or numbering that shows nothing)."""
        if not num or num == "0" or num not in self.nums:
            return None
        abstract_id, starts = self.nums[num]
        abstract = self.abstracts.get(abstract_id)
        lvl = self.overrides.get((num, level))
        for _ in range(3 if lvl is None else 0):  # a numbering that links to a numbering style: followed a few steps
            if abstract is None:
                break
            lvl = next((item for item in abstract.iter(W + "lvl") if item.get(W + "ilvl", "0") == str(level)), None)
            link = abstract.find(W + "numStyleLink")
            if lvl is not None or link is None:
                break
            style = self.by_id.get(link.get(W + "val", ""))
            numpr = style.find(f"{W}pPr/{W}numPr/{W}numId") if style is not None else None
            target = self.nums.get(numpr.get(W + "val", "")) if numpr is not None else None
            abstract = self.abstracts.get(target[0]) if target else None
        fmt_el = lvl.find(W + "numFmt") if lvl is not None else None
        fmt = fmt_el.get(W + "val", "decimal") if fmt_el is not None else "bullet"
        if fmt == "none":
            return None
        start_el = lvl.find(W + "start") if lvl is not None else None
        start = int(start_el.get(W + "val")) if start_el is not None and (start_el.get(W + "val") or "").isdigit() else 1
        return ListLevel(num, level, fmt != "bullet", starts.get(level, start))
