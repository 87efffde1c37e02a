"""The article's language: guessed from its script when the front matter has no `lang` and the
text leaves no doubt (kana: Japanese, hangul: Korean, Han alone: Chinese), and the CJK font faces
that draw it with its own glyph forms (Noto CJK JP, KR, TC, HK or SC)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ..model import Metadata, Node

_KANA = re.compile("[\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fd-\u30ff\u31f0-\u31ff\uff66-\uff9d]")
_HANGUL = re.compile("[\u1100-\u11ff\u3131-\u318e\uac00-\ud7a3]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
#: At least this share of the letters must be CJK for a guess (an English text quoting a few
#: Chinese words stays English), and at least this many CJK characters.
MIN_SHARE = 0.3
MIN_CJK = 20


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
    kana = len(_KANA.findall(text))
    hangul = len(_HANGUL.findall(text))
    han = len(_HAN.findall(text))
    cjk = kana + hangul + han
    letters = sum(1 for c in text if c.isalpha())
    if cjk < MIN_CJK or cjk < MIN_SHARE * letters:
        return None
    if kana >= 0.05 * cjk and hangul < 0.05 * cjk:
        return Guess("ja", "Japanese (it has kana)")
    if hangul >= 0.5 * cjk and kana < 0.05 * cjk:
        return Guess("ko", "Korean (it is in hangul)")
    if kana + hangul <= 0.01 * cjk:  # a stray の in a brand name does not make Chinese Japanese
        return Guess("zh", "Chinese (Han characters without kana or hangul)")
    return None


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
