"""Property tests: any Markdown, front matter or bytes either builds or raises the project's own PublishError, never anything else."""
from __future__ import annotations

import datetime as dt
import inspect
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from publish.errors import PublishError
from publish.metadata import ALIASES, FIELDS
from publish.pipeline import build
from publish.reader import read_document
from publish.themes import load

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


def _read(folder: Path, data: bytes) -> object:
    path = folder / "article.md"
    path.write_bytes(data)
    try:
        return read_document(path)
    except PublishError as exc:
        assert exc.path == str(path) and str(exc).startswith(str(path))
        return exc


@FAST
@given(body=markdown_text)
def test_any_markdown_body_reads_or_raises_publish_error(workdir: Path, body: str) -> None:
    _read(workdir, ("---\ntitle: T\n---\n" + body).encode("utf-8", "surrogatepass"))


@FAST
@given(meta=front_matter, body=markdown_text)
def test_any_front_matter_reads_or_raises_publish_error(workdir: Path, meta: dict, body: str) -> None:
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    _read(workdir, ("---\n" + text + "---\n" + body).encode("utf-8", "surrogatepass"))


@FAST
@given(raw=raw_yaml)
def test_any_front_matter_text_reads_or_raises_publish_error(workdir: Path, raw: str) -> None:
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
def test_any_bytes_read_or_raise_publish_error(workdir: Path, data: bytes) -> None:
    _read(workdir, data)
    _read(workdir, b"---\ntitle: T\n---\n" + data)


@pytest.fixture(scope="module")
def theme(workdir: Path) -> object:
    return load(None, workdir)


@BUILDS
@given(body=markdown_text, fmt=st.sampled_from(["epub", "docx"]))
def test_any_markdown_builds_or_raises_publish_error(workdir: Path, theme: object, body: str, fmt: str) -> None:
    source = workdir / "built.md"
    source.write_bytes(("---\ntitle: T\nrights: '*Reprinted* {{ x }}'\n---\n" + body).encode("utf-8", "surrogatepass"))
    try:
        extra = {k: v for k, v in {"force": True, "parallel": False}.items() if k in inspect.signature(build).parameters}
        [result] = build([source], formats=[fmt], theme=theme, out=workdir / "out", project=workdir, **extra)
    except PublishError:
        return
    assert result.path.stat().st_size > 0
