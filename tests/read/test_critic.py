"""CriticMarkup in the source: read into the model with who made each mark and when, warned
about (an error with --strict, naming the line)."""
from __future__ import annotations

from pathlib import Path

import pytest

from publish.errors import PublishError, collecting
from publish.model import Node
from publish.read.article import read_document


def _paragraph(tmp_path: Path, body: str) -> list[Node]:
    source = tmp_path / "a.md"
    source.write_text(f"---\ntitle: T\n---\n\n{body}\n", "utf-8")
    return read_document(source).blocks[0].children


def _shape(nodes: list[Node]) -> list[tuple]:
    return [(n.kind, n.text if n.kind == "text" else _shape(n.children), n.attrs.get("kv", {})) for n in nodes]


def test_insertions_deletions_and_replacements_keep_their_author_date_and_exact_text(tmp_path: Path) -> None:
    nodes = _paragraph(tmp_path, 'The {++very ++}{author="Ana Ruiz" date=2026-12-01T10:00:00Z}big '
                                 '{--old --}dog {~~ran~>walked~~}{author="B"} home.')
    assert _shape(nodes) == [
        ("text", "The ", {}),
        ("insert", [("text", "very ", {})], {"author": "Ana Ruiz", "date": "2026-12-01T10:00:00Z"}),
        ("text", "big ", {}),
        ("delete", [("text", "old ", {})], {}),
        ("text", "dog ", {}),
        ("delete", [("text", "ran", {})], {"author": "B"}),
        ("insert", [("text", "walked", {})], {"author": "B"}),
        ("text", " home.", {}),
    ]


def test_a_highlight_and_its_comments_are_read_in_order_with_inline_markdown_inside(tmp_path: Path) -> None:
    nodes = _paragraph(tmp_path, '{==*This*==}{>>Check it<<}{author="C" date=2026-12-02}{>>Agreed<<}{author="D"}')
    assert _shape(nodes) == [
        ("highlight", [("emph", [("text", "This", {})], {})], {}),
        ("comment", [("text", "Check it", {})], {"author": "C", "date": "2026-12-02"}),
        ("comment", [("text", "Agreed", {})], {"author": "D"}),
    ]


def test_an_unclosed_mark_or_a_replacement_without_its_arrow_stays_text(tmp_path: Path) -> None:
    nodes = _paragraph(tmp_path, "a {++b and {~~c~>d e")
    assert [n.kind for n in nodes] == ["text"]
    assert nodes[0].text == "a {++b and {~~c~>d e"


def test_a_source_with_criticmarkup_is_refused_under_strict_with_its_line(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("---\ntitle: T\n---\n\nPlain.\n\nA {--gone--} word.\n", "utf-8")
    read_document(source)  # a warning only
    with pytest.raises(PublishError) as caught, collecting(strict=True):
        read_document(source)
    assert caught.value.line == 7
    assert "CriticMarkup" in str(caught.value.message)
