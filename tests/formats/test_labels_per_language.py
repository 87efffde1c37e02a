"""The words publish writes into an output, the visible date and the byline, in the article's
language: one table a language (publish/theme/translations), the theme's own labels winning,
English where a language has none; dates in the language's CLDR long form and digits, authors
joined by its list pattern; read back from the PDF, the EPUB, the DOCX and the web page."""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import docx
import pytest
import yaml

from publish.builder.pipeline import build
from publish.formats import reader
from publish.formats.readback import layout_key
from publish.formats.localized import format_date, join_names
from publish.formats.view import make_view
from publish.read.article import read_document
from publish.theme.labels import TRANSLATIONS, english, folio_text, labels_for, translated_languages
from publish.theme.options import DEFAULTS, _labels

#: The languages of the sweep (issue 25): each must have its own table.
SWEEP = ["ar", "fa", "he", "ur", "hi", "bn", "ta", "th", "ko", "ja", "zh-Hans", "zh-Hant", "ru", "uk", "el", "vi",
         "tr", "id", "pl", "de", "fr", "es", "it", "pt", "nl"]


def test_every_language_of_the_sweep_has_a_table_of_known_and_valid_labels() -> None:
    known = set(english())
    assert set(SWEEP) <= set(translated_languages())
    for lang in translated_languages():
        table = yaml.safe_load((TRANSLATIONS / f"{lang}.yaml").read_text("utf-8"))
        assert set(table) <= known, (lang, set(table) - known)
        assert _labels(table), lang  # what a theme's own labels must be, they are too
        assert table["contents"] != english()["contents"], lang  # a table that translates
        assert re.findall(r"\{\w*\}", table.get("folio", "{page}{pages}")) == ["{page}", "{pages}"], lang
        for key, value in table.items():
            assert "{}" not in value or key in ("volume", "issue", "number"), (lang, key)


@pytest.mark.parametrize(("lang", "contents"), [
    ("ar", "المحتويات"), ("ja", "目次"), ("ru", "Содержание"), ("zh", "目录"), ("zh-TW", "目錄"),
    ("zh-Hant-HK", "目錄"), ("pt-BR", "Sumário"), ("en-GB", "Contents"), ("sw", "Contents"),
])
def test_the_labels_are_the_languages_own_through_its_tag(lang, contents) -> None:
    assert labels_for(lang, english())["contents"] == contents


def test_a_themes_own_label_wins_and_a_missing_word_is_english() -> None:
    theme = {**english(), "contents": "In this issue"}
    arabic = labels_for("ar", theme)
    assert arabic["contents"] == "In this issue"  # the theme set it
    assert arabic["notes"] == "الهوامش"  # the theme left it
    assert labels_for("vi", english())["number"] == "No."  # Vietnamese has no word for it here


def _article(tmp_path: Path, lang: str, title: str, authors: list[str], body: str) -> Path:
    source = tmp_path / "article.md"
    front = {"title": title, "author": authors, "date": "2025-10-30", "lang": lang, "publisher": "Example Press",
             "source": {"name": "Example Daily", "url": "https://example.org/a"}, "keywords": ["x1", "y2"]}
    paragraphs = "\n\n".join([body] * 40)  # two pages or more: the second has a folio
    text = f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n\n> [!NOTE]\n> {body}\n\n{paragraphs}[^1]\n\n[^1]: {body}\n"
    source.write_text(text, "utf-8")
    return source


def _pdf_text(path: Path) -> str:
    """The PDF's text as verify reads it (PDFium's, each line in its reading order), without layout."""
    return layout_key(reader("pdf")(path).text)


def _folio(path: Path) -> str:
    """What PDFium reads in the bottom 25 mm of the second page, without layout."""
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(str(path))
    try:
        page = document[1]
        return layout_key(page.get_textpage().get_text_bounded(0, 0, page.get_width(), 25 * 72 / 25.4))
    finally:
        document.close()


def _zip_text(path: Path, pattern: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist() if re.search(pattern, n))


CASES = {
    "ar": ("محادثات التجارة", ["سارة أحمد", "محمد علي"], "تدخل محادثات التجارة أسبوعها الثالث وسط آمال بالتوصل إلى اتفاق قريب.",
           "سارة أحمد ومحمد علي", "30 أكتوبر 2025", "صفحة 2 من"),
    "ja": ("通商交渉", ["山田太郎", "鈴木花子", "佐藤健"], "通商交渉は三週目に入り、合意への期待が高まっている。",
           "山田太郎、鈴木花子、佐藤健", "2025年10月30日", "2 / "),
    "ru": ("Торговые переговоры", ["Анна Петрова", "Иван Смирнов"], "Торговые переговоры вступают в третью неделю, и стороны надеются на соглашение.",
           "Анна Петрова и Иван Смирнов", "30 октября 2025\u202fг.", "Страница 2 из"),
}


#: the keywords ["x1", "y2"] as the end matter shows them: joined as the language separates list items
KEYWORDS = {"ar": "x1 وy2", "ja": "x1、y2", "ru": "x1, y2"}


@pytest.mark.parametrize("lang", sorted(CASES))
def test_labels_date_and_byline_are_in_the_articles_language_in_every_format(tmp_path, lang) -> None:
    title, authors, body, byline, date, folio = CASES[lang]
    words = labels_for(lang, english())
    source = _article(tmp_path, lang, title, authors, body)
    results = build([source], out=tmp_path / "out", project=tmp_path)  # verify on: it finds the date and byline
    out = {r.path.suffix: r.path for r in results}
    pdf = _pdf_text(out[".pdf"])
    # (PDFium reads a line of both directions out of order, a colon at its end on the other side)
    for shown in (words["source"].rstrip(":："), words["callout_note"], byline, date):
        assert layout_key(shown) in pdf, (lang, shown)
    assert layout_key(folio) in _folio(out[".pdf"]), lang
    assert "Reprinted from" not in pdf and "Page 2" not in pdf
    epub = _zip_text(out[".epub"], r"\.x?html$")
    for shown in (words["contents"], words["landmarks"], words["end_matter"], words["callout_note"], date,
                  f'{words["publisher"]} Example Press', f'{words["keywords"]} {KEYWORDS[lang]}'):
        assert shown in epub, (lang, shown)
    word = docx.Document(str(out[".docx"]))
    paragraphs = "\n".join(p.text for p in word.paragraphs)
    for shown in (f"{words['source']} Example Daily", words["callout_note"], byline, date,
                  f"{words['keywords']} {KEYWORDS[lang]}"):
        assert shown in paragraphs, (lang, shown)
    footer = word.sections[-1].footer.paragraphs[0].text  # the words around the PAGE and NUMPAGES fields
    assert footer == "Example Press  \u00b7  " + folio_text(words["folio"], "", ""), (lang, footer)
    html = out[".html"].read_text("utf-8")
    for shown in (f'aria-label="{words["notes"]}"', words["skip"], f'{words["backlink"]} 1', words["callout_note"], date):
        assert shown in html, (lang, shown)
    assert "Skip to the article" not in html


@pytest.mark.parametrize(("lang", "shown"), [
    ("fa", "۳۰ اکتبر ۲۰۲۵"), ("ar-EG", "٣٠ أكتوبر ٢٠٢٥"), ("ar", "30 أكتوبر 2025"), ("bn", "৩০ অক্টোবর, ২০২৫"),
    ("he", "30 באוקטובר 2025"), ("en", "October 30, 2025"),
])
def test_the_visible_date_is_cldrs_long_date_in_the_languages_digits(lang, shown) -> None:
    assert format_date(dt.date(2025, 10, 30), None, lang) == shown


@pytest.mark.parametrize(("lang", "shown"), [
    ("ar", "أ وب وج"), ("en", "A, B, and C"), ("en-GB", "A, B and C"), ("ja", "A、B、C"), ("he", "A, B וC"),
])
def test_authors_are_joined_by_the_languages_list_pattern(lang, shown) -> None:
    names = ["أ", "ب", "ج"] if lang == "ar" else ["A", "B", "C"]
    assert join_names(names, lang) == shown


def test_the_persian_date_in_every_format_and_iso_in_the_metadata(tmp_path) -> None:
    source = tmp_path / "article.md"
    source.write_text("---\ntitle: گفتگوهای تجاری\nauthor: [سارا احمدی, علی رضایی]\ndate: 2025-10-30\nlang: fa\n---\n\n"
                      "گفتگوهای تجاری وارد هفتهٔ سوم شد.\n", "utf-8")
    view = make_view(read_document(source), dict(DEFAULTS))
    assert view.date_display == "۳۰ اکتبر ۲۰۲۵" and view.date_iso == "2025-10-30"
    results = build([source], out=tmp_path / "out", project=tmp_path)  # verify finds the Persian date in each
    out = {r.path.suffix: r.path for r in results}
    assert layout_key("۳۰ اکتبر ۲۰۲۵") in _pdf_text(out[".pdf"])
    opf = _zip_text(out[".epub"], r"\.opf$")
    assert "2025-10-30" in opf and "۲۰۲۵" not in opf
    assert "۳۰ اکتبر ۲۰۲۵" in _zip_text(out[".docx"], r"word/document\.xml$")
    html = out[".html"].read_text("utf-8")
    assert '<time datetime="2025-10-30">۳۰ اکتبر ۲۰۲۵</time>' in html and '"datePublished": "2025-10-30"' in html
