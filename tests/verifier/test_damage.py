"""Damaged outputs: one paragraph removed, one word changed, one curly quote straightened, one notice
word changed in the metadata; `publish verify` fails naming the format, the field and the source line."""
from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfWriter

from conftest import ARTICLE, build_outputs
from independent import body_paragraphs, front_matter, rewrite_zip_member, shows, text_of
from publish.cli import main

FORMATS = ("pdf", "epub", "docx", "html")
PARAGRAPHS = body_paragraphs(ARTICLE)
#: The paragraph in the middle of the article, with its source line.
MIDDLE_LINE, MIDDLE = PARAGRAPHS[len(PARAGRAPHS) // 2]
#: A word far into the paragraph: a check of only the first 40 characters of each paragraph misses it.
WORD = next(w for w in re.findall(r"(?<= )[a-z]{6,}(?= )", MIDDLE[80:]) if ARTICLE.read_text("utf-8").count(w) == 1)
#: The paragraph with the curly “tough”, whose opening quote is far from the paragraph's start.
QUOTED_LINE, QUOTED = next((n, p) for n, p in PARAGRAPHS if "“tough”" in p)


def _remove_paragraph(text: str) -> str:
    assert text.count(MIDDLE) == 1
    return text.replace(MIDDLE, "")


def _change_word(text: str) -> str:
    assert text.count(f" {WORD} ") == 1
    return text.replace(f" {WORD} ", f" {WORD[::-1]} ")


def _straighten_quote(text: str) -> str:
    assert text.count("“tough”") == 1
    return text.replace("“tough”", '"tough”')


DAMAGES: dict[str, tuple[Callable[[str], str], int]] = {
    "paragraph-removed": (_remove_paragraph, MIDDLE_LINE),
    "word-changed": (_change_word, MIDDLE_LINE),
    "quote-straightened": (_straighten_quote, QUOTED_LINE),
}


def test_the_damages_are_where_the_checks_are_hardest():
    assert len(PARAGRAPHS) >= 9 and 3 <= len(PARAGRAPHS) // 2 <= len(PARAGRAPHS) - 3, "a paragraph in the middle"
    assert MIDDLE.index(f" {WORD} ") > 40 and QUOTED.index("“tough”") > 40, "beyond a paragraph's first 40 characters"


@pytest.fixture()
def outputs(article_build: Path, tmp_path: Path) -> Path:
    """A private copy of the article's three outputs, to damage."""
    out = tmp_path / "out"
    out.mkdir()
    for fmt in FORMATS:
        shutil.copy(article_build / f"article.{fmt}", out / f"article.{fmt}")
    return out


def _verify(out: Path, source: Path = ARTICLE, *options: str) -> Result:
    """``publish verify ARTICLE --out OUT``, run in this process through click (a subprocess per
    damage would cost a second each, in every mutation run too); the "publish" logger is left as
    it was found."""
    logger = logging.getLogger("publish")
    saved = (list(logger.handlers), logger.propagate, logger.level)
    try:
        return CliRunner().invoke(main, ["verify", str(source), "--out", str(out), *options], catch_exceptions=False)
    finally:
        logger.handlers[:], logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])


def _names_the_loss(result: Result, fmt: str, field: str, line: int) -> None:
    """verify exits 1, and one line of its report names the format, the field and the source line;
    no line reports a loss in any other format."""
    said = result.output
    assert result.exit_code == 1, said
    where = rf"(\bline {line}\b|:{line}:)"
    assert any(re.search(rf"\b{fmt}\b", l) and re.search(rf"\b{re.escape(field)}\b", l) and re.search(where, l) for l in said.splitlines()), said
    others = [f for f in FORMATS if f != fmt]
    assert not [l for l in said.splitlines() if re.search(r"(missing|differs|lost)", l) and re.match(rf"\s*({'|'.join(others)})\b", l)], said


def _damage_xml_text(data: bytes, damage: Callable[[str], str]) -> bytes:
    """Apply a text damage to XML whose text nodes hold whole paragraphs (EPUB XHTML, DOCX runs)."""
    text = data.decode("utf-8")
    damaged = damage(text)
    assert damaged != text
    return damaged.encode("utf-8")


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_verify_names_the_epub_paragraph_that_was_damaged(outputs: Path, damage: str):
    edit, line = DAMAGES[damage]
    rewrite_zip_member(outputs / "article.epub", "EPUB/article.xhtml", lambda data: _damage_xml_text(data, edit))
    assert not shows(text_of("epub", outputs / "article.epub"), QUOTED if damage == "quote-straightened" else MIDDLE)
    _names_the_loss(_verify(outputs), "epub", "body", line)


def _docx_damage(data: bytes, edit: Callable[[str], str]) -> bytes:
    """The damage applied to the run (<w:t>) holding the text, or to the whole paragraph (<w:p>)
    holding the middle paragraph when the damage removes it."""
    xml = data.decode("utf-8")
    if edit is _remove_paragraph:
        paragraphs = [p for p in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S) if MIDDLE[:30] in p]
        assert len(paragraphs) == 1, "the paragraph is one <w:p> with its text in one run"
        return xml.replace(paragraphs[0], "").encode("utf-8")
    return _damage_xml_text(data, edit)


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_verify_names_the_web_page_paragraph_that_was_damaged(outputs: Path, damage: str):
    edit, line = DAMAGES[damage]
    page = outputs / "article.html"
    page.write_bytes(_damage_xml_text(page.read_bytes(), edit))
    assert not shows(text_of("html", page), QUOTED if damage == "quote-straightened" else MIDDLE)
    _names_the_loss(_verify(outputs), "html", "body", line)


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_verify_names_the_docx_paragraph_that_was_damaged(outputs: Path, damage: str):
    edit, line = DAMAGES[damage]
    rewrite_zip_member(outputs / "article.docx", "word/document.xml", lambda data: _docx_damage(data, edit))
    assert not shows(text_of("docx", outputs / "article.docx"), QUOTED if damage == "quote-straightened" else MIDDLE)
    _names_the_loss(_verify(outputs), "docx", "body", line)


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_verify_names_the_pdf_paragraph_that_was_damaged(outputs: Path, tmp_path: Path, damage: str):
    """A PDF whose text lost a paragraph, a word or a quote: the same article, rendered from a
    damaged copy of its source, put in place of the good PDF."""
    edit, line = DAMAGES[damage]
    copy = tmp_path / "damaged"
    copy.mkdir()
    text = ARTICLE.read_text("utf-8")
    (copy / "article.md").write_text(edit(text), "utf-8")
    build_outputs(copy / "article.md", copy, formats=["pdf"], project=copy)
    shutil.copy(copy / "article.pdf", outputs / "article.pdf")
    assert not shows(text_of("pdf", outputs / "article.pdf"), QUOTED if damage == "quote-straightened" else MIDDLE)
    _names_the_loss(_verify(outputs), "pdf", "body", line)


def test_verify_passes_the_undamaged_copy(outputs: Path):
    result = _verify(outputs)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_independent_readers_find_every_paragraph_of_the_undamaged_build(article_build: Path, fmt: str):
    """The control for the damages above: before any damage, each paragraph is there."""
    fm = front_matter(ARTICLE)
    shown = text_of(fmt, article_build / f"article.{fmt}", [fm["title"]])
    assert [p[:50] for _, p in PARAGRAPHS if not shows(shown, p)] == []


# -- every field, in each format's own metadata ------------------------------------------------
FM = front_matter(ARTICLE)
#: field -> (the value as the article gives it, a different value of the same shape)
FIELD_VALUES: dict[str, tuple[str, str]] = {
    "title": (FM["title"], FM["title"].replace("Consensus", "Agreement")),
    "date": (FM["date"].isoformat(), "2025-10-31"),
    "publisher": (FM["publisher"], FM["publisher"].replace("Neighbours", "Neighbors")),
    "source": (FM["source"]["name"], FM["source"]["name"].replace("Global", "Weekly")),
    "keywords": ("tariffs", "duties"),
    "credits": (FM["credits"][0], FM["credits"][0].replace("Xinhua", "Reuters")),
    "contact": ("Lu Zhenhua", "Lu Zhenhai"),
    "rights": (FM["rights"], FM["rights"].replace("authorized", "permitted")),
}
#: format -> field -> (zip member, the element's opening tag up to its text) for the zip formats
ZIP_PLACES: dict[str, dict[str, tuple[str, str]]] = {
    "epub": {
        "title": ("EPUB/content.opf", "<dc:title"),
        "date": ("EPUB/content.opf", "<dc:date"),
        "publisher": ("EPUB/content.opf", "<dc:publisher"),
        "source": ("EPUB/content.opf", "<dc:source"),
        "keywords": ("EPUB/content.opf", "<dc:subject"),
        "credits": ("EPUB/content.opf", '<meta property="schema:creditText"'),
        "contact": ("EPUB/content.opf", '<meta property="schema:contactPoint"'),
        "rights": ("EPUB/content.opf", "<dc:rights"),
    },
    "docx": {
        "title": ("docProps/core.xml", "<dc:title"),
        "date": ("docProps/core.xml", "<dcterms:created"),
        "publisher": ("docProps/custom.xml", 'name="Publisher"><vt:lpwstr'),
        "source": ("docProps/custom.xml", 'name="Source"><vt:lpwstr'),
        "keywords": ("docProps/core.xml", "<cp:keywords"),
        "credits": ("docProps/custom.xml", 'name="Credits"><vt:lpwstr'),
        "contact": ("docProps/custom.xml", 'name="Contact"><vt:lpwstr'),
        "rights": ("docProps/custom.xml", 'name="Rights"><vt:lpwstr'),
    },
}
#: the web page says its metadata in its JSON-LD
HTML_JSON_LD = re.compile(r'(<script type="application/ld\+json">)(.*?)(</script>)', re.S)
PDF_KEYS = {"title": "/Title", "date": "/CreationDate", "publisher": "/Publisher", "source": "/Source",
            "keywords": "/Keywords", "credits": "/Credits", "contact": "/Contact", "rights": "/Rights"}


def _change_in_element(xml: str, opening: str, old: str, new: str) -> str:
    """``old`` changed to ``new`` in the text of the element(s) whose markup starts with ``opening``."""
    pattern = re.compile(re.escape(opening) + r"[^<]*?>([^<]*)<")
    hits = [m for m in pattern.finditer(xml) if old in m.group(1)]
    assert hits, f"{opening} holding {old!r}"
    m = hits[0]
    return xml[: m.start(1)] + m.group(1).replace(old, new) + xml[m.end(1) :]


def _damage_pdf_field(path: Path, key: str, old: str, new: str) -> None:
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=str(path))
    info = writer._info.get_object()
    value = str(info[NameObject(key)])
    if key == "/CreationDate":
        old, new = old.replace("-", ""), new.replace("-", "")
    assert old in value, (key, value)
    info[NameObject(key)] = TextStringObject(value.replace(old, new))
    writer.write(str(path))


#: the web page's JSON-LD has no contact point (its visible end matter has the contact)
FIELD_CASES = [(fmt, field) for fmt in FORMATS for field in FIELD_VALUES if (fmt, field) != ("html", "contact")]


@pytest.mark.parametrize(("fmt", "field"), FIELD_CASES)
def test_verify_names_each_field_changed_in_each_formats_metadata(outputs: Path, fmt: str, field: str):
    old, new = FIELD_VALUES[field]
    if fmt == "pdf":
        _damage_pdf_field(outputs / "article.pdf", PDF_KEYS[field], old, new)
    elif fmt == "html":
        page = outputs / "article.html"
        text = page.read_text("utf-8")
        [block] = HTML_JSON_LD.findall(text)
        assert old in block[1], (field, block[1][:200])
        page.write_text(text.replace(block[1], block[1].replace(old, new)), "utf-8")
    else:
        member, opening = ZIP_PLACES[fmt][field]
        rewrite_zip_member(outputs / f"article.{fmt}", member, lambda data: _change_in_element(data.decode("utf-8"), opening, old, new).encode("utf-8"))
    key = {"authors": "author"}.get(field, field)
    line = next(i for i, l in enumerate(ARTICLE.read_text("utf-8").split("\n"), start=1) if l.startswith(f"{key}:"))
    _names_the_loss(_verify(outputs), fmt, field, line)


# -- every kind of block ------------------------------------------------------------------------
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BLOCKS = {
    "heading": (FIXTURES / "constructs" / "constructs.md", "A third-level heading", "A third-level headline"),
    "table cell": (FIXTURES / "constructs" / "constructs.md", "long cell text", "long cell test"),
    "figure caption": (FIXTURES / "constructs" / "constructs.md", "A red square and a blue circle", "A red square and a blue circlet"),
    "footnote": (FIXTURES / "constructs" / "constructs.md", "It has a second paragraph.", "It had a second paragraph."),
    "definition term": (FIXTURES / "extensions" / "extensions.md", "Apple", "Pear"),
}


@pytest.mark.parametrize("kind", list(BLOCKS))
def test_verify_checks_every_kind_of_block(tmp_path: Path, kind: str):
    """Headings, table cells, captions, footnotes and definition terms are paragraphs too: one
    changed in the EPUB is named with its line."""
    source, old, new = BLOCKS[kind]
    out = tmp_path / "out"
    build_outputs(source, out, formats=["epub"], project=source.parent)
    book = out / f"{source.stem}.epub"

    def damage(data: bytes) -> bytes:
        text = data.decode("utf-8")
        assert text.count(f">{old}") == 1, "the block's text, right after its tag"
        return text.replace(f">{old}", f">{new}").encode("utf-8")

    rewrite_zip_member(book, "EPUB/article.xhtml", damage)
    line = next(i for i, l in enumerate(source.read_text("utf-8").split("\n"), start=1) if old in l)
    _names_the_loss(_verify(out, source, "--format", "epub"), "epub", "body", line)


def test_a_title_cut_at_words_limit_is_accepted_only_when_the_cut_is_true(tmp_path: Path):
    """Word's core title stops at 255 characters and ends in an ellipsis; verify accepts that
    cut, even without the whole title beside it, but not a cut title that differs."""
    title = ("A very long title that goes on " * 12).strip()
    source = tmp_path / "long.md"
    source.write_text(f'---\ntitle: "{title}"\n---\nBody text.\n', "utf-8")
    out = tmp_path / "out"
    build_outputs(source, out, formats=["docx"], project=tmp_path)

    def without_whole_title(data: bytes) -> bytes:
        text = data.decode("utf-8")
        whole = re.search(r'<property [^>]*name="Title">.*?</property>', text, flags=re.S)
        assert whole, "the whole title is kept in a custom property"
        return text.replace(whole.group(0), "").encode("utf-8")

    rewrite_zip_member(out / "long.docx", "docProps/custom.xml", without_whole_title)
    # the edited file is not the one the manifest recorded (an error of its own): what is tried here
    # is the comparison of the title, so the record goes
    (out / ".publish-manifest.json").unlink()
    assert _verify(out, source, "--format", "docx").exit_code == 0
    rewrite_zip_member(out / "long.docx", "docProps/core.xml", lambda data: data.replace(b"goes on A very", b"goes on A vary", 1))
    result = _verify(out, source, "--format", "docx")
    assert result.exit_code == 1 and any(re.match(r"\s*docx\b.*\btitle\b", l) for l in result.output.splitlines()), result.output


@pytest.mark.parametrize(
    ("fmt", "damage", "said"),
    [
        ("epub", "missing", r"\bfile\b.*\bmissing\b.*does not exist"),
        ("docx", "truncated", r"\bfile\b.*\bdiffers\b.*cannot be read: "),
        ("pdf", "junk", r"\bfile\b.*\bdiffers\b.*cannot be read: [A-Z]\w+: "),
    ],
)
def test_verify_names_an_output_that_is_missing_or_cannot_be_read(outputs: Path, fmt: str, damage: str, said: str):
    path = outputs / f"article.{fmt}"
    if damage == "missing":
        path.unlink()
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:1000])
    else:
        path.write_bytes(b"%PDF-1.7\n% not a PDF after all\n" * 10)
    result = _verify(outputs)
    assert result.exit_code == 1, result.output
    lines = [l for l in result.output.splitlines() if re.match(rf"\s*{fmt}\b", l) and re.search(said, l)]
    assert lines and "NoneType" not in lines[0], result.output


def _damage_epub(source: Path, out: Path, old: str, new: str) -> Path:
    """The EPUB of ``source`` built into ``out``, with its one ``old`` text changed to ``new``."""
    build_outputs(source, out, formats=["epub"], project=source.parent)
    book = out / f"{source.stem}.epub"

    def damage(data: bytes) -> bytes:
        text = data.decode("utf-8")
        assert text.count(old) == 1, old
        return text.replace(old, new).encode("utf-8")

    rewrite_zip_member(book, "EPUB/article.xhtml", damage)
    return book


def _line_of(source: Path, text: str) -> int:
    return next(i for i, l in enumerate(source.read_text("utf-8").split("\n"), start=1) if l.startswith(text))


def test_a_paragraph_is_not_found_as_the_start_of_a_longer_word(tmp_path: Path):
    """The definition term "Orange" changed: the table's "Oranges" elsewhere does not stand in for it."""
    source = FIXTURES / "extensions" / "extensions.md"
    assert "Oranges" in source.read_text("utf-8")
    _damage_epub(source, tmp_path / "out", "<dt>Orange</dt>", "<dt>Lemon</dt>")
    _names_the_loss(_verify(tmp_path / "out", source, "--format", "epub"), "epub", "body", _line_of(source, "Orange"))


def test_a_paragraph_is_not_found_as_the_end_of_a_longer_word(tmp_path: Path):
    """A paragraph "range" is not found inside "Oranges"."""
    source = tmp_path / "fruit.md"
    source.write_text("---\ntitle: Fruit\n---\nOranges are sold here.\n\nrange\n", "utf-8")
    _damage_epub(source, tmp_path / "out", "<p>range</p>", "<p>ranges</p>")
    _names_the_loss(_verify(tmp_path / "out", source, "--format", "epub"), "epub", "body", 6)


def test_a_whole_word_paragraph_is_found_beside_layout_and_cjk_text(tmp_path: Path):
    """The control for the two above: a paragraph ending at a hyphen, a line's end or CJK text is
    found, and CJK text, which has no spaces, is found inside a longer run of it."""
    source = tmp_path / "words.md"
    source.write_text("---\ntitle: Words\n---\nOrange\n\nwell\n\n橙子\n\nwell-known 橙子很甜 fruit\n", "utf-8")
    out = tmp_path / "out"
    build_outputs(source, out, formats=["epub"], project=tmp_path)
    result = _verify(out, source, "--format", "epub")
    assert result.exit_code == 0, result.output


def test_verify_checks_the_summary_of_a_details_block(tmp_path: Path):
    source = tmp_path / "details.md"
    source.write_text(
        "---\ntitle: Details\n---\nBefore the box.\n\n<details>\n<summary>The secret recipe</summary>\n\n"
        "Flour, water and salt.\n\n</details>\n\nAfter the box.\n", "utf-8")
    _damage_epub(source, tmp_path / "out", ">The secret recipe<", ">The secret receipt<")
    _names_the_loss(_verify(tmp_path / "out", source, "--format", "epub"), "epub", "body", _line_of(source, "<details>"))


def test_verify_checks_a_figures_credit_as_part_of_its_caption(tmp_path: Path):
    """The figure's credit (its title) is in its caption; the same words in the end matter's
    credits do not stand in for it."""
    source = FIXTURES / "constructs" / "constructs.md"
    _damage_epub(source, tmp_path / "out", '<span class="credit">Diagram: Test Press</span>', '<span class="credit">Diagram: Test Prose</span>')
    _names_the_loss(_verify(tmp_path / "out", source, "--format", "epub"), "epub", "body", _line_of(source, "![A red square"))


def test_verify_checks_each_line_of_a_code_block(tmp_path: Path):
    source = FIXTURES / "constructs" / "constructs.md"
    _damage_epub(source, tmp_path / "out", "{name}!", "{nome}!")
    _names_the_loss(_verify(tmp_path / "out", source, "--format", "epub"), "epub", "body", _line_of(source, "```python"))


def test_a_pdf_paragraph_is_not_found_as_the_start_of_a_longer_word(tmp_path: Path):
    """The same in the PDF, whose read-back also looks past list markers read into lines: a PDF
    built from a copy whose term "Orange" is "Lemon" fails against the article."""
    source = FIXTURES / "extensions" / "extensions.md"
    copy = tmp_path / "damaged"
    shutil.copytree(source.parent, copy)
    text = source.read_text("utf-8")
    assert text.count("\nOrange\n") == 1
    (copy / source.name).write_text(text.replace("\nOrange\n", "\nLemon\n"), "utf-8")
    out = tmp_path / "out"
    build_outputs(copy / source.name, out, formats=["pdf"], project=copy)
    _names_the_loss(_verify(out, source, "--format", "pdf"), "pdf", "body", _line_of(source, "Orange"))
