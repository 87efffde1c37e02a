"""`publish verify` passes on fresh builds and names the format and field of every loss."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from conftest import ARTICLE, ROOT, build_outputs
from publish.verifier.compare import layout_key
from publish.builder.check import verify_outputs


@pytest.fixture()
def copy(article_build, tmp_path) -> Path:
    for fmt in ("pdf", "epub", "docx", "html"):
        shutil.copy(article_build / f"article.{fmt}", tmp_path / f"article.{fmt}")
    return tmp_path


def _rewrite_zip(path: Path, member: str, edit) -> None:
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in items:
            target.writestr(info, edit(data) if info.filename == member else data)


def _problems(out: Path) -> list[str]:
    return verify_outputs([ARTICLE], out).problems


def test_verify_passes_on_a_fresh_build(article_build):
    report = verify_outputs([ARTICLE], article_build)
    assert report.ok, report.table()
    assert set(report.rows["rights"].values()) == {"ok"}


def test_verify_fails_when_the_notice_is_removed_from_the_docx_body(copy):
    notice = "caixinglobal.com is the English-language online news portal"

    def drop_notice(xml: bytes) -> bytes:
        paragraphs = re.findall(rb"<w:p[ >].*?</w:p>", xml, flags=re.S)
        hit = [p for p in paragraphs if notice.encode() in p]
        assert hit, "the notice paragraph is in document.xml before damage"
        return xml.replace(hit[0], b"")

    _rewrite_zip(copy / "article.docx", "word/document.xml", drop_notice)
    assert any(p.startswith("docx: rights missing") for p in _problems(copy))


def test_verify_fails_when_dc_rights_is_removed_from_the_opf(copy):
    def drop_rights(xml: bytes) -> bytes:
        damaged = re.sub(rb"<dc:rights[^>]*>.*?</dc:rights>", b"", xml, flags=re.S)
        assert damaged != xml
        return damaged

    _rewrite_zip(copy / "article.epub", "EPUB/content.opf", drop_rights)
    problems = _problems(copy)
    assert any(p.startswith("epub: rights missing") for p in problems), problems


def test_verify_fails_when_the_pdf_title_is_changed_in_info(copy):
    writer = PdfWriter(clone_from=str(copy / "article.pdf"))
    writer.add_metadata({"/Title": "Another title"})
    writer.write(str(copy / "article.pdf"))
    problems = _problems(copy)
    assert any(p.startswith("pdf: title differs") for p in problems), problems


def test_verify_fails_when_the_pdf_last_page_is_removed(copy):
    reader = PdfReader(str(copy / "article.pdf"))
    assert len(reader.pages) >= 2
    writer = PdfWriter(clone_from=reader)
    writer.remove_page(len(writer.pages) - 1)
    writer.write(str(copy / "article.pdf"))
    problems = _problems(copy)
    assert any(p.startswith("pdf: body missing") for p in problems), problems
    assert any(p.startswith("pdf: rights missing") for p in problems), problems


def test_layout_key_ignores_layout_but_not_typography():
    assert layout_key("recipro\u2010\ncal  tar\u00adiff") == layout_key("reciprocal tariff")
    assert layout_key("ﬁrm") == layout_key("firm")
    assert layout_key("“tough”") != layout_key('"tough"')
    assert layout_key("naraichal – stock") != layout_key("naraichal - stock")


def test_verify_command_prints_a_table_and_exits_1_on_loss(copy):
    (copy / "article.epub").unlink()
    result = subprocess.run(
        [sys.executable, "-m", "publish", "verify", "--out", str(copy)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "field" in result.stdout and "pdf" in result.stdout
    assert "epub: file missing" in result.stdout + result.stderr


def test_running_heads_of_that_very_page_are_taken_out_of_a_pdf_without_content_boxes():
    from publish.formats.view import make_view
    from publish.read.article import read_document
    from publish.theme.options import DEFAULTS
    from publish.verifier.compare import Extracted, flow

    view = make_view(read_document(ARTICLE), dict(DEFAULTS))
    pages = [
        "Title block\nthe first half of a sentence that",
        f"{view.short_title}\ncrosses the page break.\n17\nPage 2 of 3",
        f"{view.short_title.upper()} CAIXIN GLOBAL\nmore text\n2 / 3\n3 / 3",
    ]
    got = flow(Extracted("\n".join(pages), {}, pages), view, {})
    assert got.shows("the first half of a sentence that crosses the page break.")
    assert "Page 2 of 3" not in got.text and "3 / 3" not in got.text
    # digits that are not this page's folio stay: they are the article's
    assert "\n17\n" in got.text and "2 / 3" in got.text
    assert not Extracted("\n".join(pages), {}, pages).shows("sentence that crosses the page break.")


def test_verify_passes_on_a_four_page_article_whose_paragraphs_cross_pages(tmp_path):

    text = ARTICLE.read_text("utf-8")
    head, body = text.split("\n---\n", 1)
    paragraphs = [p for p in body.split("\n\n") if p.strip() and not p.startswith(":::")]
    source = tmp_path / "long.md"
    source.write_text(head + "\n---\n\n" + "\n\n".join(f"{p} (Copy {i}.)" for i in range(3) for p in paragraphs) + "\n", "utf-8")
    build_outputs(source, tmp_path, formats=["pdf"], project=tmp_path)
    assert len(PdfReader(str(tmp_path / "long.pdf")).pages) >= 3
    report = verify_outputs([source], tmp_path, formats=["pdf"])
    assert report.ok, report.table()


def _annotated_article(tmp_path: Path) -> Path:
    """The article with a footnote after every sentence: calls mid-paragraph, notes at page feet."""
    head, body = ARTICLE.read_text("utf-8").split("\n---\n", 1)
    paragraphs = [p for p in body.split("\n\n") if p.strip() and not p.startswith(":::")]
    out, notes, n = [], [], 0
    for paragraph in paragraphs:
        sentences = paragraph.split(". ")
        marked = []
        for i, sentence in enumerate(sentences):
            if i < len(sentences) - 1:
                n += 1
                sentence += f"[^{n}]"
                notes.append(f"[^{n}]: Note number {n}, with some explanatory text.")
            marked.append(sentence)
        out.append(". ".join(marked))
    source = tmp_path / "annotated.md"
    source.write_text(head + "\n---\n\n" + "\n\n".join(out + notes) + "\n", "utf-8")
    return source


def test_verify_reads_paragraphs_around_note_calls_and_across_page_foot_notes(tmp_path):
    source = _annotated_article(tmp_path)
    build_outputs(source, tmp_path, project=tmp_path)
    report = verify_outputs([source], tmp_path)
    assert report.ok, report.table()
    text = "".join(page.extract_text() for page in PdfReader(str(tmp_path / "annotated.pdf")).pages)
    assert "Note number 1, with some explanatory text." in text


def test_a_heavily_annotated_article_is_set_in_one_column(tmp_path):
    from publish.builder.pipeline import prepare
    from publish.theme import load
    from publish.formats.page import render_page

    job = prepare(_annotated_article(tmp_path), load("default", ROOT), tmp_path)
    assert len(job.doc.footnotes) > 10
    page, _ = render_page(job, target="print", footnotes="print", image_url=lambda node: "")
    assert 'class="print many-notes"' in page


def test_every_registered_format_has_a_read_back_beside_its_writer():
    import importlib

    from publish.builder.pipeline import FORMATS as WRITERS
    from publish.formats import READ_BACKS

    assert set(READ_BACKS) == set(WRITERS)
    for fmt, module in READ_BACKS.items():
        # beside the writer: in the format's own package (formats/pdf/read.py beside formats/pdf/write.py)
        assert module.rsplit(".", 1)[0] in (WRITERS[fmt].rsplit(".", 1)[0], WRITERS[fmt])
        assert callable(importlib.import_module(module).read_back)


def test_the_epub_read_back_gives_an_elements_text_its_children_and_their_tails_in_document_order():
    from lxml import etree

    from publish.formats.epub.read import block_text

    body = etree.fromstring(
        '<body xmlns="http://www.w3.org/1999/xhtml"><p>Call the <a href="#"><code>Aliases</code></a> method'
        ' <img alt="an icon"/> now.</p><figure><img alt="alt"/><figcaption>The caption</figcaption></figure></body>'
    )
    text = block_text(body)
    assert "Call the Aliases method  now." in text
    assert "The caption" in text and "an icon" not in text


def test_a_list_marker_read_into_another_paragraph_s_line_is_not_a_loss():
    from publish.formats.view import make_view
    from publish.read.article import read_document
    from publish.theme.options import DEFAULTS
    from publish.verifier.compare import Extracted, compare

    doc = read_document(ARTICLE)
    view = make_view(doc, dict(DEFAULTS))
    paragraphs = [p for p in ARTICLE.read_text("utf-8").split("\n---\n", 1)[1].split("\n\n") if p.strip() and not p.startswith(":::")]
    words = paragraphs[1].split(" ")
    glued = " ".join(words[:12]) + "\n1. " + " ".join(words[12:])  # PDFium put a list number at a line start
    pages = ["\n".join(paragraphs[:1] + [glued] + paragraphs[2:])]
    cells, _ = compare(doc, view, "epub", Extracted(pages[0], {}, pages, bounded=True))
    assert ("body", "ok", "") in cells
    changed = glued.replace(words[14], "changed", 1)
    pages = ["\n".join(paragraphs[:1] + [changed] + paragraphs[2:])]
    cells, _ = compare(doc, view, "epub", Extracted(pages[0], {}, pages, bounded=True))
    assert next(c for c in cells if c[0] == "body")[1] == "missing"


def test_a_word_does_not_run_on_from_lower_case_into_a_capital_as_table_cells_read_side_by_side():
    from publish.formats.readback import joined

    assert joined("e", "s")  # "Orange" + "s": one word, so "Orange" is not found in "Oranges"
    assert not joined("a", "L")  # cells "ld-seq-sa" and "LD-SEQ-SA" read with nothing between
    assert joined("L", "d") and joined("A", "B")  # a capital goes on in either case


def test_check_file_reports_the_characters_the_build_could_not_draw_with_their_line(article_build):
    # the build hands the PDF check its list of undrawable characters; a fully drawn output with
    # such a list is "not drawn" at that line (text that could not be drawn, not text that was lost)
    from publish.formats.view import make_view
    from publish.read.article import read_document
    from publish.theme import load
    from publish.verifier.compare import OK, UNDRAWN, check_file

    doc = read_document(ARTICLE)
    view = make_view(doc, load(None, ROOT).options)
    path = article_build / "article.epub"
    assert check_file(doc, view, "epub", path)[0][0] == ("body", OK, "")
    body = check_file(doc, view, "epub", path, {9: ["\ue000"]})[0][0]
    assert body[:2] == ("body", UNDRAWN)
    assert body[2].startswith("line 9: \ue000 (U+E000) could not be drawn"), body
