"""The words publish itself writes into an output (Contents, Notes, the folio...), in the article's
language: English in ``translations/en.yaml``, one file a language beside it, the theme's own
``labels`` over both."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
#: Characters a label may hold besides printable ones: no-break spaces (French "Sujets :") and the
#: joiners Persian words are spelt with (پانوشت‌ها).
LABEL_SPACES = "\u00a0\u202f\u200c\u200d"
_FOLIO = re.compile(r"\{(pages?)\}")
#: Chinese by the region a tag names when it names no script (zh-TW is written in Traditional characters).
_HANT_REGIONS = {"TW", "HK", "MO"}


@lru_cache(maxsize=None)
def _table(name: str) -> dict[str, str]:
    path = TRANSLATIONS / f"{name}.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    return {str(k): str(v) for k, v in data.items()}


def english() -> dict[str, str]:
    """Every label in English: the keys a theme may set, and what a language without a word for one shows."""
    return dict(_table("en"))


def translated_languages() -> list[str]:
    """The language tags that have a table of their own (besides English)."""
    return sorted(p.stem for p in TRANSLATIONS.glob("*.yaml") if p.stem != "en")


def _candidates(lang: str) -> list[str]:
    """The tables a BCP 47 tag reads, most specific first: zh-Hant-TW, zh-Hant, zh; zh-TW reads zh-Hant."""
    parts = [p for p in lang.replace("_", "-").split("-") if p]
    if not parts:
        return []
    base = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    region = next((p.upper() for p in parts[1:] if len(p) == 2 or (len(p) == 3 and p.isdigit())), None)
    if base == "zh" and script is None:
        script = "Hant" if region in _HANT_REGIONS else "Hans"
    found = [f"{base}-{script}-{region}" if script and region else None, f"{base}-{script}" if script else None,
             f"{base}-{region}" if region else None, base]
    return [name for name in found if name]


def labels_for(lang: str, theme_labels: dict[str, str]) -> dict[str, str]:
    """The labels of an article in ``lang``: the theme's where it sets one (a value other than the
    English default), else the language's table, else English. ``theme_labels`` is the theme's
    ``labels`` option, merged over English."""
    merged = english()
    for name in reversed(_candidates(lang)):
        merged.update(_table(name))
    defaults = _table("en")
    merged.update({key: value for key, value in theme_labels.items() if defaults.get(key) != value})
    return merged


def folio_pieces(pattern: str) -> list[str]:
    """A folio pattern ("Page {page} of {pages}") cut into its words and its two numbers: the
    numbers are the strings ``{page}`` and ``{pages}``; text pieces stand between them."""
    pieces = _FOLIO.split(pattern)  # text, name, text, name, ... text
    return [f"{{{piece}}}" if i % 2 else piece for i, piece in enumerate(pieces) if piece]


def folio_text(pattern: str, page: str, pages: str) -> str:
    """The folio as a page shows it, its numbers already written in the article's digits."""
    return "".join(page if p == "{page}" else pages if p == "{pages}" else p for p in folio_pieces(pattern))


def numbered(label: str, value: str) -> str:
    """A label with its number: "Volume 3", or where the label places it ("第{}巻" -> "第3巻")."""
    return label.replace("{}", value) if "{}" in label else f"{label} {value}"
