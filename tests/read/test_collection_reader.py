"""Reading a collection: its own fields, its articles in order and in sections, and clear errors naming its lines."""
from __future__ import annotations

from pathlib import Path

import pytest

from publish.errors import PublishError
from publish.read.article import read_document
from publish.read.article import source_fingerprint
from publish.read.collection import fingerprint

ARTICLE = "---\ntitle: {title}\nrights: Reprinted with permission of {title} Weekly.\n---\n\nText of {title}.\n"


def _project(tmp_path: Path, front: str, body: str = "") -> Path:
    (tmp_path / "a.md").write_text(ARTICLE.format(title="Alpha"), "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text(ARTICLE.format(title="Beta"), "utf-8")
    path = tmp_path / "issue.md"
    path.write_text(f"---\n{front}---\n{body}", "utf-8")
    return path


def test_a_collection_reads_its_fields_its_introduction_and_each_article_in_its_section(tmp_path: Path) -> None:
    path = _project(tmp_path, "title: Issue 7\neditors: [Ana Lima, Tom Reyes]\nvolume: 3\nissue: 7\narticles:\n"
                              "  - section: World\n    articles:\n      - a.md\n  - sub/b.md\n", "\nThe editor's note.\n")
    doc = read_document(path, tmp_path)
    assert doc.meta.title.text == "Issue 7"
    assert doc.meta.editors == ["Ana Lima", "Tom Reyes"]
    assert (doc.meta.volume, doc.meta.issue) == ("3", "7")
    assert [b.kind for b in doc.blocks] == ["paragraph"]
    assert [(p.number, p.section, p.doc.meta.title.text, p.line) for p in doc.parts] == [
        (1, "World", "Alpha", 9), (2, None, "Beta", 10)]


def test_the_collection_fields_are_not_warned_about_as_unknown(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = _project(tmp_path, "title: Issue 7\nvolume: 3\nissue: 7\nnumber: 12\neditor: Ana Lima\narticles: [a.md]\n")
    read_document(path, tmp_path)
    assert not [r for r in caplog.records if "issue.md" in r.getMessage()]


@pytest.mark.parametrize("articles, message, line", [
    ("articles:\n  - missing.md\n", "the article 'missing.md' does not exist", 4),
    ("articles:\n  - a.md\n  - ./a.md\n", "listed twice (first on line 4)", 5),
    ("articles:\n  - ../outside.md\n", "outside the project", 4),
    ("articles:\n  - issue.md\n", "lists itself", 4),
    ("articles: a.md\n", "'articles' must be a list", 3),
    ("articles:\n  - section: ''\n    articles: [a.md]\n", "a section needs a name", 3),
    ("articles:\n  - {path: a.md}\n", "each of 'articles' is an article's path or a section", 3),
])
def test_a_bad_article_list_is_an_error_naming_the_collection_line(tmp_path: Path, articles: str, message: str, line: int) -> None:
    (tmp_path.parent / "outside.md").write_text(ARTICLE.format(title="Out"), "utf-8")
    path = _project(tmp_path, "title: Issue\n" + articles)
    with pytest.raises(PublishError) as raised:
        read_document(path, tmp_path)
    assert message in str(raised.value)
    assert Path(raised.value.path) == path and raised.value.line == line


def test_an_article_that_cannot_be_read_stops_the_collection_with_its_own_file_and_line(tmp_path: Path) -> None:
    path = _project(tmp_path, "title: Issue\narticles: [a.md, sub/b.md]\n")
    (tmp_path / "sub" / "b.md").write_text("---\ntitle: Beta\ndate: 2025-02-30\n---\n\nText.\n", "utf-8")
    with pytest.raises(PublishError) as raised:
        read_document(path, tmp_path)
    assert Path(raised.value.path) == tmp_path / "sub" / "b.md" and raised.value.line == 3


def test_a_collection_inside_a_collection_is_refused(tmp_path: Path) -> None:
    path = _project(tmp_path, "title: Issue\narticles: [a.md, inner.md]\n")
    (tmp_path / "inner.md").write_text("---\ntitle: Inner\narticles: [a.md]\n---\n", "utf-8")
    with pytest.raises(PublishError, match="itself a collection"):
        read_document(path, tmp_path)


def test_an_article_without_a_notice_is_warned_about(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = _project(tmp_path, "title: Issue\narticles: [a.md, plain.md]\n")
    (tmp_path / "plain.md").write_text("# Plain\n\nNo notice here.\n", "utf-8")
    read_document(path, tmp_path)
    assert any("the article 'plain.md' has no 'rights' notice" in r.getMessage() for r in caplog.records)


def test_the_manifest_digest_of_a_collection_changes_with_any_article_and_matches_the_parsed_one(tmp_path: Path) -> None:
    path = _project(tmp_path, "title: Issue\narticles: [a.md, sub/b.md]\n")
    before = source_fingerprint(path)
    assert before == fingerprint(read_document(path, tmp_path))
    (tmp_path / "sub" / "b.md").write_text(ARTICLE.format(title="Beta, corrected"), "utf-8")
    assert source_fingerprint(path) != before
