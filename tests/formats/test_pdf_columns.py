"""The default theme's two columns lose no text around a table that spans them (a WeasyPrint balancing bug)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from publish.builder.pipeline import build
from publish.read.article import read_document
from publish.verifier.compare import body_paragraphs
from publish.formats import html as html_writer

ROOT = Path(__file__).resolve().parents[2]
# A generated 4,000-word article (benchmarks/generate.py, seed 20, 10 notes, cut after line 215):
# the two columns before its first five-column table fill page 4 to within two lines, so WeasyPrint's
# balancing overshoots the page, stops, and (uncorrected) drops the table and all that follows it.
FIXTURE = ROOT / "tests" / "fixtures" / "pdf" / "columns-fill-the-page-before-a-wide-table.md"


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("columns")
    build([FIXTURE], formats=["pdf"], out=out, project=ROOT, verify=True, parallel=False)  # raises if verify finds a loss
    return out / f"{FIXTURE.stem}.pdf"


@pytest.fixture(scope="module")
def pdf_text(pdf_path: Path) -> str:
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    # a word hyphenated at a line end is joined again
    return _letters(re.sub(r"[-\u2010\u00ad]\s*[\r\n]+", "", text))


def test_the_fixture_has_a_table_wide_enough_to_span_both_columns() -> None:
    doc = read_document(FIXTURE)
    tables = [node for node in doc.blocks if node.kind == "table"]
    assert tables and html_writer.is_wide_table(tables[0])


def test_every_paragraph_after_a_spanning_table_at_a_page_foot_is_in_the_pdf(pdf_text: str) -> None:
    paragraphs = [text for _, text in body_paragraphs(read_document(FIXTURE)) if len(_letters(text)) > 30]
    assert len(paragraphs) > 40
    missing = [text[:60] for text in paragraphs if _letters(text)[:40] not in pdf_text]
    assert not missing, f"{len(missing)} paragraphs not in the PDF, the first: {missing[:3]}"


def test_the_spanning_table_itself_is_in_the_pdf(pdf_text: str) -> None:
    for cell in ("980.27", "839.84", "599.71", "535.22"):  # the first wide table's figures
        assert _letters(cell) in pdf_text


def _heights(page: object, needle: str) -> list[tuple[float, float]]:
    """(bottom, top) of each place the text is drawn on the page, in points from the page foot."""
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    search, found = textpage.search(needle, match_case=True), []
    while hit := search.get_next():
        boxes = [textpage.get_charbox(hit[0] + k) for k in range(hit[1])]
        found.append((min(b[1] for b in boxes), max(b[3] for b in boxes)))
    return found


def test_a_spanning_table_stays_above_the_page_foot_notes(pdf_path: Path) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    doc = read_document(FIXTURE)
    notes = re.findall(r"^\[\^n\d+\]: (.{24})", FIXTURE.read_text("utf-8"), re.M)  # each note's first words
    cells = [text for _, text in body_paragraphs(doc) if re.fullmatch(r"\d+\.\d\d", text)]
    assert notes and len(cells) > 20
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        pairs = 0
        for number, page in enumerate(document, 1):
            tops = [top for note in notes for _, top in _heights(page, note)]
            bottoms = [bottom for cell in cells for bottom, _ in _heights(page, cell)]
            for top in tops:
                for bottom in bottoms:
                    pairs += 1
                    # the notes' rule, 4 mm of margin and 2 mm of padding lie between them
                    assert bottom - top > 12, f"page {number}: a table row runs into the notes ({bottom:.1f} over {top:.1f})"
        assert pairs, "a page has both a wide table and notes"
    finally:
        document.close()


def test_weasyprints_column_balancing_is_corrected() -> None:
    """The correction is in place: a WeasyPrint whose columns_layout changed must be looked at again."""
    from publish.formats.pdf import write as pdf
    from publish.formats.pdf.weasyprint import columns as weasyprint_columns

    assert weasyprint_columns.APPLIED
    from weasyprint.layout import block, column

    assert block.columns_layout is column.columns_layout
    assert column.columns_layout.__code__.co_filename.endswith("column.py")
