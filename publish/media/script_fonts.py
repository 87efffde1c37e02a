"""Fonts for the scripts an article is written in (Arabic, Hebrew, Devanagari, Thai, Chinese,
Japanese, Korean...) that travel inside the EPUB and the web page: the installed faces of the
theme's ``font_scripts`` family (``font_cjk`` for Han, kana and hangul, in the faces of the
article's region) the PDF draws the script with (the first of the list fontconfig finds), subset to
the article's characters of that script, declared with ``@font-face`` rules whose ``unicode-range``
keeps them to it, so a reading system without the font still shows the text."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..errors import warn
from ..theme.options import _GENERIC
from .font_embed import face_index, read_face, subset_font
from .fonts import CJK, FC_BOLD, FC_REGULAR, SCRIPT_LETTERS, installed_family


#: The Unicode blocks each script's font draws: its letters, marks, digits and punctuation.
SCRIPT_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "Arab": ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "Hebr": ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
    "Deva": ((0x0900, 0x097F), (0x1CD0, 0x1CFF), (0xA8E0, 0xA8FF)),
    "Beng": ((0x0980, 0x09FF),),
    "Taml": ((0x0B80, 0x0BFF), (0x11FC0, 0x11FFF)),
    "Thai": ((0x0E00, 0x0E7F),),
    "Khmr": ((0x1780, 0x17FF), (0x19E0, 0x19FF)),
    # what the theme's font_cjk draws: Han, kana, hangul, bopomofo, their punctuation and full-width forms
    CJK: ((0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3040, 0x30FF), (0x3100, 0x31FF), (0x3200, 0x33FF),
          (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F),
          (0xFF00, 0xFFEF), (0x20000, 0x3134F)),
}
#: Drawn by the script's font too, inside a word of it: the joiners that choose a letter's form or
#: a conjunct, and the dotted circle a shaper shows a stray mark on.
_SHAPING = (0x200C, 0x200D, 0x25CC)
#: The CSS weight of each fontconfig weight kept.
_WEIGHTS = {FC_REGULAR: 400, FC_BOLD: 700}

def _in_script(code: int, script: str) -> bool:
    return any(low <= code <= high for low, high in SCRIPT_RANGES[script]) or code in _SHAPING


@dataclass(frozen=True)
class ScriptFace:
    """One installed face that draws a script: its family (as the theme's ``font_scripts`` names
    it), its CSS weight and its file."""

    script: str
    family: str
    weight: int
    path: Path
    #: the face's number in its file (a .ttc holds Noto CJK's JP, KR, SC, TC and HK faces)
    index: int = 0

    @property
    def stem(self) -> str:
        """A file name for the face without suffix (NotoNaskhArabic-Regular, NotoSerifCJKjp-Regular)."""
        if self.path.suffix.lower() != ".ttc":
            return self.path.stem
        region = self.family.rsplit(" ", 1)[-1].lower()
        name, _, style = self.path.stem.partition("-")
        return f"{name}{region}-{style}" if style else f"{name}{region}"

    def keep(self, chars: Iterable[str]) -> frozenset[str]:
        """The characters of ``chars`` the face draws in the output: those of its script, and the
        pieces a shaper splits one into (Thai SARA AM into NIKHAHIT and SARA AA, a Bengali or
        Tamil two-part vowel sign into its parts: HarfBuzz draws them from the font's cmap)."""
        return frozenset(c for c in with_pieces(chars) if _in_script(ord(c), self.script))

    def data(self, chars: Iterable[str], flavor: str = "woff2") -> bytes:
        """The face subset to the characters of ``chars`` in its script, unhinted (as screens draw),
        compressed as ``flavor``: the same characters give the same bytes."""
        return subset_font(self.path, self.keep(chars), flavor=flavor, hinting=False, index=self.index)

    @property
    def unicode_range(self) -> str:
        spans = [*SCRIPT_RANGES[self.script], *((c, c) for c in _SHAPING)]
        return ", ".join(f"U+{low:04X}" if low == high else f"U+{low:04X}-{high:04X}" for low, high in spans)

    def font_face(self, url: str, flavor: str = "woff2", display: bool = False) -> str:
        """The ``@font-face`` rule that declares the face at ``url`` for its script's characters."""
        swap = " font-display: swap;" if display else ""
        return (f'@font-face {{ font-family: {css_family(self.family)}; font-style: normal; font-weight: {self.weight};{swap} '
                f'src: url("{url}") format("{flavor}"); unicode-range: {self.unicode_range}; }}')


def with_pieces(chars: Iterable[str]) -> frozenset[str]:
    """``chars`` and the characters a shaper may split each into (its compatibility decomposition:
    Thai SARA AM is NIKHAHIT and SARA AA to HarfBuzz, which draws them from the font's cmap)."""
    mine = frozenset(c for c in chars if len(c) == 1)
    return mine | frozenset(p for c in mine if not c.isascii() for p in unicodedata.normalize("NFKD", c))


def css_family(name: str) -> str:
    """A family name as a CSS string."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def article_scripts(chars: Iterable[str]) -> list[str]:
    """The scripts Latin fonts lack (``font_scripts``' codes) that ``chars`` has letters of, in
    SCRIPT_LETTERS' order."""
    codes = {ord(c) for c in chars if len(c) == 1 and c.isalpha()}
    return [script for script in SCRIPT_LETTERS if any(_in_script(c, script) and c not in _SHAPING for c in codes)]


def script_faces(chars: Iterable[str], font_scripts: dict[str, list[str]], font_cjk: list[str] | None = None) -> list[ScriptFace]:
    """The installed regular and bold faces of the first family of each script of ``chars`` that
    fontconfig finds among the theme's ``font_scripts`` (the one the PDF draws it with), and, for
    Han, kana and hangul, among ``font_cjk`` (the theme's CJK list in the faces of the article's
    region, read.language.cjk_fonts), whose licence (OS/2 fsType) lets it be embedded and subset;
    a family whose licence forbids it is left out with a warning naming its file. Empty for a
    script no listed family is installed for (the build's glyph check names the package to install)."""
    chars = frozenset(chars)
    lists = {script: font_scripts.get(script) or [] for script in article_scripts(chars)}
    if font_cjk and has_cjk(chars):
        lists[CJK] = font_cjk
    faces: list[ScriptFace] = []
    for script, names in lists.items():
        for family in names:
            files = installed_family(family)
            if FC_REGULAR not in files:
                continue
            faces.extend(_faces(script, family, files))
            break
    return faces


def _faces(script: str, family: str, files: dict[int, Path]) -> list[ScriptFace]:
    """The regular and bold faces of an installed family, or none when its licence forbids carrying a subset."""
    chosen = []
    for weight, css_weight in _WEIGHTS.items():
        if weight not in files:
            continue
        face = read_face(files[weight])
        index = face_index(files[weight], family) if face is not None else None
        if face is None or index is None:
            continue
        if not (face.embeddable and face.subsettable):
            warn(f"the font's licence (OS/2 fsType {face.fs_type:#06x}) does not allow carrying a subset of it: "
                 f"the EPUB and the web page name '{family}' without carrying it", face.path)
            return []
        chosen.append(ScriptFace(script, family, css_weight, files[weight], index))
    return chosen


def has_cjk(chars: Iterable[str]) -> bool:
    """Whether ``chars`` has Han, kana or hangul letters (not only CJK punctuation)."""
    return any(c.isalpha() and _in_script(ord(c), CJK) and ord(c) not in _SHAPING for c in chars if len(c) == 1)


def faces_of_scripts(faces: Iterable[ScriptFace], codes: Iterable[str | None]) -> list[ScriptFace]:
    """The faces of the scripts ``codes`` (read.language.language_script_code of each article's
    language): an EPUB carries the font of its articles' own script, and leaves a passage in
    another script (the Chinese sentence of an English article) to the reading system's fonts, as
    it does the Latin text."""
    wanted = set(codes)
    return [face for face in faces if face.script in wanted]


def families(faces: Iterable[ScriptFace]) -> list[str]:
    """The faces' family names, each once, in order."""
    return list(dict.fromkeys(face.family for face in faces))


def with_families(stack: list[str], names: list[str]) -> list[str]:
    """A font stack with ``names`` right after its first font (before it when the first is a generic
    family), as the themes' print.css places the script fonts: the theme's own font draws Latin
    text, the script's font the script, before any fallback that also has it."""
    at = 0 if not stack or stack[0] in _GENERIC else 1
    return stack[:at] + [n for n in names if n not in stack] + stack[at:]
