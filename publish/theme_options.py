"""Theme options: the one place fonts, sizes, colours and paper are set for PDF, EPUB and DOCX alike."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import ThemeError

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

#: name -> (default, checker description); a theme's options override these.
DEFAULTS: dict[str, Any] = {
    "paper": "a4",
    "font_body": ["Charis SIL", "DejaVu Serif", "serif"],
    "font_heading": ["Charis SIL", "DejaVu Serif", "serif"],
    "font_mono": ["DejaVu Sans Mono", "monospace"],
    "font_cjk": ["Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei"],
    "font_size": 10.5,
    "line_height": 1.4,
    "heading_scale": [1.9, 1.35, 1.15, 1.0],
    "color_text": "#1a1a1a",
    "color_accent": "#8b1e1e",
    "color_muted": "#5c5c5c",
    "date_format": "{day} {month_abbr} {year}",
    "labels": {
        "source": "Reprinted from",
        "contact": "Contact",
        "credits": "Credits",
        "rights": "Rights",
        "publisher": "Published by",
        "keywords": "Topics:",
        "page": "Page",
        "of": "of",
    },
}


def _fonts(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v.strip() for v in value)


_CHECKS = {
    "paper": (lambda v: v in ("a4", "letter"), "a4 or letter"),
    "font_body": (_fonts, "a list of font family names"),
    "font_heading": (_fonts, "a list of font family names"),
    "font_mono": (_fonts, "a list of font family names"),
    "font_cjk": (_fonts, "a list of font family names"),
    "font_size": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 6 <= v <= 24, "a size in points from 6 to 24"),
    "line_height": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 1 <= v <= 3, "a number from 1 to 3"),
    "heading_scale": (
        lambda v: isinstance(v, list) and len(v) == 4 and all(isinstance(x, (int, float)) and 0.5 <= x <= 4 for x in v),
        "four numbers, the sizes of headings 1-4 relative to the body",
    ),
    "color_text": (lambda v: isinstance(v, str) and bool(_COLOR.match(v)), "a colour such as '#1a1a1a'"),
    "color_accent": (lambda v: isinstance(v, str) and bool(_COLOR.match(v)), "a colour such as '#8b1e1e'"),
    "color_muted": (lambda v: isinstance(v, str) and bool(_COLOR.match(v)), "a colour such as '#5c5c5c'"),
    "date_format": (lambda v: isinstance(v, str) and "{" in v, "a pattern with {day}, {month}, {month_abbr}, {year}"),
    "labels": (lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()), "a mapping of label texts"),
}


def validate_options(theme: Any) -> None:
    """Merge defaults under the theme's options and check each; a bad one names its manifest."""
    merged = dict(DEFAULTS)
    labels = dict(DEFAULTS["labels"])
    for key, value in theme.options.items():
        if key not in _CHECKS:
            raise ThemeError(f"unknown theme option '{key}'; known options: {', '.join(sorted(_CHECKS))}", *_where(theme, key))
        ok, expected = _CHECKS[key]
        if not ok(value):
            raise ThemeError(f"theme option '{key}' must be {expected}, not {value!r}", *_where(theme, key))
        if key == "labels":
            labels.update(value)
        else:
            merged[key] = value
    merged["labels"] = labels
    theme.options = merged


def _where(theme: Any, key: str) -> tuple[Path, int | None]:
    """The manifest and line that set an option, for the error message."""
    from .themes import MANIFEST

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
