"""Verification inside the build: nothing replaced unless every output passed, the manifest's record,
no false alarms on real constructs, and messages that say where two values part."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ARTICLE, ROOT
from publish.errors import VerifyError
from publish.builder.pipeline import build
from publish.verifier.compare import parting
from publish.builder.check import verify_outputs

HEAD = "---\ntitle: {title}\ndate: 2025-01-02\nlang: {lang}\n---\n\n"


def _article(tmp_path: Path, body: str, name: str = "a.md", lang: str = "en", title: str = "A test of verification") -> Path:
    source = tmp_path / name
    source.write_text(HEAD.format(title=title, lang=lang) + body, "utf-8")
    return source


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _cli(cwd: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "source").mkdir()
    shutil.copy(ARTICLE, tmp_path / "source" / "article.md")
    return tmp_path


def _hiding_theme(project: Path) -> None:
    theme = project / "themes" / "hiding"
    theme.mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: hiding\nextends: default\nextra_css: [extra.css]\n", "utf-8")
    (theme / "extra.css").write_text("#end-matter { display: none; }\n", "utf-8")


# -- verify before replace ----------------------------------------------------------------
def test_a_theme_that_hides_the_end_matter_fails_the_build_and_leaves_dist_byte_identical(project: Path) -> None:
    assert _cli(project, "build").returncode == 0
    before = _snapshot(project / "dist")
    assert {"article.pdf", "article.epub", "article.docx", ".publish-manifest.json"} <= set(before)
    _hiding_theme(project)
    result = _cli(project, "build", "source/article.md", "--theme", "hiding")
    assert result.returncode == 1, result.stdout + result.stderr
    # names the format, the field and the front matter's line
    assert "pdf: rights missing: line 9:" in result.stderr, result.stderr
    assert "nothing was replaced" in result.stderr
    assert _snapshot(project / "dist") == before, "dist/ and the manifest as they were"
    # the next run is not fooled into "unchanged": it renders and fails again
    again = _cli(project, "build", "source/article.md", "--theme", "hiding")
    assert again.returncode == 1 and "unchanged" not in again.stdout


def test_no_verify_skips_the_read_back(project: Path) -> None:
    _hiding_theme(project)
    result = _cli(project, "build", "--theme", "hiding", "--no-verify")
    assert result.returncode == 0, result.stderr
    assert "verified" not in result.stdout


@pytest.mark.parametrize("parallel", [True, False], ids=["workers", "in process"])
def test_a_failed_check_in_the_library_raises_with_the_report_and_keeps_the_outputs(project: Path, parallel: bool, monkeypatch) -> None:
    monkeypatch.setattr("publish.builder.pipeline.cpu_count", lambda: 2)
    out = project / "dist"
    build([project / "source" / "article.md"], out=out, project=project)
    before = _snapshot(out)
    _hiding_theme(project)
    with pytest.raises(VerifyError) as caught:
        build([project / "source" / "article.md"], out=out, project=project, theme="hiding", parallel=parallel)
    report = caught.value.report
    assert report.rows["rights"]["pdf"] == "missing" and report.rows["rights"]["epub"] == "ok"
    assert _snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


# -- the build's record ---------------------------------------------------------------------
def test_the_manifest_records_theme_options_format_and_the_verified_file(project: Path) -> None:
    result = _cli(project, "build", "--paper", "letter", "-f", "pdf", "-f", "epub")
    assert result.returncode == 0, result.stderr
    outputs = json.loads((project / "dist" / ".publish-manifest.json").read_text("utf-8"))["outputs"]
    assert sorted(outputs) == ["article.epub", "article.pdf"]
    pdf = outputs["article.pdf"]
    assert pdf["format"] == "pdf" and pdf["theme"] is None and pdf["options"] == {"paper": "letter"}
    assert pdf["verified"] == pdf["output"] == hashlib.sha256((project / "dist" / "article.pdf").read_bytes()).hexdigest()
    unverified = _cli(project, "build", "-f", "docx", "--no-verify")
    assert unverified.returncode == 0
    docx = json.loads((project / "dist" / ".publish-manifest.json").read_text("utf-8"))["outputs"]["article.docx"]
    assert docx["verified"] is None


def test_verify_uses_the_theme_the_build_recorded(project: Path) -> None:
    theme = project / "themes" / "isodate"
    theme.mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: isodate\nextends: default\noptions:\n  date_format: '{iso}'\n", "utf-8")
    assert _cli(project, "build", "--theme", "isodate").returncode == 0
    result = _cli(project, "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    told = _cli(project, "verify", "--theme", "default")  # told otherwise: the default's date is not shown
    assert told.returncode == 1 and "date missing" in told.stdout


def test_verify_checks_only_the_formats_that_were_built(project: Path) -> None:
    assert _cli(project, "build", "-f", "epub").returncode == 0
    report = verify_outputs([project / "source" / "article.md"], project / "dist")
    assert report.ok, report.table()
    assert report.formats == ["epub"]


def test_a_no_op_rebuild_reads_nothing_back_but_an_unverified_output_is_verified(project: Path, monkeypatch) -> None:
    import publish.formats

    source, out = project / "source" / "article.md", project / "dist"
    build([source], out=out, project=project, formats=["epub", "docx"], verify=False)
    read: list[str] = []
    real = publish.formats.reader

    def counting(fmt: str):
        read.append(fmt)
        return real(fmt)

    monkeypatch.setattr(publish.formats, "reader", counting)
    monkeypatch.setattr(sys.modules["publish.verifier.compare"], "reader", counting)
    results = build([source], out=out, project=project, formats=["epub", "docx"], parallel=False)
    assert [r.unchanged for r in results] == [False, False], "built without verification: rendered and read back now"
    assert sorted(read) == ["docx", "epub"]
    read.clear()
    results = build([source], out=out, project=project, formats=["epub", "docx"], parallel=False)
    assert [r.unchanged for r in results] == [True, True] and read == []


# -- no false alarms ----------------------------------------------------------------------
def _builds_and_verifies(source: Path, out: Path, **kwargs) -> None:
    build([source], out=out, project=source.parent, force=True, **kwargs)  # raises VerifyError on any loss
    report = verify_outputs([source], out)
    assert report.ok, report.table()


def test_a_120_row_table_of_numbers_verifies(tmp_path: Path) -> None:
    rows = "\n".join(f"| {n} | {n * n} | {n % 7} |" for n in range(1, 121))
    source = _article(tmp_path, "Numbers by row.\n\n| n | square | mod 7 |\n|---:|---:|---:|\n" + rows + "\n\nAfter the table.\n")
    _builds_and_verifies(source, tmp_path / "out")
    from pypdf import PdfReader

    assert len(PdfReader(str(tmp_path / "out" / "a.pdf")).pages) >= 2, "the table crosses a page break: numbers at page edges"


def test_bullets_across_a_page_break_verify(tmp_path: Path) -> None:
    filler = "\n\n".join(f"Paragraph {i} says something long enough to fill a good part of a line or two of a page." for i in range(28))
    items = "\n".join(f"- item {i}: a bullet whose text runs over a line, so that the list crosses the page break here" for i in range(40))
    source = _article(tmp_path, filler + "\n\n" + items + "\n\nThe end.\n")
    _builds_and_verifies(source, tmp_path / "out")


def test_a_japanese_article_with_latin_words_verifies(tmp_path: Path) -> None:
    body = "\n\n".join(
        f"第{i}段落：東京で開かれた APEC の会合では、Scott Bessent 財務長官と He Lifeng 副首相が trade talks について話し合った。"
        for i in range(1, 30)
    )
    source = _article(tmp_path, body + "\n", lang="ja", title="日本語の記事 with Latin words")
    _builds_and_verifies(source, tmp_path / "out")


def test_a_link_around_inline_code_reads_in_order_in_the_epub(tmp_path: Path) -> None:
    source = _article(tmp_path, "Call the [`Aliases`][] method before the `Other` one.\n\n[`Aliases`]: https://example.org/aliases\n")
    _builds_and_verifies(source, tmp_path / "out")
    from publish.formats.epub.read import read_back

    assert "Call the Aliases method before the Other one." in read_back(tmp_path / "out" / "a.epub").text


def test_inline_image_alt_text_need_not_be_visible_but_a_figure_caption_must(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests" / "fixtures" / "constructs" / "images", tmp_path / "images")
    body = (
        "A sentence with an inline icon ![an icon that says nothing](images/diagram.png) in its middle.\n\n"
        "![The caption under the figure](images/diagram.png)\n"
    )
    source = _article(tmp_path, body)
    _builds_and_verifies(source, tmp_path / "out")
    # the caption is required: take it out of the EPUB and verify must say so
    epub = tmp_path / "out" / "a.epub"
    _rewrite_zip(epub, lambda name, data: data.replace(b"The caption under the figure</figcaption>", b"</figcaption>"))
    problems = verify_outputs([source], tmp_path / "out", formats=["epub"]).problems
    assert problems and problems[0].startswith("epub: body missing"), problems


# -- damage is found, and said well -----------------------------------------------------------
def _rewrite_zip(path: Path, edit) -> None:
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in items:
            archive.writestr(info, edit(info.filename, data))


def test_a_changed_word_in_the_epub_is_named_with_its_line_and_where_the_text_parts(article_build: Path, tmp_path: Path) -> None:
    for fmt in ("pdf", "epub", "docx"):
        shutil.copy(article_build / f"article.{fmt}", tmp_path / f"article.{fmt}")
    shutil.copy(article_build / ".publish-manifest.json", tmp_path / ".publish-manifest.json")

    def damage(name: str, data: bytes) -> bytes:
        return data.replace(b"constructive", b"destructive") if name.endswith(".xhtml") else data

    _rewrite_zip(tmp_path / "article.epub", damage)
    problems = verify_outputs([ARTICLE], tmp_path).problems
    assert len(problems) == 1, problems
    line = next(i for i, text in enumerate(ARTICLE.read_text("utf-8").splitlines(), 1) if "constructive" in text)
    assert problems[0].startswith(f"epub: body missing: line {line}: found up to “"), problems
    assert "the output has “destructive" in problems[0] and "where the article has “constructive" in problems[0]


def test_a_paragraph_removed_from_the_middle_of_the_docx_is_found(article_build: Path, tmp_path: Path) -> None:
    import re

    for fmt in ("pdf", "epub", "docx"):
        shutil.copy(article_build / f"article.{fmt}", tmp_path / f"article.{fmt}")
    wanted = b"The U.S. side stated that its economic relationship"

    def damage(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        hit = [p for p in re.findall(rb"<w:p[ >].*?</w:p>", data, flags=re.S) if wanted in p]
        assert len(hit) == 1
        return data.replace(hit[0], b"")

    _rewrite_zip(tmp_path / "article.docx", damage)
    problems = verify_outputs([ARTICLE], tmp_path, formats=["pdf", "epub", "docx"]).problems
    line = next(i for i, text in enumerate(ARTICLE.read_text("utf-8").splitlines(), 1) if text.startswith(wanted.decode()))
    assert len(problems) == 1 and problems[0].startswith(f"docx: body missing: line {line}: “The U.S. side stated"), problems


def test_parting_shows_where_two_values_differ_and_names_look_alike_characters() -> None:
    said = parting("Contact editor Lu Zhenhua\u00a0(zhenhualu@caixin.com)", "Contact editor Lu Zhenhua (zhenhualu@caixin.com)")
    assert said.startswith("at character 26: ")
    assert "Lu Zhenhua<U+00A0>(zhenhualu" in said and "Lu Zhenhua (zhenhualu" in said
    long = "x" * 200
    said = parting(long + "A" + long, long + "B" + long)
    assert "at character 201" in said and "xA" in said and "xB" in said and len(said) < 200


def test_text_no_font_can_draw_is_its_own_status_naming_the_characters_and_the_line(tmp_path: Path) -> None:
    source = _article(tmp_path, "Plain words first.\n\nA private sign \ue000 no font draws.\n")
    results = build([source], out=tmp_path / "out", project=tmp_path, formats=["pdf", "epub"])  # it warned, and passes
    assert all(r.verified for r in results)
    report = verify_outputs([source], tmp_path / "out")
    assert report.ok, report.table()
    assert report.rows["body"] == {"pdf": "not drawn", "epub": "ok"}
    assert any(note.startswith("pdf: body not drawn: line 9: \ue000 (U+E000) could not be drawn") for note in report.notes), report.notes


# -- metadata verbatim --------------------------------------------------------------------------
def test_every_format_keeps_the_front_matter_strings_verbatim_in_its_own_fields(article_build: Path) -> None:
    import re

    import yaml
    from lxml import etree
    from pypdf import PdfReader

    raw = yaml.safe_load(ARTICLE.read_text("utf-8").split("\n---\n", 1)[0].removeprefix("---\n"))
    contact = re.sub(r"<([^>]+)>", r"\1", raw["contact"])  # an autolink's brackets are Markdown, not text
    info = PdfReader(str(article_build / "article.pdf")).metadata
    assert info["/Title"] == raw["title"]
    assert info["/Rights"] == raw["rights"] and info["/Publisher"] == raw["publisher"]
    assert info["/Source"] == raw["source"]["name"] and info["/SourceURL"] == raw["source"]["url"]
    assert info["/Contact"] == contact and info["/Credits"] == "; ".join(raw["credits"])
    with zipfile.ZipFile(article_build / "article.epub") as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "opf": "http://www.idpf.org/2007/opf"}
    assert opf.findtext(".//dc:title", namespaces=ns) == raw["title"]
    assert opf.findtext(".//dc:rights", namespaces=ns) == raw["rights"]
    assert opf.findtext(".//dc:publisher", namespaces=ns) == raw["publisher"]
    props = {m.get("property"): m.text for m in opf.iterfind(".//opf:meta", ns) if m.get("property")}
    assert props["schema:contactPoint"] == contact
    assert [m.text for m in opf.iterfind(".//opf:meta", ns) if m.get("property") == "schema:creditText"] == raw["credits"]
    with zipfile.ZipFile(article_build / "article.docx") as archive:
        custom = etree.fromstring(archive.read("docProps/custom.xml"))
        core = etree.fromstring(archive.read("docProps/core.xml"))
    fields = {p.get("name"): "".join(p.itertext()) for p in custom}
    assert fields["Rights"] == raw["rights"] and fields["Contact"] == contact
    assert fields["Credits"] == "; ".join(raw["credits"]) and fields["Publisher"] == raw["publisher"]
    assert core.findtext("{http://purl.org/dc/elements/1.1/}title") == raw["title"]
