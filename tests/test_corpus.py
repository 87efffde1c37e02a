"""Real documents from public repositories (tests/corpus/, provenance in SOURCES.md) build as
they are with the default command (verify on), show no raw tag or attribute block as text,
and keep the words pandoc finds in them."""
from __future__ import annotations

import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from publish.cli import main

CORPUS = Path(__file__).parent / "corpus"
SUFFIXES = (".md", ".markdown", ".qmd", ".mdx")
#: Documents that need work of another part first; each must fail until it lands (strict).
#: (None now: the five that waited for the verify rewrite pass since it landed.)
NEEDS: dict[str, str] = {}
#: Markup that must never be shown as text.
RAW_MARKS = ("<div", "<img", "<!--", "<p ", "<p>", "</p>", "<a ", "</a>", "<br", "<details", "<summary",
             "<picture", "<source", "<sup", "<kbd", "<span", "<table", "<h1", "<script", "<style", "{#")
#: Share of pandoc's words (as plain text) each output must show.
MIN_WORDS = 0.9


def _documents() -> list[object]:
    params = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(".")):  # not a build's .cache
        [source] = [p for p in folder.iterdir() if p.suffix in SUFFIXES]
        marks = [pytest.mark.xfail(strict=True, reason=NEEDS[folder.name])] if folder.name in NEEDS else []
        params.append(pytest.param(source, id=folder.name, marks=marks))
    return params


def _epub_text(path: Path, code: bool = True) -> str:
    """The EPUB's visible text (without code, where HTML shown as code is right, unless ``code``)."""
    texts = []
    with zipfile.ZipFile(path) as book:
        for name in sorted(book.namelist()):
            if name.endswith(".xhtml") and not name.endswith(("nav.xhtml", "cover.xhtml")):
                root = etree.fromstring(book.read(name))
                body = root.find("{http://www.w3.org/1999/xhtml}body")
                body = body if body is not None else root
                if not code:
                    for element in list(body.iter("{http://www.w3.org/1999/xhtml}code", "{http://www.w3.org/1999/xhtml}pre")):
                        if element.getparent() is not None:
                            element.getparent().remove(element)  # the tail goes with it: a word lost, never a tag shown
                texts.append(" ".join(body.itertext()))
    return "\n".join(texts)


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return " ".join(root.itertext())


_CJK = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+")


def _words(text: str) -> Counter[str]:
    """Words, and each CJK character on its own (those scripts do not separate words)."""
    return Counter(_WORD.findall(text.lower()))


def _pandoc_words(source: Path) -> Counter[str]:
    """The words pandoc shows of the document's body (its plain-text output)."""
    pypandoc = pytest.importorskip("pypandoc", reason="pandoc comes with the pypandoc-binary test extra")
    text = source.read_text("utf-8")
    if text.startswith("+++"):  # TOML front matter, which pandoc does not know: not body text
        text = text.split("+++", 2)[2]
    if source.suffix == ".mdx":  # MDX's module lines are code, not text (pandoc reads them as a paragraph),
        # and a line that is only a component's tag is structure: left in, pandoc reads it as raw HTML
        # that swallows the Markdown after it and shows that code's fences and indents as words
        text = "\n".join("" if re.match(r"(import|export) ", line) or re.match(r"\s*</?[A-Z][\w.]*(\s[^<>]*)?/?>\s*$", line)
                         else line for line in text.split("\n"))
    done = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "plain", "--wrap=none"],
        input=text, capture_output=True, text=True, check=True, timeout=60,
    )
    return _words(done.stdout)


def _coverage(expected: Counter[str], shown: Counter[str]) -> float:
    total = sum(expected.values())
    return sum(min(n, shown[w]) for w, n in expected.items()) / total if total else 1.0


@pytest.mark.parametrize("source", _documents())
def test_real_document_builds_as_is_and_shows_its_words_without_markup(source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(source.parent)  # the document's folder is its project, as for a user
    result = CliRunner().invoke(main, ["build", source.name, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    prose = _epub_text(tmp_path / f"{source.stem}.epub", code=False)
    shown = [mark for mark in RAW_MARKS if mark in prose]
    assert not shown, f"the text outside code shows markup: {shown}"
    expected = _pandoc_words(source)
    for fmt, text in (("epub", _epub_text(tmp_path / f"{source.stem}.epub")), ("docx", _docx_text(tmp_path / f"{source.stem}.docx"))):
        coverage = _coverage(expected, _words(text))
        assert coverage >= MIN_WORDS, f"{fmt} shows {coverage:.0%} of pandoc's words"
