"""The web edition's fonts: the theme's @font-face files, subset to the characters the page uses, as WOFF2 (or WOFF)."""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import uharfbuzz  # noqa: F401  (imported with the writer, so a build's workers load it while the sources are read)
from fontTools.ttLib import TTLibError

from ...errors import ThemeError
from ...media.font_embed import ALWAYS, font_face_file, shared_characters, subset_font
from ...media.font_embed import characters as embed_characters
from ...media.script_fonts import script_faces
from ...read.language import cjk_fonts

_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
_URL = re.compile(r"""url\(\s*(["']?)([^"')]*)\1\s*\)""")
_FORMAT = re.compile(r"""format\(\s*(["']?)[^"')]*\1\s*\)""")
_CONTENT = re.compile(r"""content\s*:\s*(["'])(.*?)\1""")


def flavor() -> str:
    """WOFF2 when brotli is installed (fontTools' ``woff`` extra brings it), else WOFF (zlib)."""
    try:
        import brotli  # noqa: F401
    except ImportError:
        return "woff"
    return "woff2"


@dataclass
class SubsetFont:
    """One subset font: the theme file it comes from, its bytes and its flavour."""

    source: Path
    data: bytes
    flavor: str

    @property
    def media_type(self) -> str:
        return f"font/{self.flavor}"

    @property
    def name(self) -> str:
        """A file name for folder mode, unique to the subset's bytes."""
        return f"{self.source.stem}-{hashlib.sha256(self.data).hexdigest()[:10]}.{self.flavor}"

    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


def subset(path: Path, chars: frozenset[str], kind: str) -> SubsetFont:
    """The font at ``path`` with only the glyphs ``chars`` need (and its layout features for
    them), its name table (so the licence travels), no hints (screens today render unhinted
    outlines; hints are a third of a TrueType font) and its own timestamp, so builds are
    reproducible; the EPUB's subset when the characters are the same (font_embed.subset_font)."""
    try:
        data = subset_font(path, chars, flavor=kind, hinting=False)
    except (TTLibError, OSError, ValueError, KeyError, AssertionError, RuntimeError) as exc:
        raise ThemeError(f"cannot subset the font for the web edition: {exc}", path) from None
    return SubsetFont(path, data, kind)


def characters(page_text: str, css: str, doc: Any) -> frozenset[str]:
    """Every character a font may have to draw: the page's text, the strings of CSS ``content``
    and what font_embed always keeps (list numbers, punctuation a browser adds), within the
    characters of the article's source (font_embed.shared_characters)."""
    generated = "".join(m.group(2) for m in _CONTENT.finditer(css))
    own = embed_characters([page_text, generated])
    return shared_characters(doc, frozenset(c for c in own if c.isprintable() or c in ALWAYS))


def embed_fonts(
    sheets: list[tuple[str, Path]], roots: list[Path], text: frozenset[str], url_for: Callable[[SubsetFont], str], sources: list[Any]
) -> tuple[str, list[SubsetFont]]:
    """The stylesheets as one text, each ``@font-face`` URL (relative to its stylesheet, a font
    file inside the theme chain) replaced by ``url_for`` of its subset and its ``format()`` by the
    subset's; and the subsets, once per font file."""
    kind = flavor()
    made: dict[Path, SubsetFont] = {}
    out = []
    for (css, folder), source in zip(sheets, sources):

        def face(match: re.Match[str]) -> str:
            rule = match.group(0)

            def replace(url_match: re.Match[str]) -> str:
                path = font_face_file(url_match.group(2).strip(), folder, roots, source)
                if path is None:  # a data: URL
                    return url_match.group(0)
                if path not in made:
                    made[path] = subset(path, text, kind)
                return f'url("{url_for(made[path])}")'

            rule = _URL.sub(replace, rule)
            return _FORMAT.sub(f'format("{kind}")', rule)

        out.append(_FONT_FACE.sub(face, css))
    return "\n".join(out), sorted(made.values(), key=lambda f: f.source.name)


def script_font_faces(job: Any, text: frozenset[str], url_for: Callable[[SubsetFont], str]) -> str:
    """The ``@font-face`` rules (before the theme's) of the installed fonts the PDF draws the
    article's scripts with (Noto Naskh Arabic, Noto Serif Hebrew...: script_fonts), each subset to
    the page's characters of its script; the theme's web.css names them in its font lists."""
    kind = flavor()
    rules = []
    cjk = cjk_fonts(job.doc.meta.lang, job.theme.options["font_cjk"])  # the faces of the article's region
    for face in script_faces(shared_characters(job.doc, frozenset()), job.theme.options.get("font_scripts") or {}, cjk):
        try:
            font = SubsetFont(face.path, face.data(text, kind), kind)
        except (TTLibError, OSError, ValueError, KeyError, AssertionError, RuntimeError) as exc:
            raise ThemeError(f"cannot subset the font for the web edition: {exc}", face.path) from None
        rules.append(face.font_face(url_for(font), kind, display=True) + "\n")
    return "".join(rules)
