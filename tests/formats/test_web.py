"""The web edition: one self-contained page (or a folder), its syndication metadata, its fonts, and verify reading it back."""
from __future__ import annotations

import base64
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import ARTICLE, ROOT
from publish.builder.pipeline import build
from publish.builder.check import verify_outputs
from publish.formats.web.read import json_ld, read_back

CONSTRUCTS = ROOT / "tests" / "fixtures" / "constructs" / "constructs.md"
RIGHTS_SENTENCES = (
    "caixinglobal.com is the English-language online news portal of Chinese financial and business news media group Caixin.",
    "Global Neighbours is authorized to reprint this article.",
)


def _root(path: Path):
    return lxml_html.document_fromstring(path.read_bytes())


def _ld(path: Path) -> dict:
    [data] = json_ld(_root(path))
    return data


@pytest.fixture(scope="module")
def constructs_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("web-constructs")
    [result] = build([CONSTRUCTS], ["html"], out=out, project=ROOT)
    return result.path


def _article(tmp_path: Path, front: str, body: str = "Some text.\n") -> Path:
    source = tmp_path / "a.md"
    source.write_text(f"---\n{front}\n---\n\n{body}", "utf-8")
    return source


def test_web_edition_is_built_by_default_beside_the_three_others(article_build: Path) -> None:
    assert {p.name for p in article_build.iterdir() if not p.name.startswith(".")} >= {"article.pdf", "article.epub", "article.docx", "article.html"}


def test_page_has_no_script_but_json_ld_and_says_so_in_its_policy(article_build: Path) -> None:
    root = _root(article_build / "article.html")
    scripts = root.findall(".//script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    [policy] = root.xpath("//meta[@http-equiv='Content-Security-Policy']")
    directives = dict(d.strip().split(" ", 1) for d in policy.get("content").split(";"))
    assert directives["default-src"] == "'none'" and directives["img-src"] == "data:" and directives["font-src"] == "data:"
    assert directives["style-src"] == "'unsafe-inline'" and "script-src" not in directives  # default-src 'none' forbids scripts
    assert not root.xpath("//@*[starts-with(name(), 'on')]")  # no event handler attributes either


def test_nothing_the_page_loads_comes_from_outside_it(constructs_page: Path) -> None:
    text = constructs_page.read_text("utf-8")
    root = lxml_html.document_fromstring(text)
    loaded = root.xpath("//img/@src | //link[@rel='stylesheet']/@href | //source/@src | //iframe/@src | //object/@data")
    assert loaded and all(url.startswith("data:") for url in loaded)
    style = "".join(root.xpath("//style/text()"))
    assert re.findall(r"url\(\s*[\"']?([^\"')]*)", style) and all(u.startswith("data:") for u in re.findall(r"url\(\s*[\"']?([^\"')]*)", style))
    assert "@import" not in style


def test_whole_article_and_both_notice_sentences_are_visible_and_in_the_metadata(article_build: Path, seed_paragraphs: list[str]) -> None:
    got = read_back(article_build / "article.html")
    for paragraph in seed_paragraphs:
        if paragraph.startswith(("Contact editor", "Photo:", "Image:")) or "Global Neighbours" in paragraph:
            continue
        if paragraph == "30 Oct 2025":  # the seed's date line, shown in the article's locale (lang: en)
            paragraph = "October 30, 2025"
        assert got.shows(paragraph), paragraph[:60]
    for sentence in RIGHTS_SENTENCES:
        assert got.shows(sentence)
        assert any(sentence in v for v in got.meta["dcterms.rights"])
        assert any(sentence in v for v in got.meta["ld:copyrightNotice"])


def test_json_ld_names_the_original_the_notice_and_the_credits(article_build: Path) -> None:
    data = _ld(article_build / "article.html")
    assert data["@type"] == "NewsArticle"  # dated and from a named outlet: the theme's schema_type is auto
    assert data["isBasedOn"]["publisher"] == {"@type": "Organization", "name": "Caixin Global", "url": "https://caixinglobal.com"}
    assert data["copyrightNotice"] == " ".join(RIGHTS_SENTENCES)
    from publish.read.article import read_document

    assert data["creditText"] == [credit.text for credit in read_document(ARTICLE).meta.credits]
    assert data["creditText"][0] == "Photo: Xinhua" and data["creditText"][1].startswith("Image: naraichal")
    assert data["headline"].startswith("China, U.S. Reach Basic Consensus") and data["datePublished"] == "2025-10-30"
    assert data["inLanguage"] == "en" and data["publisher"]["name"] == "Global Neighbours" and "rare earths" in data["keywords"]
    assert data["identifier"].startswith("urn:uuid:")


def test_open_graph_twitter_and_dublin_core_tags_follow_the_article(constructs_page: Path) -> None:
    meta = read_back(constructs_page).meta
    assert meta["language"] == ["en-GB"] and meta["og:locale"] == ["en_GB"]
    assert meta["og:type"] == ["article"] and meta["og:title"] == meta["twitter:title"] == meta["dcterms.title"]
    assert meta["article:author"] == ["Ada Example", "Bo Sample"] == meta["dcterms.creator"]
    assert meta["dcterms.source"] == ["The Example Review (https://example.org/review)"]
    assert meta["dcterms.date"] == ["2024-03-15"] == meta["article:published_time"]
    assert meta["og:description"] == meta["description"] and meta["twitter:card"] == ["summary"]


def test_canonical_link_only_for_the_original_articles_address(article_build: Path, constructs_page: Path) -> None:
    # the seed names only the outlet's home page: a canonical link there would fold the reprint into it
    assert "canonical" not in read_back(article_build / "article.html").meta
    assert _ld(article_build / "article.html")["isBasedOn"].get("url") is None
    # the fixture's source.url is an article's address
    assert read_back(constructs_page).meta["canonical"] == ["https://example.org/review"]
    assert _ld(constructs_page)["isBasedOn"]["url"] == "https://example.org/review"


def test_json_ld_cannot_close_its_script_element(tmp_path: Path) -> None:
    hostile = "</script><script>alert(1)</script><!-- & -->"
    shown = hostile.replace("<", "\\<")  # rights are Markdown: raw HTML would be read (and dropped), escaped it is text
    source = _article(tmp_path, f"title: 'A {hostile}'\nrights: '{shown}'\ndescription: '{hostile}'")
    [result] = build([source], ["html"], out=tmp_path / "out", project=tmp_path)
    page = result.path.read_text("utf-8")
    script = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and ">" not in script
    data = json.loads(script)
    assert data["copyrightNotice"] == hostile and data["description"] == hostile
    assert len(_root(result.path).findall(".//script")) == 1


def test_schema_type_follows_the_theme_option(tmp_path: Path) -> None:
    undated = _article(tmp_path, "title: An essay")
    [result] = build([undated], ["html"], out=tmp_path / "auto", project=tmp_path)
    assert _ld(result.path)["@type"] == "Article"
    theme = tmp_path / "themes" / "plain"
    theme.mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\noptions:\n  schema_type: Article\n", "utf-8")
    [result] = build([CONSTRUCTS], ["html"], theme=str(theme), out=tmp_path / "set", project=ROOT)
    assert _ld(result.path)["@type"] == "Article"


def _fonts(page: Path) -> list[bytes]:
    style = "".join(_root(page).xpath("//style/text()"))
    return [base64.b64decode(b) for b in re.findall(r"data:font/woff2?;base64,([A-Za-z0-9+/=]+)", style)]


def test_fonts_are_embedded_subset_to_the_characters_the_page_uses(constructs_page: Path) -> None:
    from fontTools.ttLib import TTFont

    fonts = _fonts(constructs_page)
    # Charis SIL regular, italic, bold, bold italic, and the CJK face's regular and bold for its Chinese sentence
    assert len(fonts) == 6
    original = TTFont(ROOT / "themes" / "default" / "fonts" / "CharisSIL-Regular.ttf")
    text = read_back(constructs_page).text
    subsets = [TTFont(io.BytesIO(data)) for data in fonts]
    assert all(font.flavor == "woff2" for font in subsets)
    assert sum("CJK" in f["name"].getDebugName(1) for f in subsets) == 2
    regular = next(f for f in subsets if f["name"].getDebugName(1) == "Charis SIL" and f["name"].getDebugName(2) == "Regular")
    cmap = regular.getBestCmap()
    assert len(cmap) < len(original.getBestCmap()) / 10
    wanted = {ord(c) for c in text if ord(c) in original.getBestCmap()}
    assert wanted <= set(cmap)
    assert "Open Font License" in " ".join(str(r) for r in regular["name"].names)  # the licence travels


def test_wide_tables_and_code_scroll_in_a_focusable_box(constructs_page: Path) -> None:
    root = _root(constructs_page)
    [table] = root.findall(".//table")
    box = table.getparent()
    assert box.get("class") == "scroll-box" and box.get("tabindex") == "0" and box.get("role") == "region" and box.get("aria-label")
    assert all(pre.get("tabindex") == "0" for pre in root.findall(".//pre"))


def test_landmarks_skip_link_and_footnote_back_links(constructs_page: Path) -> None:
    root = _root(constructs_page)
    body = root.find("body")
    assert [child.tag for child in body] == ["a", "header", "main", "footer"]
    assert body[0].get("href") == "#main" and root.get_element_by_id("main").tag == "main"
    assert root.get_element_by_id("end-matter").getparent().tag == "footer"
    backs = root.xpath("//a[contains(@class, 'backlink')]")
    assert [b.get("href") for b in backs] == ["#fnref1", "#fnref2"]
    assert all(b.get("aria-label") for b in backs) and all(b.getparent().tag == "p" for b in backs)
    assert root.get_element_by_id("fnref1").get("href") == "#fn1"


def test_web_folder_writes_index_and_assets_and_drops_unused_ones(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(CONSTRUCTS.parent, project)
    source = project / "constructs.md"
    [result] = build([source], ["html"], out=project / "dist", project=project, options={"web_folder": True})
    assert result.path == project / "dist" / "constructs" / "index.html"
    root = _root(result.path)
    [sheet] = root.xpath("//link[@rel='stylesheet']/@href")
    [image] = root.xpath("//img/@src")
    assets = result.path.parent / "assets"
    assert (result.path.parent / sheet).is_file() and (result.path.parent / image).is_file()
    assert sorted(p.suffix for p in assets.iterdir()) == [".css", ".png", *[".woff2"] * 6]  # Charis SIL's four faces, CJK's two
    assert verify_outputs([source], project / "dist", formats=["html"], web_folder=True).ok
    # a new image: the old one is no longer used and goes; the page finds the new one
    (project / "images" / "diagram.png").write_bytes((ROOT / "docs" / "gallery-default-pdf.png").read_bytes())
    build([source], ["html"], out=project / "dist", project=project, options={"web_folder": True})
    [new_image] = _root(result.path).xpath("//img/@src")
    assert new_image != image and (result.path.parent / new_image).is_file() and not (result.path.parent / image).exists()


def test_web_pages_are_byte_identical_across_builds(tmp_path: Path) -> None:
    one = build([CONSTRUCTS], ["html"], out=tmp_path / "a", project=ROOT, force=True)[0].path.read_bytes()
    two = build([CONSTRUCTS], ["html"], out=tmp_path / "b", project=ROOT, force=True)[0].path.read_bytes()
    assert one == two


def test_verify_names_the_web_page_when_it_loses_the_notice(article_build: Path, tmp_path: Path) -> None:
    page = (article_build / "article.html").read_text("utf-8")
    shutil.copy(article_build / "article.html", tmp_path / "article.html")
    assert verify_outputs([ARTICLE], tmp_path, formats=["html"]).ok
    visible = page.replace('<p class="notice">', '<p class="notice" hidden>')
    (tmp_path / "article.html").write_text(visible, "utf-8")
    report = verify_outputs([ARTICLE], tmp_path, formats=["html"])
    assert report.rows["rights"]["html"] == "missing" and report.rows["rights (head)"]["html"] == "ok"
    no_ld = page.replace('"copyrightNotice"', '"copyrightNoticeX"')
    (tmp_path / "article.html").write_text(no_ld, "utf-8")
    assert verify_outputs([ARTICLE], tmp_path, formats=["html"]).rows["rights"]["html"] == "missing"


def test_a_theme_without_web_css_is_refused_when_it_loads(tmp_path: Path) -> None:
    from publish.errors import ThemeError
    from publish.theme import load

    theme = tmp_path / "bare"
    shutil.copytree(ROOT / "themes" / "default", theme)
    (theme / "css" / "web.css").unlink()
    with pytest.raises(ThemeError) as caught:
        load(str(theme), tmp_path)
    assert "css/web.css" in caught.value.message


def test_cover_image_is_shown_embedded_and_named_in_the_metadata(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(CONSTRUCTS.parent, project)
    source = project / "constructs.md"
    source.write_text(source.read_text("utf-8").replace("lang: en-GB\n", "lang: en-GB\ncover-image: images/diagram.png\n"), "utf-8")
    [result] = build([source], ["html"], out=project / "dist", project=project)
    root = _root(result.path)
    cover = root.get_element_by_id("cover").find("img")
    assert cover.get("src").startswith("data:image/png;base64,") and cover.get("alt").startswith("Cover: Every Construct")
    assert _ld(result.path)["image"] == cover.get("src")
    assert read_back(result.path).meta["twitter:card"] == ["summary_large_image"]
    [folder] = build([source], ["html"], out=project / "folder", project=project, options={"web_folder": True})
    src = _root(folder.path).get_element_by_id("cover").find("img").get("src")
    assert src.startswith("assets/") and _ld(folder.path)["image"] == src and (folder.path.parent / src).is_file()


def test_command_line_builds_and_verifies_the_web_edition_as_a_folder(tmp_path: Path) -> None:
    import subprocess
    import sys

    project = tmp_path / "p"
    shutil.copytree(CONSTRUCTS.parent, project)
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "publish", *args], cwd=project, env=env, capture_output=True, text=True, timeout=120)

    built = cli("build", "constructs.md", "--format", "html", "--web-folder")
    assert built.returncode == 0, built.stderr
    assert "wrote dist/constructs/index.html" in built.stdout and "verified 1 file(s)" in built.stdout
    checked = cli("verify", "constructs.md", "--format", "html", "--web-folder")
    assert checked.returncode == 0 and "rights (head)  ok" in checked.stdout
    # the build's manifest records that the page was written as a folder: verify finds it unasked
    assert cli("verify", "constructs.md", "--format", "html").returncode == 0
    (project / "dist" / ".publish-manifest.json").unlink()
    assert cli("verify", "constructs.md", "--format", "html").returncode == 1  # no record, no dist/constructs.html


def test_fonts_fall_back_to_woff_without_brotli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fontTools.ttLib import TTFont

    from publish.formats.web import fonts as web_fonts

    monkeypatch.setattr(web_fonts, "flavor", lambda: "woff")
    [result] = build([CONSTRUCTS], ["html"], out=tmp_path, project=ROOT, parallel=False)
    style = "".join(_root(result.path).xpath("//style/text()"))
    fonts = re.findall(r'url\("data:font/woff;base64,([A-Za-z0-9+/=]+)"\) format\("woff"\)', style)
    assert len(fonts) == 6 and "woff2" not in style  # the theme's four faces and the CJK regular and bold
    assert all(TTFont(io.BytesIO(base64.b64decode(data))).flavor == "woff" for data in fonts)


def test_a_stylesheet_cannot_close_its_style_element(tmp_path: Path) -> None:
    theme = tmp_path / "themes" / "sly"
    theme.mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\nextra_css: [extra.css]\n", "utf-8")
    (theme / "extra.css").write_text('/* </style><script>alert(1)</script> */\n.kicker::after { content: "</STYLE>"; }\n', "utf-8")
    [result] = build([ARTICLE], ["html"], theme="sly", out=tmp_path / "out", project=tmp_path)
    root = _root(result.path)
    assert [s.get("type") for s in root.iter("script")] == ["application/ld+json"]
    [style] = root.findall(".//style")
    assert "<\\/style><script>" in style.text and '"<\\/STYLE>"' in style.text


def test_a_font_face_url_outside_the_theme_stops_the_web_build_with_its_stylesheet_line(tmp_path: Path) -> None:
    from publish.errors import ThemeError

    theme = tmp_path / "leaky"
    theme.mkdir()
    (theme / "theme.yaml").write_text("extends: default\nextra_css: [extra.css]\n", "utf-8")
    (theme / "extra.css").write_text('/* extra */\n@font-face { font-family: "X"; src: url("../secret.woff"); }\n', "utf-8")
    (tmp_path / "secret.woff").write_bytes(b"wOFF")
    with pytest.raises(ThemeError, match="must name a font file") as caught:
        build([CONSTRUCTS], formats=["html"], out=tmp_path / "out", project=ROOT, theme=str(theme))
    assert Path(caught.value.path) == theme / "extra.css" and caught.value.line == 2
    assert not (tmp_path / "out" / "constructs.html").exists()
