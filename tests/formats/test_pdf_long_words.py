"""Long runs of text without a space reach WeasyPrint in pieces, so wrapping them is linear."""
from __future__ import annotations

import random
from pathlib import Path

from publish.builder.pipeline import build
from publish.formats.pdf.page import WORD_PIECE, split_long_words


def test_a_long_run_of_code_is_cut_into_spans_that_keep_every_character() -> None:
    run = "ab" * 1000
    page = f"<html><body><pre><code>{run}</code></pre></body></html>"
    split = split_long_words(page)
    assert split.count("<span>") == len(run) // WORD_PIECE
    assert split.replace("<span>", "").replace("</span>", "") == page


def test_no_cut_falls_inside_an_entity_or_beside_a_non_ascii_character() -> None:
    run = ("x" * (WORD_PIECE - 2) + "&amp;" + "\u0644\u0627" * 150 + "y" * 3 * WORD_PIECE)
    split = split_long_words(f"<p>{run}</p>")
    pieces = [piece.split("</span>")[0] for piece in split.split("<span>")[1:]]
    assert "".join(pieces) == run
    for left, right in zip(pieces, pieces[1:]):
        assert left[-1].isascii() and right[0].isascii() and not left.endswith(("&", "&a", "&am", "&amp"))


def test_tags_styles_and_attributes_are_left_as_they_are() -> None:
    data = "data:image/png;base64," + "A" * 3000
    page = (f'<html><head><style>p {{ background: url("{data}") }}</style></head>'
            f'<body><img src="{data}" alt="x"/><script>var s = "{"q" * 900}";</script><p>short words only</p></body></html>')
    assert split_long_words(page) == page


def test_a_forty_thousand_character_line_of_code_builds_and_verifies(tmp_path: Path) -> None:
    """It took 65 s for the PDF alone (11 s for 10,000 characters) before the cut; a minified
    line in a fenced block is what real documents hold."""
    random.seed(7)
    line = "".join(random.choice("abcdefghijklmnopqrstuvwxyz0123456789{}();=") for _ in range(40_000))
    source = tmp_path / "minified.md"
    source.write_text(f"---\ntitle: Minified\n---\n\nThe bundle:\n\n```js\n{line}\n```\n", "utf-8")
    [pdf] = build(sources=[source], formats=["pdf"], out=tmp_path / "dist", project=tmp_path)
    assert pdf.verified and pdf.size > 0


def test_a_word_longer_than_its_line_in_a_deep_quote_breaks_instead_of_being_cut(tmp_path: Path) -> None:
    """javascript.info's Bengali tutorial keeps a merge-conflict line, ``>>>>>>> d6e8…c0d``: seven
    quotes deep, in a language without hyphenation patterns, the 40-character hash ran off the
    narrow column and its end was cut (verify refused the PDF); every word may now break where
    nothing else fits (overflow-wrap: break-word), which changes no line that fits. (Here twelve
    quotes deep and the hash twice, so that it overflows the default page too.)"""
    import pypdfium2

    digest = "d6e88647b42992f204f57401160ebae92b358c0d"
    source = tmp_path / "conflict.md"
    source.write_text(f"---\ntitle: Conflict\nlang: bn\n---\n\nভূমিকা।\n\n>>>>>>>>>>>> {digest}{digest}\n", "utf-8")
    [pdf] = build(sources=[source], formats=["pdf"], out=tmp_path / "dist", project=tmp_path)
    assert pdf.verified
    document = pypdfium2.PdfDocument(str(pdf.path))
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert digest + digest in "".join(text.replace("\u2010", "").split())
