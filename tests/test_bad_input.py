"""Bad and hostile articles: each gives one `path:line: message` error (exit 1 from the CLI), in seconds, never a traceback."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from publish.media import assets
from publish.read import markdown, article as reader
from publish.errors import PublishError, SourceError, collecting
from publish.model import plain_text
from publish.read.article import read_document

PNG = ROOT / "tests" / "fixtures" / "constructs" / "images" / "diagram.png"
BAD = ROOT / "tests" / "fixtures" / "bad"
FM = "---\ntitle: T\n---\n"  # front matter that is fine; the body starts on line 4


def _write(folder: Path, content: str | bytes, name: str = "bad.md") -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def _billion_laughs(where: str) -> str:
    levels = ['&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"&{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    if where == "keys":
        return "---\n" + "".join(f"{n}: {v}\n" for n, v in zip("abcdefghi", levels)) + "title: T\n---\n"
    return "---\ntitle: T\n" + f"{where}: [" + ", ".join(levels) + "]\n---\n"


# -- the article file and its front matter: (content, message fragment, line) ----
FRONT_MATTER = {
    "empty file": (b"", "the article is empty", 1),
    "blank file": (b"\n  \n\n", "the article is empty", 1),
    "unclosed front matter": ("---\ntitle: T\n\nbody\n", "front matter is not closed", 1),
    "invalid UTF-8": (b"---\ntitle: T\n---\nab\xff\xfe\n", "invalid UTF-8 at byte offset 19", 4),
    "Latin-1": ("---\ntitle: Caf\xe9\n---\n".encode("latin-1"), "invalid UTF-8 at byte offset 14", 2),
    "UTF-16": ("---\ntitle: T\n---\n".encode("utf-16"), "looks like UTF-16", 1),
    "NUL byte": (b"---\ntitle: T\n---\nbo\x00dy\n", "NUL byte (byte offset 19)", 4),
    "invalid YAML": ("---\ntitle: T\nauthor: [unclosed\n---\n", "not valid YAML", 3),
    "tab in YAML": ("---\ntitle: T\n\tauthor: x\n---\n", "not valid YAML", 3),
    "list front matter": ("---\n- a\n- b\n---\n", "must be a mapping", 2),
    "scalar front matter": ("---\njust words\n---\n", "must be a mapping of 'key: value' lines, not text", 2),
    "duplicate key": ("---\ntitle: A\nlang: en\ntitle: B\n---\n", "'title' is given twice (first on line 2)", 4),
    "mapping for text": ("---\ntitle: T\npublisher: {name: Ann}\n---\n", "'publisher' must be text, not a mapping", 3),
    "author mapping without a name": ("---\ntitle: T\nauthor: {email: a@b.c}\n---\n", "an author in 'author' has no 'name'", 3),
    "author as true/false": ("---\ntitle: T\nauthor: [yes]\n---\n", "'author' must be text, not true/false", 3),
    "orcid that is not one": ("---\ntitle: T\nauthor: {name: A, orcid: 12}\n---\n", "must be an ORCID iD", 3),
    "affiliation index not listed": ("---\ntitle: T\nauthor: {name: A, affiliation: 3}\naffiliations: [{name: U, index: 1}]\n---\n",
                                     "refers to affiliation 3, which 'affiliations' does not list", 3),
    "cover mapping without a path": ("---\ntitle: T\nimage: {alt: x}\n---\n", "needs a 'path'", 3),
    "unclosed TOML front matter": ("+++\ntitle = 'T'\n\nbody\n", "TOML front matter is not closed", 1),
    "invalid TOML": ("+++\ntitle = 'T'\nauthor = [\n+++\n", "not valid TOML", 4),
    "TOML key given twice": ("+++\ntitle = 'T'\ntitle = 'U'\n+++\n", "not valid TOML: Cannot overwrite a value", 3),
    "TOML time of day for a date": ("+++\ntitle = 'T'\ndate = 09:00:00\n+++\n", "'date' is not a date", 3),
    "list for text": ("---\ntitle: [a, b]\n---\n", "'title' must be text, not a list", 2),
    "boolean for text": ("---\ntitle: T\npublisher: yes\n---\n", "'publisher' must be text, not true/false", 3),
    "overlong text": ("---\ntitle: " + "x" * 10_001 + "\n---\n", "longer than 10000 characters", 2),
    "control character in YAML": ('---\ntitle: T\nrights: "a\\x07b"\n---\n', "'rights' contains the control character U+0007", 3),
    "impossible date": ("---\ntitle: T\ndate: 2025-13-45\n---\n", "'2025-13-45' is not a day of the calendar", 3),
    "February 30": ("---\ntitle: T\ndate: 2025-02-30\n---\n", "'2025-02-30' is not a day of the calendar", 3),
    "date in words": ("---\ntitle: T\ndate: yesterday\n---\n", "'yesterday' is not a date publish can read", 3),
    "date with trailing junk": ("---\ntitle: T\ndate: 2025-10-30junk\n---\n", "'2025-10-30junk' is not a date publish can read", 3),
    "date as a number": ("---\ntitle: T\ndate: 2025\n---\n", "'2025' is not a date publish can read", 3),
    "date as a list": ("---\ntitle: T\ndate: [2025-01-01]\n---\n", "a date must be written as text", 3),
    "bad language tag": ("---\ntitle: T\nlang: english language\n---\n", "BCP 47 language tag", 3),
    "language tag with newline": ('---\ntitle: T\nlang: "en\\nx"\n---\n', "BCP 47 language tag", 3),
    "source.url not a web address": ("---\ntitle: T\nsource: {name: X, url: 'javascript:alert(1)'}\n---\n", "must be an address starting with http", 3),
    "source with unknown key": ("---\ntitle: T\nsource: {name: X, href: y}\n---\n", "takes only 'name' (or 'title') and 'url', not href", 3),
    "python/object tag": ("---\ntitle: !!python/object/apply:os.system [echo hi]\n---\n", "could not determine a constructor", 2),
    "python/name tag": ("---\ntitle: T\nauthor: !!python/name:os.system\n---\n", "could not determine a constructor", 3),
    "binary tag": ("---\ntitle: !!binary aGVsbG8=\n---\n", "not binary data", 2),
    "set tag": ("---\ntitle: !!set {a, b}\n---\n", "not a set", 2),
    "unhashable key": ("---\n? [a, b]\n: c\ntitle: T\n---\n", "found unhashable key", 2),
    "undefined alias": ("---\ntitle: *nothing\n---\n", "found undefined alias", 2),
    "self-referencing alias": ("---\ntitle: T\nauthor: &a [*a]\n---\n", "alias in the front matter refers to itself", 3),
    "billion laughs in a value": (_billion_laughs("keywords"), "expands to more than 10000 values", 3),
    "billion laughs in keys": (_billion_laughs("keys"), "expands to more than 10000 values", 6),
    "deeply nested YAML": ("---\ntitle: " + "[" * 20_000 + "\n---\n", "nests more than 32 levels deep", 2),
    "huge integer": ("---\ntitle: T\ndate: " + "1" * 5000 + "\n---\n", "'date' is not a date", 3),
    "ambiguous date": ("---\ntitle: T\ndate: 03/04/2025\n---\n", "'03/04/2025' is ambiguous: it is 3 April in most countries and March 4 in the US; write it as 2025-04-03 or 2025-03-04", 3),
    "two-digit year": ("---\ntitle: T\ndate: 3/4/25\n---\n", "two-digit year", 3),
    "month name in another language": ("---\ntitle: T\ndate: 30 octobre 2025\n---\n", "not an English month name", 3),
    "oversized front matter": ("---\ntitle: T\ndescription: " + "x" * 70_000 + "\n---\n", "larger than 64 KiB", 2),
}

# -- the Markdown body (front matter FM, so the body starts on line 4) ------------
BODY = {
    "quotes nested thousands deep": (">" * 5000 + " deep\n", "nest more than 40 levels deep", 4),
    "quotes nested over many lines": ("".join(">" * i + " x\n" for i in range(1, 300)), "nest more than 40 levels deep", 4 + 39),
    "lists nested hundreds deep": ("".join("  " * i + "- x\n" for i in range(300)), "nest more than 40 levels deep", 4 + 19),
    "list markers on one line": ("- " * 5000 + "x\n", "nest more than 40 levels deep", 4),
    "divs nested deep": ("".join(":" * (3 + i) + " d\n" for i in range(50)), "divs nest more than 8 levels deep", 4 + 8),
    "a megabyte of [a](": ("[a](" * 250_000 + "\n", "too complex to parse", 4),
    "unclosed brackets": ("[" * 200_000 + "\n", "too complex to parse", 4),
    "unclosed image brackets": ("para\n\n" + "![a](" * 150_000 + "\n", "too complex to parse", 6),
    "too many blocks": ("# h\n" * 150_000, "more than 100000 blocks", None),
    "too wide a table": ("|a" * 100 + "|\n" + "|-" * 100 + "|\n", "more than 64 columns", 4),
    "too long a table": ("|a|b|\n|-|-|\n" + "|x|y|\n" * 20_000, "more than 20000 cells", 4),
    # a paragraph past MAX_PARAGRAPH_CHARS: a 2 MB one took the PDF past two minutes
    "one long line": ("word " * 200_000 + "\n", "this paragraph is 999,999 characters long", 4),
    "smart quotes everywhere": ('"a" ' * 100_000 + "\n", "publish lays out paragraphs of up to 200,000", 4),
    "footnote echoed too often": (
        "".join("[^n] " for _ in range(2_000)) + "\n\n[^n]: " + "long note " * 200 + "\n",
        "footnote n is too long for the number of times",
        4 + 2,
    ),
}


@pytest.mark.parametrize("content, fragment, line", FRONT_MATTER.values(), ids=FRONT_MATTER.keys())
def test_bad_file_or_front_matter(tmp_path: Path, content: str | bytes, fragment: str, line: int) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(SourceError) as caught:
        read_document(path)
    assert fragment in caught.value.message
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert str(caught.value).startswith(f"{path}:{line}: ")


@pytest.mark.parametrize("body, fragment, line", BODY.values(), ids=BODY.keys())
def test_pathological_markdown_fails_cleanly_in_seconds(tmp_path: Path, body: str, fragment: str, line: int | None) -> None:
    path = _write(tmp_path, FM + body)
    started = time.perf_counter()
    with pytest.raises(SourceError) as caught:
        read_document(path)
    assert time.perf_counter() - started < 10
    assert fragment in caught.value.message
    assert caught.value.path == str(path)
    if line is not None:
        assert caught.value.line == line


PARSES = {
    "emphasis markers": "*" * 50_000 + "a" + "*" * 50_000 + "\n",
    "underscores": "_" * 100_000 + "\n",
    "backticks": "`" * 100_000 + "\n",
    "quotes nested 39 deep": ">" * 39 + " deep\n",
    "nested links": "[" * 3000 + "a](b)" + "](c)" * 3000 + "\n",
    "many link references": "".join(f"[l{i}]: /u{i}\n" for i in range(3000)) + "[l1]\n",
    "a note referring to itself": "Text[^1] and[^2].\n\n[^1]: see [^1]\n[^2]: see [^3]\n[^3]: see [^2]\n",
    "raw HTML comments without end": "<!--" * 50_000 + "\n",
}


@pytest.mark.parametrize("body", PARSES.values(), ids=PARSES.keys())
def test_pathological_markdown_that_parses_does_so_quickly_and_shallowly(tmp_path: Path, body: str) -> None:
    path = _write(tmp_path, FM + body)
    started = time.perf_counter()
    doc = read_document(path)
    assert time.perf_counter() - started < 10
    depth = 0
    stack = [(block, 1) for block in doc.blocks + [b for note in doc.footnotes for b in note.blocks]]
    while stack:
        node, level = stack.pop()
        depth = max(depth, level)
        stack.extend((child, level + 1) for child in node.children)
    assert depth <= markdown.MAX_NESTING + markdown.MAX_INLINE_DEPTH + 2


def test_deep_emphasis_keeps_its_text(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = _write(tmp_path, FM + "*" * 1000 + "core" + "*" * 1000 + "\n")
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = read_document(path)
    texts = [n.text for b in doc.blocks for n in b.walk() if n.kind == "text"]
    assert "core" in "".join(texts)
    assert any(f"{path}:4: warning: emphasis and links nest more than" in r.getMessage() for r in caplog.records)


def test_footnotes_inside_footnotes_are_shown_as_written(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, FM + "Text[^1].\n\n[^1]: see [^1]\n"))
    [note] = doc.footnotes
    assert [n.kind for b in note.blocks for n in b.walk()] == ["paragraph", "text"]
    assert "see [^1]" in note.blocks[0].children[0].text


# -- images and links -------------------------------------------------------------
@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with an image, a text file, and a secret next to (outside) it."""
    folder = tmp_path / "project"
    (folder / "images").mkdir(parents=True)
    shutil.copy(PNG, folder / "images" / "ok.png")
    (folder / "notes.txt").write_text("notes\n")
    (folder / "images" / "fake.png").write_text("this is text, not an image\n")
    (folder / "images" / "fake.svg").write_text('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>\n')
    (folder / "images" / "broken.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>\n')
    (tmp_path / "secret.png").write_bytes(PNG.read_bytes())
    (tmp_path / "secret.txt").write_text("secret\n")
    return folder


def _collect(project: Path, body: str, front: str = "title: T\n") -> dict[str, assets.Asset]:
    path = project / "article.md"
    path.write_text(f"---\n{front}---\n{body}", "utf-8")
    return assets.collect(read_document(path), project)


IMAGES = {
    "parent folder": ("![a](../secret.png)", "is outside the project folder"),
    "deep parent folder": ("![a](images/../../secret.png)", "is outside the project folder"),
    "percent-encoded dots": ("![a](%2e%2e/secret.png)", "is outside the project folder"),
    "percent-encoded slash": ("![a](..%2Fsecret.png)", "is outside the project folder"),
    "site-absolute path, read from the project": ("![a](/etc/passwd)", "'/etc/passwd' does not exist"),
    "site-absolute path climbing out": ("![a](/../secret.png)", "is outside the project folder"),
    "home folder": ("![a](~/secret.png)", "must be a path relative to the article"),
    "backslashes": ("![a](..\\secret.png)", "must be a path relative to the article"),
    "missing file": ("![a](images/missing.png)", "does not exist"),
    "a folder": ("![a](images)", "is not a regular file"),
    "empty path": ("![a](?x=1)", "has an empty path"),
    "not an image": ("![a](images/fake.png)", "is not a PNG, JPEG, GIF, WebP or SVG image"),
    "a text file": ("![a](notes.txt)", "is not a PNG, JPEG, GIF, WebP or SVG image"),
    "an XML file that is not SVG": ("![a](images/fake.svg)", "is not an SVG image"),
    "a broken SVG": ("![a](images/broken.svg)", "is not a well-formed SVG file"),
}


@pytest.mark.parametrize("body, fragment", IMAGES.values(), ids=IMAGES.keys())
def test_bad_image(project: Path, body: str, fragment: str) -> None:
    with pytest.raises(SourceError) as caught:
        _collect(project, "Intro.\n\n" + body + "\n")
    assert fragment in caught.value.message
    assert caught.value.line == 6


def test_image_symlinks_are_followed_before_the_check(project: Path) -> None:
    (project / "images" / "out.png").symlink_to(project.parent / "secret.png")
    (project / "images" / "dev.png").symlink_to("/dev/zero")
    (project / "images" / "in.png").symlink_to(project / "images" / "ok.png")
    (project / "images" / "loop.png").symlink_to(project / "images" / "loop.png")
    for name, fragment in [("out", "outside the project"), ("dev", "outside the project"), ("loop", "")]:
        with pytest.raises(SourceError) as caught:
            _collect(project, f"![a](images/{name}.png)\n")
        assert fragment in caught.value.message and caught.value.line == 4
    assert set(_collect(project, "![a](images/in.png)\n")) == {"images/in.png"}


def test_image_that_is_a_fifo_fails_without_blocking(project: Path) -> None:
    os.mkfifo(project / "images" / "pipe.png")
    started = time.perf_counter()
    with pytest.raises(SourceError, match="is not a regular file"):
        _collect(project, "![a](images/pipe.png)\n")
    assert time.perf_counter() - started < 5


def test_oversized_image(project: Path) -> None:
    with open(project / "images" / "huge.png", "wb") as handle:
        handle.write(PNG.read_bytes())
        handle.truncate(assets.MAX_IMAGE_BYTES + 1)
    with pytest.raises(SourceError, match="larger than 20 MiB") as caught:
        _collect(project, "![a](images/huge.png)\n")
    assert caught.value.line == 4


def test_cover_image_outside_the_project(project: Path) -> None:
    with pytest.raises(SourceError, match="outside the project") as caught:
        _collect(project, "Body.\n", front="title: T\ncover-image: ../secret.png\n")
    assert caught.value.line == 3


MISSING_LINKS = {
    "parent folder": ("[x](../secret.txt)", "points outside the project"),
    "percent-encoded dots": ("[x](%2e%2e/%2e%2e/etc/passwd)", "points outside the project"),
    "site-absolute path": ("[x](/etc/passwd)", "points to a file that is not in the project"),
    "missing file": ("[x](missing.txt)", "points to a file that is not in the project"),
    "sibling page with an anchor": ("[x](chapter.md#anchor)", "points to a file that is not in the project"),
    "protocol-relative": ("[x](//evil.example/x)", "has no scheme"),
    "smb share": ("[x](smb://host/share)", "uses the 'smb:' scheme"),
    "custom scheme": ("[x](x-evil:run)", "uses the 'x-evil:' scheme"),
    "rustdoc path": ("[x](std::process::Termination)", "uses the 'std:' scheme"),
    "http without host": ("[x](http:/x)", "has no host"),
}


@pytest.mark.parametrize("body, fragment", MISSING_LINKS.values(), ids=MISSING_LINKS.keys())
def test_link_readers_cannot_follow_is_a_warning_and_shown_as_text(project: Path, body: str, fragment: str, caplog: pytest.LogCaptureFixture) -> None:
    path = project / "article.md"
    path.write_text("---\ntitle: T\n---\nIntro.\n\nSee " + body + " here.\n", "utf-8")
    doc = read_document(path)
    with caplog.at_level(logging.WARNING, logger="publish"):
        assets.collect(doc, project)
    [link] = [n for b in doc.blocks for n in b.walk() if n.kind == "link"]
    assert link.attrs["missing"] is True
    [message] = [r.getMessage() for r in caplog.records]
    assert message.startswith(f"{path}:6: warning: link ") and fragment in message and "shown as its text" in message


def test_missing_link_targets_are_warned_once_each_then_summed_up(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    body = "".join(f"[a](page{i}.md) [again](page{i}.md)\n\n" for i in range(8))
    with caplog.at_level(logging.WARNING, logger="publish"):
        _collect(project, body)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == assets.MAX_LINK_WARNINGS + 1
    assert "'page0.md'" in messages[0] and ":4:" in messages[0]
    assert messages[-1].endswith("3 more links that readers could not follow are shown as their text (the first here)")


def test_missing_link_in_metadata_names_its_line(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="publish"):
        _collect(project, "Body.\n", front="title: T\nlang: en\nrights: 'See [terms](/etc/passwd)'\n")
    assert [r.getMessage().split(": warning:")[0].rsplit(":", 1)[1] for r in caplog.records] == ["4"]


def test_remote_images_become_their_alt_text_with_one_warning_each(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = project / "article.md"
    path.write_text(
        "---\ntitle: T\n---\n![A chart](https://example.com/x.png)\n\n"
        "Badge ![build passing](//example.com/b.svg) and ![data](data:image/png;base64,iVBORw0KGgo=).\n\n"
        "![again](https://example.com/x.png)\n",
        "utf-8",
    )
    doc = read_document(path)
    with caplog.at_level(logging.WARNING, logger="publish"):
        found = assets.collect(doc, project)
    assert found == {} and doc.images() == []
    assert [b.kind for b in doc.blocks] == ["paragraph", "paragraph", "paragraph"]
    assert plain_text(doc.blocks[0].children) == "A chart"
    assert plain_text(doc.blocks[1].children) == "Badge build passing and data."
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3 and all("is on the web" in m and "alt text is shown" in m for m in messages)
    assert [m.split(": warning:")[0].rsplit(":", 1)[1] for m in messages] == ["4", "6", "6"]


def test_remote_image_in_a_callout_title_becomes_its_alt_text(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = project / "article.md"
    path.write_text(
        "---\ntitle: T\n---\n::: {.callout-note}\n## See ![badge](https://example.com/b.png) here\n\nBody.\n:::\n", "utf-8"
    )
    doc = read_document(path)
    with caplog.at_level(logging.WARNING, logger="publish"):
        found = assets.collect(doc, project)
    assert found == {} and doc.images() == []
    [callout] = doc.blocks
    assert plain_text(callout.attrs["title"]) == "See badge here"
    assert ["is on the web" in r.getMessage() for r in caplog.records] == [True]


def test_site_absolute_image_is_read_from_the_project_folder(project: Path) -> None:
    (project / "sub").mkdir()
    path = project / "sub" / "article.md"
    path.write_text("---\ntitle: T\n---\n![a](/images/ok.png)\n", "utf-8")
    found = assets.collect(read_document(path), project)
    assert found["/images/ok.png"].path == (project / "images" / "ok.png").resolve()


def test_good_links_and_images_pass(project: Path) -> None:
    body = (
        "![a](images/ok.png) [w](https://example.com/a?b=1#c) [m](mailto:a@example.com) [t](tel:+123)"
        " [n](notes.txt) [f](#section) <https://example.org> [doi](doi:10.1000/182)\n"
    )
    assert set(_collect(project, body)) == {"images/ok.png"}


def test_dangerous_link_schemes_never_become_links(tmp_path: Path) -> None:
    body = "".join(
        f"[x]({href})\n\n"
        for href in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "java&#x73;cript:alert(1)", "&#106;avascript:alert(1)",
                     "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "<javascript:alert(1)>")
    ) + "<javascript:alert(1)>\n\n[ref]\n\n[ref]: javascript:alert(1)\n"
    doc = read_document(_write(tmp_path, FM + body))
    links = [n for b in doc.blocks for n in b.walk() if n.kind == "link"]
    assert links == []


# -- raw HTML: the safe subset becomes the model, the rest is dropped with one warning per kind --
def test_dangerous_raw_html_is_dropped_with_one_warning_per_kind_by_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    body = (
        "Plain.\n\n"  # 4
        "<script>alert(1)</script>\n\n"  # 6
        "Text <img src=x.png onerror=alert(1)> inline\n"  # 8
        "then <iframe src='https://evil.example'></iframe> <script>alert(2)</script>\n\n"  # 9
        "<!-- a comment --> <a href='javascript:alert(1)'>click</a>\n\n"  # 11
        "Escaped \\<b> and &lt;b> and `<code>`, a < b > c, x<y.\n\n"  # 13
        "```\n<script>in code</script>\n```\n"  # 15
    )
    path = _write(tmp_path, FM + body)
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = read_document(path)
    warned = [r.getMessage() for r in caplog.records]
    assert warned == [
        f"{path}:6: warning: <script> in raw HTML is not shown (publish never runs or embeds it)",
        f"{path}:8: warning: event handler attributes (onclick=…) in raw HTML are dropped",
        f"{path}:8: warning: <iframe> in raw HTML is not shown (publish never runs or embeds it)",
        f"{path}:11: warning: HTML comments are not shown",
        f"{path}:11: warning: links with a script or unknown scheme in raw HTML are kept as plain text",
    ]
    texts = plain_text(doc.blocks)
    assert "alert" not in texts and "comment" not in texts and "click" in texts
    assert "<b> and <b> and <code>, a < b > c, x<y." in texts
    assert doc.blocks[-1].kind == "code_block" and doc.blocks[-1].text == "<script>in code</script>\n"
    assert not any(n.kind == "link" for b in doc.blocks for n in b.walk())


def test_raw_html_in_metadata_becomes_markup(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = _write(tmp_path, "---\nlang: en\ntitle: 'A <b>bold</b> title<script>x</script>'\n---\nBody.\n")
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = read_document(path)
    assert doc.meta.title.text == "A bold title"
    assert [n.kind for n in doc.meta.title.inlines] == ["text", "strong", "text"]
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}:3: warning: <script> in raw HTML is not shown (publish never runs or embeds it)"
    ]


# -- the article file itself -----------------------------------------------------
def test_article_that_is_a_fifo_or_folder_or_missing(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "folder.md").mkdir()
    for name, fragment in [("pipe.md", "not a regular file"), ("folder.md", "not a regular file"), ("none.md", "does not exist")]:
        with pytest.raises(SourceError, match=fragment):
            reader.read_bytes(tmp_path / name)


def test_oversized_article(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    with open(path, "wb") as handle:
        handle.truncate(reader.MAX_SOURCE_BYTES + 1)
    with pytest.raises(SourceError, match="larger than 2 MiB"):
        read_document(path)


# -- through the command line: one line on stderr, exit 1; --debug shows the traceback
CLI_CASES = {
    "invalid YAML": ("---\ntitle: [oops\n---\n", "bad.md:2: the front matter is not valid YAML"),
    "ambiguous date": ("---\ntitle: T\ndate: 03/04/2025\n---\n", "bad.md:3: 'date' is not a date: '03/04/2025' is ambiguous"),
    "alias bomb": (_billion_laughs("keywords"), "bad.md:3: the front matter expands to more than 10000 values"),
    "invalid UTF-8": (b"---\ntitle: T\n---\n\xc3\x28\n", "bad.md:4: invalid UTF-8 at byte offset 17"),
    "image outside": ("---\ntitle: T\n---\n\n![x](../../etc/passwd)\n", "bad.md:5: image '../../etc/passwd' is outside the project folder"),
    "deep quotes": (FM + ">" * 3000 + "\n", "bad.md:4: quotes, lists or divs nest more than 40 levels deep"),
    "missing file": (None, "none.md: the article does not exist"),
}


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "publish", *args], cwd=project, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("content, expected", CLI_CASES.values(), ids=CLI_CASES.keys())
def test_cli_reports_one_line_and_exits_1(tmp_path: Path, content: str | bytes | None, expected: str) -> None:
    name = "none.md" if content is None else _write(tmp_path, content).name
    result = _cli(tmp_path, "build", name, "--out", "out", "--no-verify")
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [result.stderr.strip()], "exactly one line"
    assert result.stderr.startswith(expected)
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cli_debug_shows_the_traceback(tmp_path: Path) -> None:
    _write(tmp_path, "---\ntitle: [oops\n---\n")
    result = _cli(tmp_path, "--debug", "build", "bad.md", "--out", "out", "--no-verify")
    assert result.returncode != 0
    assert "Traceback" in result.stderr and "SourceError" in result.stderr


def test_fixture_files_each_fail_with_their_stated_line() -> None:
    """tests/fixtures/bad/*.md: each names its expected error on its last line (`<!-- expect: LINE: fragment -->`)."""
    for path in sorted(BAD.glob("*.md")):
        expect = path.read_text("utf-8", errors="replace").splitlines()[-1]
        assert expect.startswith("<!-- expect: "), path
        line, fragment = expect.removeprefix("<!-- expect: ").removesuffix(" -->").split(": ", 1)
        with pytest.raises(PublishError) as caught, collecting(strict=True):  # some are warnings unless strict
            read_document(path)
        assert fragment in caught.value.message, path
        assert caught.value.line == int(line), path


@pytest.mark.parametrize(("data", "code", "line"), [
    (b"---\ntitle: T\n---\nok\n\x1b[31m red\n", "U+001B", 5),
    ("---\ntitle: T\n---\n\ufffe\n".encode("utf-8"), "U+FFFE", 4),
    ("---\ntitle: T\n---\n\u5b58\u5728\x08\u7684\n".encode("utf-8"), "U+0008", 4),  # system-design-primer's README-zh-Hans.md
], ids=["escape", "U+FFFE", "backspace"])
def test_a_stray_control_character_is_removed_with_a_warning_at_its_line(tmp_path: Path, data: bytes, code: str, line: int,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(data)
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = read_document(path)
    assert any(f"{path}:{line}: warning: the control character {code}" in r.getMessage() and "was removed" in r.getMessage()
               for r in caplog.records)
    text = plain_text(doc.blocks)
    assert not any(c in text for c in "\x1b\x08\ufffe")
