"""The spine: the article builds into three files whose visible text and metadata keep the original."""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import ARTICLE, ROOT


def _norm(text: str) -> str:
    """Collapse whitespace (incl. no-break spaces) and undo line-break hyphenation; keep typography."""
    text = text.replace("\u00ad", "")
    text = re.sub(r"\u2010\n", "", text)  # WeasyPrint's hyphenation points are U+2010
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " "))
    return text


def _contains(haystack: str, needle: str) -> bool:
    hay, pin = _norm(haystack), _norm(needle)
    if pin in hay:
        return True
    # ...or a hyphenation point: compare with hyphens and spaces dropped on both sides
    squash = lambda s: re.sub(r"[\s\-\u2010]", "", s)  # noqa: E731
    return squash(pin) in squash(hay)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(
            " ".join(etree.fromstring(z.read(n)).itertext()) for n in z.namelist() if n.endswith("article.xhtml")
        )


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    return "\n".join(p.text for p in document.paragraphs)


READ = {"pdf": pdf_text, "epub": epub_text, "docx": docx_text}


@pytest.mark.parametrize("fmt", ["pdf", "epub", "docx"])
def test_every_seed_paragraph_is_visible_verbatim_in_each_format(article_build, seed_paragraphs, fmt):
    text = READ[fmt](article_build / f"article.{fmt}")
    missing = [p for p in seed_paragraphs if p not in ("30 Oct 2025", "October 30, 2025") and not _contains(text, p)]
    assert not missing, f"{fmt} lost: {missing[:2]}"


@pytest.mark.parametrize("fmt", ["pdf", "epub", "docx"])
def test_date_and_curly_typography_survive_in_each_format(article_build, fmt):
    text = READ[fmt](article_build / f"article.{fmt}")
    assert "October 30, 2025" in _norm(text)
    assert "“tough”" in text and "Leaders’ Summit" in _norm(text)
    assert "naraichal –" in text  # the en dash of the image credit


def test_pdf_info_has_the_title(article_build):
    info = PdfReader(str(article_build / "article.pdf")).metadata
    assert info.title == "China, U.S. Reach Basic Consensus in Kuala Lumpur Trade Talks Ahead of Leaders’ Summit"


def test_epub_opf_has_the_title(article_build):
    with zipfile.ZipFile(article_build / "article.epub") as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    titles = opf.findall(".//{http://purl.org/dc/elements/1.1/}title")
    assert [t.text for t in titles] == ["China, U.S. Reach Basic Consensus in Kuala Lumpur Trade Talks Ahead of Leaders’ Summit"]


def test_docx_core_properties_have_the_title(article_build):
    props = docx.Document(str(article_build / "article.docx")).core_properties
    assert props.title == "China, U.S. Reach Basic Consensus in Kuala Lumpur Trade Talks Ahead of Leaders’ Summit"


def test_contact_email_is_a_mailto_link_in_epub(article_build):
    with zipfile.ZipFile(article_build / "article.epub") as z:
        page = etree.fromstring(z.read("EPUB/article.xhtml"))
    hrefs = [a.get("href") for a in page.iter("{http://www.w3.org/1999/xhtml}a")]
    assert "mailto:zhenhualu@caixin.com" in hrefs


def test_article_source_invents_no_author_and_keeps_the_seed_date():
    head = ARTICLE.read_text("utf-8").split("---")[1]
    assert not re.search(r"^author:", head, re.M)
    assert "date: 2025-10-30" in head


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_cli_prints_one_progress_line_per_output_with_size_and_time(tmp_path):
    result = _cli("build", "-f", "epub", "-f", "docx", "--out", str(tmp_path), "--no-verify")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("wrote ")]
    assert len(lines) == 2
    assert all(re.search(r"\d+(\.\d)? (B|KiB|MiB)\s+\d+\.\d\ds$", line) for line in lines)


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "the article does not exist"),
        ("---\ntitle: T\ndate: 03/04/2025\n---\nBody\n", ":3: 'date' is not a date: '03/04/2025' is ambiguous"),
        ("# Just a heading\n", ":1: no 'title' in the front matter; the first heading is the title (an error with --strict)"),
        ("---\nlang: en\n---\nBody\n", ":2: no 'title' in the front matter and no heading at the top; the title is the file name"),
    ],
    ids=["missing-file", "ambiguous-date", "no-front-matter-strict", "no-title-strict"],
)
def test_cli_reports_bad_source_as_path_line_message_exit_1(tmp_path, content, message):
    source = tmp_path / "bad.md"
    if content is not None:
        source.write_text(content, "utf-8")
    result = _cli("build", str(source), "--out", str(tmp_path / "out"), "--no-verify", "--strict")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert message in result.stderr
    assert result.stderr.startswith(str(source))


def test_every_command_has_help():
    for command in ([], ["build"], ["verify"], ["themes"]):
        result = _cli(*command, "--help")
        assert result.returncode == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize(("raised", "code"), [(None, 0), (SystemExit(0), 0), (SystemExit(None), 0), (SystemExit(1), 1), (SystemExit(130), 130), (SystemExit("bad"), 1)])
def test_the_command_exits_with_mains_code_after_flushing_its_output(monkeypatch, capsys, raised, code):
    from publish import cli

    class Exited(Exception):
        pass

    def main(standalone_mode: bool = True) -> None:
        print("wrote dist/article.pdf")
        if raised is not None:
            raise raised

    def exit_now(status: int) -> None:
        raise Exited(status)

    monkeypatch.setattr(cli, "main", main)
    monkeypatch.setattr(cli.os, "_exit", exit_now)
    with pytest.raises(Exited) as info:
        cli.run()
    assert info.value.args == (code,)
    assert capsys.readouterr().out == "wrote dist/article.pdf\n"
