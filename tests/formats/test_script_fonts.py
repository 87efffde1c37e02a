"""The fonts of an article's script travel with it: an Arabic, Persian, Hebrew, Hindi or Thai article's
EPUB and web page carry, subset, the installed Noto face the PDF draws that script with, declared by an
@font-face whose unicode-range and font file cover every letter of the script the page shows (read back
with tinycss2 and fontTools, which publish does not write them with, and shaped by HarfBuzz without a
.notdef); the DOCX names it as the complex-script font (w:cs) and embeds it; a Chromium and a
LibreOffice that have no font for these scripts draw them with the embedded faces; EPUBCheck finds
nothing; and two builds give the same bytes."""
from __future__ import annotations

import base64
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT
from publish.builder.pipeline import build
from publish.media.fonts import installed_family

tinycss2 = pytest.importorskip("tinycss2")
from fontTools.ttLib import TTFont  # noqa: E402

OPF = "http://www.idpf.org/2007/opf"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RTL_FIXTURE = ROOT / "tests" / "fixtures" / "rtl" / "rtl.md"

#: lang, the Unicode name prefix of the script's characters, the family the default theme draws it with, a body.
ARTICLES = {
    "fa": ("ARABIC", "Noto Naskh Arabic",
           "گفتگوهای تجاری وارد سومین هفته شد. هیئت‌ها درباره تعرفه‌های گمرکی و قواعد مبدأ گفتگو کردند و "
           "سخنگوی وزارت گفت که دو طرف بر سر دستور کاری سه‌روزه توافق کرده‌اند. حجم مبادلات ۱۲ درصد افزایش یافت."),
    "he": ("HEBREW", "Noto Serif Hebrew",
           "שיחות הסחר נכנסו לשבוע השלישי. המשלחות דנו במכסים ובכללי המקור, ודובר המשרד אמר כי הצדדים "
           "הסכימו על סדר יום של שלושה ימים הכולל את נוהלי הבדיקה בנמלים."),
    "hi": ("DEVANAGARI", "Noto Serif Devanagari",
           "व्यापार वार्ता तीसरे सप्ताह में प्रवेश कर गई है। प्रतिनिधिमंडलों ने सीमा शुल्क और उत्पत्ति के नियमों पर "
           "चर्चा की, और मंत्रालय के प्रवक्ता ने कहा कि दोनों पक्ष तीन दिन के कार्यक्रम पर सहमत हुए।"),
    "th": ("THAI", "Noto Serif Thai",
           "การเจรจาการค้าเข้าสู่สัปดาห์ที่สามแล้ว คณะผู้แทนหารือเรื่องภาษีศุลกากรและกฎว่าด้วยถิ่นกำเนิดสินค้า "
           "โฆษกกระทรวงกล่าวว่าทั้งสองฝ่ายตกลงกันเรื่องวาระการประชุมสามวัน"),
}


def body_font_list(css: str, lang: str) -> str:
    """The font list the stylesheet gives the body of a page in ``lang`` (``body:lang(ar)``), or ''."""
    rule = re.search(r"(?:^|\n)[^{}\n]*body:lang\(" + re.escape(lang) + r"\)[^{}]*\{[^}]*font-family:\s*([^;}]*)", css)
    return rule.group(1) if rule else ""


def _source(lang: str, body: str) -> str:
    title = body.split(" ")[0] + " " + body.split(" ")[1]
    return (f"---\ntitle: {title}\nlang: {lang}\ndate: 2025-10-30\n---\n\n"
            f"{body}\n\n## {body.split(' ')[2]}\n\n{body}\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Each article (and the Arabic RTL fixture, in both themes) built to every format, verify on."""
    out = tmp_path_factory.mktemp("script-fonts")
    found: dict[str, dict[str, Path]] = {}
    for lang, (_, family, body) in ARTICLES.items():
        if not installed_family(family):
            continue
        source = out / f"{lang}.md"
        source.write_text(_source(lang, body), "utf-8")
        found[lang] = {r.path.suffix[1:]: r.path for r in build([source], out=out / lang, project=out)}
    if installed_family("Noto Naskh Arabic"):
        for theme in ("default", "report"):
            results = build([RTL_FIXTURE], formats=["epub", "html", "pdf"], out=out / f"ar-{theme}", project=ROOT, theme=theme)
            found[f"ar-{theme}"] = {r.path.suffix[1:]: r.path for r in results}
    if not found:
        pytest.skip("no Noto font for these scripts is installed (Debian: apt install fonts-noto-core)")
    return found


CASES = [*ARTICLES, "ar-default", "ar-report"]


def _case(built: dict, name: str) -> tuple[dict[str, Path], str, str]:
    if name not in built:
        pytest.skip(f"the font for {name} is not installed (Debian: apt install fonts-noto-core)")
    # the report theme's Arabic is sans, beside Inter
    arabic = {"ar-default": ("ARABIC", "Noto Naskh Arabic"), "ar-report": ("ARABIC", "Noto Sans Arabic")}
    prefix, family = arabic[name] if name in arabic else ARTICLES[name][:2]
    return built[name], prefix, family


def _script_chars(text: str, prefix: str) -> set[str]:
    return {c for c in text if unicodedata.name(c, "").startswith(prefix + " ")}


def _ranges(value: list) -> list[tuple[int, int]]:
    """A unicode-range descriptor's spans, as tinycss2 tokenises it."""
    spans = []
    for token in value:
        if token.type == "unicode-range":
            spans.append((token.start, token.end))
    return spans


def _font_faces(css: str) -> list[dict[str, list]]:
    """Each @font-face rule of a stylesheet as its descriptors (name -> tokens)."""
    faces = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "font-face":
            declarations = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
            faces.append({d.lower_name: d.value for d in declarations if d.type == "declaration"})
    return faces


def _family(tokens: list) -> str:
    return "".join(t.value for t in tokens if t.type in ("string", "ident"))


def _url(tokens: list) -> str:
    for token in tokens:
        if token.type == "url":
            return token.value
        if token.type == "function" and token.lower_name == "url":
            return next(t.value for t in token.arguments if t.type == "string")
    raise AssertionError(f"no url() in {tokens}")


def _check_face(faces: list[dict], family: str, chars: set[str], read: callable, text: str) -> dict[int, TTFont]:
    """The rules of ``family``: a regular and a bold face, each whose unicode-range and font cover
    ``chars``, and in which HarfBuzz shapes every word of ``text`` in the script without a .notdef
    (a shaper splits some characters, Thai SARA AM, into others the font must have too)."""
    mine = [f for f in faces if _family(f["font-family"]) == family]
    weights = {int(next(t.value for t in f["font-weight"] if t.type == "number")): f for f in mine}
    assert set(weights) == {400, 700}, f"{family}: faces of weights {sorted(weights)}"
    fonts = {}
    for weight, face in weights.items():
        spans = _ranges(face["unicode-range"])
        outside = {c for c in chars if not any(low <= ord(c) <= high for low, high in spans)}
        assert not outside, f"{family} {weight}: unicode-range leaves out {sorted(outside)}"
        data = read(_url(face["src"]))
        font = TTFont(io.BytesIO(data))
        cmap = font.getBestCmap()
        missing = {c for c in chars if ord(c) not in cmap}
        assert not missing, f"{family} {weight}: the embedded font lacks {sorted(missing)}"
        assert family in {font["name"].getDebugName(1), font["name"].getDebugName(16)}
        assert font["name"].getDebugName(13), "the licence (name ID 13) travels in the subset"
        out = io.BytesIO()
        font.flavor = None
        font.save(out)  # HarfBuzz reads the sfnt
        blank = _notdef_words(out.getvalue(), text, chars)
        assert not blank, f"{family} {weight}: HarfBuzz draws .notdef in {blank[:5]}"
        fonts[weight] = font
    return fonts


def _notdef_words(font: bytes, text: str, chars: set[str]) -> list[str]:
    """The words of ``text`` in the script of ``chars`` that the font shapes with a .notdef glyph."""
    import uharfbuzz as hb

    hb_font = hb.Font(hb.Face(font))
    words = {w for w in re.split(r"[\s.,:;!?()\[\]«»“”]+", text) if w and set(w) <= chars | {"\u200c", "\u200d"}}
    blank = []
    for word in sorted(words):
        buf = hb.Buffer()
        buf.add_str(word)
        buf.guess_segment_properties()
        hb.shape(hb_font, buf)
        if any(info.codepoint == 0 for info in buf.glyph_infos):
            blank.append(word)
    return blank


@pytest.mark.parametrize("name", CASES)
def test_epub_carries_the_script_font_for_every_letter_it_shows(built, name) -> None:
    paths, prefix, family = _case(built, name)
    with zipfile.ZipFile(paths["epub"]) as book:
        opf_name = next(n for n in book.namelist() if n.endswith(".opf"))
        base = opf_name.rsplit("/", 1)[0] + "/"
        opf = etree.fromstring(book.read(opf_name))
        items = {i.get("href"): i.get("media-type") for i in opf.iter(f"{{{OPF}}}item")}
        css_href = next(h for h, t in items.items() if t == "text/css")
        css = book.read(base + css_href).decode("utf-8")
        text = "".join("".join(etree.fromstring(book.read(base + h)).itertext()) for h, t in items.items() if t == "application/xhtml+xml")
        chars = _script_chars(text, prefix)
        assert len(chars) > 10

        def read(url: str) -> bytes:
            href = str(Path(css_href).parent / url).replace("css/../", "")
            assert items.get(href) == "font/woff2", f"{href} is not in the manifest as font/woff2"
            return book.read(base + href)

        fonts = _check_face(_font_faces(css), family, chars, read, text)
    # a subset: far smaller than the installed font
    installed = Path(installed_family(family)[80]).stat().st_size
    assert len(fonts[400].getGlyphOrder()) < 400 and installed > 20_000
    # the family is named where the body text and the headings take their font
    stacks = re.findall(r"font-family:\s*([^;}]*)", css)
    lang = opf.findtext(".//{http://purl.org/dc/elements/1.1/}language")
    assert f'"{family}"' in body_font_list(css, lang), "the body's font list names the script's font"
    assert any(f'"{family}"' in s and s.index(f'"{family}"') > 0 for s in stacks), "the headings' list names it after the theme's font"


@pytest.mark.parametrize("name", CASES)
def test_web_page_embeds_the_script_font_for_every_letter_it_shows(built, name) -> None:
    paths, prefix, family = _case(built, name)
    page = paths["html"].read_text("utf-8")
    root = etree.HTML(page)
    css = "".join(root.xpath("//style/text()"))
    body = root.find("body")
    text = "".join(body.itertext())
    chars = _script_chars(text, prefix)
    assert len(chars) > 10

    def read(url: str) -> bytes:
        assert url.startswith("data:font/woff2;base64,")
        return base64.b64decode(url.split(",", 1)[1])

    _check_face(_font_faces(css), family, chars, read, text)
    html_rule = re.search(r"(?:^|\n)html\s*\{[^}]*font-family:\s*([^;}]*)", css)
    assert html_rule and f'"{family}"' in html_rule.group(1)


@pytest.mark.parametrize("name", CASES)
def test_the_pdf_draws_the_script_with_the_font_the_epub_and_web_page_carry(built, name) -> None:
    pypdf = pytest.importorskip("pypdf")
    paths, _, family = _case(built, name)
    names = set()
    for page in pypdf.PdfReader(paths["pdf"]).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert family.replace(" ", "-") in names, f"the PDF's fonts: {sorted(names)}"


@pytest.mark.parametrize("name", list(ARTICLES))
def test_docx_names_the_script_font_for_complex_script_text(built, name) -> None:
    paths, _, family = _case(built, name)
    with zipfile.ZipFile(paths["docx"]) as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
    normal = styles.find(f".//{{{W}}}style[@{{{W}}}styleId='Normal']")
    fonts = normal.find(f".//{{{W}}}rFonts")
    assert fonts is not None and fonts.get(f"{{{W}}}cs") == family


def _deobfuscated(data: bytes, key: str) -> bytes:
    """An embedded Word font's bytes (ECMA-376 Part 1, 17.8.1: the first 32 bytes XORed with the
    key's GUID bytes, read from the last hex pair to the first)."""
    digits = key.strip("{}").replace("-", "")
    mask = bytes.fromhex(digits)[::-1]
    return bytes(b ^ mask[i % 16] for i, b in enumerate(data[:32])) + data[32:]


@pytest.mark.parametrize("name", list(ARTICLES))
def test_docx_embeds_the_script_font_for_every_letter_it_shows(built, name) -> None:
    paths, prefix, family = _case(built, name)
    R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(paths["docx"]) as package:
        table = etree.fromstring(package.read("word/fontTable.xml"))
        rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(package.read("word/_rels/fontTable.xml.rels"))}
        text = "".join(etree.fromstring(package.read("word/document.xml")).itertext())
        font = next(f for f in table.iter(f"{{{W}}}font") if f.get(f"{{{W}}}name") == family)
        embeds = {e.tag.split("}")[1]: e for e in font if e.tag.split("}")[1].startswith("embed")}
        assert set(embeds) == {"embedRegular", "embedBold"}, sorted(embeds)
        chars = _script_chars(text, prefix)
        for embed in embeds.values():
            data = _deobfuscated(package.read("word/" + rels[embed.get(f"{{{R}}}id")]), embed.get(f"{{{W}}}fontKey"))
            cmap = TTFont(io.BytesIO(data)).getBestCmap()
            assert not {c for c in chars if ord(c) not in cmap}
            blank = _notdef_words(data, text, chars)
            assert not blank, f"{family}: HarfBuzz draws .notdef in {blank[:5]}"


def test_libreoffice_without_the_script_font_installed_sets_the_docx_in_the_embedded_one(built, tmp_path) -> None:
    import os
    import shutil
    import subprocess

    paths, _, family = _case(built, "fa")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pypdf = pytest.importorskip("pypdf")
    if soffice is None:
        pytest.skip("needs LibreOffice (soffice)")
    env = {**os.environ, "FONTCONFIG_FILE": str(_latin_only_fontconfig(tmp_path))}
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(paths["docx"])], capture_output=True, timeout=180, check=True, env=env)
    names = set()
    for page in pypdf.PdfReader(tmp_path / "fa.pdf").pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert family.replace(" ", "") + "-Regular" in names, names


def test_two_builds_of_an_arabic_article_give_the_same_epub_and_web_page(built, tmp_path) -> None:
    paths, _, _ = _case(built, "ar-default")
    again = {r.path.suffix[1:]: r.path for r in build([RTL_FIXTURE], formats=["epub", "html"], out=tmp_path, project=ROOT)}
    for kind in ("epub", "html"):
        assert again[kind].read_bytes() == paths[kind].read_bytes(), f"the {kind} differs from one build to the next: {_differing(again[kind], paths[kind])}"


def _differing(one: Path, other: Path) -> list[str]:
    """The members of two zip files whose bytes differ (nothing for a page)."""
    if not zipfile.is_zipfile(one):
        return []
    with zipfile.ZipFile(one) as a, zipfile.ZipFile(other) as b:
        return [n for n in sorted(set(a.namelist()) | set(b.namelist())) if n not in b.namelist() or n not in a.namelist() or a.read(n) != b.read(n)]


def test_a_latin_article_carries_no_script_font(tmp_path) -> None:
    source = tmp_path / "en.md"
    source.write_text("---\ntitle: Trade talks\nlang: en\n---\n\nThe delegations met on Monday.\n", "utf-8")
    [epub, html] = build([source], formats=["epub", "html"], out=tmp_path / "out", project=tmp_path)
    with zipfile.ZipFile(epub.path) as book:
        assert not [n for n in book.namelist() if "Noto" in n]
    assert "Noto Naskh Arabic\"; font-style" not in html.path.read_text("utf-8")


def test_epubcheck_finds_no_error_or_warning_in_the_books_that_carry_script_fonts(built, tmp_path) -> None:
    import shutil

    if shutil.which("java") is None:
        pytest.skip("java is not installed: EPUBCheck needs Java 17+ (apt install default-jre-headless)")
    from test_epub import _epubcheck  # one JVM for every book (the Arabic fixture is checked there)

    books = [built[name]["epub"] for name in ARTICLES if name in built]
    for path, report in _epubcheck(books, tmp_path).items():
        messages = [f"{m['severity']} {m['ID']}: {m['message']}" for m in report["messages"]]
        counts = {k: report["checker"][k] for k in ("nFatal", "nError", "nWarning")}
        assert counts == {"nFatal": 0, "nError": 0, "nWarning": 0}, (path.name, messages)


# -- a reading system without the fonts ------------------------------------------------------------
def _latin_only_fontconfig(folder: Path) -> Path:
    """A fontconfig file (for FONTCONFIG_FILE) that finds one font, Noto Sans: Latin, Greek, Cyrillic."""
    latin = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
    if not latin.is_file():
        pytest.skip("no Noto Sans (Debian: apt install fonts-noto-core)")
    (folder / "fonts").mkdir()
    (folder / "fonts" / latin.name).symlink_to(latin)
    conf = folder / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>{folder / "fonts"}</dir>'
                    f'<cachedir>{folder / "cache"}</cachedir></fontconfig>', "utf-8")
    return conf


@pytest.fixture(scope="module")
def bare_browser(tmp_path_factory: pytest.TempPathFactory):
    """Headless Chromium (the engine of Readium-based e-readers) that sees one Latin font and nothing
    for Arabic, Hebrew, Devanagari or Thai: what it draws those with can only come from the file."""
    import os

    from chromium import Chromium, find_chromium

    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium (Debian: apt install chromium)")
    conf = _latin_only_fontconfig(tmp_path_factory.mktemp("fontconfig"))
    before = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(conf)
    try:
        browser = Chromium(executable)
    finally:
        if before is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = before
    with browser:
        yield browser


def drawn_fonts(browser, paths: dict[str, Path], kind: str, folder: Path, selectors: tuple[str, ...]) -> dict[str, dict[str, bool]]:
    """The fonts the browser draws each selector's element of the EPUB's page or the web page with:
    family -> whether it came from the page (an @font-face) rather than the system."""
    if kind == "epub":
        with zipfile.ZipFile(paths["epub"]) as book:
            book.extractall(folder)
        url = next(folder.rglob("article.xhtml")).as_uri()
    else:
        url = paths["html"].as_uri()
    page = browser.open(url, 375)
    page.send("DOM.enable")
    page.send("CSS.enable")
    document = page.send("DOM.getDocument")["root"]["nodeId"]
    found = {}
    for selector in selectors:
        node = page.send("DOM.querySelector", {"nodeId": document, "selector": selector})["nodeId"]
        fonts = page.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        found[selector] = {f["familyName"]: f["isCustomFont"] for f in fonts}
    return found


@pytest.mark.parametrize("kind", ["epub", "html"])
@pytest.mark.parametrize("name", CASES)
def test_a_reader_without_the_script_fonts_draws_titles_and_headings_with_the_embedded_ones(built, bare_browser, name, kind, tmp_path) -> None:
    paths, _, family = _case(built, name)
    for selector, drawn in drawn_fonts(bare_browser, paths, kind, tmp_path, ("h1", "h2")).items():  # the title and a heading
        assert drawn.get(family) is True, f"{selector} is drawn with {drawn}, not the embedded {family}"
        assert all(drawn.values()), f"{selector} falls back to the reader's own fonts: {drawn}"
