"""Theme fonts that travel inside an output: the faces of a family, whether their licence lets them
be embedded (OS/2 fsType), and subsets that keep only the characters a document draws."""
from __future__ import annotations

import hashlib
import io
import os
import struct
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from ..errors import ThemeError
from ..theme.check import line_of
from .fonts import FONT_SUFFIXES, theme_font_files

#: OS/2 fsType bits (OpenType spec): the licence's word on embedding.
RESTRICTED = 0x0002
PREVIEW_PRINT = 0x0004
EDITABLE = 0x0008
NO_SUBSETTING = 0x0100
BITMAP_ONLY = 0x0200
#: The four faces Word's font table can carry, in its order.
FACES = ("Regular", "Bold", "Italic", "BoldItalic")
#: Characters a reading system or a word processor may draw whatever the text says (list numbers,
#: punctuation of generated content, quotes and dashes a reader types): always kept in a subset.
ALWAYS = frozenset(map(chr, range(0x20, 0x7F))) | frozenset("\u00a0\u00ad\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022\u00b7\u2002\u2003\u2009\u202f\u00a9\u00b0\u00d7\u25e6\u25aa\u21a9")
#: OpenType features kept besides fontTools' defaults (kerning, ligatures, marks...): what the
#: themes ask for with font-variant (small capitals, old-style and lining figures).
_EXTRA_FEATURES = ["smcp", "c2sc", "onum", "lnum", "pnum", "tnum", "case"]


@dataclass(frozen=True)
class Face:
    """One font file of a theme: its family name (name ID 1, as Word names fonts) and its style."""

    path: Path
    family: str
    style: str  # one of FACES
    fs_type: int

    @property
    def embeddable(self) -> bool:
        """Whether the licence lets the font travel inside an editable document: fsType
        'installable' (0) or 'editable' (bit 3); not 'restricted', 'preview and print' only, or
        'bitmap only' (which needs bitmaps publish does not make)."""
        if self.fs_type & BITMAP_ONLY:
            return False
        usage = self.fs_type & 0x000F
        return usage == 0 or bool(usage & EDITABLE)

    @property
    def subsettable(self) -> bool:
        """Whether the licence lets a document carry only some of the glyphs."""
        return not self.fs_type & NO_SUBSETTING


def _hb_face(path: str) -> Any:
    """The font's first face as HarfBuzz reads it (lazily: a table is read when asked for)."""
    import uharfbuzz as hb

    return hb.Face(hb.Blob.from_file_path(path))


@lru_cache(maxsize=64)
def _read_face(path: str, mtime_ns: int, size: int) -> tuple[str, str, int] | None:
    # HarfBuzz, not fontTools: reading two tables should not cost importing fontTools' table modules (0.1 s)
    try:
        face = _hb_face(path)
        os2 = face.reference_table("OS/2").data
        family = face.get_name(1) or ""
        fs_type, selection = struct.unpack_from(">H", os2, 8)[0], struct.unpack_from(">H", os2, 62)[0]
    except Exception:  # a broken font file is no face; WeasyPrint reports it for the PDF
        return None
    bold, italic = bool(selection & 0x20), bool(selection & 0x01)
    style = "BoldItalic" if bold and italic else "Bold" if bold else "Italic" if italic else "Regular"
    return family, style, fs_type


def read_face(path: Path) -> Face | None:
    """A font file's family, style and licence bits, or None when it cannot be read."""
    info = path.stat()
    found = _read_face(str(path), info.st_mtime_ns, info.st_size)
    return Face(path, *found) if found else None


def family_faces(theme_folders: Iterable[Path], family: str) -> dict[str, Face]:
    """The theme's files of one family by style (Regular, Bold, Italic, BoldItalic); the first
    theme of the chain that has a style wins, as it does for every other theme file."""
    faces: dict[str, Face] = {}
    for path in theme_font_files(theme_folders):
        face = read_face(path)
        if face is not None and face.family.casefold() == family.casefold():
            faces.setdefault(face.style, face)
    return {style: faces[style] for style in FACES if style in faces}


def font_face_file(url: str, folder: Path, roots: list[Path], stylesheet: Path | None) -> Path | None:
    """The font file an ``@font-face`` URL names, relative to its stylesheet's ``folder``: a font
    file inside one of the theme chain's ``roots`` (resolved), else a ThemeError at the
    stylesheet's line; None for a ``data:`` URL, which needs no file."""
    if url.startswith("data:"):
        return None
    path = (folder / url).resolve()
    inside = any(path == root or root in path.parents for root in roots)
    if "://" in url or not inside or not path.is_file() or path.suffix.lower() not in FONT_SUFFIXES:
        raise ThemeError(f"@font-face url('{url}') must name a font file ({', '.join(FONT_SUFFIXES)}) inside the theme",
                         stylesheet, line_of(stylesheet, url))
    return path


def characters(texts: Iterable[str]) -> frozenset[str]:
    """The characters a subset keeps for some texts: each character in both cases (a style may
    transform the case), and the ones every reader and editor may draw (ALWAYS)."""
    chars: set[str] = set(ALWAYS)
    for text in texts:
        for char in set(text):
            chars.add(char)
            chars.update(char.upper(), char.lower())
    return frozenset(c for c in chars if len(c) == 1)


#: Graphite tables (SIL fonts): readers and Word shape with OpenType, and no subsetter can cut them.
_GRAPHITE = ("Silf", "Silt", "Glat", "Gloc", "Sill", "Feat")


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")


@lru_cache(maxsize=32)
def _sfnt_subset(path: str, mtime_ns: int, chars: frozenset[str], hinting: bool, index: int = 0) -> bytes:
    """HarfBuzz's subsetter (a hundred times faster than fontTools' on a font with large layout
    tables such as Charis SIL): the glyphs of ``chars`` and what the kept layout features reach,
    the standard name records (the SIL OFL asks for the licence to stay), the outline of .notdef,
    the font's own timestamp."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(path), index)  # ``index``: the face of a collection (.ttc)
    request = hb.SubsetInput()
    request.unicode_set.update(sorted(ord(c) for c in chars))
    # every standard name (copyright, licence and its URL...) in every language; the names of
    # the features the subset drops (IDs 256 and up, a third of Charis SIL's table) go
    request.sets(hb.SubsetInputSets.NAME_ID).update(range(256))
    languages = request.sets(hb.SubsetInputSets.NAME_LANG_ID)
    languages.clear()
    languages.invert()  # all of them
    request.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG).update(_tag(f) for f in _EXTRA_FEATURES)
    request.sets(hb.SubsetInputSets.DROP_TABLE_TAG).update(_tag(t) for t in _GRAPHITE)
    flags = hb.SubsetFlags.NOTDEF_OUTLINE
    if not hinting:
        flags |= hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.DESUBROUTINIZE  # CFF: smaller once compressed
    request.flags = flags
    return bytes(hb.subset(face, request).blob.data)


def _make_subset(path: str, mtime_ns: int, chars: frozenset[str], flavor: str | None, truetype: bool, hinting: bool,
                 index: int = 0) -> bytes:
    data = _sfnt_subset(path, mtime_ns, chars, hinting, index)
    if truetype and data[:4] == b"OTTO":
        from fontTools.ttLib import TTFont

        font = TTFont(io.BytesIO(data), recalcTimestamp=False)  # the new glyphs' bounding boxes are computed
        _cff_to_glyf(font)
        out = io.BytesIO()
        font.save(out)
        data = out.getvalue()
    if flavor is None:
        return data
    out = io.BytesIO()
    if flavor == "woff2":
        from fontTools.ttLib import woff2

        woff2.compress(io.BytesIO(data), out)
    else:
        from fontTools.ttLib import TTFont

        font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
        font.flavor = flavor
        font.save(out, reorderTables=False)
    return out.getvalue()


#: Where subsets made by earlier builds are kept (set by the build for its output folder; None: no
#: cache). A subset is a pure function of the font's bytes, the characters, the options and the
#: versions of HarfBuzz and fontTools, all in its file name, so a hit gives the very bytes a fresh
#: subset would: outputs stay byte-identical, cache or not.
CACHE_FOLDER: Path | None = None
_CACHE_FORMAT = "1"


def set_cache_folder(folder: Path | None) -> None:
    """Keep subsets in ``folder`` (created when first written), or in memory only (None)."""
    global CACHE_FOLDER
    CACHE_FOLDER = folder


@lru_cache(maxsize=64)
def _file_sha(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def _versions() -> str:
    import fontTools
    import uharfbuzz

    try:
        import brotli

        brotli_version = getattr(brotli, "version", getattr(brotli, "__version__", "?"))
    except ImportError:
        brotli_version = "-"
    return f"{_CACHE_FORMAT} hb {uharfbuzz.version_string()} uhb {uharfbuzz.__version__} ft {fontTools.version} br {brotli_version}"


def _cache_key(path: str, chars: frozenset[str], flavor: str | None, truetype: bool, hinting: bool, index: int = 0) -> str:
    info = os.stat(path)
    face = [f"face {index}"] if index else []  # the first face of a file keeps the key it always had
    spec = "\n".join([_versions(), _file_sha(path, info.st_mtime_ns, info.st_size), str(flavor), str(truetype), str(hinting),
                       *face, "".join(sorted(chars))])
    return hashlib.sha256(spec.encode("utf-8", "surrogatepass")).hexdigest()


@lru_cache(maxsize=32)
def _subset(path: str, mtime_ns: int, chars: frozenset[str], flavor: str | None, truetype: bool, hinting: bool,
            folder: Path | None, index: int = 0) -> bytes:
    if folder is None:
        return _make_subset(path, mtime_ns, chars, flavor, truetype, hinting, index)
    key = _cache_key(path, chars, flavor, truetype, hinting, index)
    kept = folder / f"{key}.{flavor or 'sfnt'}"
    try:
        data = kept.read_bytes()
        if data[:32] == key[:32].encode("ascii"):  # written whole (os.replace) and by this scheme
            return data[32:]
    except OSError:
        pass
    data = _make_subset(path, mtime_ns, chars, flavor, truetype, hinting, index)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temp = folder / f".{key}.{os.getpid()}.tmp"
        temp.write_bytes(key[:32].encode("ascii") + data)
        os.replace(temp, kept)
        _prune(folder)
    except OSError:  # a read-only output folder: the build goes on without a cache
        pass
    return data


#: The most subsets a cache keeps; beyond it, the ones least recently written go (half of them).
CACHE_LIMIT = 256


def _prune(folder: Path) -> None:
    kept = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(kept) <= CACHE_LIMIT:
        return
    kept.sort(key=lambda p: (p.stat().st_mtime_ns, p.name))
    for old in kept[: len(kept) - CACHE_LIMIT // 2]:
        old.unlink(missing_ok=True)


def subset_font(path: Path, chars: frozenset[str], flavor: str | None = None, truetype: bool = False,
                hinting: bool = True, index: int = 0) -> bytes:
    """The font file cut down to the glyphs of ``chars`` (and what its layout features reach),
    with its names and licence; ``flavor`` 'woff2' (or 'woff') compresses it for the web and
    e-readers, ``truetype`` turns PostScript (CFF) outlines into TrueType ones for Word, and
    ``hinting`` False drops the hints screens no longer use. Same input, same bytes; the same
    call twice in one process costs nothing the second time. ``index`` picks a face of a font
    collection (.ttc: Noto CJK's JP, KR, SC, TC and HK faces share a file)."""
    return _subset(str(path), path.stat().st_mtime_ns, chars, flavor, truetype, hinting, CACHE_FOLDER, index)


def face_index(path: Path, family: str) -> int | None:
    """Which face of a font file (a .ttc holds several) is ``family`` (name ID 1), or None."""
    import uharfbuzz as hb

    try:
        blob = hb.Blob.from_file_path(str(path))
        for index in range(hb.Face(blob).count):  # the number of faces in the file
            if (hb.Face(blob, index).get_name(1) or "").casefold() == family.casefold():
                return index
    except Exception:  # a broken font file has no face; the PDF's fontconfig reports it
        return None
    return None


def shared_characters(doc: Any, own: frozenset[str]) -> frozenset[str]:
    """The characters a format's subsets keep: every character of the article's source (its
    front matter and body, see characters), to which ``own`` (what the format draws) adds only
    what the source lacks (a generated word). The EPUB and the web page so usually ask for the
    same subset, which one worker then makes once; each output still depends on its own input only."""
    base = _source_characters(b"\n".join(data for _, data in doc.inputs()))
    return base if own <= base else base | own


@lru_cache(maxsize=4)
def _source_characters(source: bytes) -> frozenset[str]:
    return characters([source.decode("utf-8", "replace")])


def whole_font(path: Path, truetype: bool = False) -> bytes:
    """The whole font file (its licence forbids subsetting), in TrueType outlines if asked."""
    data = path.read_bytes()
    if not truetype or data[:4] != b"OTTO":
        return data
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    _cff_to_glyf(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _cff_to_glyf(font: object) -> None:
    """Replace a font's CFF outlines by quadratic TrueType ones (fontTools' otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()  # type: ignore[attr-defined]
    glyph_set = font.getGlyphSet()  # type: ignore[attr-defined]
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")  # type: ignore[index]
    glyf = font["glyf"] = newTable("glyf")  # type: ignore[index]
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]  # type: ignore[attr-defined]
    if "VORG" in font:  # type: ignore[operator]
        del font["VORG"]  # type: ignore[attr-defined]
    glyf.compile(font)
    hmtx = font["hmtx"]  # type: ignore[index]
    for name, glyph in glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    maxp = font["maxp"] = newTable("maxp")  # type: ignore[index]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones",):
        setattr(maxp, field, 1)
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions"):
        setattr(maxp, field, 0)
    maxp.maxComponentElements = max((len(getattr(g, "components", [])) for g in glyphs.values()), default=0)
    maxp.compile(font)
    post = font["post"]  # type: ignore[index]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"  # type: ignore[attr-defined]


# -- Word's obfuscated fonts (ECMA-376 Part 1, 17.8.1) ------------------------------------
def font_key(data: bytes) -> str:
    """A fixed GUID for a font's bytes (so the same font gives the same DOCX), in Word's
    ``{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`` spelling."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """A font as Word stores it in ``word/fonts/*.odttf``: its first 32 bytes XORed with the
    GUID key's 16 bytes read from the last hex pair to the first. The same call undoes it."""
    digits = key.strip("{}").replace("-", "")
    mask = bytes(int(digits[i : i + 2], 16) for i in range(30, -1, -2))
    head = bytes(b ^ mask[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


# -- the measure ------------------------------------------------------------------------
#: Relative frequency of the letters and the space in English running text (per mille), for an
#: average character width that counts an 'e' far more than a 'z'.
_ENGLISH = {
    " ": 180, "e": 102, "t": 75, "a": 65, "o": 62, "i": 57, "n": 57, "s": 53, "h": 49, "r": 49, "d": 35,
    "l": 33, "u": 23, "c": 22, "m": 20, "w": 19, "f": 18, "g": 16, "y": 16, "p": 16, "b": 12, "v": 8,
    "k": 6, "j": 1, "x": 1, "q": 1, "z": 1, ",": 10, ".": 9,
}


@lru_cache(maxsize=16)
def _average_width(path: str, mtime_ns: int) -> float | None:
    import uharfbuzz as hb

    try:
        face = _hb_face(path)
        font = hb.Font(face)  # scaled in font units
        glyphs = {c: font.get_nominal_glyph(ord(c)) for c in _ENGLISH}
        widths = [(font.get_glyph_h_advance(gid), _ENGLISH[c]) for c, gid in glyphs.items() if gid]
        units = face.upem
    except Exception:
        return None
    total = sum(weight for _, weight in widths)
    return sum(width * weight for width, weight in widths) / total / units if total and units else None


def average_char_width(path: Path) -> float | None:
    """The width of an average character of English running text set in a font, in em (about
    0.45 for a book serif, 0.5 for a wide sans), or None when the file cannot be read."""
    return _average_width(str(path), path.stat().st_mtime_ns)
