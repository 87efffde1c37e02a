"""Dates and lists of names in the article's language, from the Unicode CLDR through Babel: the long
date in the language's own digits, and the separators of its list pattern ("A, B and C", "A وB وC")."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from ..read.numbering import native_digits

_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]
#: Stand-ins for the names while Babel joins them (private-use characters no list pattern holds).
_SLOT = "\ue000"


def _locale(lang: str) -> Any:
    from babel import Locale, UnknownLocaleError

    tag = lang.replace("-", "_")
    for candidate in (tag, tag.split("_")[0]):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return Locale.parse("en")


def in_digits(text: str, lang: str) -> str:
    """``text`` with its 0-9 written in the language's digits where CLDR's default numbering
    system for it is not 0-9 (fa: ۳۰ اکتبر ۲۰۲۵; ar-EG Arabic-Indic; plain ar keeps 0-9)."""
    digits = native_digits(lang)
    return text if digits is None else text.translate({ord("0") + i: digits[i] for i in range(10)})


def format_date(date: dt.date, pattern: str | None, lang: str = "en") -> str:
    """A date for display, independent of the machine's locale: the theme's ``date_format``
    pattern if it sets one, else the long form of the article's language from the Unicode CLDR
    through Babel, in its digits (en, en-US "October 30, 2025"; en-GB "30 October 2025"; fr
    "30 octobre 2025"; fa "۳۰ اکتبر ۲۰۲۵")."""
    if pattern:
        month = _MONTHS[date.month - 1]
        return pattern.format(day=date.day, month=month, month_abbr=month[:3], year=date.year, iso=date.isoformat())
    from babel.dates import format_date as cldr_date

    return in_digits(cldr_date(date, "long", locale=_locale(lang)), lang)


@lru_cache(maxsize=256)
def list_separators(count: int, lang: str) -> tuple[str, ...]:
    """What stands before each of ``count`` names joined by the language's list pattern: ``""``
    before the first, then ", " ... " and " (en), " و" (ar), "、" (ja)."""
    if count < 2:
        return ("",) * count
    from babel.lists import format_list

    slots = [f"{_SLOT}{chr(0xE001 + i)}" for i in range(count)]
    joined = format_list(slots, locale=_locale(lang))
    separators = [""]
    for i in range(1, count):
        before, after = joined.index(slots[i - 1]) + len(slots[i - 1]), joined.index(slots[i])
        separators.append(joined[before:after])
    return tuple(separators)


def join_names(names: list[str], lang: str) -> str:
    """Names joined as the language lists them: "A, B, and C" (en), "A وB وC" (ar), "A、B、C" (ja)."""
    return "".join(sep + name for sep, name in zip(list_separators(len(names), lang), names))


@lru_cache(maxsize=256)
def item_separator(lang: str) -> str:
    """What stands between items of an unordered list of topics: the language's list pattern's
    first separator, without its "and" (", " in en, "، " in ar, "、" in ja and zh)."""
    return list_separators(3, lang)[1]


def join_items(items: list[str], lang: str) -> str:
    """Topics (keywords) joined as the language separates list items; when an item holds that
    separator itself ("harbour, renewal"), a semicolon keeps one from the next."""
    sep = item_separator(lang)
    if any(sep.strip() and sep.strip() in item for item in items):
        sep = "\uff1b" if sep.strip() in "\u3001\uff0c" else "; "
    return sep.join(items)
