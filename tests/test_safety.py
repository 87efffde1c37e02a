"""Hostile articles and themes: nothing read outside the project, no markup or script injected, no template evaluated, nothing lost."""
from __future__ import annotations

import os
import re
import shutil
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any, Callable

import pytest
from lxml import etree

from conftest import ROOT
from publish.errors import PublishError, SourceError
from publish.builder.pipeline import build
from publish.formats.pdf.write import ConfinedFetcher

PNG = ROOT / "tests" / "fixtures" / "constructs" / "images" / "diagram.png"
XHTML = "{http://www.w3.org/1999/xhtml}"


# -- the PDF writer's fetcher -----------------------------------------------------
@pytest.fixture
def sandbox(tmp_path: Path) -> dict[str, Path]:
    """A project and a theme folder (the fetcher's roots), and canary files outside both."""
    project, theme, outside = tmp_path / "project", tmp_path / "theme", tmp_path / "outside"
    for folder in (project, theme, outside):
        folder.mkdir()
    (project / "ok.css").write_text("p { color: red }")
    (outside / "secret.css").write_text("p { color: blue }")
    (outside / "secret.png").write_bytes(PNG.read_bytes())
    (project / "out.css").symlink_to(outside / "secret.css")
    os.mkfifo(project / "pipe.css")
    # decoys for a fetcher that would read "file://localhost/..." or "file:/..." relative to the working folder
    for decoy in (project / "localhost" / "etc" / "passwd", project / "file:" / "etc" / "passwd"):
        decoy.parent.mkdir(parents=True)
        decoy.write_text("decoy\n")
    return {"project": project, "theme": theme, "outside": outside}


def _fetch(fetcher: ConfinedFetcher, url: str) -> bytes:
    """Fetch in a thread, so a fetch that blocks (a FIFO) fails the test instead of hanging it."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            response = fetcher.fetch(url)
            result["data"] = response.read()
        except BaseException as exc:  # noqa: BLE001 - reported below
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), f"fetching {url} blocked"
    if "error" in result:
        raise result["error"]
    return result["data"]


REFUSED = [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "file://localhost/etc/passwd",
    "file://evil.example/etc/passwd",
    "file:/etc/passwd",
    "file:etc/passwd",
    "file:{project}/../outside/secret.css",
    "file://{project}/%2e%2e/outside/secret.css",
    "file://{project}/%2E%2E%2Foutside%2Fsecret.css",
    "file://{project}/out.css",
    "file://{project}/pipe.css",
    "file://{project}/missing.css",
    "file://{project}",
    "http://127.0.0.1:9/x.css",
    "https://example.com/x.css",
    "ftp://example.com/x.css",
    "//example.com/x.css",
    "relative.css",
]


@pytest.mark.parametrize("url", REFUSED)
def test_fetcher_refuses_anything_but_regular_files_inside_its_roots(sandbox: dict[str, Path], url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sandbox["project"])
    fetcher = ConfinedFetcher([sandbox["project"], sandbox["theme"]])
    with pytest.raises((ValueError, OSError)):
        _fetch(fetcher, url.format(project=sandbox["project"]))


def test_fetcher_reads_files_inside_its_roots_and_data_urls(sandbox: dict[str, Path]) -> None:
    fetcher = ConfinedFetcher([sandbox["project"], sandbox["theme"]])
    assert _fetch(fetcher, (sandbox["project"] / "ok.css").as_uri()) == b"p { color: red }"
    assert _fetch(fetcher, (sandbox["project"] / "ok.css").as_uri() + "?v=1#top") == b"p { color: red }"
    assert _fetch(fetcher, "data:text/css;base64,cCB7fQ==") == b"p {}"
    response = fetcher.fetch((sandbox["project"] / "ok.css").as_uri())
    assert response.content_type == "text/css"


class _OpenAudit:
    """Every file this process opens, from an audit hook (hooks cannot be removed: this one can be switched off)."""

    hooked = False
    active: list[str] | None = None

    @classmethod
    def hook(cls, event: str, args: tuple[Any, ...]) -> None:
        if cls.active is not None and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            cls.active.append(os.fsdecode(args[0]))

    def __enter__(self) -> list[str]:
        if not _OpenAudit.hooked:
            sys.addaudithook(_OpenAudit.hook)
            _OpenAudit.hooked = True
        _OpenAudit.active = []
        return _OpenAudit.active

    def __exit__(self, *exc: object) -> None:
        _OpenAudit.active = None


def _opened_outside(opened: list[str], forbidden: list[Path]) -> list[str]:
    resolved = {Path(p).resolve() for p in forbidden}
    return sorted({p for p in opened if Path(p).resolve() in resolved or Path(p).resolve().is_relative_to("/etc/passwd")})


HOSTILE_CSS = """
@import url("file:///etc/passwd");
@import url("file://localhost/etc/passwd");
@import url("file:/etc/passwd");
@import url("{outside}/secret.css");
@import url("../../outside/secret.css");
@import url("../../../link.css");
@font-face {{ font-family: Evil; src: url("/etc/passwd"); }}
@font-face {{ font-family: Pipe; src: url("../../../pipe.woff"); }}
body {{ background-image: url("file:///etc/passwd"); }}
h1 {{ background-image: url("../../outside/secret.png"); }}
p {{ background-image: url("%2e%2e/%2e%2e/outside/secret.png"); font-family: Evil, Pipe, serif; }}
li {{ background-image: url("https://example.com/x.png"); }}
blockquote {{ background-image: url("file://localhost{outside}/secret.png"); }}
"""

HOSTILE_ARTICLE = """---
title: "Reading /etc/passwd"
---

<img src="file:///etc/passwd"> <img src="https://evil.example/etc/passwd"> <link rel="stylesheet" href="file:///etc/passwd"> <iframe src="/etc/passwd"></iframe>

<style>@import "/etc/passwd";</style> <object data="file:///etc/passwd"></object> <svg><image href="/etc/passwd"/></svg>

[a link](https://example.com/passwd)

- a list

> a quote
"""


def test_no_theme_or_article_makes_weasyprint_read_outside(sandbox: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The fetcher governs everything WeasyPrint loads: an audit hook sees every file opened while the PDF is made."""
    project, outside = sandbox["project"], sandbox["outside"]
    theme = project / "themes" / "evil"
    (theme / "css").mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: evil\nextends: default\nextra_css: [css/evil.css]\n")
    (theme / "css" / "evil.css").write_text('@import url("fine.css");\n' + HOSTILE_CSS.format(outside=outside))
    (theme / "css" / "fine.css").write_text("p { color: #123456 }\n")
    (project / "link.css").symlink_to(outside / "secret.css")  # in the project: a theme may not hold such links
    os.mkfifo(project / "pipe.woff")
    (project / "article.md").write_text(HOSTILE_ARTICLE)
    monkeypatch.chdir(project)
    from publish.errors import ThemeError
    from publish.theme import load
    from publish.theme.options import validate_options

    with pytest.raises(ThemeError, match="@import is not allowed") as refused:  # the theme check refuses it first
        build(sources=[project / "article.md"], formats=["pdf"], theme="evil", out=project / "out", project=project, parallel=False, force=True)
    assert Path(refused.value.path) == theme / "css" / "evil.css" and refused.value.line == 1
    unchecked = load("evil", project, check=False)  # and the fetcher holds even for a theme that skipped it
    validate_options(unchecked)
    with _OpenAudit() as opened:
        [result] = build(sources=[project / "article.md"], formats=["pdf"], theme=unchecked, out=project / "out", project=project, parallel=False, force=True)
    assert result.path.stat().st_size > 0
    assert _opened_outside(opened, [outside / "secret.css", outside / "secret.png"]) == []
    assert any(p.endswith("css/fine.css") for p in opened), "the audit sees what WeasyPrint reads"
    pdf = result.path.read_bytes()
    assert b"decoy" not in pdf and b"root:x:0:0" not in pdf


def test_site_absolute_image_is_read_from_the_project_never_from_the_root(sandbox: dict[str, Path]) -> None:
    project = sandbox["project"]
    (project / "article.md").write_text('---\ntitle: T\n---\n\n<img src="/etc/passwd" alt="x">\n')
    with pytest.raises(SourceError, match="image '/etc/passwd' does not exist"):
        build(sources=[project / "article.md"], formats=["pdf"], out=project / "out", project=project, parallel=False, force=True)


# -- markup and script injection: dropped (raw HTML) or shown as text (Markdown) in every format --
INJECTION = """---
title: "<script>alert('title')</script> and <b onmouseover=alert(1)>bold</b>"
rights: "<iframe src=javascript:alert(1)></iframe>"
credits: ["<img src=x onerror=alert(1)>"]
contact: "[mail](mailto:a@example.com) <a href='javascript:alert(1)'>x</a>"
---

<script>alert(1)</script>

<img src=https://evil.example/x.png alt=remote onerror=alert(1)> <svg onload=alert(1)> <iframe src="https://evil.example"></iframe>

<a href="javascript:alert(1)">click</a> [click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)
<JavaScript:alert(1)> [caps](JAVASCRIPT:alert(1)) [entity](java&#x73;cript:alert(1))

<style>body { display: none }</style> <meta http-equiv="refresh" content="0;url=https://evil.example">
<base href="https://evil.example/"> <object data="x"></object> <embed src="x"> <form action="x"><input></form>

<!-- a comment --> <?php echo 1; ?> <![CDATA[ x ]]>

[fine](https://example.com)
"""
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "form", "input", "base", "svg", "frame", "frameset", "applet"}


def _check_markup(tree: etree._Element, where: str) -> None:
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = etree.QName(element).localname.lower()
        assert tag not in FORBIDDEN_TAGS, f"{where}: <{tag}>"
        if tag == "meta":
            assert element.get("http-equiv") is None, where
        for name, value in element.attrib.items():
            local = etree.QName(name).localname.lower()
            assert not local.startswith("on"), f"{where}: {local}={value}"
            assert not re.match(r"\s*(javascript|vbscript|data):", value, re.I), f"{where}: {local}={value}"


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    project = tmp_path_factory.mktemp("injection")
    (project / "article.md").write_text(INJECTION)
    results = build(sources=[project / "article.md"], formats=["epub", "docx", "pdf"], out=project / "out", project=project, force=True)
    return {r.format: r.path for r in results}


def test_epub_has_no_script_handler_or_javascript_url(injected: dict[str, Path]) -> None:
    with zipfile.ZipFile(injected["epub"]) as book:
        parts = {n: book.read(n) for n in book.namelist() if n.endswith((".xhtml", ".opf", ".ncx", ".html"))}
    text = ""
    for name, data in parts.items():
        tree = etree.fromstring(data)
        _check_markup(tree, name)
        text += " ".join(tree.itertext())
        links = [a.get("href") for a in tree.iter(f"{XHTML}a") if a.get("href")]
        assert all(not re.match(r"\s*javascript", href, re.I) for href in links), name
        styles = [s for s in tree.iter(f"{XHTML}style")]
        assert all("display: none" not in (s.text or "") for s in styles), name
    assert "[click](javascript:alert(1))" in text and "click" in text and "remote" in text
    for dropped in ("<script", "onerror", "display: none", "a comment", "evil.example"):
        assert dropped not in text, dropped


def test_docx_has_no_script_or_javascript_target(injected: dict[str, Path]) -> None:
    with zipfile.ZipFile(injected["docx"]) as package:
        parts = {n: package.read(n) for n in package.namelist() if n.endswith((".xml", ".rels"))}
    text = ""
    for name, data in parts.items():
        tree = etree.fromstring(data)
        _check_markup(tree, name)
        if name.endswith(".rels"):
            for rel in tree:
                target = rel.get("Target", "")
                if rel.get("TargetMode") == "External":
                    assert re.match(r"(https?|mailto):", target), f"{name}: {target}"
        text += "".join(tree.itertext())
    assert "[click](javascript:alert(1))" in text and "remote" in text
    for dropped in ("<script", "onerror", "display: none", "a comment", "evil.example"):
        assert dropped not in text, dropped
    assert b"altChunk" not in b"".join(parts.values()), "no embedded HTML chunks"


def test_pdf_has_no_javascript_or_launch_action(injected: dict[str, Path]) -> None:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(injected["pdf"]))
    catalog = reader.trailer["/Root"]
    assert "/OpenAction" not in catalog and "/AA" not in catalog
    assert "/JavaScript" not in catalog.get("/Names", {})
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            action = annot.get_object().get("/A")
            if action is not None:
                assert action["/S"] in ("/URI", "/GoTo"), action
                if action["/S"] == "/URI":
                    uris.append(str(action["/URI"]))
    assert uris and all(re.match(r"(https?|mailto):", u) for u in uris), uris
    text = "".join(page.extract_text() for page in reader.pages)
    assert "alert(1)" in text  # shown, not run


# -- template syntax is data, never template source -------------------------------
TEMPLATES = ["{{ 7*7 }}", "{% for x in range(3) %}{{ x }}{% endfor %}", "{# hidden #}", "${7*7}", "{{ meta.rights }}", "{% raw %}"]
TEMPLATE_ARTICLE = """---
title: "{{ 7*7 }} {% raw %}"
subtitle: "{{ meta.rights }}"
author: ["{# hidden #}", "${7*7}"]
rights: "{% for x in range(3) %}{{ x }}{% endfor %}"
keywords: ["{{ 7*7 }}"]
description: "{% include 'article.html' %}"
source: {name: "{{ config }}", url: "https://example.com/{{ 7*7 }}"}
---

Body {{ 7*7 }} and {% for x in range(3) %}{{ x }}{% endfor %} and {# hidden #} and ${7*7}.

{{ meta.rights }} {% raw %} {{ self }} {% include 'article.html' %}
"""


@pytest.fixture(scope="module")
def templated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    project = tmp_path_factory.mktemp("templates")
    (project / "article.md").write_text(TEMPLATE_ARTICLE)
    results = build(sources=[project / "article.md"], formats=["epub", "docx", "pdf"], out=project / "out", project=project, force=True)
    return {r.format: r.path for r in results}


def _zip_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return " ".join(
            " ".join(etree.fromstring(package.read(n)).itertext())
            for n in package.namelist()
            if n.endswith((".xhtml", ".opf", ".ncx", ".xml"))
        )


@pytest.mark.parametrize("fmt", ["epub", "docx"])
def test_template_syntax_renders_literally(templated: dict[str, Path], fmt: str) -> None:
    text = _zip_text(templated[fmt])
    for literal in TEMPLATES + ["{% include 'article.html' %}", "{{ config }}"]:
        assert literal in text, (fmt, literal)
    words = re.sub(r"\b[0-9a-f]{8,}\b", "", text)  # checksums publish import keeps (custom properties, bookmarks)
    assert "49" not in words and "012" not in words


def test_template_syntax_renders_literally_in_the_pdf(templated: dict[str, Path]) -> None:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(templated["pdf"]))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    for literal in TEMPLATES:
        assert "".join(literal.split()) in text, literal
    assert reader.metadata.title == "{{ 7*7 }} {% raw %}"
    assert "49" not in text


# -- atomic outputs: a failure in any format leaves every previous output as it was --
ARTICLE = "---\ntitle: Atomic\ndate: 2025-10-30\n---\n\nVersion {n}.\n\n![A diagram](images/d.png)\n"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("atomic")
    (project / "images").mkdir()
    shutil.copy(PNG, project / "images" / "d.png")
    (project / "article.md").write_text(ARTICLE.format(n=1))
    build(sources=[project / "article.md"], out=project / "out", project=project, force=True)
    return project


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def previous(built_once: Path, tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(built_once, project, symlinks=True)
    (project / "article.md").write_text(ARTICLE.format(n=2))  # every output is now stale
    return project


def _failing(kind: type[BaseException]) -> Callable[..., bytes]:
    def write(job: Any) -> bytes:
        raise kind("injected failure")

    return write


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "parallel"])
@pytest.mark.parametrize("kind", [RuntimeError, KeyboardInterrupt, PublishError])
@pytest.mark.parametrize("failing", ["pdf", "docx"])
def test_a_failing_format_leaves_previous_outputs_byte_identical(
    previous: Path, monkeypatch: pytest.MonkeyPatch, failing: str, kind: type[BaseException], parallel: bool
) -> None:
    import importlib

    out = previous / "out"
    before = _snapshot(out)
    assert {"article.pdf", "article.epub", "article.docx"} <= set(before)
    monkeypatch.setattr(importlib.import_module(f"publish.formats.{failing}.write"), "write", _failing(kind))
    with pytest.raises(kind):
        build(sources=[previous / "article.md"], out=out, project=previous, parallel=parallel, force=True)
    assert _snapshot(out) == before, "every previous output, and the manifest, unchanged"
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")], "no temporary file left behind"


def test_a_web_folder_build_beside_the_articles_own_assets_deletes_none_of_them(tmp_path: Path) -> None:
    """`publish build guide.md --web-folder --out .` puts the page's assets in ./guide/assets/: when
    the article keeps its own images there, the clean-up of stale side files must leave them (it
    deleted fig1.png and a notes.txt beside it, and the next build failed for the missing image)."""
    from click.testing import CliRunner
    from PIL import Image

    from publish.cli import main

    assets = tmp_path / "guide" / "assets"
    assets.mkdir(parents=True)
    Image.new("RGB", (30, 20), "red").save(assets / "fig1.png")
    (assets / "notes.txt").write_text("the editor's notes\n", "utf-8")
    (tmp_path / "guide.md").write_text("---\ntitle: Guide\n---\n\nA figure:\n\n![A red box](guide/assets/fig1.png)\n", "utf-8")
    before = {p.name: p.read_bytes() for p in assets.iterdir()}
    for _ in range(2):  # the second build finds the first one's side files and its own stale ones
        result = CliRunner().invoke(main, ["build", str(tmp_path / "guide.md"), "--web-folder", "--format", "html",
                                           "--out", str(tmp_path), "--project", str(tmp_path), "--force"])
        assert result.exit_code == 0, result.output
        assert {n: (assets / n).read_bytes() for n in before} == before
    written = [p for p in assets.iterdir() if p.name not in before]
    assert written, "the page's own side files are there too"
    stale = assets / ("0" * 16 + ".png")  # a side file of an earlier page that no page uses: it goes
    stale.write_bytes(b"x")
    import hashlib

    stale_ours = assets / (hashlib.sha256(b"old").hexdigest()[:16] + ".png")
    stale_ours.write_bytes(b"old")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "guide.md"), "--web-folder", "--format", "html",
                                       "--out", str(tmp_path), "--project", str(tmp_path), "--force"])
    assert result.exit_code == 0, result.output
    assert not stale_ours.exists(), "a stale side file an earlier build wrote is removed"
    assert stale.exists(), "a file whose name is a hash but not of its content is not the build's"
