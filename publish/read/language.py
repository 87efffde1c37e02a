"""The article's language and direction: the language guessed from its script when the front
matter has no `lang` and the text leaves no doubt (kana: Japanese, hangul: Korean, Han alone:
Chinese; Arabic script: Arabic, Persian or Urdu; Hebrew; Devanagari, Bengali, Tamil, Thai, Khmer,
Greek, Cyrillic), the direction a language is written in (pandoc's `dir`), the base direction of
one paragraph (its first strong character, as HTML's ``dir="auto"``), and the CJK font faces that
draw a language with its own glyph forms (Noto CJK JP, KR, TC, HK or SC)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from ..media.fonts import CJK, SCRIPT_LETTERS
from ..model import Metadata, Node

_KANA = re.compile("[\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fd-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
_HANGUL = re.compile("[\u1100-\u11ff\u3131-\u318e\uac00-\ud7a3]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
#: At least this share of the letters must be CJK for a guess (an English text quoting a few
#: Chinese words stays English), and at least this many CJK characters.
MIN_SHARE = 0.3
MIN_CJK = 20
#: An alphabetic script must be at least this share of the letters (an English text quoting an
#: Arabic or Greek passage stays English), and at least MIN_CJK of them.
MIN_SCRIPT_SHARE = 0.5

#: The letters of each script a language is guessed from (only letters count: digits and
#: punctuation of the Arabic block do not), by ISO 15924 code: those Latin fonts lack, and Greek and Cyrillic.
_SCRIPTS = {**{code: re.compile(f"[{letters}]") for code, letters in SCRIPT_LETTERS.items()},
            "Grek": re.compile("[\u0370-\u03ff\u1f00-\u1fff]"), "Cyrl": re.compile("[\u0400-\u04ff\u0500-\u052f]")}
_SCRIPT_LANGUAGES = {
    "Hebr": ("he", "Hebrew (it is in Hebrew script)"),
    "Deva": ("hi", "Hindi (it is in Devanagari; Marathi and Nepali are too: say which)"),
    "Beng": ("bn", "Bengali (it is in Bengali script)"),
    "Taml": ("ta", "Tamil (it is in Tamil script)"),
    "Thai": ("th", "Thai (it is in Thai script)"),
    "Khmr": ("km", "Khmer (it is in Khmer script)"),
    "Grek": ("el", "Greek (it is in Greek script)"),
}
#: Letters Urdu writes and Arabic does not (ٹ ڈ ڑ ں ے), and those Persian (and Urdu) write (پ چ ژ گ).
_URDU = re.compile("[\u0679\u0688\u0691\u06ba\u06d2]")
_PERSIAN = re.compile("[\u067e\u0686\u0698\u06af]")
#: Letters Ukrainian writes and Russian does not (і ї є ґ).
_UKRAINIAN = re.compile("[\u0456\u0457\u0454\u0491\u0406\u0407\u0404\u0490]")
#: A marker letter must be at least this share of the script's letters (a Persian name in an
#: Arabic article does not make it Persian).
_MARKER_SHARE = 0.004


@dataclass(frozen=True)
class Guess:
    """A language tag inferred from the text, and its English name for the warning."""

    tag: str
    name: str


def _texts(nodes: Iterable[Node]) -> Iterable[str]:
    for node in nodes:
        if node.kind in ("code", "code_block", "math", "math_block"):
            continue
        if node.text:
            yield node.text
        yield from _texts(node.children)


def infer_script_language(text: str) -> Guess | None:
    """The language a text's script makes certain, or None (a Latin text, a mix, too little text)."""
    letters = sum(1 for c in text if c.isalpha())
    return _cjk_language(text, letters) or _alphabet_language(text, letters)


def _cjk_language(text: str, letters: int) -> Guess | None:
    kana = len(_KANA.findall(text))
    hangul = len(_HANGUL.findall(text))
    han = len(_HAN.findall(text))
    cjk = kana + hangul + han
    if cjk < MIN_CJK or cjk < MIN_SHARE * letters:
        return None
    if kana >= 0.05 * cjk and hangul < 0.05 * cjk:
        return Guess("ja", "Japanese (it has kana)")
    if hangul >= 0.5 * cjk and kana < 0.05 * cjk:
        return Guess("ko", "Korean (it is in hangul)")
    if kana + hangul <= 0.01 * cjk:  # a stray の in a brand name does not make Chinese Japanese
        return Guess("zh", "Chinese (Han characters without kana or hangul)")
    return None


def _alphabet_language(text: str, letters: int) -> Guess | None:
    counts = {script: len(pattern.findall(text)) for script, pattern in _SCRIPTS.items()}
    script, count = max(counts.items(), key=lambda item: item[1])
    if count < MIN_CJK or count < MIN_SCRIPT_SHARE * letters:
        return None

    def marked(pattern: re.Pattern[str]) -> bool:
        found = len(pattern.findall(text))
        return found >= 3 and found >= _MARKER_SHARE * count

    if script == "Arab":
        if marked(_URDU):
            return Guess("ur", "Urdu (Arabic script with \u0679 \u0688 \u0691 \u06ba \u06d2)")
        if marked(_PERSIAN):
            return Guess("fa", "Persian (Arabic script with \u067e \u0686 \u0698 \u06af)")
        return Guess("ar", "Arabic (it is in Arabic script)")
    if script == "Cyrl":
        if marked(_UKRAINIAN):
            return Guess("uk", "Ukrainian (Cyrillic with \u0456 \u0457 \u0454 \u0491)")
        return Guess("ru", "Russian (it is in Cyrillic script)")
    tag, name = _SCRIPT_LANGUAGES[script]
    return Guess(tag, name)


#: Languages written in a script Latin fonts lack, when their tag names no script.
_LANGUAGE_SCRIPTS = {
    **dict.fromkeys(("ar", "fa", "ur", "ps", "ckb", "sd", "ug", "ks", "prs", "pnb", "khw"), "Arab"),
    **dict.fromkeys(("he", "iw", "yi", "ji"), "Hebr"),
    **dict.fromkeys(("hi", "mr", "ne", "sa", "mai", "bho"), "Deva"),
    "bn": "Beng", "as": "Beng", "ta": "Taml", "th": "Thai", "km": "Khmr", "dv": "Thaa", "syr": "Syrc",
}


def language_script(lang: str) -> str | None:
    """The ISO 15924 code of the script a language tag is written in when Latin fonts lack it
    (``ar`` Arab, ``he`` Hebr, ``hi`` Deva, ``th`` Thai, ``ku-Arab`` Arab), else None."""
    parts = lang.replace("_", "-").split("-")
    script = next((p for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    if script is not None:
        code = script.title()
        return None if code in ("Latn", "Cyrl", "Grek") else code
    return _LANGUAGE_SCRIPTS.get(parts[0].lower())


#: The region Word names a complex-script language with when the tag has none (w:lang w:bidi).
_WORD_REGIONS = {"ar": "SA", "fa": "IR", "he": "IL", "ur": "PK", "ps": "AF", "hi": "IN", "mr": "IN", "ne": "NP", "bn": "BD",
                 "ta": "IN", "th": "TH", "km": "KH", "dv": "MV", "syr": "SY", "yi": "001", "ckb": "IQ", "sd": "PK", "ug": "CN"}


def complex_language(lang: str) -> str | None:
    """The language tag Word is given for complex-script text (``w:lang w:bidi``): the article's
    when it is written in such a script (``ar`` gives ar-SA, ``fa-AF`` stays), else None."""
    if language_script(lang) is None:
        return None
    parts = lang.replace("_", "-").split("-")
    if any(len(p) == 2 and p.isalpha() or len(p) == 3 and p.isdigit() for p in parts[1:]):
        return lang
    region = _WORD_REGIONS.get(parts[0].lower())
    return f"{parts[0]}-{region}" if region else lang


def text_script(text: str) -> str | None:
    """The ISO 15924 code of the script (other than Latin, Greek or Cyrillic) a text has most
    letters of, at least MIN_CJK of them (an English article quoting Arabic: Arab), else None."""
    counts = {code: len(pattern.findall(text)) for code, pattern in _SCRIPTS.items() if code in SCRIPT_LETTERS}
    code, count = max(counts.items(), key=lambda item: item[1])
    return code if count >= MIN_CJK else None


#: Languages written right to left when their tag names no script (pandoc's `dir: rtl`).
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "khw", "ks", "pnb", "prs", "ps", "sd", "syr", "ug",
                           "ur", "yi", "ji"})
#: Scripts written right to left, as BCP 47 script subtags (``ku-Arab``, ``pa-Arab``, ``az-Arab``).
RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr"})


def language_direction(lang: str) -> str:
    """``rtl`` or ``ltr``, the direction a BCP 47 tag's language is written in: its script
    subtag when it has one (``ku-Arab`` right to left, ``az-Latn`` left to right), else the language."""
    parts = lang.lower().replace("_", "-").split("-")
    script = next((p for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    if script is not None:
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    return "rtl" if parts[0] in RTL_LANGUAGES else "ltr"


def text_direction(text: str) -> str | None:
    """The base direction of a paragraph as HTML's ``dir="auto"`` finds it (the Unicode
    bidirectional algorithm's rules P2 and P3): ``rtl`` when its first strong character is
    right to left (Arabic, Hebrew...), ``ltr`` when it is left to right, None when it has none."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def has_rtl(text: str) -> bool:
    """Whether a text holds any right-to-left character."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def infer_language(meta: Metadata, blocks: list[Node]) -> Guess | None:
    """The language of an article without `lang`, from its title and body, when certain."""
    parts = [meta.title.text, meta.subtitle.text if meta.subtitle else "", *_texts(blocks)]
    return infer_script_language("\n".join(parts))


#: Language (and region or script) -> the suffix of the Noto CJK / Source Han family that draws it.
_REGIONS = {"ja": "JP", "ko": "KR", "zh-hant": "TC", "zh-tw": "TC", "zh-hk": "HK", "zh-mo": "HK", "zh-hans": "SC", "zh-cn": "SC",
            "zh-sg": "SC", "zh": "SC"}
_CJK_FAMILY = re.compile(r"^((?:Noto (?:Sans|Serif)(?: Mono)? CJK)|(?:Source Han (?:Sans|Serif))) (SC|TC|HK|JP|KR)$")


def cjk_region(lang: str) -> str | None:
    """JP, KR, TC, HK or SC for a CJK language tag (zh-Hant-TW: TC; zh-HK: HK), else None."""
    parts = lang.lower().split("-")
    if parts[0] not in ("ja", "ko", "zh"):
        return None
    if parts[0] != "zh":
        return _REGIONS[parts[0]]
    for part in parts[1:]:
        found = _REGIONS.get(f"zh-{part}")
        if found:
            # zh-Hant-HK is Hong Kong's forms, zh-Hant alone Taiwan's
            if found == "TC" and "hk" in parts[1:]:
                return "HK"
            return found
    return "SC"


def cjk_fonts(lang: str, fonts: list[str]) -> list[str]:
    """The theme's CJK font list for an article's language: each Noto CJK / Source Han family
    named for another region is replaced by the same family for the language's region, so that
    Japanese is drawn with Japanese glyph forms rather than Simplified Chinese ones."""
    region = cjk_region(lang)
    if region is None:
        return list(fonts)
    chosen: list[str] = []
    for font in fonts:
        match = _CJK_FAMILY.match(font)
        name = f"{match.group(1)} {region}" if match else font
        if name not in chosen:
            chosen.append(name)
    return chosen


def language_script_code(lang: str) -> str | None:
    """The ``font_scripts`` code (or Hani, for the CJK font) of the script a language tag is written
    in when Latin fonts lack it: ``ar`` Arab, ``ja`` and ``zh-Hant`` Hani, ``en`` None."""
    return CJK if cjk_region(lang) else language_script(lang)


def language_selector(script: str, langs: Iterable[str], element: str = "body") -> str:
    """The CSS selector of ``element`` in each of ``langs`` written in ``script``
    (``body:lang(ar)``): a font named there is inherited by the text, and yields to the rules
    that name a font of their own (headings, code)."""
    return ", ".join(f"{element}:lang({lang})" for lang in dict.fromkeys(langs) if language_script_code(lang) == script)
