"""Property tests: any input reads into a well-formed document or fails with path:line; whatever reads, builds; a generated article keeps every paragraph and its metadata in each format."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from independent import docx_properties, docx_text, epub_dc, epub_text, pdf_info, pdf_text, shows
from publish.errors import PublishError
from publish.read.metadata import ALIASES, FIELDS
from publish.builder.pipeline import build
from publish.model import Document
from publish.read.article import read_document
from publish.theme import load

PNG = ROOT / "tests" / "fixtures" / "constructs" / "images" / "diagram.png"
FAST = settings(
    max_examples=150,
    deadline=dt.timedelta(seconds=5),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BUILDS = settings(FAST, max_examples=20, deadline=dt.timedelta(seconds=20))

# Markdown: characters that mean something, whole constructs, and anything at all.
MARKDOWN_CHARS = list("*_[]()!<>#`~-+=|:\\&;\"' \n\t^{}%/.,0123456789aAzZé中\u200b\u00a0")
CONSTRUCTS = [
    "# ", "## ", "> ", "- ", "* ", "1. ", "2) ", "```\n", "~~~ py\n", "::: note\n", ":::\n", "::::: {.box}\n",
    "[^1]", "[^1]: a note\n", "[^x]: see [^1]\n", "^[inline note]", "![alt](images/x.png)", "![](images/x.png \"Credit\")",
    "[link](https://example.com)", "<https://example.com>", "<a@b.c>", "[ref][r]", "\n[r]: https://example.com\n",
    "<b>", "</b>", "<!-- c -->", "<script>alert(1)</script>", "|a|b|\n|-|:-:|\n|1|2|\n", "***", "---\n", "\n\n", "    code\n",
    "&amp;", "&#0;", "&#x1F600;", "\\", "`", "*", "**", "_", "~~", "[", "](", "![", "{{ 7*7 }}", "{% raw %}", "\u2028",
    "word ", "Text. ", "\"quoted\" ", "'single' ", "...", "--", "(c)", "\r\n", "\r",
]
markdown_text = st.one_of(
    st.text(alphabet=st.sampled_from(MARKDOWN_CHARS), max_size=400),
    st.lists(st.sampled_from(CONSTRUCTS), max_size=80).map("".join),
    st.text(max_size=300),
)

# Front matter: the schema's keys (and near misses) with any YAML-able values.
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40),
    st.dates(), st.datetimes(), st.sampled_from(["en", "zh-Hans", "x", "2025-10-30", "https://example.com", "*a*", "<b>x</b>"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)
keys = st.one_of(st.sampled_from(sorted(FIELDS)), st.sampled_from(["titel", "authors", "Title", "url", "name"]), st.text(max_size=12))
front_matter = st.dictionaries(keys, values, max_size=8)
YAML_CHARS = list(":-[]{}&*!|>'\"%@`#,? \n\tabcxyz0123456789") + ["title: ", "!!python/object ", "&a ", "*a ", "<<: ", "- ", "\n  "]
raw_yaml = st.lists(st.sampled_from(YAML_CHARS), max_size=60).map("".join)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("properties")
    (folder / "images").mkdir()
    shutil.copy(PNG, folder / "images" / "x.png")
    return folder


def _read(folder: Path, data: bytes) -> Document | PublishError:
    """Read ``data`` as an article. It reads into a document whose every block knows a line of
    the file, or it raises a PublishError that says ``path:line: message`` with a line of the file."""
    path = folder / "article.md"
    path.write_bytes(data)
    lines = len(re.findall(rb"\r\n|\r|\n", data)) + 1  # CommonMark's line endings
    try:
        doc = read_document(path)
    except PublishError as exc:
        assert exc.path == str(path) and str(exc).startswith(str(path)), str(exc)
        assert exc.line is None or 1 <= exc.line <= lines, f"line {exc.line} of a {lines}-line file: {exc}"
        assert str(exc).startswith(f"{path}:{exc.line}: " if exc.line else f"{path}: "), str(exc)
        return exc
    assert doc.meta.title.text.strip(), "a document always has a title"
    for block in doc.blocks:
        for node in block.walk():
            assert node.line is None or 1 <= node.line <= lines, f"{node.kind} on line {node.line} of {lines}"
    return doc


@FAST
@given(body=markdown_text)
def test_any_markdown_body_reads_into_lines_of_the_file_or_fails_with_its_line(workdir: Path, body: str) -> None:
    result = _read(workdir, ("---\ntitle: T\n---\n" + body).encode("utf-8", "surrogatepass"))
    if isinstance(result, Document):
        assert result.meta.title.text == "T"
        assert all(block.line is None or block.line >= 4 for block in result.blocks), "the body starts on line 4"


@FAST
@given(meta=front_matter, body=markdown_text)
def test_any_front_matter_reads_as_written_or_fails_with_its_line(workdir: Path, meta: dict, body: str) -> None:
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    result = _read(workdir, ("---\n" + text + "---\n" + body).encode("utf-8", "surrogatepass"))
    title = meta.get("title")
    if isinstance(result, Document) and isinstance(title, str) and re.fullmatch(r"[A-Za-z0-9]+( [A-Za-z0-9]+)*", title):
        assert result.meta.title.text == title, "a plain title is kept as written"


@FAST
@given(raw=raw_yaml)
def test_any_front_matter_text_reads_or_fails_with_its_line(workdir: Path, raw: str) -> None:
    _read(workdir, ("---\ntitle: T\n" + raw + "\n---\nBody.\n").encode("utf-8"))
    _read(workdir, ("---\n" + raw + "\n---\nBody.\n").encode("utf-8"))


# Authors, affiliations and aliases as JOSS, Quarto and pandoc nest them, with anything inside.
PERSON_KEYS = ["name", "affiliation", "affiliations", "email", "orcid", "given", "family", "given-names", "surname",
               "index", "id", "ref", "literal", "path", "src", "url"]
person = st.dictionaries(st.one_of(st.sampled_from(PERSON_KEYS), scalars), values, max_size=5)
nested_meta = st.dictionaries(
    st.sampled_from(sorted(FIELDS) + sorted(ALIASES)),
    st.one_of(values, person, st.lists(st.one_of(person, scalars), max_size=3)),
    max_size=8,
)
TOML_CHARS = list("=[]{}\"'.,#:+-_ \ntabcxyz0123456789") + ["title = ", "date = ", "[extra]\n", "tags = [", "1979-05-27T07:32:00Z", "\n"]
raw_toml = st.lists(st.sampled_from(TOML_CHARS), max_size=60).map("".join)


@FAST
@given(meta=nested_meta, body=markdown_text)
def test_any_nested_authors_and_aliases_read_or_raise_publish_error(workdir: Path, meta: dict, body: str) -> None:
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    _read(workdir, ("---\n" + text + "---\n" + body).encode("utf-8", "surrogatepass"))


@FAST
@given(raw=raw_toml, title_block=st.lists(st.text(max_size=30), max_size=4))
def test_any_toml_or_title_block_reads_or_raises_publish_error(workdir: Path, raw: str, title_block: list[str]) -> None:
    _read(workdir, ("+++\n" + raw + "\n+++\nBody.\n").encode("utf-8", "surrogatepass"))
    _read(workdir, ("".join(f"%{line}\n" for line in title_block) + "Body.\n").encode("utf-8", "surrogatepass"))


@FAST
@given(data=st.binary(max_size=600))
def test_any_bytes_read_or_fail_with_their_line(workdir: Path, data: bytes) -> None:
    _read(workdir, data)
    _read(workdir, b"---\ntitle: T\n---\n" + data)


@pytest.fixture(scope="module")
def theme(workdir: Path) -> object:
    return load(None, workdir)


NOTICE = "Reprinted by permission of The Example Review"


@BUILDS
@given(body=markdown_text, fmt=st.sampled_from(["epub", "docx"]))
def test_whatever_reads_builds_and_keeps_the_notice(workdir: Path, theme: object, body: str, fmt: str) -> None:
    """An article the reader accepts is written by every writer, notice included; one it refuses
    fails the build with the reader's own error."""
    source = workdir / "built.md"
    source.write_bytes(("---\ntitle: T\nrights: '*Reprinted* by permission of The Example Review {{ x }}'\n---\n" + body).encode("utf-8", "surrogatepass"))
    try:
        read_document(source)
    except PublishError as refused:
        with pytest.raises(PublishError) as caught:
            build([source], formats=[fmt], theme=theme, out=workdir / "out", project=workdir, force=True, parallel=False)
        assert str(caught.value) == str(refused)
        return
    [result] = build([source], formats=[fmt], theme=theme, out=workdir / "out", project=workdir, force=True, parallel=False)
    shown = epub_text(result.path) if fmt == "epub" else docx_text(result.path)
    assert shows(shown, NOTICE + " {{ x }}"), "the notice, verbatim, template syntax and all"


# -- generated articles: every paragraph and the metadata in every format ----------------------
#: Few examples and no shrinking: each is three real builds (a failure shows its example as found).
GENERATED = settings(BUILDS, max_examples=4, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèøüßñçåÆ"
word = st.text(alphabet=LETTERS, min_size=1, max_size=12)
words = st.lists(word, min_size=1, max_size=6).map(" ".join)
sentence = st.tuples(
    st.lists(word, min_size=3, max_size=25).map(" ".join),
    st.sampled_from([".", "?", "!", ";", ",", "…", " – and", ": “quoted”", " (aside)."]),
).map("".join)
paragraph = st.lists(sentence, min_size=1, max_size=6).map(" ".join)
article = st.fixed_dictionaries(
    {
        "title": words,
        "author": st.lists(words, min_size=1, max_size=3, unique=True),
        "date": st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31)),
        "publisher": words,
        "rights": st.lists(sentence, min_size=1, max_size=3).map(" ".join),
        "keywords": st.lists(st.text(alphabet=LETTERS, min_size=2, max_size=10), min_size=1, max_size=4, unique=True),
        "paragraphs": st.lists(paragraph, min_size=1, max_size=12),
    }
)


@GENERATED
@given(spec=article)
def test_a_generated_article_keeps_every_paragraph_and_its_metadata_in_each_format(tmp_path_factory: pytest.TempPathFactory, spec: dict) -> None:
    folder = tmp_path_factory.mktemp("generated")
    meta = {k: v for k, v in spec.items() if k != "paragraphs"}
    source = folder / "article.md"
    source.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + "\n\n".join(spec["paragraphs"]) + "\n", "utf-8")
    results = {r.format: r.path for r in build([source], out=folder / "out", project=folder)}
    wanted = [*spec["paragraphs"], meta["title"], meta["rights"], *meta["author"], meta["publisher"]]
    texts = {"pdf": pdf_text(results["pdf"], [meta["title"]]), "epub": epub_text(results["epub"]), "docx": docx_text(results["docx"])}
    for fmt, text in texts.items():
        lost = [value[:60] for value in wanted if not shows(text, value)]
        assert not lost, f"{fmt} does not show {lost}"
    iso = meta["date"].isoformat()

    info = pdf_info(results["pdf"])
    assert info["Title"] == meta["title"] and info["Author"] == ", ".join(meta["author"])
    assert info["Rights"] == meta["rights"] and info["Publisher"] == meta["publisher"]
    assert info["Keywords"] == ", ".join(meta["keywords"]) and info["CreationDate"].startswith(iso)

    assert epub_dc(results["epub"], "title") == [meta["title"]] and epub_dc(results["epub"], "creator") == meta["author"]
    assert epub_dc(results["epub"], "rights") == [meta["rights"]] and epub_dc(results["epub"], "publisher") == [meta["publisher"]]
    assert epub_dc(results["epub"], "date") == [iso] and epub_dc(results["epub"], "subject") == meta["keywords"]

    props = docx_properties(results["docx"])
    assert props["title"] == [meta["title"]] and props["creator"][0] in ("; ".join(meta["author"]), ", ".join(meta["author"]))
    assert props["Rights"] == [meta["rights"]] and props["Publisher"] == [meta["publisher"]]
    assert props["created"][0].startswith(iso)
