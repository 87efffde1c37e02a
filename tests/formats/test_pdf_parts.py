"""A long document's PDF laid out in parts on several workers and merged: continuous folios and
page labels, one outline, links across parts, one structure tree, same bytes on a rebuild, verify
passing, and the same text page for page as the document laid out in one piece."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from publish.builder.pipeline import build, cpu_count
from publish.formats.pdf.chapters import HIDDEN_START, chaptered, words

pytestmark = pytest.mark.skipif(cpu_count() < 2, reason="the PDF is laid out in parts only with two cores or more")

WORDS = "archive ledger harbour printer column season river market figure quarter paper editor".split()
CHAPTERS = ["Harbour", "Ledger", "Printer", "Season", "River"]
#: Low enough that the small document below counts as long (the default is chapters.LONG_WORDS).
OPTIONS = {"long_words": 500, "pdf_parts": 2}


def _paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 70))).capitalize() + "."


def _document() -> str:
    rng = random.Random(28)
    text = ["---", "title: A Book in Parts", "author: Test Press", "date: 2024-05-01", "lang: en",
            "rights: Reprinted with permission of the ledger.", "---", ""]
    for number, name in enumerate(CHAPTERS, start=1):
        text += [f"## {name} chapter", ""]
        if number == 1:
            text += ["See the [river chapter](#river-chapter) at the end, and [the ledger](#ledger-chapter).", ""]
        if number == len(CHAPTERS):
            text += ["Back to the [harbour chapter](#harbour-chapter).", ""]
        for section in range(2):
            text += [f"### Section {number}.{section + 1}", ""]
            text += [_paragraph(rng) + (f"[^n{number}{section}]" if section == 0 else ""), ""] + [_paragraph(rng), ""] * 3
    for number in range(1, len(CHAPTERS) + 1):
        text += [f"[^n{number}0]: A note of chapter {number}.", ""]
    return "\n".join(text)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("long") / "long.md"
    path.write_text(_document(), "utf-8")
    return path


def _build(source: Path, out: Path, formats: tuple[str, ...] = ("pdf", "epub"), **options: object) -> Path:
    build([source], formats=list(formats), out=out, project=source.parent, options={**OPTIONS, **options}, force=True)
    return out / "long.pdf"


@pytest.fixture(scope="module")
def parted(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(source, tmp_path_factory.mktemp("parts"))  # verify is on: a lost paragraph fails here


@pytest.fixture(scope="module")
def whole(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(source, tmp_path_factory.mktemp("whole"), pdf_parts=1)


def _texts(path: Path) -> list[str]:
    document = pypdfium2.PdfDocument(str(path))
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def _page_of(pdf: pikepdf.Pdf, page: pikepdf.Object) -> int:
    return [p.obj.objgen for p in pdf.pages].index(page.objgen)


def test_the_document_is_long_enough_to_be_cut_and_is_cut_in_parts(source: Path, parted: Path, whole: Path) -> None:
    with pikepdf.open(parted) as pdf:
        assert "/PageLabels" in pdf.Root  # written by the merge only
    with pikepdf.open(whole) as pdf:
        assert "/PageLabels" not in pdf.Root
    assert words(source.read_text("utf-8")) > OPTIONS["long_words"]


def test_folios_and_page_labels_run_on_across_parts(parted: Path) -> None:
    texts = _texts(parted)
    assert len(texts) >= 4
    for number, text in enumerate(texts[1:], start=2):  # the first page has no folio
        assert text.rstrip().endswith(f"Page {number} of {len(texts)}"), (number, text[-80:])
        assert "A Book in Parts" in text  # the running head, in the second part too
    with pikepdf.open(parted) as pdf:
        assert list(pdf.Root.PageLabels.Nums) == [0, pikepdf.Dictionary(S=pikepdf.Name.D)]


def test_the_merged_pdf_reads_as_the_one_piece_layout_page_for_page(parted: Path, whole: Path) -> None:
    assert _texts(parted) == _texts(whole)


def test_every_page_is_drawn_as_in_one_piece(parted: Path, whole: Path) -> None:
    pictures = []
    for path in (parted, whole):
        document = pypdfium2.PdfDocument(str(path))
        pictures.append([document[i].render(scale=0.5).to_pil().tobytes() for i in range(len(document))])
    assert len(pictures[0]) == len(pictures[1])
    assert [i for i, (a, b) in enumerate(zip(*pictures)) if a != b] == []


def test_footnotes_are_numbered_on_across_parts(parted: Path) -> None:
    notes = re.findall(r"(\d+)\.\s*A note of chapter (\d+)", "".join(_texts(parted)))
    assert notes == [(str(n), str(n)) for n in range(1, len(CHAPTERS) + 1)]


def _outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    found = []

    def walk(node: pikepdf.Object, depth: int) -> None:
        item = node.get("/First")
        while item is not None:
            found.append((depth, str(item.Title), _page_of(pdf, item.Dest[0])))
            walk(item, depth + 1)
            item = item.get("/Next")

    walk(pdf.Root.Outlines, 1)
    return found


def test_one_outline_holds_every_parts_headings_on_their_pages(parted: Path, whole: Path) -> None:
    texts = _texts(parted)
    with pikepdf.open(parted) as pdf, pikepdf.open(whole) as one:
        outline = _outline(pdf)
        assert outline == _outline(one)
    chapters = [(depth, title) for depth, title, _ in outline if title.endswith("chapter")]
    assert chapters == [(2, f"{name} chapter") for name in CHAPTERS]
    for _, title, page in outline[1:]:
        assert title in texts[page]


def test_links_between_parts_land_on_the_heading_they_name(parted: Path) -> None:
    texts = _texts(parted)
    with pikepdf.open(parted) as pdf:
        dests = dict(zip(map(str, pdf.Root.Names.Dests.Names[::2]), pdf.Root.Names.Dests.Names[1::2]))
        links = [str(a.Dest) for page in pdf.pages for a in page.obj.get("/Annots", []) if "/Dest" in a]
        assert {"river-chapter", "ledger-chapter", "harbour-chapter"} <= set(links)
        for name in ("river-chapter", "harbour-chapter", "ledger-chapter"):
            page = _page_of(pdf, dests[name][0])
            assert name.replace("-", " ").capitalize() in texts[page]
        first, last = _page_of(pdf, dests["harbour-chapter"][0]), _page_of(pdf, dests["river-chapter"][0])
    assert first < last  # the two ends of the book, so in different parts


def _elements(pdf: pikepdf.Pdf) -> tuple[dict[str, int], set[tuple[int, int]]]:
    counts: dict[str, int] = {}
    pages: set[tuple[int, int]] = set()
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            counts[str(node.S)] = counts.get(str(node.S), 0) + 1
            if "/Pg" in node:
                pages.add(node.Pg.objgen)
            if "/K" in node:
                stack.append(node.K)
    return counts, pages


def test_the_structure_tree_is_one_tree_of_every_parts_elements(parted: Path, whole: Path) -> None:
    with pikepdf.open(parted) as pdf, pikepdf.open(whole) as one:
        assert pdf.Root.MarkInfo.Marked is True
        counts, pages = _elements(pdf)
        assert counts == _elements(one)[0]
        assert counts["/Document"] == 1 and counts["/H2"] == len(CHAPTERS)
        assert pages <= {p.obj.objgen for p in pdf.pages}
        assert len(pages) == len(pdf.pages)
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        keys = [int(k) for k in nums[::2]]
        assert len(keys) == len(set(keys))
        used = [int(p.obj.StructParents) for p in pdf.pages]
        used += [int(a.StructParent) for p in pdf.pages for a in p.obj.get("/Annots", []) if "/StructParent" in a]
        assert sorted(used) == sorted(keys)
        assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) == max(keys) + 1


def test_the_merged_pdf_keeps_the_articles_metadata(parted: Path) -> None:
    with pikepdf.open(parted) as pdf:
        assert str(pdf.docinfo.Title) == "A Book in Parts"
        assert str(pdf.docinfo.Rights) == "Reprinted with permission of the ledger."
        assert b"Reprinted with permission of the ledger." in pdf.Root.Metadata.read_bytes()
        assert str(pdf.Root.Lang) == "en"


def test_a_second_build_in_parts_gives_the_same_bytes_with_or_without_other_formats(source: Path, parted: Path, tmp_path: Path) -> None:
    again = _build(source, tmp_path, formats=("pdf",))  # the PDF alone: its workers are started for the parts
    assert again.read_bytes() == parted.read_bytes()


def test_chapters_cut_before_top_level_headings_only() -> None:
    page = ('<html><body><article class="article"><header class="title-block"><h1>T</h1></header>'
            '<div class="body"><p>intro</p><h2 id="a">A</h2><div><h2>inner</h2></div><p>x<br/>y</p>'
            '<h3>a.1</h3><h2 id="b">B</h2><p>z</p></div><section class="end-matter">n</section></article></body></html>')
    book = chaptered(page)
    assert book is not None
    assert book.chapters == ("<p>intro</p>", '<h2 id="a">A</h2><div><h2>inner</h2></div><p>x<br/>y</p><h3>a.1</h3>',
                             '<h2 id="b">B</h2><p>z</p>')
    last = book.part(2, 3)
    assert "title-block" not in last and "end-matter" in last and HIDDEN_START in last
    assert "title-block" in book.part(0, 2) and "end-matter" not in book.part(0, 2)
    assert chaptered(page.replace('<h2 id="b">B</h2>', "").replace("<p>intro</p>", "")) is None  # one chapter: nothing to cut


def test_parts_are_runs_of_chapters_of_about_the_same_length() -> None:
    page = ('<html><body><article class="article"><div class="body">'
            + "".join(f"<h2>{n}</h2><p>{'w ' * size}</p>" for n, size in enumerate([10, 10, 10, 10, 40, 10, 10]))
            + "</div></article></body></html>")
    book = chaptered(page)
    assert book is not None
    assert book.parts(2) == [(0, 4), (4, 7)]
    assert book.parts(10) == [(i, i + 1) for i in range(7)]


def test_a_part_count_from_the_environment_that_is_not_a_number_is_a_clear_error(source: Path, tmp_path: Path,
                                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.errors import PublishError

    monkeypatch.setenv("PUBLISH_PDF_PARTS", "two")
    with pytest.raises(PublishError, match="PUBLISH_PDF_PARTS must be a number of parts, not 'two'"):
        build([source], formats=["pdf"], out=tmp_path, project=source.parent, options={"long_words": 500}, force=True)


def test_a_part_whose_layout_never_ends_is_stopped_by_the_watchdog(source: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from publish.builder import pipeline
    from publish.errors import OutputError
    from publish.formats.pdf import parts

    def forever(*args: object) -> None:
        while True:
            pass

    monkeypatch.setattr(pipeline, "FORMAT_SECONDS", 2.0)
    monkeypatch.setattr(parts, "lay_out", forever)  # the workers are forked after this, so they loop too
    with pytest.raises(OutputError, match="the PDF did not finish in 2 s"):
        _build(source, tmp_path / "out")
    assert not (tmp_path / "out" / "long.pdf").exists()
