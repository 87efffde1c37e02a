"""Font coverage: which characters of an article no font can draw, told as warnings with their lines."""
from __future__ import annotations

import ctypes
import ctypes.util
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..errors import warn
from ..model import Document, Node, Rich

#: Font files a theme may bundle (declared with @font-face in its print.css).
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
#: Characters that need no glyph: controls, format characters, separators.
_NO_GLYPH_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}
_SHOWN = 8

#: The letters of the scripts Latin fonts lack (ISO 15924 codes, as a theme's ``font_scripts``
#: names them), as regular-expression character classes.
#: The code of the Han, kana and hangul a CJK font draws, as ``font_scripts`` codes the others.
CJK = "Hani"
SCRIPT_LETTERS = {
    "Arab": "\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9\ufb50-\ufdff\ufe70-\ufefc",
    "Hebr": "\u05d0-\u05f2\ufb1d-\ufb4f",
    "Deva": "\u0900-\u097f\ua8e0-\ua8ff",
    "Beng": "\u0980-\u09ff",
    "Taml": "\u0b80-\u0bff",
    "Thai": "\u0e01-\u0e5b",
    "Khmr": "\u1780-\u17ff\u19e0-\u19ff",
}
_CJK_LETTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\U00020000-\U0003134f"
#: The packages that install fonts for a script: Debian and Ubuntu, Fedora, Homebrew.
FONT_PACKAGES = {
    "Arab": ("fonts-noto-core", "google-noto-naskh-arabic-fonts", "font-noto-naskh-arabic"),
    "Hebr": ("fonts-noto-core", "google-noto-serif-hebrew-fonts", "font-noto-serif-hebrew"),
    "Deva": ("fonts-noto-core", "google-noto-serif-devanagari-fonts", "font-noto-serif-devanagari"),
    "Beng": ("fonts-noto-core", "google-noto-serif-bengali-fonts", "font-noto-serif-bengali"),
    "Taml": ("fonts-noto-core", "google-noto-serif-tamil-fonts", "font-noto-serif-tamil"),
    "Thai": ("fonts-noto-core", "google-noto-serif-thai-fonts", "font-noto-serif-thai"),
    "Khmr": ("fonts-noto-core", "google-noto-serif-khmer-fonts", "font-noto-serif-khmer"),
    "CJK": ("fonts-noto-cjk", "google-noto-serif-cjk-fonts", "font-noto-serif-cjk"),
}
_SCRIPT_NAMES = {"Arab": "Arabic script", "Hebr": "Hebrew", "Deva": "Devanagari", "Beng": "Bengali", "Taml": "Tamil",
                 "Thai": "Thai", "Khmr": "Khmer", "CJK": "Chinese, Japanese, Korean"}


def char_script(char: str) -> str | None:
    """The code of the script a character belongs to among those FONT_PACKAGES knows, else None."""
    for code, letters in (*SCRIPT_LETTERS.items(), ("CJK", _CJK_LETTERS)):
        if re.match(f"[{letters}]", char):
            return code
    return None


def install_hint(chars: Iterable[str]) -> str:
    """Which packages install fonts for the scripts of ``chars`` (Debian, Fedora, Homebrew), or a
    general word when none of them is a script publish knows."""
    scripts = list(dict.fromkeys(code for code in map(char_script, chars) if code is not None))
    if not scripts:
        return "install a font that covers them or name one in the theme's font options"
    debian = " ".join(dict.fromkeys(FONT_PACKAGES[code][0] for code in scripts))
    fedora = " ".join(FONT_PACKAGES[code][1] for code in scripts)
    brew = " ".join(FONT_PACKAGES[code][2] for code in scripts)
    names = ", ".join(_SCRIPT_NAMES[code] for code in scripts)
    return (f"install fonts for {names}: Debian and Ubuntu 'apt install {debian}', Fedora 'dnf install {fedora}', "
            f"Homebrew 'brew install --cask {brew}' (or name a font in the theme's font options)")


def needs_glyph(char: str) -> bool:
    """Whether a character is drawn (not a space, control, format or variation selector)."""
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
        return False
    return unicodedata.category(char) not in _NO_GLYPH_CATEGORIES


@lru_cache(maxsize=64)
def _font_file_chars(path: str, mtime_ns: int, size: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # a broken font draws nothing; WeasyPrint says so itself
        return frozenset()


def font_file_chars(path: Path) -> frozenset[int]:
    """The code points a font file (TTF, OTF, WOFF, WOFF2) has glyphs for; cached per file version."""
    info = path.stat()
    return _font_file_chars(str(path), info.st_mtime_ns, info.st_size)


def theme_font_files(folders: Iterable[Path]) -> list[Path]:
    """Every font file in the `fonts/` folder of each theme of a chain."""
    found: list[Path] = []
    for folder in folders:
        fonts = folder / "fonts"
        if fonts.is_dir():
            found.extend(sorted(p for p in fonts.rglob("*") if p.suffix.lower() in FONT_SUFFIXES and p.is_file()))
    return found


class _FcFontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.POINTER(ctypes.c_void_p))]


@lru_cache(maxsize=1)
def _fontconfig() -> ctypes.CDLL | None:
    """The fontconfig library (as WeasyPrint's Pango sees the fonts), its functions typed, or None."""
    name = ctypes.util.find_library("fontconfig") or "libfontconfig.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    vp = ctypes.c_void_p
    lib.FcInitLoadConfigAndFonts.restype = vp
    lib.FcPatternCreate.restype = vp
    lib.FcPatternAddString.argtypes = [vp, ctypes.c_char_p, ctypes.c_char_p]
    lib.FcObjectSetBuild.restype = vp
    lib.FcFontList.restype = ctypes.POINTER(_FcFontSet)
    lib.FcFontList.argtypes = [vp, vp, vp]
    lib.FcPatternGetCharSet.argtypes = [vp, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(vp)]
    lib.FcPatternGetString.argtypes = [vp, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    lib.FcPatternGetInteger.argtypes = [vp, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
    lib.FcCharSetCreate.restype = vp
    lib.FcCharSetMerge.argtypes = [vp, vp, ctypes.c_void_p]
    lib.FcCharSetHasChar.argtypes = [vp, ctypes.c_uint32]
    lib.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FcFontSet)]
    lib.FcObjectSetDestroy.argtypes = [vp]
    lib.FcPatternDestroy.argtypes = [vp]
    lib.FcConfigDestroy.argtypes = [vp]
    return lib


def _font_list(lib: ctypes.CDLL, family: str | None, objects: tuple[bytes, ...], each: Callable[[int], None]) -> bool:
    """Call ``each`` with every installed font's pattern (of ``family`` only, when given) holding
    ``objects``; False when fontconfig cannot load its configuration."""
    config = lib.FcInitLoadConfigAndFonts()
    if not config:
        return False
    pattern = lib.FcPatternCreate()
    if family is not None:
        lib.FcPatternAddString(pattern, b"family", family.encode("utf-8"))
    object_set = lib.FcObjectSetBuild(*objects, None)
    fonts = lib.FcFontList(config, pattern, object_set)
    try:
        if fonts:
            for i in range(fonts.contents.nfont):
                each(fonts.contents.fonts[i])
    finally:
        if fonts:
            lib.FcFontSetDestroy(fonts)
        lib.FcObjectSetDestroy(object_set)
        lib.FcPatternDestroy(pattern)
        lib.FcConfigDestroy(config)
    return True


@lru_cache(maxsize=1)
def _system_has_char() -> Callable[[int], bool] | None:
    """A test 'some installed font has this code point', from fontconfig, or None when
    fontconfig cannot be loaded."""
    lib = _fontconfig()
    if lib is None:
        return None
    union = lib.FcCharSetCreate()

    def merge(font: int) -> None:
        charset = ctypes.c_void_p()
        if lib.FcPatternGetCharSet(font, b"charset", 0, ctypes.byref(charset)) == 0:
            lib.FcCharSetMerge(union, charset, None)

    if not _font_list(lib, None, (b"charset",), merge):
        return None
    return lambda code: bool(lib.FcCharSetHasChar(union, code))


#: fontconfig's weights (FC_WEIGHT_REGULAR, FC_WEIGHT_BOLD) and its upright slant.
FC_REGULAR, FC_BOLD, FC_ROMAN = 80, 200, 0


@lru_cache(maxsize=64)
def installed_family(family: str) -> dict[int, Path]:
    """The installed files of a font family (as fontconfig names it), upright faces only, by
    fontconfig weight (80 regular, 200 bold...); empty when none is installed or fontconfig is missing.
    Of two files with one weight (a font in two folders), the first path in sorted order."""
    lib = _fontconfig()
    found: dict[int, list[Path]] = {}
    if lib is None:
        return {}

    def add(font: int) -> None:
        path, weight, slant = ctypes.c_char_p(), ctypes.c_int(), ctypes.c_int()
        if (lib.FcPatternGetString(font, b"file", 0, ctypes.byref(path)) == 0 and path.value
                and lib.FcPatternGetInteger(font, b"weight", 0, ctypes.byref(weight)) == 0
                and lib.FcPatternGetInteger(font, b"slant", 0, ctypes.byref(slant)) == 0 and slant.value == FC_ROMAN):
            found.setdefault(weight.value, []).append(Path(path.value.decode("utf-8", "surrogateescape")))

    _font_list(lib, family, (b"file", b"weight", b"slant"), add)
    return {weight: sorted(paths)[0] for weight, paths in sorted(found.items())}


class Coverage:
    """What the fonts can draw: every installed font, then the theme's own fonts (read only
    when an installed font lacks a character, since reading a font file's cmap is the slow part)."""

    def __init__(self, theme_fonts: list[Path], system: Callable[[int], bool]) -> None:
        self._theme_fonts = theme_fonts
        self._bundled: frozenset[int] | None = None
        self.system = system

    @property
    def bundled(self) -> frozenset[int]:
        """The code points of every font file the theme bundles."""
        if self._bundled is None:
            chars: set[int] = set()
            for path in self._theme_fonts:
                chars |= font_file_chars(path)
            self._bundled = frozenset(chars)
        return self._bundled

    def has(self, char: str) -> bool:
        code = ord(char)
        return self.system(code) or code in self.bundled


def coverage(theme_folders: Iterable[Path]) -> Coverage | None:
    """The coverage of a theme's fonts and the machine's, or None if fontconfig cannot tell."""
    system = _system_has_char()
    if system is None:
        return None
    return Coverage(theme_font_files(theme_folders), system)


def _texts(node: Node, line: int | None) -> Iterator[tuple[int | None, str]]:
    """The drawn text of a block tree, each piece with the nearest source line."""
    line = node.line or line
    if node.kind == "image":  # alt text is not drawn in print
        return
    if node.text:
        yield line, node.text
    if node.kind == "figure" and node.attrs.get("title"):
        yield line, str(node.attrs["title"])
    for child in node.children:
        yield from _texts(child, line)


def _meta_texts(doc: Document) -> Iterator[tuple[int | None, str]]:
    meta = doc.meta
    lines = meta.lines

    def rich(value: Rich | None, key: str) -> Iterator[tuple[int | None, str]]:
        if value is not None:
            yield value.line or lines.get(key), value.text

    yield from rich(meta.title, "title")
    yield from rich(meta.subtitle, "subtitle")
    if meta.short_title:
        yield lines.get("short-title") or lines.get("short_title"), meta.short_title
    for author in meta.authors:
        yield lines.get("author"), author
    for person in meta.people:
        for affiliation in person.affiliations:
            yield lines.get("author"), affiliation
    if meta.abstract is not None:
        for block in meta.abstract.blocks:
            yield from _texts(block, meta.abstract.line)
    yield from rich(meta.rights, "rights")
    yield from rich(meta.contact, "contact")
    for credit in meta.credits:
        yield from rich(credit, "credits")
    if meta.publisher:
        yield lines.get("publisher"), meta.publisher
    if meta.source:
        yield lines.get("source"), meta.source.name
    for keyword in meta.keywords:
        yield lines.get("keywords"), keyword


def missing_by_line(doc: Document, cover: Coverage, parts: bool = True) -> dict[int | None, list[str]]:
    """The characters no font has, in order of first appearance, grouped by source line (a
    collection's articles' too, by their own lines)."""
    pieces: list[tuple[int | None, str]] = list(_meta_texts(doc))
    for part in doc.parts if parts else ():
        for line, chars in missing_by_line(part.doc, cover).items():
            pieces.append((line, "".join(chars)))
    for block in doc.blocks:
        pieces.extend(_texts(block, None))
    for note in doc.footnotes:
        for block in note.blocks:
            pieces.extend(_texts(block, note.line))
    found: dict[int | None, list[str]] = {}
    known: dict[str, bool] = {}
    for line, text in pieces:
        for char in text:
            if char not in known:
                known[char] = not needs_glyph(char) or cover.has(char)
            if not known[char]:
                chars = found.setdefault(line, [])
                if char not in chars:
                    chars.append(char)
    return found


def describe(chars: list[str]) -> str:
    """Characters as a reader and a font tool name them: '中 (U+4E2D), 美 (U+7F8E)'."""
    shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in chars[:_SHOWN])
    more = len(chars) - _SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def warn_missing_glyphs(doc: Document, theme_folders: Iterable[Path]) -> dict[int | None, list[str]]:
    """Warn, naming each line, about characters that would print as empty boxes."""
    cover = coverage(theme_folders)
    if cover is None:
        return {}
    found: dict[int | None, list[str]] = {}
    for document in [doc, *(part.doc for part in doc.parts)]:  # a collection: each article names its own lines
        missing = missing_by_line(document, cover, parts=False)
        for line, chars in sorted(missing.items(), key=lambda item: item[0] or 0):
            warn(
                f"no installed or theme font has {describe(chars)}: the PDF shows empty boxes there; {install_hint(chars)}",
                document.path,
                line,
            )
            found.setdefault(line, []).extend(c for c in chars if c not in found.get(line, []))
    return found
