"""A collection's EPUB: a front page, one content document per article in its own language and
direction, a permissions page, each article's fields refining its manifest item; valid (EPUBCheck),
verified article by article, and reproducible. Built once for the module."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from collection_project import ARTICLES, LANGUAGES, build_collection, make_rtl_collection
from independent import front_matter, plain
import publish
from publish.builder.pipeline import build

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The collection's project folder, its source file, and its EPUB built with verify on."""
    return build_collection(tmp_path_factory.mktemp("collection"), "epub")


@pytest.fixture(scope="module")
def rtl_epub(project) -> Path:
    """The right-to-left collection's EPUB, built with verify on beside the other."""
    folder = project[0]
    path = make_rtl_collection(folder)
    build([path], formats=["epub"], out=folder / "dist", project=folder, parallel=False)
    return folder / "dist" / "issue-ar.epub"


@pytest.fixture(scope="module")
def book(project) -> dict[str, bytes]:
    with zipfile.ZipFile(project[2]) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _doc(book: dict[str, bytes], name: str) -> etree._Element:
    return etree.fromstring(book[f"EPUB/{name}"])


def _text(root: etree._Element) -> str:
    body = root.find("x:body", NS)
    return " ".join("".join(body.itertext()).split())


def _articles(project) -> list[dict]:
    """Each article's front matter, read with PyYAML (not publish); {} for a corpus README without any."""
    source = project[1].parent
    return [front_matter(source / name) if (source / name).read_text("utf-8").startswith("---\n") else {}
            for name in ARTICLES]


def _spaced(text: str) -> str:
    return " ".join(text.split())


# -- the package -------------------------------------------------------------------------
def test_the_spine_is_the_cover_the_front_page_each_article_and_the_permissions_page(book):
    opf = _doc(book, "content.opf")
    manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    spine = [manifest[r.get("idref")] for r in opf.iterfind(".//opf:spine/opf:itemref", NS)]
    # no cover-image: the cover is drawn from the collection's title (as an article's is)
    assert spine == ["cover.xhtml", "front.xhtml", *(f"article-{n}.xhtml" for n in range(1, 7)), "permissions.xhtml"]
    assert opf.find(".//opf:spine", NS).get("page-progression-direction") != "rtl"  # the collection reads left to right


def test_the_opf_carries_the_collection_and_its_editors_with_role_edt(book, project):
    opf = _doc(book, "content.opf")
    meta = front_matter(project[1])
    metadata = opf.find("opf:metadata", NS)
    assert [t.text for t in metadata.findall("dc:title", NS)] == [meta["title"], meta["subtitle"]]
    assert metadata.find("dc:language", NS).text == "en"
    assert metadata.find("dc:date", NS).text == "2026-12-01"
    assert metadata.find("dc:publisher", NS).text == meta["publisher"]
    assert metadata.find("dc:rights", NS).text == meta["rights"]
    contributors = metadata.findall("dc:contributor", NS)
    assert [c.text for c in contributors] == meta["editors"]
    for contributor in contributors:
        roles = [m for m in metadata.findall("opf:meta", NS) if m.get("refines") == f"#{contributor.get('id')}"]
        assert [(m.get("property"), m.get("scheme"), m.text) for m in roles] == [("role", "marc:relators", "edt")]
    assert not metadata.findall("dc:creator", NS), "a collection's articles' authors refine their own items"


def _refining(book: dict[str, bytes], ident: str) -> dict[str, list[str]]:
    said: dict[str, list[str]] = {}
    for meta in _doc(book, "content.opf").iterfind(".//opf:metadata/opf:meta", NS):
        if meta.get("refines") == f"#{ident}":
            said.setdefault(meta.get("property"), []).append(meta.text)
    return said


def test_each_articles_fields_refine_its_manifest_item(book, project):
    for number, meta in enumerate(_articles(project), start=1):
        said = _refining(book, f"article-{number}")
        assert len(said["dcterms:title"]) == 1
        if "title" in meta:
            assert said["dcterms:title"] == [plain(meta["title"])], number
        authors = meta.get("author") or meta.get("authors") or []
        names = [a["name"] if isinstance(a, dict) else a for a in ([authors] if isinstance(authors, (str, dict)) else authors)]
        assert said.get("dcterms:creator", []) == names, number
        if "rights" in meta:
            assert said["dcterms:rights"] == [_spaced(plain(meta["rights"]))], number
        if "source" in meta:
            name = meta["source"]["name"] if isinstance(meta["source"], dict) else meta["source"]
            assert said["dcterms:source"][0].startswith(name), number
        credits = meta.get("credits") or []
        assert said.get("schema:creditText", []) == [plain(c) for c in ([credits] if isinstance(credits, str) else credits)], number


# -- the pages -----------------------------------------------------------------------------
def test_each_article_is_a_page_in_its_own_language_and_direction(book, project):
    for number, meta in enumerate(_articles(project), start=1):
        root = _doc(book, f"article-{number}.xhtml")
        lang = LANGUAGES[number - 1]
        assert meta.get("lang", lang) == lang
        assert root.get("lang") == root.get(XML_LANG) == lang, number
        assert root.get("dir") == ("rtl" if lang == "ar" else "ltr"), number
        article = root.find(".//x:article", NS)
        assert article.get("id") == f"article-{number}"
        assert article.find(".//x:header[@class='title-block']", NS) is not None
        assert article.find(".//x:section[@class='end-matter']", NS) is not None


def test_each_notice_is_at_its_article_on_the_permissions_page_and_in_the_opf(book, project):
    permissions = _text(_doc(book, "permissions.xhtml"))
    found = 0
    for number, meta in enumerate(_articles(project), start=1):
        if "rights" not in meta:
            continue
        notice = _spaced(plain(meta["rights"]))
        page = _doc(book, f"article-{number}.xhtml")
        shown = [_spaced("".join(p.itertext())) for p in page.iterfind(".//x:section[@class='end-matter']/x:p[@class='notice']", NS)]
        assert shown == [notice], number
        assert notice in permissions, number
        assert _refining(book, f"article-{number}")["dcterms:rights"] == [notice]
        for other in range(1, 7):  # and at no other article
            if other != number:
                assert notice not in _text(_doc(book, f"article-{other}.xhtml"))
        found += 1
    assert found == 3


def test_the_front_page_has_the_title_block_the_contents_by_section_and_the_introduction(book, project):
    root = _doc(book, "front.xhtml")
    text = _text(root)
    for value in ("The Reprint Review: Issue 1", "Volume 3 · Issue 1", "Ana Lima", "Tom O’Neill",
                  "This issue gathers reprints from six outlets", "Collection © 2026 Harbour Press."):
        assert value in text
    contents = root.find(".//x:nav[@id='contents']", NS)
    assert [p.text for p in contents.iterfind("x:p[@class='contents-section']", NS)] == ["Features", "Elsewhere"]
    links = [a.get("href") for a in contents.iterfind(".//x:li/x:a", NS)]
    assert links == [f"article-{n}.xhtml" for n in range(1, 7)]
    second = contents.findall(".//x:li", NS)[1]
    assert "Mira Castellanos" in "".join(second.itertext()) and "Coastal Affairs Quarterly" in "".join(second.itertext())


def test_the_nav_lists_sections_then_articles_then_their_headings(book):
    nav = _doc(book, "nav.xhtml")
    toc = next(n for n in nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "toc")
    top = toc.findall("x:ol/x:li", NS)
    assert [li.find("x:a", NS).text for li in top] == ["The Reprint Review: Issue 1", "Features", "Elsewhere", "Permissions"]
    features = [li.find("x:a", NS) for li in top[1].findall("x:ol/x:li", NS)]
    assert [a.get("href") for a in features] == ["article-1.xhtml#article-1", "article-2.xhtml#article-2"]
    harbour = top[1].findall("x:ol/x:li", NS)[1]
    assert harbour.find("x:ol/x:li/x:a", NS).get("href").startswith("article-2.xhtml#")  # its headings
    landmarks = next(n for n in nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "landmarks")
    kinds = {a.get(EPUB_TYPE): a.get("href") for a in landmarks.iter(f"{{{NS['x']}}}a")}
    assert kinds == {"cover": "cover.xhtml", "titlepage": "front.xhtml", "toc": "front.xhtml#contents", "bodymatter": "article-1.xhtml",
                     "backmatter": "permissions.xhtml"}


# -- EPUBCheck, read-back, verify -------------------------------------------------------------
def test_a_right_to_left_collection_turns_its_pages_right_to_left_after_its_cover(rtl_epub):
    with zipfile.ZipFile(rtl_epub) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
        front = etree.fromstring(archive.read("EPUB/front.xhtml"))
        second = etree.fromstring(archive.read("EPUB/article-2.xhtml"))
    spine = opf.find(".//opf:spine", NS)
    assert spine.get("page-progression-direction") == "rtl" and opf.get("dir") == "rtl"
    assert [r.get("idref") for r in spine] == ["cover", "front", "article-1", "article-2", "permissions"]
    assert (front.get("dir"), front.get("lang")) == ("rtl", "ar")
    assert (second.get("dir"), second.get("lang")) == ("ltr", "en")  # the English article reads left to right


def test_epubcheck_finds_no_error_or_warning(project, rtl_epub, tmp_path):
    if shutil.which("java") is None:
        pytest.skip("java is not installed: EPUBCheck needs Java 17+")
    from test_epub import _epubcheck  # one JVM for both books

    for path, report in _epubcheck([project[2], rtl_epub], tmp_path).items():
        messages = [f"{m['severity']} {m['ID']}: {m['message']} {[l.get('path') for l in m['locations']]}" for m in report["messages"]]
        counts = {k: report["checker"][k] for k in ("nFatal", "nError", "nWarning")}
        assert counts == {"nFatal": 0, "nError": 0, "nWarning": 0}, (path.name, messages)


def test_the_read_back_gives_each_article_its_own_text_and_fields(project):
    from publish.formats.epub.read import read_back

    got = read_back(project[2])
    assert sorted(got.parts) == sorted([f"article-{n}" for n in range(1, 7)] + ["permissions"])
    titles = {f"article-{n}": got.parts[f"article-{n}"].meta["title"][0] for n in range(1, 7)}
    for ident, part in got.parts.items():
        if ident == "permissions":
            assert part.meta == {}
            continue
        assert titles[ident] in part.text
        assert not any(title in part.text for other, title in titles.items() if other != ident and len(title) > 12)
    assert got.parts["article-3"].meta["language"][-1] == "ar"
    assert "dcterms:rights" not in got.meta and "rights" in got.parts["article-1"].meta
    assert got.meta["rights"] == [front_matter(project[1])["rights"]]  # the collection's own, alone


def _without_notice(epub: Path, out: Path, member: str) -> None:
    """A copy of the EPUB whose ``member`` lost the notice of its end matter."""
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                text = data.decode("utf-8")
                cut = re.sub(r'<p class="notice">.*?</p>', "", text, count=1, flags=re.S)
                assert cut != text
                data = cut.encode("utf-8")
            target.writestr(info, data)


def test_verify_fails_naming_the_article_whose_notice_was_removed(project, tmp_path):
    folder, source, epub = project
    assert publish.verify([source], out=epub.parent, formats=["epub"], project=folder).ok
    tampered = tmp_path / "dist"
    tampered.mkdir()
    _without_notice(epub, tampered / epub.name, "EPUB/article-2.xhtml")
    report = publish.verify([source], out=tampered, formats=["epub"], project=folder)
    assert not report.ok
    summary = report.summary()
    assert "article 2 (reprint.md): rights" in summary and "epub" in summary.lower()
    assert "article 1" not in summary and "permissions missing" not in summary


def test_rebuilding_gives_the_same_bytes(project, tmp_path):
    folder, source, epub = project
    build([source], formats=["epub"], out=tmp_path, project=folder, parallel=False, verify=False, force=True)
    assert (tmp_path / epub.name).read_bytes() == epub.read_bytes()


def test_ace_by_daisy_reports_no_violation(project, tmp_path):
    """Ace checks every page: each article's landmarks and headings, the permissions appendix."""
    from test_ace import ACE, CHROMIUM, _violations

    if not ACE.exists() or CHROMIUM is None:
        pytest.skip("Ace by DAISY (`make test` installs it into .tools/ace) and a Chromium are needed")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    run = subprocess.run([str(ACE), "--silent", "--force", "-o", str(tmp_path / "ace"), str(project[2])],
                         capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads((tmp_path / "ace" / "report.json").read_text("utf-8"))
    assert _violations(report) == []
