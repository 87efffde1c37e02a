"""Front matter as other tools write it (Jekyll, Hugo, JOSS, Quarto, pandoc, none at all): read, with warnings, never a stop
for what can be ignored; every problem of a file in one run; --strict for those who want unknown keys to stop the build."""
from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from publish.formats.view import make_view
from publish.errors import PublishError, SeveralErrors, SourceError, collecting
from publish.read.language import cjk_fonts, cjk_region, infer_script_language
from publish.builder.pipeline import build
from publish.read.article import read_document
from publish.theme import load

JEKYLL = """---
layout: post
title:  "Welcome to Jekyll!"
date:   2025-10-30 09:00:00 +0800
categories: jekyll update
tags: [intro]
permalink: /welcome/
excerpt: A first post.
---
You'll find this post in your `_posts` directory.
"""

HUGO = """+++
title = "Hugo post"
date = 2025-10-30T09:00:00+08:00
draft = false
tags = ["a", "b"]
weight = 10
summary = "What the post says."

[extra]
toc = true
+++
Body of the *Hugo* post.
"""

JOSS = """---
title: 'Gala: A Python package for galactic dynamics'
tags:
  - Python
  - astronomy
authors:
  - name: Adrian M. Price-Whelan
    orcid: 0000-0003-0872-7098
    equal-contrib: true
    affiliation: "1, 2"
  - given-names: Ludwig
    dropping-particle: van
    surname: Beethoven
    affiliation: 3
affiliations:
 - name: Lyman Spitzer, Jr. Fellow, Princeton University, USA
   index: 1
 - name: Institution Name, Country
   index: 2
 - name: Independent Researcher, Country
   index: 3
date: 13 August 2017
bibliography: paper.bib
abstract: |
  Gala is an *Astropy-affiliated* package for galactic dynamics.

  It is fast.
---

# Summary

The forces on stars, galaxies, and dark matter.
"""

QUARTO = """---
title: "Quarto Basics"
author:
  - name: Norah Jones
    orcid: 0000-0001-2345-6789
    email: norah@example.org
    affiliations:
      - name: Carnegie Mellon University
        city: Pittsburgh
  - name:
      given: Bill
      family: Pentameter
    affiliations:
      - ref: cmu
affiliations:
  - id: cmu
    name: Carnegie Mellon University
date: last-modified
format:
  html:
    code-fold: true
jupyter: python3
---

For a demonstration of a line plot, see below.
"""

PANDOC_BLOCK = """% The Title
  Continued
% Ann Smith; Bob Jones
% 30 October 2025

The body.
"""

NO_FRONT_MATTER = """# The README heading

The text under it.
"""


def _write(folder: Path, text: str, name: str = "post.md") -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def _read(folder: Path, text: str, name: str = "post.md"):
    return read_document(_write(folder, text, name))


def _messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "publish"]


def _view(doc):
    return make_view(doc, load(None, ROOT).options)


# -- unknown keys: warnings, each once with its line --------------------------------------------
def test_unknown_keys_are_warnings_with_line_and_did_you_mean(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="publish"):
        doc = _read(tmp_path, "---\ntitle: T\nauthr: Ann\nsubtitel: S\nzzzzzz: 1\n---\nBody.\n")
    path = tmp_path / "post.md"
    assert doc.meta.title.text == "T" and doc.meta.authors == [] and doc.meta.subtitle is None
    assert _messages(caplog) == [
        f"{path}:3: warning: unknown front-matter field 'authr' ignored; did you mean 'author'?",
        f"{path}:4: warning: unknown front-matter field 'subtitel' ignored; did you mean 'subtitle'?",
        f"{path}:5: warning: unknown front-matter field 'zzzzzz' ignored; known fields: title, subtitle, short-title, "
        "author, affiliations, date, lang, dir, abstract, publisher, rights, identifier, keywords, description, cover-image, "
        "source, credits, contact, accessibility-certifier",
    ]


@pytest.mark.parametrize("key", ["layout", "permalink", "draft", "weight", "slug", "toc", "bibliography", "output", "format"])
def test_other_tools_settings_warn_and_never_stop(tmp_path, caplog, key):
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = _read(tmp_path, f"---\ntitle: T\n{key}:\n  html: {{a: [1, {{b: null}}]}}\n---\nBody.\n")
    assert doc.meta.title.text == "T"
    assert _messages(caplog) == [f"{tmp_path / 'post.md'}:3: warning: front-matter field '{key}' (another tool's setting) "
                                 "is not used by publish; ignored"]


def test_non_string_keys_and_nested_junk_do_not_crash(tmp_path, caplog):
    text = "---\ntitle: T\n2: x\ntrue: y\nnull: z\n2025-01-01: d\nextra: {a: [1, {b: null}], c: !!float 1e400}\n---\nBody.\n"
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = _read(tmp_path, text)
    assert doc.meta.title.text == "T"
    lines = [m.split(": warning:")[0].rsplit(":", 1)[1] for m in _messages(caplog)]
    assert lines == ["3", "4", "5", "6", "7"]


def test_strict_turns_every_warning_into_one_error_with_every_line(tmp_path):
    path = _write(tmp_path, "---\ntitle: T\nauthr: Ann\nlayout: post\n---\nBody.\n")
    with pytest.raises(SeveralErrors) as caught, collecting(strict=True):
        read_document(path)
    assert str(caught.value).splitlines() == [
        f"{path}:3: unknown front-matter field 'authr' ignored; did you mean 'author'? (an error with --strict)",
        f"{path}:4: front-matter field 'layout' (another tool's setting) is not used by publish; ignored (an error with --strict)",
    ]


def test_notes_on_aliases_stay_notes_with_strict(tmp_path):
    with collecting(strict=True) as log:
        doc = _read(tmp_path, "---\ntitle: T\ntags: [a]\n---\nBody.\n")
    assert doc.meta.keywords == ["a"]
    assert [(n.level, n.message) for n in log.items] == [("note", "'tags' is read as 'keywords'")]


# -- aliases -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "line, field, expected",
    [
        ("tags: [a, b]", "keywords", ["a", "b"]),
        ("categories: jekyll update", "keywords", ["jekyll", "update"]),
        ("topics: x, y", "keywords", ["x", "y"]),
        ("authors: [Ann, Bob]", "authors", ["Ann", "Bob"]),
        ("excerpt: Short.", "description", "Short."),
        ("summary: Short.", "description", "Short."),
        ("image: cover.png", "cover_image", "cover.png"),
        ("cover: {path: c.png, alt: A}", "cover_image", "c.png"),
        ("cover: {src: c.png}", "cover_image", "c.png"),
        ("image: {url: c.png}", "cover_image", "c.png"),
        ("image: {file: c.png}", "cover_image", "c.png"),
        ("created: 2025-10-30", "date", dt.date(2025, 10, 30)),
    ],
)
def test_aliases_map_onto_the_schema_with_a_note(tmp_path, caplog, line, field, expected):
    with caplog.at_level(logging.INFO, logger="publish"):
        doc = _read(tmp_path, f"---\ntitle: T\n{line}\n---\nBody.\n")
    assert getattr(doc.meta, field) == expected
    key = line.split(":")[0]
    target = {"cover_image": "cover-image", "authors": "author"}.get(field, field)
    assert _messages(caplog) == [f"{tmp_path / 'post.md'}:3: note: '{key}' is read as '{target}'"]


def test_empty_values_are_absent_values(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = _read(tmp_path, "---\ntitle: T\ntags: []\ndescription: ''\nauthor:\nimage: {}\n---\nBody.\n")
    assert (doc.meta.keywords, doc.meta.description, doc.meta.authors, doc.meta.cover_image) == ([], None, [], None)
    assert _messages(caplog) == []


def test_keyword_aliases_are_merged_without_duplicates(tmp_path):
    doc = _read(tmp_path, "---\ntitle: T\nkeywords: a, b\ntags: [b, c]\ncategories: [d]\n---\nBody.\n")
    assert doc.meta.keywords == ["a", "b", "c", "d"]


def test_an_alias_beside_its_field_is_ignored_with_a_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = _read(tmp_path, "---\ntitle: T\ndescription: Kept.\nsummary: Dropped.\n---\nBody.\n")
    assert doc.meta.description == "Kept."
    assert _messages(caplog) == [f"{tmp_path / 'post.md'}:4: warning: 'summary' and 'description' (line 3) both give the "
                                 "description; 'summary' is ignored"]


def test_a_remote_cover_is_not_fetched_and_warned_about(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = _read(tmp_path, "---\ntitle: T\nimage: https://example.org/c.png\n---\nBody.\n")
    assert doc.meta.cover_image is None
    assert "is on the web and is not fetched; no cover" in _messages(caplog)[0]


# -- abstract ------------------------------------------------------------------------------------
def test_abstract_is_block_markdown_and_the_description_when_there_is_none(tmp_path):
    doc = _read(tmp_path, JOSS, "paper.md")
    assert [b.kind for b in doc.meta.abstract.blocks] == ["paragraph", "paragraph"]
    assert doc.meta.abstract.text == "Gala is an Astropy-affiliated package for galactic dynamics.\n\nIt is fast."
    assert doc.meta.description == doc.meta.abstract.text
    view = _view(doc)
    assert "<em>Astropy-affiliated</em>" in view.abstract.html and view.abstract.html.count("<p>") == 2


def test_a_description_wins_over_the_abstract(tmp_path):
    doc = _read(tmp_path, "---\ntitle: T\nabstract: The abstract.\ndescription: The summary.\n---\nBody.\n")
    assert doc.meta.description == "The summary." and doc.meta.abstract.text == "The abstract."


# -- authors -------------------------------------------------------------------------------------
def test_joss_authors_resolve_affiliation_indexes_and_names_from_parts(tmp_path):
    doc = _read(tmp_path, JOSS, "paper.md")
    assert doc.meta.authors == ["Adrian M. Price-Whelan", "Ludwig van Beethoven"]
    first, second = doc.meta.people
    assert first.orcid == "0000-0003-0872-7098"
    assert first.affiliations == ["Lyman Spitzer, Jr. Fellow, Princeton University, USA", "Institution Name, Country"]
    assert second.affiliations == ["Independent Researcher, Country"]
    view = _view(doc)
    assert view.authors == ["Adrian M. Price-Whelan", "Ludwig van Beethoven"]
    assert [(p.name, p.marks) for p in view.people] == [("Adrian M. Price-Whelan", [1, 2]), ("Ludwig van Beethoven", [3])]
    assert view.numbered_affiliations and len(view.affiliations) == 3


def test_quarto_authors_with_given_family_names_and_affiliation_refs(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = _read(tmp_path, QUARTO)
    assert doc.meta.authors == ["Norah Jones", "Bill Pentameter"]
    assert doc.meta.people[0].email == "norah@example.org"
    assert [p.affiliations for p in doc.meta.people] == [["Carnegie Mellon University"]] * 2
    view = _view(doc)
    assert view.affiliations == ["Carnegie Mellon University"] and not view.numbered_affiliations
    assert doc.meta.date is None, "date: last-modified is never the clock"
    warned = _messages(caplog)
    assert any(":18: warning: date 'last-modified' means the day of the build" in m for m in warned)
    assert any("'format' (another tool's setting)" in m for m in warned) and any("'jupyter'" in m for m in warned)


def test_pandoc_style_author_mapping_with_affiliation_list(tmp_path):
    doc = _read(tmp_path, "---\ntitle: T\nauthor:\n  - name: Ann\n    affiliation: [Uni A, Uni B]\n  - Bob\n---\nBody.\n")
    assert doc.meta.authors == ["Ann", "Bob"]
    assert doc.meta.people[0].affiliations == ["Uni A", "Uni B"] and doc.meta.people[1].affiliations == []
    assert _view(doc).numbered_affiliations


def test_one_author_as_a_mapping(tmp_path):
    doc = _read(tmp_path, "---\ntitle: T\nauthor: {name: Ann, affiliation: Uni}\n---\nBody.\n")
    assert doc.meta.authors == ["Ann"] and _view(doc).affiliations == ["Uni"]


# -- dates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "written",
    [
        "2025-10-30", "'2025-10-30'", "30 October 2025", "October 30, 2025", "Oct 30 2025", "Oct. 30, 2025", "30 Oct 2025",
        "2025-10-30T09:00:00+08:00", "2025-10-30T23:30:00-05:00", "'2025-10-30T09:00:00+08:00'", "2025-10-30 09:00:00 +0800",
        "2025-10-30T09:00:00Z", "2025-10-30 09:00", "Thu, 30 Oct 2025 09:00:00 +0000", "Thursday, October 30th, 2025",
        "30/10/2025", "10/30/2025", "2025/10/30",
    ],
)
def test_dates_as_people_write_them(tmp_path, written):
    assert _read(tmp_path, f"---\ntitle: T\ndate: {written}\n---\nBody.\n").meta.date == dt.date(2025, 10, 30)


def test_an_ambiguous_date_is_an_error_that_says_why_and_what_to_write(tmp_path):
    with pytest.raises(SourceError) as caught:
        _read(tmp_path, "---\ntitle: T\ndate: 03/04/2025\n---\nBody.\n")
    assert caught.value.line == 3
    assert caught.value.message == ("'date' is not a date: '03/04/2025' is ambiguous: it is 3 April in most countries and "
                                    "March 4 in the US; write it as 2025-04-03 or 2025-03-04 (year-month-day)")


@pytest.mark.parametrize("word", ["today", "now", "last-modified"])
def test_clock_dates_warn_and_give_no_date(tmp_path, caplog, word):
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = _read(tmp_path, f"---\ntitle: T\ndate: {word}\n---\nBody.\n")
    assert doc.meta.date is None and "date" not in doc.meta.lines
    assert f"date '{word}' means the day of the build" in _messages(caplog)[0]


# -- front matter forms --------------------------------------------------------------------------
def test_jekyll_post(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = _read(tmp_path, JEKYLL)
    meta = doc.meta
    assert (meta.title.text, meta.date, meta.keywords, meta.description) == (
        "Welcome to Jekyll!", dt.date(2025, 10, 30), ["jekyll", "update", "intro"], "A first post.")
    assert len(_messages(caplog)) == 2  # layout, permalink


def test_hugo_toml_post(tmp_path):
    doc = _read(tmp_path, HUGO)
    meta = doc.meta
    assert (meta.title.text, meta.date, meta.keywords, meta.description) == ("Hugo post", dt.date(2025, 10, 30), ["a", "b"],
                                                                           "What the post says.")
    assert meta.lines == {"title": 2, "date": 3, "keywords": 5, "description": 7}
    assert doc.blocks[0].line == 12


def test_zola_taxonomies_are_keywords(tmp_path):
    doc = _read(tmp_path, '+++\ntitle = "Zola page"\ndate = 2025-10-30\n\n[taxonomies]\ntags = ["rust", "web"]\ncategories = ["dev"]\n+++\nBody.\n')
    assert doc.meta.keywords == ["rust", "web", "dev"] and doc.meta.lines["keywords"] == 5


def test_toml_errors_name_their_line(tmp_path):
    with pytest.raises(SourceError) as caught:
        _read(tmp_path, "+++\ntitle = 'T'\ndate = 2025-10-30\ndate = 2025-10-31\n+++\n")
    assert caught.value.line == 4 and "not valid TOML" in caught.value.message


def test_pandoc_title_block(tmp_path):
    doc = _read(tmp_path, PANDOC_BLOCK)
    meta = doc.meta
    assert (meta.title.text, meta.authors, meta.date) == ("The Title Continued", ["Ann Smith", "Bob Jones"], dt.date(2025, 10, 30))
    assert meta.lines == {"title": 1, "author": 3, "date": 4}
    assert doc.blocks[0].line == 6


def test_pandoc_title_block_with_empty_fields(tmp_path):
    doc = _read(tmp_path, "% Only a title\n%\n% 2025-10-30\nBody.\n")
    assert (doc.meta.title.text, doc.meta.authors, doc.meta.date) == ("Only a title", [], dt.date(2025, 10, 30))


def test_yaml_front_matter_may_end_with_dots(tmp_path):
    doc = _read(tmp_path, "---\ntitle: Dots\n...\nBody.\n")
    assert doc.meta.title.text == "Dots" and doc.blocks[0].line == 4


def test_no_front_matter_takes_the_opening_heading_as_title_and_does_not_print_it_twice(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = _read(tmp_path, NO_FRONT_MATTER, "README.md")
    assert doc.meta.title.text == "The README heading"
    assert [b.kind for b in doc.blocks] == ["paragraph"] and doc.blocks[0].line == 3
    assert _messages(caplog) == [f"{tmp_path / 'README.md'}:1: warning: no 'title' in the front matter; the first heading is the title"]


def test_no_front_matter_and_no_heading_takes_the_file_name(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = _read(tmp_path, "Just text.\n\n## Not a title\n", "notes.md")
    assert doc.meta.title.text == "notes" and [b.kind for b in doc.blocks] == ["paragraph", "heading"]
    assert "the title is the file name 'notes'" in _messages(caplog)[0]


def test_front_matter_without_title_takes_the_heading_too(tmp_path):
    doc = _read(tmp_path, "---\nlayout: page\n---\n# Heading\n\nText.\n")
    assert doc.meta.title.text == "Heading" and len(doc.blocks) == 1


def test_a_thematic_break_on_line_1_is_not_front_matter(tmp_path):
    doc = _read(tmp_path, "---\n\nText after a rule.\n", "rule.md")
    assert [b.kind for b in doc.blocks] == ["thematic_break", "paragraph"] and doc.meta.title.text == "rule"


def test_every_front_matter_problem_is_reported_in_one_run(tmp_path):
    path = _write(tmp_path, "---\ntitle: [a]\ndate: 03/04/2025\nlang: english language\nauthr: x\nsource: {href: y}\n---\nBody.\n")
    with pytest.raises(SeveralErrors) as caught:
        read_document(path)
    assert [(e.line, e.message.split(" ")[0]) for e in caught.value.errors] == [
        (2, "'title'"), (3, "'date'"), (4, "'lang'"), (6, "'source'")]
    assert [line.split(":")[1] for line in str(caught.value).splitlines()] == ["2", "3", "4", "6"]


# -- language ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, lang",
    [
        ("これは日本語の文章です。漢字と仮名が混ざっています。今日はいい天気ですね。", "ja"),
        ("이것은 한국어 문장입니다. 오늘은 날씨가 좋습니다. 감사합니다 여러분.", "ko"),
        ("这是一个中文文档，没有前置元数据。我们用它来测试语言推断功能。", "zh"),
        ("这是一个中文文档，提到了一家名叫“吉野家の牛丼”的店。" + "我们用它来测试语言推断功能是否正常工作，" * 8, "zh"),
        ("これは日本語。" + "漢字" * 40, None),
        ("An English text that quotes 漢字 and 日本語 once or twice, among many more English words than CJK ones.", None),
        ("Plain English, nothing else to see here.", None),
    ],
)
def test_language_is_inferred_only_when_the_script_makes_it_certain(text, lang):
    guess = infer_script_language(text)
    assert (guess.tag if guess else None) == lang


def test_inferred_language_warns_and_an_explicit_one_is_kept(tmp_path, caplog):
    body = "これは日本語の文章です。漢字と仮名が混ざっています。今日はいい天気ですね。\n"
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = _read(tmp_path, f"---\ntitle: T\n---\n{body}")
    assert doc.meta.lang == "ja"
    assert "no 'lang' in the front matter; the text is Japanese (it has kana), so the language is ja" in _messages(caplog)[0]
    assert _read(tmp_path, f"---\ntitle: T\nlang: zh-Hant\n---\n{body}").meta.lang == "zh-Hant"


@pytest.mark.parametrize(
    "lang, region",
    [("ja", "JP"), ("ja-JP", "JP"), ("ko", "KR"), ("zh", "SC"), ("zh-Hans", "SC"), ("zh-CN", "SC"), ("zh-Hant", "TC"),
     ("zh-TW", "TC"), ("zh-HK", "HK"), ("zh-Hant-HK", "HK"), ("en", None), ("de-CH", None)],
)
def test_cjk_region_of_a_language(lang, region):
    assert cjk_region(lang) == region


def test_cjk_fonts_swap_the_simplified_chinese_faces_for_the_languages_own():
    theme = ["Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "WenQuanYi Zen Hei"]
    assert cjk_fonts("ja", theme) == ["Noto Serif CJK JP", "Noto Sans CJK JP", "Source Han Serif JP", "WenQuanYi Zen Hei"]
    assert cjk_fonts("zh-TW", theme)[0] == "Noto Serif CJK TC"
    assert cjk_fonts("ko", ["Noto Sans CJK SC", "Noto Sans CJK KR"]) == ["Noto Sans CJK KR"]
    assert cjk_fonts("en", theme) == theme


def _font_names(pdf: Path) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(str(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


@pytest.mark.skipif(subprocess.run(["fc-list", "Noto Serif CJK JP"], capture_output=True, text=True).stdout.strip() == "",
                    reason="the Noto Serif CJK JP font (Debian fonts-noto-cjk) is not installed")
def test_a_japanese_article_is_drawn_with_japanese_cjk_faces(tmp_path):
    source = _write(tmp_path, "---\ntitle: 日本語の記事\nlang: ja\n---\n直、骨、誤、角。これは日本語です。\n", "ja.md")
    [result] = build([source], formats=["pdf"], out=tmp_path / "out", project=tmp_path)
    fonts = _font_names(result.path)
    assert any("CJK-JP" in name for name in fonts), fonts
    assert not any("CJK-SC" in name for name in fonts), fonts


# -- through the build and the command line ------------------------------------------------------
def test_a_joss_paper_builds_to_all_three_formats_with_abstract_and_affiliations(tmp_path):
    source = _write(tmp_path, JOSS, "paper.md")
    results = build([source], out=tmp_path / "out", project=tmp_path)
    by_format = {r.format: r.path for r in results}
    from publish.formats import reader

    for fmt in ("pdf", "epub", "docx"):
        text = " ".join(reader(fmt)(by_format[fmt]).text.split())
        assert "Gala is an Astropy-affiliated package for galactic dynamics." in text, fmt
        assert "Institution Name, Country" in text and "Independent Researcher, Country" in text, fmt
        assert "Abstract" in text, fmt
    import docx

    paragraphs = docx.Document(str(by_format["docx"])).paragraphs
    styled = {p.style.name for p in paragraphs if "fast" in p.text or "Astropy" in p.text}
    assert styled == {"Abstract"}
    assert [p.style.name for p in paragraphs if "Independent Researcher" in p.text] == ["Affiliation"]
    with zipfile.ZipFile(by_format["epub"]) as epub:
        page = next(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml") and b"abstract" in epub.read(n))
    assert '<section class="abstract"' in page and '<sup class="affiliation-mark">1,2</sup>' in page


def test_strict_build_raises_and_leaves_the_outputs_alone(tmp_path):
    source = _write(tmp_path, "---\ntitle: T\nlayout: post\n---\nBody.\n")
    out = tmp_path / "out"
    build([source], formats=["epub"], out=out, project=tmp_path)
    before = (out / "post.epub").read_bytes()
    source.write_text("---\ntitle: Changed\nlayout: post\n---\nBody.\n", "utf-8")
    with pytest.raises(PublishError, match="'layout'.*an error with --strict"):
        build([source], formats=["epub"], out=out, project=tmp_path, strict=True)
    assert (out / "post.epub").read_bytes() == before


def test_strict_rereads_what_a_lenient_build_left_current(tmp_path):
    source = _write(tmp_path, "---\ntitle: T\nlayout: post\n---\nBody.\n")
    build([source], formats=["docx"], out=tmp_path / "out", project=tmp_path)
    with pytest.raises(PublishError, match="an error with --strict"):
        build([source], formats=["docx"], out=tmp_path / "out", project=tmp_path, strict=True)


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "publish", *args], cwd=project, env=env, capture_output=True, text=True, timeout=300)


def test_cli_prints_each_warning_once_across_build_and_verify(tmp_path):
    _write(tmp_path, JEKYLL)
    result = _cli(tmp_path, "build", "post.md", "--out", "out")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines.count("post.md:2: warning: front-matter field 'layout' (another tool's setting) is not used by publish; ignored") == 1
    assert lines.count("post.md:5: note: 'categories' is read as 'keywords'") == 1
    assert len(lines) == len(set(lines)), lines


def test_cli_strict_exits_1_with_every_warning_and_writes_nothing(tmp_path):
    _write(tmp_path, JEKYLL)
    result = _cli(tmp_path, "build", "post.md", "--out", "out", "--strict")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-2:] == [
        "post.md:2: front-matter field 'layout' (another tool's setting) is not used by publish; ignored (an error with --strict)",
        "post.md:7: front-matter field 'permalink' (another tool's setting) is not used by publish; ignored (an error with --strict)",
    ]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cli_reports_every_front_matter_error_and_exits_1(tmp_path):
    _write(tmp_path, "---\ntitle: T\ndate: 03/04/2025\nlang: english language\n---\nBody.\n")
    result = _cli(tmp_path, "build", "post.md", "--out", "out", "--no-verify")
    assert result.returncode == 1
    assert [line.split(": ")[0] for line in result.stderr.splitlines()] == ["post.md:3", "post.md:4"]


def test_strict_reaches_the_warnings_of_worker_processes(tmp_path):
    """The EPUB writer warns about an image without alt text while it renders, in a worker of a parallel build."""
    import shutil

    shutil.copy(ROOT / "tests" / "fixtures" / "constructs" / "images" / "diagram.png", tmp_path / "d.png")
    source = _write(tmp_path, "---\ntitle: T\n---\nText.\n\n![](d.png)\n")
    with pytest.raises(PublishError, match=r"post.md:6: image 'd.png' has no alt text.*an error with --strict"):
        build([source], formats=["epub", "docx"], out=tmp_path / "out", project=tmp_path, strict=True, parallel=True)
    assert not (tmp_path / "out" / "post.epub").exists()


@pytest.mark.parametrize(("value", "shown"), [
    ('"<progress>"', "<progress>"),  # react.dev, src/content/reference/react-dom/components/progress.md
    ('"The <video> element"', "The <video> element"),
    ('"`<Intro>` and <Intro>"', "<Intro> and <Intro>"),
    ('"A <small>tiny</small> title"', "A tiny title"),  # an element that ends in the value is markup
])
def test_a_title_naming_an_element_shows_the_tag_as_written(tmp_path, value, shown):
    doc = _read(tmp_path, f"---\ntitle: {value}\n---\nBody.\n")
    assert doc.meta.title.text == shown


def test_a_source_given_by_its_title_and_url_is_read_as_its_name(tmp_path):
    # web-standards-ru/web-standards.ru, src/articles/a-todo-list/index.md: a translation names its original so
    doc = _read(tmp_path, "---\ntitle: T\nsource:\n    title: 'A Todo List'\n    url: 'https://inclusive-components.design/a-todo-list/'\n---\nBody.\n")
    assert (doc.meta.source.name, doc.meta.source.url) == ("A Todo List", "https://inclusive-components.design/a-todo-list/")
