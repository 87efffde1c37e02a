"""Theme options: the one place fonts, sizes, colours and paper are set for PDF, EPUB and DOCX alike."""
from __future__ import annotations

import difflib
import re
import string
from pathlib import Path
from typing import Any

from ..errors import ThemeError
from .labels import LABEL_SPACES, english, folio_pieces

#: Options that are mappings: a theme's entries merge into its parent's and the defaults, key by key.
MERGED_KEY_BY_KEY = ("labels", "hyphenation", "font_scripts")
_DATE_FIELDS = {"day", "month", "month_abbr", "year", "iso"}
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
#: Font family names go into CSS and Word styles: plain names only, nothing that could end a CSS string.
_FONT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")

#: Every option and its default; a theme's options override these (see _CHECKS for the allowed values).
DEFAULTS: dict[str, Any] = {
    "paper": "a4",
    "font_body": ["Charis SIL", "DejaVu Serif", "serif"],
    "font_heading": ["Charis SIL", "DejaVu Serif", "serif"],
    "font_mono": ["DejaVu Sans Mono", "monospace"],
    "font_cjk": ["Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei"],
    # The fonts of each script the Latin fonts lack (ISO 15924 codes): after the body and heading
    # fonts in the PDF, EPUB and web stylesheets; the first installed one is the DOCX's
    # complex-script font (w:cs) for an article in that script. Debian: fonts-noto-core.
    "font_scripts": {
        "Arab": ["Noto Naskh Arabic", "Noto Sans Arabic"],
        "Hebr": ["Noto Serif Hebrew", "Noto Sans Hebrew"],
        "Deva": ["Noto Serif Devanagari", "Noto Sans Devanagari"],
        "Beng": ["Noto Serif Bengali", "Noto Sans Bengali"],
        "Taml": ["Noto Serif Tamil", "Noto Sans Tamil"],
        "Thai": ["Noto Serif Thai", "Noto Sans Thai"],
        "Khmr": ["Noto Serif Khmer", "Noto Sans Khmer"],
    },
    # Word takes one family name (no fallback list, no WOFF): None follows font_body / font_heading (see _DOCX_FONTS)
    "font_docx_body": None,
    "font_docx_heading": None,
    "font_size": 10.5,
    "line_height": 1.4,
    "heading_scale": [1.9, 1.35, 1.15, 1.0],
    "color_text": "#1a1a1a",
    "color_accent": "#8b1e1e",
    "color_muted": "#5c5c5c",
    "color_tint": "#f4f2ee",
    # None: the long date of the article's language (Babel, CLDR); or a pattern such as "{day} {month_abbr} {year}"
    "date_format": None,
    # The shape of the three blocks every format draws, for writers without CSS (DOCX):
    "title_style": "ruled",  # ruled: rules above and below | band: a filled accent band, white title
    "notice_style": "box",  # box: an accent frame, italic | panel: a tinted panel with an accent bar
    "paragraph_style": "indented",  # indented: first-line indent, justified | spaced: space between, ragged
    # Who certifies the EPUB's accessibility (EPUB Accessibility 1.1): None claims no conformance
    "a11y_certified_by": None,
    # A cover-image is the PDF's and the DOCX's first page (it is always the EPUB's cover)
    "cover_page": True,
    # Article language -> the Pyphen patterns the PDF hyphenates it with (Pyphen's bare "en" is British)
    "hyphenation": {"en": "en-US"},
    # The web edition's schema.org type: NewsArticle, Article, or auto (NewsArticle when the
    # article is dated and names the outlet it comes from, a reprinted news story; Article otherwise)
    "schema_type": "auto",
    # the words publish writes into an output, in English (translations/en.yaml); an article in
    # another language shows its own table's words where the theme does not set one (labels.py)
    "labels": english(),
}


def _fonts(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and _FONT_NAME.match(v) for v in value)


def _font_name(value: Any) -> bool:
    return isinstance(value, str) and bool(_FONT_NAME.match(value)) and value not in _GENERIC


def _font_scripts(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and re.fullmatch(r"[A-Z][a-z]{3}", k) and _fonts(v)
                                           for k, v in value.items())


def _labels(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) and not any(c in v for c in '"\\')
        and "".join(c for c in v if c not in LABEL_SPACES).isprintable()
        for k, v in value.items()
    )


#: A language tag as the article's ``lang`` and Pyphen spell it: "en", "en-US", "pt_BR", "sr-Latn".
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def _hyphenation(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) and _LANG.match(k) and _LANG.match(v) for k, v in value.items())


def _date_format(value: Any) -> bool:
    if value is None:
        return True
    if not isinstance(value, str) or "{" not in value:
        return False
    try:
        fields = [name for _, name, spec, conv in string.Formatter().parse(value) if name is not None]
    except ValueError:
        return False
    return bool(fields) and all(name in _DATE_FIELDS for name in fields)


def _colour(value: Any) -> bool:
    return isinstance(value, str) and bool(_COLOR.match(value))


_FONTS = "a list of font family names (letters, digits, spaces, '.', '_', '-')"
_FONT = "one font family name, as Word knows it (letters, digits, spaces, '.', '_', '-')"
#: The Word font options and the CSS font list each one follows when no theme names it.
_DOCX_FONTS = {"font_docx_body": "font_body", "font_docx_heading": "font_heading"}
_GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
_CHECKS = {
    "paper": (lambda v: v in ("a4", "letter"), "a4 or letter"),
    "font_body": (_fonts, _FONTS),
    "font_heading": (_fonts, _FONTS),
    "font_mono": (_fonts, _FONTS),
    "font_cjk": (_fonts, _FONTS),
    "font_scripts": (_font_scripts, "a mapping of ISO 15924 script codes (Arab, Hebr, Deva...) to lists of font family names"),
    "font_docx_body": (_font_name, _FONT),
    "font_docx_heading": (_font_name, _FONT),
    "font_size": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 6 <= v <= 24, "a size in points from 6 to 24"),
    "line_height": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 1 <= v <= 3, "a number from 1 to 3"),
    "heading_scale": (
        lambda v: isinstance(v, list) and len(v) == 4 and all(isinstance(x, (int, float)) and 0.5 <= x <= 4 for x in v),
        "four numbers, the sizes of headings 1-4 relative to the body",
    ),
    "color_text": (_colour, "a colour such as '#1a1a1a'"),
    "color_accent": (_colour, "a colour such as '#8b1e1e'"),
    "color_muted": (_colour, "a colour such as '#5c5c5c'"),
    "color_tint": (_colour, "a light colour such as '#f4f2ee' (behind notices and code)"),
    "date_format": (_date_format, "a pattern with {day}, {month}, {month_abbr}, {year}"),
    "title_style": (lambda v: v in ("ruled", "band"), "ruled or band"),
    "notice_style": (lambda v: v in ("box", "panel"), "box or panel"),
    "paragraph_style": (lambda v: v in ("indented", "spaced"), "indented or spaced"),
    "labels": (_labels, "a mapping of label texts (printable, no quotes or backslashes)"),
    "schema_type": (lambda v: v in ("auto", "NewsArticle", "Article"), "auto, NewsArticle or Article"),
    "cover_page": (lambda v: isinstance(v, bool), "true or false"),
    "a11y_certified_by": (lambda v: v is None or (isinstance(v, str) and v.strip() != "" and v.isprintable() and len(v) <= 200),
                          "the name of the person or organisation that certifies the EPUB's accessibility"),
    "hyphenation": (_hyphenation, "a mapping of article languages to hyphenation languages, such as {en: en-US}"),
}


def validate_options(theme: Any) -> None:
    """Merge defaults under the theme's options and check each; a bad one names its manifest."""
    merged = dict(DEFAULTS)
    merged.update({key: dict(DEFAULTS[key]) for key in MERGED_KEY_BY_KEY})
    for key, value in theme.options.items():
        if key not in _CHECKS:
            near = difflib.get_close_matches(str(key), list(_CHECKS), n=1)
            hint = f"did you mean '{near[0]}'?" if near else f"known options: {', '.join(sorted(_CHECKS))}"
            raise ThemeError(f"unknown theme option '{key}'; {hint}", *_where(theme, key))
        ok, expected = _CHECKS[key]
        if not ok(value):
            raise ThemeError(f"theme option '{key}' must be {expected}, not {value!r}", *_where(theme, key))
        if key in MERGED_KEY_BY_KEY:
            merged[key].update(value)
        else:
            merged[key] = value
    for docx_key, css_key in _DOCX_FONTS.items():
        if merged[docx_key] is None or _follows_css_list(theme, docx_key, css_key):
            merged[docx_key] = first_named_font(merged[css_key])
    theme.options = merged


def first_named_font(fonts: list[str]) -> str:
    """The first family of a CSS font list that is not a generic family (what Word can be given)."""
    for name in fonts:
        if name not in _GENERIC:
            return name
    return {"monospace": "Courier New", "sans-serif": "Arial"}.get(fonts[0], "Times New Roman")


def _follows_css_list(theme: Any, docx_key: str, css_key: str) -> bool:
    """True when the theme nearest the child that sets either option sets only the CSS list: a
    child that changes ``font_body`` must not keep its parent's Word font for the old list."""
    import yaml

    from .files import MANIFEST

    for folder in getattr(theme, "chain", []):
        try:
            data = yaml.safe_load((folder / MANIFEST).read_text("utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        opts = data.get("options") if isinstance(data, dict) else None
        if isinstance(opts, dict) and (docx_key in opts or css_key in opts):
            return docx_key not in opts
    return False


def _where(theme: Any, key: str) -> tuple[Path, int | None]:
    """The manifest and line that set an option, for the error message."""
    from .files import MANIFEST

    for folder in theme.chain:
        manifest = folder / MANIFEST
        try:
            for number, line in enumerate(manifest.read_text("utf-8").splitlines(), 1):
                if line.strip().startswith(f"{key}:"):
                    return manifest, number
        except OSError:
            continue
    return theme.chain[0] / MANIFEST, None


def css_font_list(fonts: list[str]) -> str:
    """A CSS font-family value from a list of names."""
    generic = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
    return ", ".join(f if f in generic else '"' + f.replace('"', "") + '"' for f in fonts)


def css_mix(colour: str, other: str, weight: float) -> str:
    """``colour`` mixed with ``other`` (``weight`` of ``other``, 0 to 1), as ``#rrggbb``: for a
    dark scheme's lighter accent, computed once instead of with CSS color-mix()."""
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * weight):02x}" for x, y in zip(a, b))


def css_folio(pattern: str) -> str:
    """A folio label ("Page {page} of {pages}") as a CSS ``content`` value:
    ``"Page " counter(page) " of " counter(pages)``."""
    return " ".join(f"counter({p[1:-1]})" if p in ("{page}", "{pages}") else css_string(p) for p in folio_pieces(pattern))


def css_string(text: str) -> str:
    """A text as a quoted CSS string (for ``content:``)."""
    escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\{ord(c):x} " for c in str(text))
    return f'"{escaped}"'
