"""A collection in the PDF and on the web: each article on its own pages with its own fields, its
notice at the article, on the permissions page and in the format's metadata, verified article by article."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from collection_project import make_collection
from publish import verify
from publish.builder.pipeline import build
from publish.formats.pdf.read import read_back as read_pdf
from publish.formats.web.read import json_ld, read_back as read_web
from publish.read.article import read_document

ARTICLES = 6


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    project = tmp_path_factory.mktemp("collection")
    issue = make_collection(project)
    outputs = build([issue], ["pdf", "html"], out=project / "dist", project=project)
    assert all(o.verified for o in outputs)
    return {"project": project, "issue": issue, **{o.format: o.path for o in outputs}}


@pytest.fixture(scope="module")
def doc(built: dict[str, Path]):
    return read_document(built["issue"], built["project"])


def test_the_pdf_has_each_article_on_pages_of_its_own_in_order_then_the_permissions_page(built: dict[str, Path]) -> None:
    got = read_pdf(built["pdf"])
    names = [f"article-{n}" for n in range(1, ARTICLES + 1)] + ["permissions"]
    assert list(got.parts) == names
    assert "Contents" in got.pages[0] and "The Reprint Review" in got.pages[0]
    starts = [got.pages.index(got.parts[name].pages[0]) for name in names]
    assert starts == sorted(set(starts)), "two articles share a page"


def test_the_pdf_outline_has_each_article_under_its_section(built: dict[str, Path], doc) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(built["pdf"]))
    try:
        toc = [(item.level, item.get_title()) for item in pdf.get_toc()]
    finally:
        pdf.close()
    top = [title for level, title in toc if level == 0]
    assert top == ["Contents", "Features", "Elsewhere", "Permissions"]
    articles = [title for level, title in toc if level == 1]
    assert articles == [part.doc.meta.title.text for part in doc.parts]


def test_the_pdf_xmp_carries_every_article_s_notice_and_fields(built: dict[str, Path], doc) -> None:
    got = read_pdf(built["pdf"])
    for part in doc.parts:
        said = got.parts[f"article-{part.number}"].meta
        assert said["title"] == [part.doc.meta.title.text]
        assert said["language"] == [part.doc.meta.lang]
        if part.doc.meta.rights:
            assert said["rights"] == [part.doc.meta.rights.text]
        assert said.get("author", []) == part.doc.meta.authors
    assert got.meta["title"] == ["The Reprint Review: Issue 1"]


def test_each_notice_is_shown_at_its_article_and_on_the_permissions_page(built: dict[str, Path], doc) -> None:
    for got in (read_pdf(built["pdf"]), read_web(built["html"])):
        noticed = [p for p in doc.parts if p.doc.meta.rights]
        assert len(noticed) == 3
        for part in noticed:
            notice = part.doc.meta.rights.text
            assert got.parts[f"article-{part.number}"].shows(notice) or part.doc.meta.direction == "rtl"
            assert got.parts["permissions"].shows(notice) or part.doc.meta.direction == "rtl"
        # the notice of the first article is not inside any other article
        first = doc.parts[0].doc.meta.rights.text
        assert not any(got.parts[f"article-{n}"].shows(first) for n in range(2, ARTICLES + 1))


def test_the_web_page_describes_an_issue_with_its_editors_and_each_article_s_rights(built: dict[str, Path], doc) -> None:
    from lxml import html

    [data] = json_ld(html.parse(str(built["html"])).getroot())
    assert data["@type"] == "PublicationIssue" and data["issueNumber"] == "1"
    assert [e["name"] for e in data["editor"]] == ["Ana Lima", "Tom O’Neill"]
    assert [p["@id"] for p in data["hasPart"]] == [f"#article-{n}" for n in range(1, ARTICLES + 1)]
    for item, part in zip(data["hasPart"], doc.parts):
        assert item["headline"] == part.doc.meta.title.text
        assert item.get("copyrightNotice") == (part.doc.meta.rights.text if part.doc.meta.rights else None)
        if part.doc.meta.source:
            assert item["isBasedOn"]["publisher"]["name"] == part.doc.meta.source.name


def test_verify_names_the_article_whose_notice_was_removed_from_the_web_page(built: dict[str, Path], doc, tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "dist"
    shutil.copytree(built["html"].parent, out)
    page = out / built["html"].name
    notice = doc.parts[1].doc.meta.rights.text  # the second article's, kept on the permissions page
    text = page.read_text("utf-8")
    article = re.search(r'<article class="article collection-article" id="article-2".*?</article>', text, re.S).group(0)
    cut = re.sub(r'<p class="notice">.*?</p>', "", article, flags=re.S)
    assert cut != article
    page.write_text(text.replace(article, cut), "utf-8")
    report = verify([built["issue"]], out, ["html"], project=built["project"])
    assert not report.ok
    assert any(p.startswith("html: article 2 (reprint.md): rights missing") for p in report.problems), report.problems
    assert notice[:20] in report.summary()


def test_the_web_page_of_a_collection_is_byte_identical_when_built_again(built: dict[str, Path], tmp_path: Path) -> None:
    [again] = build([built["issue"]], ["html"], out=tmp_path / "again", project=built["project"])
    assert again.path.read_bytes() == built["html"].read_bytes()


def test_a_no_op_rebuild_renders_nothing_and_an_edited_article_renders_the_collection_again(tmp_path: Path) -> None:
    issue = make_collection(tmp_path)
    first = build([issue], ["html"], out=tmp_path / "dist", project=tmp_path)
    assert not first[0].unchanged
    assert build([issue], ["html"], out=tmp_path / "dist", project=tmp_path)[0].unchanged
    article = tmp_path / "source" / "rtl" / "rtl.md"
    article.write_text(article.read_text("utf-8").replace("جميع الحقوق محفوظة", "جميع الحقوق محفوظة للناشر"), "utf-8")
    [again] = build([issue], ["html"], out=tmp_path / "dist", project=tmp_path)
    assert not again.unchanged
    assert "جميع الحقوق محفوظة للناشر" in again.path.read_text("utf-8")


def test_watch_rebuilds_a_collection_when_one_of_its_articles_changes(tmp_path: Path) -> None:
    from publish.watch import Watcher

    issue = make_collection(tmp_path)
    results: list = []
    watcher = Watcher([issue], tmp_path / "dist", None, ["html"], project=tmp_path, echo=lambda line: None,
                      error=lambda line: None, report=results.append)
    assert watcher.rebuild()
    article = tmp_path / "source" / "jsalgo-fr-euclidean" / "README.fr-FR.md"
    assert article.resolve() in watcher.files
    article.write_text(article.read_text("utf-8") + "\nUne phrase ajoutée.\n", "utf-8")
    results.clear()
    assert watcher.on_change([(2, str(article))])
    assert [r.unchanged for r in results] == [False]
    assert "Une phrase ajoutée." in (tmp_path / "dist" / "issue-1.html").read_text("utf-8")
