"""Chinese, Japanese and Korean articles carry their font like the other scripts: the EPUB and the
web page hold a WOFF2 subset of the regular and bold faces of the theme's CJK family in the faces of
the article's region (Noto Serif CJK JP for ja, KR for ko, TC for zh-Hant, out of the one .ttc
that holds them all), declared with a unicode-range, covering every Han, kana and hangul character
the page shows, a subset of a few hundred kilobytes and not the 20 MB font; EPUBCheck finds
nothing, and a Chromium without any CJK font draws the title with the embedded face."""
from __future__ import annotations

import base64
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from publish.builder.pipeline import build
from publish.media.fonts import installed_family
from publish.media.script_fonts import CJK, SCRIPT_RANGES
from test_script_fonts import OPF, _check_face, _family, _font_faces, bare_browser, body_font_list, drawn_fonts  # noqa: F401 (a fixture)

#: lang, the family the default theme draws it with, a body.
ARTICLES = {
    "ja": ("Noto Serif CJK JP", "通商交渉は三週目に入った。各国の代表団は関税と原産地規則について協議し、"
                                "省の報道官は三日間の日程で合意したと述べた。港湾での検査手続きも議題となった。"),
    "ko": ("Noto Serif CJK KR", "무역 협상이 셋째 주에 접어들었다. 대표단은 관세와 원산지 규정을 논의했으며 "
                                "부처 대변인은 양측이 사흘간의 일정에 합의했다고 말했다."),
    "zh-Hant": ("Noto Serif CJK TC", "貿易談判進入第三週。各代表團討論了關稅與原產地規則，部會發言人表示雙方已就三天的議程達成共識。"),
}


def _cjk_chars(text: str) -> set[str]:
    return {c for c in text if c.isalpha() and any(low <= ord(c) <= high for low, high in SCRIPT_RANGES[CJK])}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Each article built as an EPUB and a web page (verify on)."""
    out = tmp_path_factory.mktemp("cjk-fonts")
    found = {}
    for lang, (family, body) in ARTICLES.items():
        if not installed_family(family):
            continue
        source = out / f"{lang}.md"
        source.write_text(f"---\ntitle: {body[:6]}\nlang: {lang}\ndate: 2025-10-30\n---\n\n{body}\n\n## {body[:4]}\n\n{body}\n", "utf-8")
        found[lang] = {r.path.suffix[1:]: r.path for r in build([source], formats=["epub", "html"], out=out / lang, project=out)}
    if not found:
        pytest.skip("no Noto CJK font is installed (Debian: apt install fonts-noto-cjk)")
    return found


def _case(built: dict, lang: str) -> tuple[dict[str, Path], str]:
    if lang not in built:
        pytest.skip(f"{ARTICLES[lang][0]} is not installed (Debian: apt install fonts-noto-cjk)")
    return built[lang], ARTICLES[lang][0]


@pytest.mark.parametrize("lang", list(ARTICLES))
def test_epub_carries_a_subset_of_the_regions_cjk_face_for_every_character(built, lang) -> None:
    paths, family = _case(built, lang)
    with zipfile.ZipFile(paths["epub"]) as book:
        opf_name = next(n for n in book.namelist() if n.endswith(".opf"))
        base = opf_name.rsplit("/", 1)[0] + "/"
        items = {i.get("href"): i.get("media-type") for i in etree.fromstring(book.read(opf_name)).iter(f"{{{OPF}}}item")}
        css_href = next(h for h, t in items.items() if t == "text/css")
        css = book.read(base + css_href).decode("utf-8")
        text = "".join("".join(etree.fromstring(book.read(base + h)).itertext()) for h, t in items.items() if t == "application/xhtml+xml")
        chars = _cjk_chars(text)
        assert len(chars) > 30
        sizes = {}

        def read(url: str) -> bytes:
            href = str(Path(css_href).parent / url).replace("css/../", "")
            assert items.get(href) == "font/woff2", f"{href} is not in the manifest as font/woff2"
            sizes[href] = len(data := book.read(base + href))
            return data

        _check_face(_font_faces(css), family, chars, read, text)
    installed = Path(installed_family(family)[80]).stat().st_size
    assert installed > 10_000_000 and all(size < 300_000 for size in sizes.values()), sizes  # a subset, not the font
    assert f'"{family}"' in body_font_list(css, lang), "the body of a page in the article's language names the CJK font"


@pytest.mark.parametrize("lang", list(ARTICLES))
def test_web_page_embeds_a_subset_of_the_regions_cjk_face(built, lang) -> None:
    paths, family = _case(built, lang)
    root = etree.HTML(paths["html"].read_text("utf-8"))
    css = "".join(root.xpath("//style/text()"))
    text = "".join(root.find("body").itertext())
    chars = _cjk_chars(text)

    def read(url: str) -> bytes:
        assert url.startswith("data:font/woff2;base64,")
        data = base64.b64decode(url.split(",", 1)[1])
        assert len(data) < 300_000
        return data

    _check_face(_font_faces(css), family, chars, read, text)


def test_a_latin_article_carries_no_cjk_font(tmp_path) -> None:
    source = tmp_path / "en.md"
    source.write_text("---\ntitle: Trade talks\nlang: en\n---\n\nThe delegations met on Monday, 「quoted」 once.\n", "utf-8")
    [epub] = build([source], formats=["epub"], out=tmp_path / "out", project=tmp_path)
    with zipfile.ZipFile(epub.path) as book:
        assert not [n for n in book.namelist() if "CJK" in n]  # CJK punctuation alone is no reason to carry it


def test_an_english_article_quoting_chinese_leaves_it_to_the_e_readers_fonts_and_embeds_it_in_the_web_page(tmp_path) -> None:
    if not installed_family("Noto Serif CJK SC"):
        pytest.skip("Noto Serif CJK SC is not installed (Debian: apt install fonts-noto-cjk)")
    source = tmp_path / "en.md"
    source.write_text("---\ntitle: Trade talks\nlang: en\n---\n\nThe ministry said: 中美经贸磋商取得基本共识。\n", "utf-8")
    outputs = {r.path.suffix[1:]: r.path for r in build([source], formats=["epub", "html"], out=tmp_path / "out", project=tmp_path)}
    with zipfile.ZipFile(outputs["epub"]) as book:
        assert not [n for n in book.namelist() if "/fonts/" in n and "CJK" in n], book.namelist()
        css = "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".css"))
    assert "CJK" not in css  # no font named for the body of an English book: the reader's font, and its fallbacks
    page = etree.HTML(outputs["html"].read_text("utf-8"))
    faces = [face for face in _font_faces("".join(page.xpath("//style/text()"))) if "CJK" in _family(face.get("font-family", []))]
    assert faces, "the web page carries the CJK face for the quoted sentence"


def test_epubcheck_finds_no_error_or_warning_in_the_books_that_carry_cjk_fonts(built, tmp_path) -> None:
    import shutil

    if shutil.which("java") is None:
        pytest.skip("java is not installed: EPUBCheck needs Java 17+ (apt install default-jre-headless)")
    from test_epub import _epubcheck

    for path, report in _epubcheck([paths["epub"] for paths in built.values()], tmp_path).items():
        messages = [f"{m['severity']} {m['ID']}: {m['message']}" for m in report["messages"]]
        counts = {k: report["checker"][k] for k in ("nFatal", "nError", "nWarning")}
        assert counts == {"nFatal": 0, "nError": 0, "nWarning": 0}, (path.name, messages)


@pytest.mark.parametrize("kind", ["epub", "html"])
def test_a_reader_without_cjk_fonts_draws_the_japanese_title_with_the_embedded_face(built, bare_browser, kind, tmp_path) -> None:
    paths, family = _case(built, "ja")
    drawn = drawn_fonts(bare_browser, paths, kind, tmp_path, ("h1",))["h1"]
    assert drawn.get(family) is True, f"the title is drawn with {drawn}, not the embedded {family}"
