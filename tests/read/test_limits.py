"""Text too long to lay out in reasonable time is refused at its line, within seconds."""
from __future__ import annotations

from pathlib import Path

import pytest

from publish.errors import SourceError
from publish.read.article import MAX_HEADING_CHARS, MAX_PARAGRAPH_CHARS, read_document


def test_a_paragraph_past_the_limit_is_refused_at_its_line(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("---\ntitle: T\n---\n\nIntro.\n\n" + "word " * (MAX_PARAGRAPH_CHARS // 5 + 10) + "\n", "utf-8")
    with pytest.raises(SourceError, match="this paragraph is 200,049 characters long; publish lays out paragraphs of up to 200,000") as refused:
        read_document(source)
    assert refused.value.line == 7


def test_a_heading_past_the_limit_is_refused_inside_a_list_too(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("---\ntitle: T\n---\n\n- item\n\n  ## " + "x" * (MAX_HEADING_CHARS + 1) + "\n", "utf-8")
    with pytest.raises(SourceError, match="this heading is 20,001 characters long") as refused:
        read_document(source)
    assert refused.value.line == 7


def test_a_long_paragraph_under_the_limit_reads(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("---\ntitle: T\n---\n\n" + "word " * (MAX_PARAGRAPH_CHARS // 5 - 10) + "\n", "utf-8")
    assert read_document(source).blocks[0].kind == "paragraph"
