"""The digits a language writes numbers with: the default numbering system CLDR gives its locale
(through Babel), e.g. Arabic-Indic for ar-EG and ar-SA, Persian (Extended Arabic-Indic) for fa,
Bengali for bn, Devanagari for mr and ne; None for the languages whose default is Western digits
(latn: en, he, hi, th and, in CLDR 44, plain ar)."""
from __future__ import annotations

from functools import lru_cache

#: The zero of each decimal numbering system of CLDR (numberingSystems.xml) whose digits follow
#: one another in Unicode, as the default of some locale or a native one.
_ZEROS = {
    "arab": 0x0660, "arabext": 0x06F0, "nkoo": 0x07C0, "deva": 0x0966, "beng": 0x09E6, "guru": 0x0A66,
    "gujr": 0x0AE6, "orya": 0x0B66, "tamldec": 0x0BE6, "telu": 0x0C66, "knda": 0x0CE6, "mlym": 0x0D66,
    "thai": 0x0E50, "laoo": 0x0ED0, "tibt": 0x0F20, "mymr": 0x1040, "khmr": 0x17E0, "mong": 0x1810,
    "limb": 0x1946, "bali": 0x1B50, "sund": 0x1BB0, "olck": 0x1C50, "vaii": 0xA620, "java": 0xA9D0,
    "mtei": 0xABF0, "rohg": 0x10D30, "cakm": 0x11136, "adlm": 0x1E950,
}


@lru_cache(maxsize=64)
def numbering_system(lang: str) -> str:
    """CLDR's default numbering system for a BCP 47 tag (``latn`` when Babel does not know it)."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        try:
            locale = Locale.parse(lang.replace("_", "-").split("-")[0])
        except (ValueError, TypeError, UnknownLocaleError):
            return "latn"
    return str(getattr(locale, "default_numbering_system", None) or "latn")


def native_digits(lang: str) -> str | None:
    """The ten digits, zero first, a language writes numbers with when they are not 0-9, else None."""
    zero = _ZEROS.get(numbering_system(lang))
    return None if zero is None else "".join(chr(zero + i) for i in range(10))


def localize_number(number: int, lang: str) -> str:
    """A whole number in the language's digits (``12`` is ``١٢`` for ar-EG, ``۱۲`` for fa)."""
    digits = native_digits(lang)
    text = str(number)
    return text if digits is None else text.translate({ord("0") + i: digits[i] for i in range(10)})
