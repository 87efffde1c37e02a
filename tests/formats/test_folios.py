"""Page numbers in the article's digits: the PDF's folios of a Persian article in Persian digits, of an
Egyptian Arabic one in Arabic-Indic digits (CLDR's default numbering system, through Babel), read back
by PDFium from the page margin; Western digits where CLDR says so (he, hi, plain ar) and where the
theme's folio has Latin words; a theme's own counter style kept; and verify, which takes folios out
of a PDF without content boxes, knowing them in those digits too."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from publish.builder.pipeline import build
from publish.formats.pdf.folios import localized, page_counter_style
from publish.formats.view import make_view
from publish.read.article import read_document
from publish.read.numbering import localize_number, native_digits, numbering_system
from publish.theme.options import DEFAULTS

RTL_FIXTURE = ROOT / "tests" / "fixtures" / "rtl" / "rtl.md"
MM = 72 / 25.4


@pytest.mark.parametrize(("lang", "system", "twelve"), [
    ("fa", "arabext", "۱۲"), ("ar-EG", "arab", "١٢"), ("ar-SA", "arab", "١٢"), ("bn", "beng", "১২"), ("mr", "deva", "१२"),
    ("ar", "latn", "12"), ("he", "latn", "12"), ("hi", "latn", "12"), ("th", "latn", "12"), ("en", "latn", "12"),
    ("xx-unknown", "latn", "12"),
])
def test_the_languages_digits_are_cldrs_default_numbering_system(lang, system, twelve) -> None:
    assert numbering_system(lang) == system
    assert localize_number(12, lang) == twelve
    assert (native_digits(lang) is None) == (system == "latn")


def test_page_counters_are_rewritten_unless_named_or_beside_latin_words() -> None:
    css = ('@page { @bottom-left { content: counter(page) " / " counter(pages); }\n'
           '  @bottom-right { content: "Page " counter(page) " of " counter(pages); } }\n'
           '@page x { @bottom-center { content: "صفحة " counter(page) " من " counter(pages); } }\n'
           '@page y { @bottom-center { content: counter(page, upper-roman); } }\n'
           'a::after { content: target-counter(attr(href), page); }\n')
    [(out, _)] = localized([(css, Path("."))], "fa")
    assert 'content: counter(page, persian) " / " counter(pages, persian);' in out
    assert '"Page " counter(page) " of " counter(pages)' in out  # "Page ۲ of ۹" would read backwards
    assert '"صفحة " counter(page, persian) " من " counter(pages, persian)' in out
    assert "counter(page, upper-roman)" in out and "target-counter(attr(href), page)" in out
    assert localized([(css, Path("."))], "he") == [(css, Path("."))]
    assert page_counter_style("ar-EG") == "arabic-indic" and page_counter_style("ar") is None


def _folios(pdf: Path) -> list[str]:
    """What PDFium reads in the bottom 25 mm of each page."""
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(str(pdf))
    try:
        return [page.get_textpage().get_text_bounded(0, 0, page.get_width(), 25 * MM).strip() for page in document]
    finally:
        document.close()


@pytest.mark.parametrize(("lang", "two"), [("fa", "۲"), ("ar-EG", "٢"), ("ar", "2")])
def test_the_report_themes_folio_is_in_the_articles_digits(tmp_path, lang, two) -> None:
    source = tmp_path / "article.md"
    source.write_text(RTL_FIXTURE.read_text("utf-8").replace("lang: ar\n", f"lang: {lang}\n"), "utf-8")
    [result] = build([source], formats=["pdf"], out=tmp_path / "out", project=tmp_path, theme="report")  # verify on
    folios = _folios(result.path)
    assert len(folios) >= 2
    assert folios[1] == f"{two} / {two}" if len(folios) == 2 else folios[1].startswith(f"{two} /"), folios


def test_the_default_themes_folio_is_in_the_articles_words_and_digits(tmp_path) -> None:
    source = tmp_path / "article.md"
    source.write_text(RTL_FIXTURE.read_text("utf-8").replace("lang: ar\n", "lang: fa\n"), "utf-8")
    [result] = build([source], formats=["pdf"], out=tmp_path / "out", project=tmp_path)  # verify on
    folios = _folios(result.path)
    assert folios[1].endswith("صفحه ۲ از ۲"), folios  # the Persian table's folio, in Persian digits


def test_a_themes_own_latin_folio_keeps_western_digits_in_a_persian_article(tmp_path) -> None:
    theme = tmp_path / "themes" / "latin"
    theme.mkdir(parents=True)
    (theme / "theme.yaml").write_text('extends: default\noptions:\n  labels:\n    folio: "p. {page} of {pages}"\n', "utf-8")
    source = tmp_path / "article.md"
    source.write_text(RTL_FIXTURE.read_text("utf-8").replace("lang: ar\n", "lang: fa\n"), "utf-8")
    [result] = build([source], formats=["pdf"], out=tmp_path / "out", project=tmp_path, theme="latin")  # verify on
    folios = _folios(result.path)
    assert "p. 2 of 2" in folios[1], folios  # the theme's words win; "p. ۲ of ۲" would read backwards


def test_verify_knows_the_folios_of_a_pdf_without_content_boxes_in_the_articles_digits(tmp_path) -> None:
    # (the comparison of Arabic-script and Indic text is loose enough that a folio between the
    # halves of a paragraph parts nothing; a Latin one is not, and the folio list is shared)
    from publish.verifier.compare import _furniture

    source = tmp_path / "article.md"
    source.write_text("---\ntitle: گفتگو\nlang: fa\n---\n\nپاراگراف نخست.\n", "utf-8")
    view = make_view(read_document(source), dict(DEFAULTS))
    _, folios = _furniture(view, 2, 9)
    assert {"۲/۹", "۲", "2/9", "2"} <= folios
    assert "۷/۹" not in folios
    english = tmp_path / "english.md"
    english.write_text("---\ntitle: Talks\nlang: en\n---\n\nFirst.\n", "utf-8")
    assert _furniture(make_view(read_document(english), dict(DEFAULTS)), 2, 9)[1] == {"", "page2of9", "2/9", "2"}
    russian = tmp_path / "russian.md"
    russian.write_text("---\ntitle: Переговоры\nlang: ru\n---\n\nПервый.\n", "utf-8")
    assert "страница2из9" in _furniture(make_view(read_document(russian), dict(DEFAULTS)), 2, 9)[1]
