"""A collection's DOCX: the front (title block, a TOC field, the introduction), one Word section per
article with its own running head, language and direction, the permissions page; every article's
notice at the article, on the permissions page and in the custom properties; verified article by
article, reproducible, and read by LibreOffice and pandoc. Built once for the module."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from collection_project import make_collection, make_rtl_collection
from independent import docx_properties, docx_text, front_matter, plain, rewrite_zip_member
import publish
from publish.builder.pipeline import build

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: The collection's articles in order, as collection_project lists them.
ARTICLES = ["article.md", "reprint/reprint.md", "rtl/rtl.md", "osguide-it-getting-paid/getting-paid.md",
            "jsalgo-fr-euclidean/README.fr-FR.md", "bat-readme-ja/README-ja.md"]
#: Their languages as publish reads them (the French corpus document says none and has no kana: en).
LANGS = ["en", "en", "ar", "it", "en", "ja"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The collection's project folder, its source file, and its DOCX built with verify on."""
    folder = tmp_path_factory.mktemp("collection-docx")
    source = make_collection(folder)
    build([source], formats=["docx"], out=folder / "dist", project=folder, parallel=False)
    return folder, source, folder / "dist" / "issue-1.docx"


@pytest.fixture(scope="module")
def package(project) -> dict[str, bytes]:
    with zipfile.ZipFile(project[2]) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _style(para: etree._Element) -> str | None:
    found = para.find(f"{W}pPr/{W}pStyle")
    return found.get(f"{W}val") if found is not None else None


def _split(body: etree._Element) -> dict[str, list[etree._Element]]:
    """The body's paragraphs by the part they follow the bookmark of (article-<n>, permissions; '' before any)."""
    found: dict[str, list[etree._Element]] = {"": []}
    current = ""
    for para in body.iter(f"{W}p"):
        for mark in para.iter(f"{W}bookmarkStart"):
            if re.fullmatch(r"article-\d+|permissions", mark.get(f"{W}name") or ""):
                current = mark.get(f"{W}name")
        found.setdefault(current, []).append(para)
    return found


def _meta(folder: Path, number: int) -> dict:
    """Article ``number``'s front matter ({} for a corpus document that has none)."""
    path = folder / "source" / ARTICLES[number - 1]
    return front_matter(path) if path.read_text("utf-8").startswith("---\n") else {}


def _title(folder: Path, number: int) -> str | None:
    title = _meta(folder, number).get("title")
    return " ".join(plain(str(title)).split()) if title else None


def _rights(number: int, folder: Path) -> str | None:
    value = _meta(folder, number).get("rights")
    return " ".join(plain(value).split()) if value else None


def test_each_article_is_a_section_of_its_own_with_its_own_running_head(project, package) -> None:
    folder = project[0]
    document = etree.fromstring(package["word/document.xml"])
    body = document.find(f"{W}body")
    rels = {rel.get("Id"): rel.get("Target") for rel in etree.fromstring(package["word/_rels/document.xml.rels"])}
    sections = list(body.iter(f"{W}sectPr"))
    assert len(sections) == 1 + len(ARTICLES) + 1  # the front, each article, the permissions page
    paragraphs = list(body.iter(f"{W}p"))
    heads = []
    for number, section in enumerate(sections[1:-1], start=1):
        # the article's section ends at a paragraph after its bookmark, and before the next article's
        holder = next(p for p in paragraphs if section in p.iter(f"{W}sectPr"))
        opened = [m.get(f"{W}name") for p in paragraphs[: paragraphs.index(holder) + 1] for m in p.iter(f"{W}bookmarkStart")]
        assert [n for n in opened if n.startswith("article-")][-1] == f"article-{number}"
        default = [ref for ref in section.findall(f"{W}headerReference") if ref.get(f"{W}type") == "default"]
        assert len(default) == 1, f"article {number} has its own running head"
        head = " ".join(_text(etree.fromstring(package["word/" + rels[default[0].get(f"{R}id")]])).split())
        expected = _meta(folder, number).get("short-title") or _title(folder, number)
        assert head and (expected is None or head == expected or expected.startswith(head.rstrip("…").rstrip())), (number, head)
        assert section.find(f"{W}titlePg") is not None  # its opening page, as a title page, has none
        heads.append(head)
        # the Arabic article is a right-to-left section; the others are not
        assert (section.find(f"{W}bidi") is not None) == (LANGS[number - 1] == "ar")
    assert len(set(heads)) == len(ARTICLES)


def test_articles_speak_their_own_language(package) -> None:
    parts = _split(etree.fromstring(package["word/document.xml"]).find(f"{W}body"))
    for number, lang in enumerate(LANGS, start=1):
        if lang == "en":
            continue
        langs = {tag.get(f"{W}val") for p in parts[f"article-{number}"] for tag in p.iter(f"{W}lang")}
        assert langs == {lang}, (number, langs)
    ja = [tag for p in parts["article-6"] for tag in p.iter(f"{W}lang")]
    assert all(tag.get(f"{W}eastAsia") == "ja" for tag in ja)
    # in the Japanese forms of its CJK font, which the font table declares
    east_asian = {f.get(f"{W}eastAsia") for p in parts["article-6"] for f in p.iter(f"{W}rFonts")} - {None}
    assert len(east_asian) == 1 and next(iter(east_asian)).endswith(" JP"), east_asian
    declared = {f.get(f"{W}name") for f in etree.fromstring(package["word/fontTable.xml"]).iter(f"{W}font")}
    assert east_asian <= declared
    arabic = next(p for p in parts["article-3"] if re.search("[\u0600-\u06ff]", _text(p)) and _style(p) == "BodyText")
    assert arabic.find(f"{W}pPr/{W}bidi") is not None


def test_the_contents_is_a_toc_field_listing_every_article(project, package) -> None:
    folder = project[0]
    body = etree.fromstring(package["word/document.xml"]).find(f"{W}body")
    instructions = "".join(t.text or "" for t in body.iter(f"{W}instrText"))
    assert re.search(r'TOC \\h \\z \\t "Section Title,1,Article Title,2"', instructions)
    # the cached result: each article's title linked to its bookmark, before the introduction
    links = {link.get(f"{W}anchor"): _text(link) for link in body.iter(f"{W}hyperlink") if link.get(f"{W}anchor")}
    for number in range(1, len(ARTICLES) + 1):
        title = _title(folder, number)
        assert links.get(f"article-{number}") and links[f"article-{number}"] == (title or links[f"article-{number}"])
    assert "permissions" in links
    marks = [m.get(f"{W}name") for m in body.iter(f"{W}bookmarkStart")]
    for number in range(1, len(ARTICLES) + 1):
        assert marks.count(f"article-{number}") == 1
    assert marks.count("permissions") == 1


def test_every_notice_is_at_its_article_on_the_permissions_page_and_in_the_properties(project, package) -> None:
    folder, _, path = project
    parts = _split(etree.fromstring(package["word/document.xml"]).find(f"{W}body"))
    permissions = " ".join(" ".join(_text(p) for p in parts["permissions"]).split())
    properties = docx_properties(path)
    noticed = 0
    for number in range(1, len(ARTICLES) + 1):
        rights = _rights(number, folder)
        title = _title(folder, number)
        assert len(properties[f"Article {number} Title"]) == 1 and properties[f"Article {number} Title"] == [title or properties[f"Article {number} Title"][0]]
        if rights is None:
            assert f"Article {number} Rights" not in properties
            continue
        noticed += 1
        at_article = [" ".join(_text(p).split()) for p in parts[f"article-{number}"] if _style(p) == "Notice"]
        assert at_article == [rights], number
        assert rights in permissions, number
        assert properties[f"Article {number} Rights"] == [rights]
    assert noticed >= 3
    # the core properties are the collection's: its title, editors, language
    collection = front_matter(project[1])
    assert properties["title"] == [collection["title"]]
    assert properties["creator"] == ["; ".join(collection["editors"])]
    assert properties["language"] == ["en"]


def test_verify_fails_naming_the_article_whose_notice_is_removed(project, tmp_path: Path) -> None:
    folder, source, path = project
    out = tmp_path / "dist"
    out.mkdir()
    damaged = out / path.name
    shutil.copy(path, damaged)

    def drop_notice(data: bytes) -> bytes:
        root = etree.fromstring(data)
        notice = next(p for p in _split(root.find(f"{W}body"))["article-3"] if _style(p) == "Notice")
        notice.getparent().remove(notice)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    rewrite_zip_member(damaged, "word/document.xml", drop_notice)
    report = publish.verify([source], out=out, formats=["docx"], project=folder)
    assert not report.ok
    lost = [p for p in report.problems if "rights" in p]
    assert lost and all("article 3 (rtl.md)" in p for p in lost), report.problems
    # the notice is still on the permissions page, which does not hide its loss at the article
    assert not any("permissions" in p for p in report.problems), report.problems


def test_a_rebuild_is_byte_identical(project, tmp_path: Path) -> None:
    folder, source, path = project
    build([source], formats=["docx"], out=tmp_path, project=folder, parallel=False)
    assert (tmp_path / path.name).read_bytes() == path.read_bytes()


def test_pandoc_reads_it(project) -> None:
    folder, _, path = project
    text = " ".join(docx_text(path).split())
    for number in range(1, len(ARTICLES) + 1):
        rights = _rights(number, folder)
        if rights:
            assert text.count(rights) == 2, number  # at the article and on the permissions page


def test_libreoffice_converts_it(project, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(project[2])],
        capture_output=True, timeout=240,
    )
    pdf = tmp_path / "issue-1.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, timeout=60).stdout.decode("utf-8").split("\f")
    # each article opens a page of its own, with its title at the top
    folder = project[0]
    for number, name in enumerate(ARTICLES, start=1):
        title = _title(folder, number)
        if title and LANGS[number - 1] != "ar":  # pdftotext gives Arabic in visual order
            first_words = " ".join(title.split()[:2])
            assert any(first_words in " ".join(page.split()[:40]) for page in pages), name
    assert any(" ".join(page.split()).startswith("Permissions") for page in pages)


def test_the_read_back_gives_each_article_its_own_text_and_fields(project) -> None:
    from publish.formats.docx.read import read_back

    folder, source, path = project
    got = read_back(path)
    assert sorted(got.parts) == sorted([f"article-{n}" for n in range(1, len(ARTICLES) + 1)] + ["permissions"])
    titles = {f"article-{n}": got.parts[f"article-{n}"].meta["title"][0] for n in range(1, len(ARTICLES) + 1)}
    for number in range(1, len(ARTICLES) + 1):
        ident = f"article-{number}"
        part = got.parts[ident]
        assert titles[ident] in part.text
        assert not any(title in part.text for other, title in titles.items() if other != ident and len(title) > 12)
        assert part.meta["language"] == [LANGS[number - 1]]
        rights = _rights(number, folder)
        assert part.meta.get("rights") == ([rights] if rights else None)
    # a note's text is its article's: the reprint's first note, not the introduction's
    assert "The reports are public" in got.parts["article-2"].text
    assert got.meta["rights"] == [front_matter(source)["rights"]]  # the collection's own, alone


def test_a_right_to_left_collection_with_a_cover_and_no_sections(project) -> None:
    folder, source, _ = project
    path = make_rtl_collection(folder)
    build([path], formats=["docx"], out=folder / "dist", project=folder, parallel=False)  # verified
    with zipfile.ZipFile(folder / "dist" / "issue-ar.docx") as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find(f"{W}body")
    sections = list(body.iter(f"{W}sectPr"))
    assert len(sections) == 1 + 1 + 2 + 1  # the cover, the front, two articles, the permissions page
    bidi = [s.find(f"{W}bidi") is not None for s in sections]
    assert bidi[1:] == [True, True, False, True]  # the front, the Arabic article, the English one, the last
    # only the permissions page has a section title, in the collection's language (Arabic)
    assert [_text(p) for p in body.iter(f"{W}p") if _style(p) == "SectionTitle"] == ["أذونات النشر"]


def test_a_copy_saved_by_libreoffice_still_verifies_article_by_article(project, tmp_path: Path) -> None:
    """The article-<n> and permissions bookmarks survive LibreOffice: its saved copy is cut into the
    same parts, and every article's body, fields and notice are found in its own."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    folder, source, path = project
    profile = (tmp_path / "profile").as_uri()
    saved = tmp_path / "saved"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx:MS Word 2007 XML",
         "--outdir", str(saved), str(path)],
        capture_output=True, timeout=240,
    )
    assert done.returncode == 0 and (saved / path.name).is_file(), done.stderr
    report = publish.verify([source], out=saved, formats=["docx"], project=folder)
    assert report.ok, report.problems


def test_the_arabic_article_names_its_script_font_and_the_package_carries_it(package) -> None:
    from publish.media.fonts import installed_family

    parts = _split(etree.fromstring(package["word/document.xml"]).find(f"{W}body"))
    named = {f.get(f"{W}cs") for p in parts["article-3"] for f in p.iter(f"{W}rFonts")} - {None}
    assert len(named) == 1, named
    [family] = named
    if not installed_family(family):
        pytest.skip(f"{family} is not installed: the DOCX names it without carrying it (apt-get install fonts-noto-core)")
    table = etree.fromstring(package["word/fontTable.xml"])
    font = next(f for f in table.iter(f"{W}font") if f.get(f"{W}name") == family)
    assert font.find(f"{W}embedRegular") is not None


def test_publish_import_refuses_a_collection_s_word_copy_saying_what_it_is(project) -> None:
    from publish.errors import PublishError
    from publish.importer.docx import import_docx

    folder, _, docx = project
    with pytest.raises(PublishError, match="the Word copy of a collection"):
        import_docx(docx, folder, None, True, "accept", False)
