"""verify's comparison on read-backs written by hand: every field is named, with its front-matter line,
when its visible text or its metadata is gone; the body check names lost, moved and undrawn paragraphs.

The expected names, lines and values are written here from the front matter below, not taken from
publish; the outputs are ``Extracted`` values as a format's read-back returns them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from publish.formats.view import make_view
from publish.read.article import read_document
from publish.theme.options import DEFAULTS
from publish.verifier.compare import MAX_LOST, Extracted, _says, compare, expectations

FIELDS_ARTICLE = """\
---
title: "A “Quoted” Title — With Dash"
date: 2024-03-05
lang: en-GB
author:
  - name: Ada Lovelace
    affiliation: Analytical Society
  - Charles Babbage
abstract: |
  First abstract paragraph.

  Second abstract paragraph.
publisher: Small Press
source:
  name: The Outlet
  url: https://outlet.example
keywords: [alpha, beta gamma]
credits:
  - "Photo: Someone"
contact: "Editor (<ed@example.org>)"
rights: Reprinted with permission of The Outlet.
---

First paragraph of the body.
"""
TITLE = "A “Quoted” Title — With Dash"
RIGHTS = "Reprinted with permission of The Outlet."
#: field: (its front-matter line, what a reader must see)
VISIBLE = {
    "title": (2, [TITLE]),
    "date": (3, ["5 March 2024"]),
    "authors": (5, ["Ada Lovelace", "Charles Babbage"]),
    "affiliations": (5, ["Analytical Society"]),
    "abstract": (9, ["First abstract paragraph.", "Second abstract paragraph."]),
    "publisher": (13, ["Small Press"]),
    "source": (14, ["Reprinted from The Outlet (outlet.example)"]),
    "keywords": (17, ["alpha", "beta gamma"]),
    "credits": (18, ["Photo: Someone"]),
    "contact": (20, ["Editor (ed@example.org)"]),
    "rights": (21, [RIGHTS]),
}
#: Each format's own metadata fields as its read-back returns them, lists joined each format's way.
META = {
    "pdf": {
        "title": [TITLE], "date": ["2024-03-05"], "author": ["Ada Lovelace, Charles Babbage"], "language": ["en-GB"],
        "publisher": ["Small Press"], "source": ["The Outlet (https://outlet.example)"], "keywords": ["alpha, beta gamma"],
        "credits": ["Photo: Someone"], "contact": ["Editor (ed@example.org)"], "rights": [RIGHTS], "xmp:rights": [RIGHTS],
    },
    "epub": {
        "title": [TITLE], "date": ["2024-03-05"], "creator": ["Ada Lovelace", "Charles Babbage"], "language": ["en-GB"],
        "publisher": ["Small Press"], "source": ["The Outlet"], "subject": ["alpha", "beta gamma"],
        "schema:creditText": ["Photo: Someone"], "schema:contactPoint": ["Editor (ed@example.org)"], "rights": [RIGHTS],
    },
    "docx": {
        "title": [TITLE], "date": ["2024-03-05"], "creator": ["Ada Lovelace; Charles Babbage"], "language": ["en-GB"],
        "publisher": ["Small Press"], "source": ["The Outlet"], "keywords": ["alpha, beta gamma"],
        "credits": ["Photo: Someone"], "contact": ["Editor (ed@example.org)"], "rights": [RIGHTS],
    },
    "html": {
        "ld:headline": [TITLE], "ld:datePublished": ["2024-03-05"], "ld:author": ["Ada Lovelace\nCharles Babbage"],
        "language": ["en-GB"], "ld:publisher": ["Small Press"], "ld:isBasedOn": ["The Outlet"],
        "ld:keywords": ["alpha", "beta gamma"], "ld:creditText": ["Photo: Someone"], "ld:copyrightNotice": [RIGHTS],
        "dcterms.rights": [RIGHTS],
    },
}
#: field: its front-matter line and the metadata key that holds it in each format
META_FIELDS = {
    "title": (2, {"pdf": "title", "epub": "title", "docx": "title", "html": "ld:headline"}),
    "date": (3, {"pdf": "date", "epub": "date", "docx": "date", "html": "ld:datePublished"}),
    "authors": (5, {"pdf": "author", "epub": "creator", "docx": "creator", "html": "ld:author"}),
    "lang": (4, {"pdf": "language", "epub": "language", "docx": "language", "html": "language"}),
    "publisher": (13, {"pdf": "publisher", "epub": "publisher", "docx": "publisher", "html": "ld:publisher"}),
    "source": (14, {"pdf": "source", "epub": "source", "docx": "source", "html": "ld:isBasedOn"}),
    "keywords": (17, {"pdf": "keywords", "epub": "subject", "docx": "keywords", "html": "ld:keywords"}),
    "credits": (18, {"pdf": "credits", "epub": "schema:creditText", "docx": "credits", "html": "ld:creditText"}),
    "contact": (20, {"pdf": "contact", "epub": "schema:contactPoint", "docx": "contact"}),
    "rights": (21, {"pdf": "rights", "epub": "rights", "docx": "rights", "html": "ld:copyrightNotice"}),
    "rights (XMP)": (21, {"pdf": "xmp:rights"}),
    "rights (head)": (21, {"html": "dcterms.rights"}),
}
COMMON = ["body", "title", "date", "authors", "lang", "affiliations", "abstract", "publisher", "source", "keywords",
          "credits", "contact", "rights"]
#: The report's rows for each format, in order: the rights notice is checked in the PDF's XMP packet
#: and in the web page's <head> besides each format's own field.
ROWS = {"pdf": COMMON + ["rights (XMP)"], "epub": COMMON, "docx": COMMON, "html": COMMON + ["rights (head)"]}
FORMATS = tuple(ROWS)


def _article(tmp_path: Path, text: str, name: str = "article.md"):  # type: ignore[no-untyped-def]
    source = tmp_path / name
    source.write_text(text, "utf-8")
    doc = read_document(source)
    return doc, make_view(doc, dict(DEFAULTS))


@pytest.fixture()
def fields_article(tmp_path: Path):  # type: ignore[no-untyped-def]
    return _article(tmp_path, FIELDS_ARTICLE)


def _visible(drop: str = "") -> str:
    """The text of a complete output, less the visible text ``drop``."""
    shown = [value for values in (v for _, v in VISIBLE.values()) for value in values]
    return "\n".join([value for value in shown if value != drop] + ["First paragraph of the body."])


def _cells(doc, view, fmt: str, text: str, meta: dict[str, list[str]]) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    cells, remarks = compare(doc, view, fmt, Extracted(text, meta))
    assert remarks == []
    assert [name for name, _, _ in cells] == ROWS[fmt], "one row per field, each named"
    return {name: (status, why) for name, status, why in cells}


def test_expectations_name_every_field_with_its_front_matter_line_and_values(fields_article):
    doc, view = fields_article
    got = [(c.name, c.line, c.visible, c.meta, c.meta_only) for c in expectations(view, doc.meta.lines)]
    assert got == [
        ("title", 2, [TITLE], [TITLE], False),
        ("date", 3, ["5 March 2024"], ["2024-03-05"], False),
        ("authors", 5, ["Ada Lovelace", "Charles Babbage"], ["Ada Lovelace", "Charles Babbage"], False),
        ("lang", 4, [], ["en-GB"], True),
        ("affiliations", 5, ["Analytical Society"], [], False),
        ("abstract", 9, ["First abstract paragraph.", "Second abstract paragraph."], [], False),
        ("publisher", 13, ["Small Press"], ["Small Press"], False),
        ("source", 14, ["Reprinted from The Outlet (outlet.example)"], ["The Outlet"], False),
        ("keywords", 17, ["alpha", "beta gamma"], ["alpha", "beta gamma"], False),
        ("credits", 18, ["Photo: Someone"], ["Photo: Someone"], False),
        ("contact", 20, ["Editor (ed@example.org)"], ["Editor (ed@example.org)"], False),
        ("rights", 21, [RIGHTS], [RIGHTS], False),
        ("rights (XMP)", 21, [], [RIGHTS], True),
        ("rights (head)", 21, [], [RIGHTS], True),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_complete_output_is_ok_in_every_row_with_no_reason(fields_article, fmt):
    doc, view = fields_article
    cells = _cells(doc, view, fmt, _visible(), META[fmt])
    assert cells == {name: ("ok", "") for name in ROWS[fmt]}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(VISIBLE))
def test_a_field_whose_visible_text_is_gone_is_missing_at_its_front_matter_line(fields_article, fmt, name):
    doc, view = fields_article
    line, values = VISIBLE[name]
    value = values[-1]
    cells = _cells(doc, view, fmt, _visible(drop=value), META[fmt])
    assert cells[name] == ("missing", f"line {line}: “{value}” is not in the visible text")
    assert all(status == "ok" for other, (status, _) in cells.items() if other != name)


@pytest.mark.parametrize(("fmt", "name"), [(fmt, name) for name, (_, keys) in META_FIELDS.items() for fmt in keys])
def test_a_field_whose_metadata_is_gone_is_missing_with_the_formats_key_and_line(fields_article, fmt, name):
    doc, view = fields_article
    line, keys = META_FIELDS[name]
    meta = {k: v for k, v in META[fmt].items() if k != keys[fmt]}
    cells = _cells(doc, view, fmt, _visible(), meta)
    assert cells[name] == ("missing", f"line {line}: metadata '{keys[fmt]}' absent")
    # the rights notice's other places are separate rows: only this one fails
    assert [other for other, (status, _) in cells.items() if status != "ok"] == [name]


@pytest.mark.parametrize(("fmt", "name"), [(fmt, name) for name, (_, keys) in META_FIELDS.items() for fmt in keys if name not in ("lang", "date")])
def test_a_metadata_value_that_differs_from_the_article_only_in_case_differs(fields_article, fmt, name):
    """Byte for byte, as the README promises: "The Outlet" is not "the outlet"."""
    doc, view = fields_article
    _, keys = META_FIELDS[name]
    key = keys[fmt]
    changed = [value.swapcase() for value in META[fmt][key]]
    assert changed != META[fmt][key]
    cells = _cells(doc, view, fmt, _visible(), dict(META[fmt], **{key: changed}))
    assert cells[name][0] == "differs", cells[name]
    assert [other for other, (status, _) in cells.items() if status != "ok"] == [name]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_visible_notice_that_differs_from_the_article_only_in_case_is_missing(fields_article, fmt):
    doc, view = fields_article
    cells = _cells(doc, view, fmt, _visible(drop=RIGHTS) + "\n" + RIGHTS.lower(), META[fmt])
    assert cells["rights"][0] == "missing", cells["rights"]

def test_a_changed_metadata_value_differs_where_it_parts_from_the_article(fields_article):
    doc, view = fields_article
    meta = dict(META["epub"], rights=["Reprinted with permission of The Outlet!"])
    cells = _cells(doc, view, "epub", _visible(), meta)
    assert cells["rights"] == (
        "differs", "line 21: metadata 'rights' at character 40: “…permission of The Outlet!” where the article has “…permission of The Outlet.”"
    )


def test_a_list_field_holds_each_value_whole_not_a_word_of_it(fields_article):
    doc, view = fields_article
    # "beta" alone is not the keyword "beta gamma", and "Ada" is not "Ada Lovelace"
    for fmt, key, said in (("pdf", "keywords", "alpha, beta"), ("docx", "creator", "Ada; Charles Babbage"),
                           ("html", "ld:author", "Ada\nLovelace\nCharles Babbage")):
        cells = _cells(doc, view, fmt, _visible(), dict(META[fmt], **{key: [said]}))
        name = "keywords" if key == "keywords" else "authors"
        assert cells[name][0] == "differs", (fmt, cells[name])
    # a source name is kept with its address in brackets; anything else after it is not the name
    cells = _cells(doc, view, "pdf", _visible(), dict(META["pdf"], source=["The Outlet Weekly"]))
    assert cells["source"][0] == "differs"


def test_a_metadata_message_quotes_the_value_nearest_the_articles():
    got = Extracted("", {"publisher": ["Tiny Press", "Small Pr"]})
    assert _says(got, "publisher", "Small Press") == (
        "differs", "metadata 'publisher' at character 9: the value ends (“Small Pr”) where the article goes on: “Small Press”"
    )
    assert _says(got, "publisher", "Tiny Press") == ("ok", "")
    assert _says(Extracted("", {"publisher": []}), "publisher", "Tiny Press") == ("missing", "metadata 'publisher' absent")


def test_a_value_a_word_field_cut_short_with_an_ellipsis_keeps_is_ok_only_when_long_and_a_true_prefix():
    notice = "".join(f"word{n} " for n in range(60)).strip()  # 419 characters
    for said, status in (
        (notice[:254] + "…", "ok"),  # DOCX core properties stop at 255 characters
        (notice[:100] + "…", "ok"),  # 101 characters
        (notice[:99] + "…", "differs"),  # 100: too short to be a field cut at its limit
        (notice[:99] + "X…", "differs"),  # 101 characters, but not what the article says before the cut
    ):
        assert _says(Extracted("", {"rights": [said]}), "rights", notice)[0] == status, len(said)
        if status == "ok":
            assert _says(Extracted("", {"rights": [said]}), "rights", notice) == ("ok", "")


def test_a_name_followed_by_its_address_in_brackets_is_the_name():
    assert _says(Extracted("", {"source": ["The Outlet (https://outlet.example)"]}), "source", "The Outlet") == ("ok", "")
    assert _says(Extracted("", {"source": ["The Outlet (https://outlet.example"]}), "source", "The Outlet")[0] == "differs"


def test_a_multi_line_value_equal_to_the_articles_is_ok():
    notice = "First line, of the notice.\nSecond line; of the notice."
    assert _says(Extracted("", {"rights": [notice]}), "rights", notice) == ("ok", "")
    assert _says(Extracted("", {"rights": ["x, y", notice]}), "rights", notice) == ("ok", "")


def test_a_missing_visible_value_is_quoted_whole_up_to_48_characters_then_cut_with_an_ellipsis(tmp_path):
    exact = "R" * 40 + " notice."  # 48 characters
    long = "Long notice " + "x" * 30 + " and more."  # 52 characters
    for rights, shown in ((exact, exact), (long, long[:48] + "…")):
        doc, view = _article(tmp_path, f"---\ntitle: T\nrights: {rights}\n---\n\nBody.\n")
        cells, _ = compare(doc, view, "epub", Extracted("T\nBody.", {"title": ["T"], "rights": [rights], "language": ["en"]}))
        assert ("rights", "missing", f"line 3: “{shown}” is not in the visible text") in cells


def test_a_field_without_a_front_matter_line_is_reported_without_one(tmp_path):
    doc, view = _article(tmp_path, "---\ntitle: T\n---\n\nBody.\n")  # lang comes from the theme
    cells, _ = compare(doc, view, "docx", Extracted("T\nBody.", {"title": ["T"]}))
    assert cells == [("body", "ok", ""), ("title", "ok", ""), ("lang", "missing", "metadata 'language' absent")]


def test_a_docx_dated_by_source_date_epoch_passes_the_date_check(fields_article, monkeypatch):
    doc, view = fields_article
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    for said, status in ((["2023-11-14"], "ok"), (["2023-11-15"], "differs"), ([], "missing")):
        meta = dict(META["docx"], date=said)
        assert _cells(doc, view, "docx", _visible(), meta)["date"][0] == status, said
    meta = {k: v for k, v in META["docx"].items() if k != "date"}
    assert _cells(doc, view, "docx", _visible(), meta)["date"] == ("missing", "line 3: metadata 'date' absent")


# -- the body ---------------------------------------------------------------------------
def _numbered(count: int) -> tuple[str, list[str]]:
    """An article of ``count`` paragraphs (the first on line 5, then every other line) and their texts."""
    paragraphs = [f"Paragraph {n} of the article says thing number {n}." for n in range(1, count + 1)]
    return "---\ntitle: T\n---\n\n" + "\n\n".join(paragraphs) + "\n", paragraphs


def _body(tmp_path: Path, source: str, shown: list[str], fmt: str = "epub", undrawn=None):  # type: ignore[no-untyped-def]
    doc, view = _article(tmp_path, source)
    cells, remarks = compare(doc, view, fmt, Extracted("\n".join(["T", *shown]), {"title": ["T"], "language": ["en"]}), undrawn)
    return cells[0], remarks


def test_one_lost_paragraph_is_named_with_its_line_and_where_the_output_parts(tmp_path):
    source, paragraphs = _numbered(5)
    body, remarks = _body(tmp_path, source, paragraphs[:2] + paragraphs[3:])
    assert body == ("body", "missing", "line 9: “Paragraph 3 of the article says thing number 3.…” is not in the visible text")
    assert remarks == []


def test_several_lost_paragraphs_name_the_first_and_count_the_others(tmp_path):
    source, paragraphs = _numbered(6)
    body, _ = _body(tmp_path, source, [paragraphs[0], paragraphs[2], paragraphs[4]])
    assert body == ("body", "missing", "line 7: “Paragraph 2 of the article says thing number 2.…” is not in the visible text (and 2 more)")
    body, _ = _body(tmp_path, source, paragraphs[:1] + paragraphs[3:])
    assert body == ("body", "missing", "line 7: “Paragraph 2 of the article says thing number 2.…” is not in the visible text (and 1 more)")


def test_the_first_paragraph_lost_is_found_missing(tmp_path):
    source, paragraphs = _numbered(3)
    body, _ = _body(tmp_path, source, paragraphs[1:])
    assert body[:2] == ("body", "missing") and body[2].startswith("line 5: ")


def test_after_max_lost_paragraphs_the_body_check_stops_and_says_how_many_were_not_looked_for(tmp_path):
    source, _ = _numbered(MAX_LOST + 3)
    body, _ = _body(tmp_path, source, ["Nothing of the article."])
    assert MAX_LOST == 50
    assert body == ("body", "missing", "line 5: “Paragraph 1 of the article says thing number 1.…” is not in the visible text"
                    " (and 49 more; the 3 paragraphs after line 103 were not looked for)")
    source, _ = _numbered(MAX_LOST)
    body, _ = _body(tmp_path, source, ["Nothing of the article."])
    assert body[2].endswith("(and 49 more)")


def test_paragraphs_out_of_order_pass_with_a_note_for_each_of_the_first_five(tmp_path):
    source, paragraphs = _numbered(8)
    body, remarks = _body(tmp_path, source, paragraphs[::-1])
    assert body == ("body", "ok", "")
    assert remarks == [f"epub: line {5 + 2 * n}: “Paragraph {n + 1} of the article says thing nu…” is found out of its order"
                       for n in range(1, 6)]
    body, remarks = _body(tmp_path, source, paragraphs)
    assert (body, remarks) == (("body", "ok", ""), [])


def test_a_paragraph_after_one_with_no_text_of_its_own_is_still_looked_for(tmp_path):
    # a table cell of only "-" has nothing the comparison keeps
    source = "---\ntitle: T\n---\n\n| a | b |\n|---|---|\n| - | x |\n\nThe paragraph after the table.\n"
    body, _ = _body(tmp_path, source, ["a", "b", "-", "x"])
    assert body == ("body", "missing", "line 9: “The paragraph after the table.…” is not in the visible text")


def test_a_word_split_by_a_note_call_found_out_of_order_is_noted(tmp_path):
    source = "---\ntitle: T\n---\n\nFirst paragraph here.\n\nA super[^1]script word.\n\n[^1]: The note.\n"
    body, remarks = _body(tmp_path, source, ["A superscript word.", "First paragraph here.", "The note."])
    assert body == ("body", "ok", "")
    assert remarks == ["epub: line 7: “A super…” is found out of its order"]


def test_a_paragraph_whose_only_loss_is_characters_no_font_has_is_not_drawn_not_missing(tmp_path):
    source = "---\ntitle: T\n---\n\nThe sign \u2e3b and \u2e3a end it.\n\nNext paragraph.\n"
    body, _ = _body(tmp_path, source, ["The sign and end it.", "Next paragraph."], fmt="pdf")
    assert body == ("body", "not drawn", "line 5: \u2e3b (U+2E3B), \u2e3a (U+2E3A) could not be drawn (no font has them; the build warned)")
    # characters missing and words lost besides: the paragraph is lost
    body, _ = _body(tmp_path, source, ["The sign and end.", "Next paragraph."], fmt="pdf")
    assert body[:2] == ("body", "missing")


def test_undrawn_characters_are_reported_from_the_first_line_with_a_count_of_the_others(tmp_path):
    source, paragraphs = _numbered(2)
    for undrawn, message in (
        ({12: ["a"], 3: ["b", "c"]}, "line 3: b (U+0062), c (U+0063) could not be drawn (no font has them; the build warned) (and 1 more lines)"),
        ({1: ["y"], None: ["x"]}, "x (U+0078) could not be drawn (no font has them; the build warned) (and 1 more lines)"),
    ):
        body, _ = _body(tmp_path, source, paragraphs, fmt="pdf", undrawn=undrawn)
        assert body == ("body", "not drawn", message)


def test_a_lost_paragraph_outweighs_undrawn_characters(tmp_path):
    source, paragraphs = _numbered(3)
    body, _ = _body(tmp_path, source, paragraphs[:2], fmt="pdf", undrawn={5: ["\ue000"]})
    assert body[:2] == ("body", "missing") and body[2].startswith("line 9: ")


def test_a_paragraph_changed_deep_inside_is_found_up_to_where_it_parts(tmp_path):
    source, paragraphs = _numbered(3)
    changed = paragraphs[1].replace("thing", "item") + "\n\n"  # block breaks read as one space
    body, _ = _body(tmp_path, source, [paragraphs[0], changed, paragraphs[2]])
    assert body == ("body", "missing", "line 7: found up to “…h 2 of the article says ”, then the output has"
                    " “item number 2. Paragraph…” where the article has “thing number 2.…”")


def test_a_paragraph_at_the_very_start_of_the_output_is_in_order(tmp_path):
    source, paragraphs = _numbered(3)
    doc, view = _article(tmp_path, source)
    cells, remarks = compare(doc, view, "epub", Extracted("\n".join(paragraphs + ["T"]), {"title": ["T"], "language": ["en"]}))
    assert cells[0] == ("body", "ok", "") and remarks == []


@pytest.mark.parametrize(("shown", "why"), [
    ("bloodorange is a colour.", "the article's word is the end of another word"),
    ("orangeade is a colour.", "the article's word is the start of another word"),
])
def test_a_word_before_a_note_call_is_whole_at_the_paragraphs_start(tmp_path, shown, why):
    source = "---\ntitle: T\n---\n\norange[^1] is a colour.\n\n[^1]: A note.\n"
    body, _ = _body(tmp_path, source, [shown, "A note."])
    # the call's side may run on into a word (the call is not in every output); the paragraph's own edge may not
    assert body[1] == ("missing" if why.endswith("end of another word") else "ok"), why


@pytest.mark.parametrize("shown", ["subtotal = 1", "total = 10"])
def test_a_code_line_is_found_only_as_whole_words(tmp_path, shown):
    source = "---\ntitle: T\n---\n\n```\ntotal = 1\n```\n"
    body, _ = _body(tmp_path, source, [shown])
    assert body == ("body", "missing", f"line 5: “total = 1” is in the output only inside longer words: “…T {shown}…”")
    assert _body(tmp_path, source, ["total = 1"])[0] == ("body", "ok", "")


def _paged(tmp_path: Path, source: str, pages: list[str], bounded: bool):  # type: ignore[no-untyped-def]
    doc, view = _article(tmp_path, source)
    got = Extracted("\n".join(pages), {"title": [view.title.text], "language": ["en"]}, pages, bounded=bounded)
    cells, remarks = compare(doc, view, "pdf", got)
    return cells[0], remarks


def test_a_heading_read_as_a_running_head_is_still_the_articles_and_what_follows_is_still_checked(tmp_path):
    # a part numbered "2" whose heading opens page 2, where a folio "2" could stand
    source = "---\ntitle: Trade Talks\n---\n\nFirst paragraph.\n\n## 2\n\nSecond paragraph.\n\nThird paragraph.\n"
    pages = ["Trade Talks\nFirst paragraph.", "2\nSecond paragraph.\nThird paragraph."]
    assert _paged(tmp_path, source, pages, bounded=False) == (("body", "ok", ""), [])
    pages = ["Trade Talks\nFirst paragraph.", "2\nSecond paragraph."]
    body, _ = _paged(tmp_path, source, pages, bounded=False)
    assert body == ("body", "missing", "line 11: “Third paragraph.…” is not in the visible text")


def test_after_a_paragraph_with_a_list_marker_read_into_it_the_next_ones_are_checked_in_order(tmp_path):
    source, paragraphs = _numbered(3)
    glued = paragraphs[1].replace("says ", "says\n1. ")  # PDFium read a list number into the line
    body, remarks = _body(tmp_path, source, [paragraphs[2], paragraphs[0], glued])
    assert body == ("body", "ok", "")
    assert remarks == ["epub: line 9: “Paragraph 3 of the article says thing nu…” is found out of its order"]
    body, _ = _body(tmp_path, source, [paragraphs[0], glued])
    assert body == ("body", "missing", "line 9: “Paragraph 3 of the article says thing number 3.…” is not in the visible text")


def test_a_changed_paragraph_is_placed_after_the_one_before_it_when_both_start_alike(tmp_path):
    # news copy repeats its openings: the place where the text parts is looked for after the
    # previous paragraph, not at the first paragraph that starts the same way
    first = "The committee said on Monday that it would vote."
    second = "The committee said on Monday that it would wait."
    body, _ = _body(tmp_path, f"---\ntitle: T\n---\n\n{first}\n\n{second}\n", [first, second.replace("wait", "rest")])
    assert body == ("body", "missing", "line 7: found up to “…on Monday that it would ”, then the output has “rest.…”"
                    " where the article has “wait.…”")


def test_a_moved_paragraph_that_opens_the_output_is_noted(tmp_path):
    source, paragraphs = _numbered(2)
    doc, view = _article(tmp_path, source)
    cells, remarks = compare(doc, view, "epub", Extracted("\n".join([paragraphs[1], paragraphs[0], "T"]), {"title": ["T"], "language": ["en"]}))
    assert cells[0] == ("body", "ok", "")
    assert remarks == ["epub: line 7: “Paragraph 2 of the article says thing nu…” is found out of its order"]


def test_a_paragraph_found_only_inside_the_one_before_is_noted_even_at_the_outputs_start(tmp_path):
    # the search goes on after the paragraph found at offset 0, so a refrain lost after it is not
    # taken from inside it silently
    doc, view = _article(tmp_path, "---\ntitle: T\n---\n\nHe said no. Then he left.\n\nThen he left.\n")
    cells, remarks = compare(doc, view, "epub", Extracted("He said no. Then he left.\nT", {"title": ["T"], "language": ["en"]}))
    assert cells[0] == ("body", "ok", "")
    assert remarks == ["epub: line 7: “Then he left.…” is found out of its order"]


def test_body_paragraphs_lists_each_text_with_its_line_notes_last_and_split_at_note_calls(tmp_path):
    from publish.verifier.compare import body_paragraphs

    doc, _ = _article(tmp_path, "---\ntitle: T\n---\n\n# Head\n\nOne[^a] two.\n\n- item\n\n[^a]: The note.\n")
    assert body_paragraphs(doc) == [(5, "Head"), (7, "One"), (7, "two."), (9, "item"), (11, "The note.")]


# -- the report --------------------------------------------------------------------------
def test_the_report_table_lists_each_field_by_format_then_the_problems_and_notes():
    from publish.verifier.compare import Report, check_output

    report = Report()
    report.add("pdf", [("body", "ok", ""), ("rights (XMP)", "missing", "line 9: metadata 'xmp:rights' absent")])
    report.add("epub", [("body", "not drawn", "line 3: ☃ (U+2603) could not be drawn"), ("title", "differs", "")],
               notes=["epub: line 5: “A…” is found out of its order"])
    assert report.table() == "\n".join([
        "field         pdf        epub     ",
        "body          ok         not drawn",
        "rights (XMP)  missing    -        ",
        "title         -          differs  ",
        "pdf: rights (XMP) missing: line 9: metadata 'xmp:rights' absent",
        "epub: title differs",
        "note: epub: body not drawn: line 3: ☃ (U+2603) could not be drawn",
        "note: epub: line 5: “A…” is found out of its order",
    ])
    assert not report.ok and report.summary() == "pdf: rights (XMP) missing: line 9: metadata 'xmp:rights' absent; epub: title differs"


def test_the_report_summary_names_five_problems_and_counts_the_rest():
    from publish.verifier.compare import Report

    report = Report()
    report.add("docx", [(f"f{n}", "missing", "") for n in range(5)])
    assert report.summary() == "; ".join(f"docx: f{n} missing" for n in range(5))
    report.add("docx", [("f5", "missing", ""), ("f6", "missing", "")], label="b: ")
    assert report.summary() == "; ".join(f"docx: f{n} missing" for n in range(5)) + " (+2 more)"
    assert report.formats == ["docx"] and list(report.rows)[-2:] == ["b: f5", "b: f6"]
    assert Report().table() == "field  " and Report().ok


# -- the read-backs' pieces ------------------------------------------------------------------
def test_output_xml_is_parsed_without_entities_network_or_huge_nodes(tmp_path):
    from lxml import etree

    from publish.formats.readback import xml

    secret = tmp_path / "secret.txt"
    secret.write_text("the secret", "utf-8")
    internal = b'<!DOCTYPE x [<!ENTITY e "expanded">]><x>&e;</x>'
    assert "expanded" not in etree.tostring(xml(internal)).decode()
    external = f'<!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}">]><x>&e;</x>'.encode()
    assert "the secret" not in etree.tostring(xml(external)).decode()
    with pytest.raises(etree.XMLSyntaxError):  # a text node over libxml2's 10 MB limit is refused
        xml(b"<x>" + b"a" * 10_000_001 + b"</x>")


@pytest.mark.parametrize(("char", "is_spaced"), [
    ("a", True), ("Z", True), ("9", True), ("é", True), ("ɐ", True), ("ꜳ", True),  # Latin, with IPA and extensions
    ("α", True), ("ἀ", True), ("ж", True),  # Greek and Cyrillic
    ("中", False), ("あ", False), ("Ａ", False), ("１", False),  # CJK and full-width forms
    (".", False), ("_", False), (" ", False),
])
def test_a_letter_or_digit_of_a_script_with_spaces_is_spaced(char, is_spaced):
    from publish.formats.readback import spaced

    assert spaced(char) is is_spaced


def test_two_characters_are_one_word_only_when_both_are_letters_or_both_digits_of_a_spaced_script():
    from publish.formats.readback import joined

    assert joined("a", "b") and joined("1", "2")
    assert not joined("a", "1") and not joined("中", "文") and not joined(".", "a") and not joined("a", ".")


def test_the_extracted_text_maps_each_key_character_back_to_its_place():
    got = Extracted("ab c\n  ﬁne-tuned x", {})
    assert got.key == "abcfinetunedx"
    assert [got.shown[got.shown_at(i)] for i in range(len(got.key))] == list(got.key)
    assert got.shown_at(0) == 0 and got.shown_at(1) == 1 and got.shown_at(2) == 3


def test_a_message_names_invisible_and_look_alike_characters():
    from publish.verifier.compare import _shown

    assert _shown("X and\tY\n") == "X and Y "
    assert _shown("a\u00a0b\u00adc\u2007d\x01e") == "a<U+00A0>b<U+00AD>c<U+2007>d<U+0001>e"


def test_parting_quotes_context_with_an_ellipsis_only_where_the_value_goes_on():
    from publish.verifier.compare import parting

    got, want = "x" * 30 + "A" + "y" * 23, "x" * 30 + "B" + "y" * 23  # ends 24 characters after the difference
    assert parting(got, want) == f"at character 31: “…{'x' * 24}A{'y' * 23}” where the article has “…{'x' * 24}B{'y' * 23}”"
    assert parting(got + "z", want + "z") == f"at character 31: “…{'x' * 24}A{'y' * 23}…” where the article has “…{'x' * 24}B{'y' * 23}…”"
    assert parting("abc", "abcd") == "at character 4: the value ends (“abc”) where the article goes on: “abcd”"


# -- finding a paragraph --------------------------------------------------------------------
def test_a_repeated_paragraph_is_found_at_each_place_in_order(tmp_path):
    source = "---\ntitle: T\n---\n\nYes, we can.\n\nThe middle paragraph.\n\nYes, we can.\n"
    assert _body(tmp_path, source, ["Yes, we can.", "The middle paragraph.", "Yes, we can."]) == (("body", "ok", ""), [])


def test_a_paragraph_is_not_found_inside_a_longer_word_at_the_outputs_start_or_just_after_it(tmp_path):
    for paragraph, shown in (("## Orange", "Oranges are sweet.\nT"), ("range of motion.", "orange of motion.\nT")):
        doc, view = _article(tmp_path, f"---\ntitle: T\n---\n\n{paragraph}\n")
        cells, _ = compare(doc, view, "epub", Extracted(shown, {"title": ["T"], "language": ["en"]}))
        assert cells[0][:2] == ("body", "missing"), shown


def test_a_heading_is_found_at_its_own_place_after_a_longer_word_that_starts_the_same(tmp_path):
    source = "---\ntitle: T\n---\n\n## Orange\n\nMiddle.\n\n## Orange\n"
    assert _body(tmp_path, source, ["Oranges.", "Orange", "Middle.", "Orange"]) == (("body", "ok", ""), [])


def test_a_paragraph_glued_to_punctuation_before_it_is_found(tmp_path):
    # PDF text often has no space after a closing mark: "end.next one"
    source = "---\ntitle: T\n---\n\nThe end.\n\nnext one starts here.\n"
    assert _body(tmp_path, source, ["The end.next one starts here."]) == (("body", "ok", ""), [])


def test_a_paragraph_with_a_list_marker_read_into_it_is_found_at_the_outputs_start(tmp_path):
    source, paragraphs = _numbered(2)
    doc, view = _article(tmp_path, source)
    glued = paragraphs[0].replace("says ", "says\n1. ")
    cells, _ = compare(doc, view, "epub", Extracted("\n".join([glued, paragraphs[1], "T"]), {"title": ["T"], "language": ["en"]}))
    assert cells[0] == ("body", "ok", "")


# -- where a lost paragraph parts -----------------------------------------------------------
def test_where_a_changed_paragraph_parts_is_the_character_that_changed(tmp_path):
    # a paragraph without spaces (a URL) and one with: the quote ends exactly where the change is
    for paragraph in ("https://example.org/reports/2025/trade-talks-in-kuala-lumpur/summary.html",
                      "The negotiators met for two days and agreed to seek approval at home."):
        doc, view = _article(tmp_path, f"---\ntitle: T\n---\n\n{paragraph}\n")
        for cut in range(len(paragraph) - 1):
            if not paragraph[cut].isalnum() or len(re.sub(r"[\s-]", "", paragraph[:cut])) < PARTED_AT:
                continue
            changed = paragraph[:cut] + ("Q" if paragraph[cut] != "Q" else "R") + paragraph[cut + 1:]
            cells, _ = compare(doc, view, "epub", Extracted(f"T\n{changed}", {"title": ["T"], "language": ["en"]}))
            before = paragraph[max(0, cut - 24):cut]
            assert cells[0][2].startswith(f"line 5: found up to “…{before}”, then the output has “Q"), (cut, cells[0][2])


#: Key characters a lost paragraph's start must match to be said "found up to" somewhere.
PARTED_AT = 24


def test_a_long_lost_paragraph_is_quoted_by_its_first_48_characters(tmp_path):
    long = "An entirely different and much longer paragraph that nobody will find in the output."
    body, _ = _body(tmp_path, f"---\ntitle: T\n---\n\n{long}\n", ["Something else."])
    assert body == ("body", "missing", f"line 5: “{long[:48]}…” is not in the visible text")


def test_a_changed_paragraph_moved_before_the_one_before_it_is_still_placed(tmp_path):
    first = "The committee said on Monday that it would vote."
    second = "The committee said on Monday that it would wait."
    source = f"---\ntitle: T\n---\n\n{first}\n\n{second}\n\nOther text.\n"
    body, remarks = _body(tmp_path, source, ["Other text.", second.replace("wait", "rest"), first])
    assert body == ("body", "missing", "line 7: found up to “…on Monday that it would ”, then the output has “rest. The committee said…”"
                    " where the article has “wait.…”")
    assert remarks == ["epub: line 9: “Other text.…” is found out of its order"]


# -- pages ------------------------------------------------------------------------------------
def test_a_title_at_the_top_of_the_title_page_is_the_articles(tmp_path):
    source = "---\ntitle: Trade Talks\n---\n\nThe sentence that crosses the page.\n"
    doc, view = _article(tmp_path, source)
    pages = ["Trade Talks\nThe sentence that", "Trade Talks\ncrosses the page.\n2"]
    cells, _ = compare(doc, view, "pdf", Extracted("\n".join(pages), {"title": ["Trade Talks"], "language": ["en"]}, pages))
    assert cells[:2] == [("body", "ok", ""), ("title", "ok", "")]


def test_a_pdf_whose_pages_are_all_blank_has_lost_its_text(tmp_path):
    source = "---\ntitle: T\n---\n\nThe only paragraph.\n"
    body, _ = _paged(tmp_path, source, ["", ""], bounded=False)
    assert body == ("body", "missing", "line 5: “The only paragraph.…” is not in the visible text")


#: Paged read-backs that must read as the article: (what the case is, the source, the pages, whether
#: the pages hold only their content box).
PAGED = [
    pytest.param("---\ntitle: T\n---\n\nThe sentence[^1] that crosses the page.\n\n[^1]: First note paragraph.\n\n    Second note paragraph.\n",
                 ["T\nThe sentence1 that\n1 First note paragraph.\nSecond note paragraph.", "crosses the page."], True,
                 id="a two-paragraph foot note between the halves of a paragraph is taken out whole"),
    pytest.param("---\ntitle: T\n---\n\nThe sentence[^1] that crosses the page and the notes.\n\n"
                 "[^1]: Xinhua reported the figure first, in a note long enough to need three lines.\n",
                 ["T\nThe sentence1 that crosses\n1 Xinhua reported\nthe figure first, in a note long\nenough to need three lines.",
                  "the page and the notes."], True,
                 id="a foot note over three lines is taken out"),
    pytest.param("---\ntitle: Trade Talks\n---\n\nThe sentence that crosses the page.\n",
                 ["Trade Talks\nThe sentence that", "Trade Talks\ncrosses the page.\n2"], False,
                 id="the running head and folio of a page without content box are not the article's"),
    pytest.param("---\ntitle: Trade Talks\nshort-title: Trade\n---\n\nThe sentence that crosses the page.\n",
                 ["Trade Talks\nThe sentence that", "TRADE TALKS\ncrosses the page.\n2"], False,
                 id="the longest running head is taken out whole, not the short title it starts with"),
    pytest.param("---\ntitle: Global\nsource:\n  name: Caixin Global\n---\n\nThe sentence that crosses the page.\n",
                 ["Global\nThe sentence that", "CAIXIN GLOBAL\ncrosses the page.\n2"], False,
                 id="the longest running head is taken out whole, not the title it ends with"),
    *[pytest.param("---\ntitle: T\n---\n\nThe sentence that crosses the page.\n", ["T\nThe sentence that", f"{folio}\ncrosses the page."], False,
                   id=f"a folio {folio!r} is taken out") for folio in ("2", "Page 2 of 2", "2/2")],
    pytest.param("---\ntitle: Trade Talks\n---\n\nWe reported on the Trade Talks from Geneva.[^1]\n\n[^1]: The note.\n",
                 ["We reported on the\n1 The note.", "Trade Talks\nfrom Geneva."], True,
                 id="a line of a content box that reads like the title is the article's"),
    pytest.param("---\ntitle: Talks\n---\n\nOne.[^1] Two.[^2] Three.[^3]\n\nThe talks went well and\n3 ministers met on Friday to sign it.\n\n"
                 "[^1]: First.\n[^2]: Second.\n[^3]: The third note.\n",
                 ["Talks\nOne.1 Two.2 Three.3\nThe talks went well and",
                  "Talks\n3 ministers met on Friday\nto sign it.\n1 First.\n2 Second.\n3 The third note.\n2"], False,
                 id="a body line that starts with a note's number is not the note"),
]


@pytest.mark.parametrize(("source", "pages", "bounded"), PAGED)
def test_a_paged_output_reads_as_one_flow_of_the_article(tmp_path, source, pages, bounded):
    assert _paged(tmp_path, source, pages, bounded) == (("body", "ok", ""), [])


def test_the_report_summary_counts_a_sixth_problem():
    from publish.verifier.compare import Report

    report = Report()
    report.add("pdf", [(f"f{n}", "missing", "") for n in range(6)])
    assert report.summary().endswith("pdf: f4 missing (+1 more)")


def test_a_nameless_letter_of_a_script_without_spaces_is_not_spaced():
    from publish.formats.readback import spaced

    assert not spaced("\U00017000")  # a Tangut ideograph: Python's unicodedata has no name for it


def test_characters_the_build_named_undrawable_are_not_drawn_and_others_are_lost(tmp_path):
    source = "---\ntitle: T\n---\n\nThe sign \u2e3b and \u2e3a end it.\n"
    shown = ["The sign and end it."]
    named = {5: ["\u2e3b", "\u2e3a"]}
    assert _body(tmp_path, source, shown, fmt="pdf", undrawn=named)[0][:2] == ("body", "not drawn")
    assert _body(tmp_path, source, shown, fmt="pdf", undrawn={9: ["\ue000"]})[0][:2] == ("body", "missing")


def test_a_character_an_epub_docx_or_web_page_lost_is_a_loss_not_a_font_problem(tmp_path):
    source = "---\ntitle: T\n---\n\nThe sign \u2e3b ends a long paragraph of plain words.\n"
    for fmt in ("epub", "docx", "html"):
        body, _ = _body(tmp_path, source, ["The sign ends a long paragraph of plain words."], fmt=fmt)
        assert body[:2] == ("body", "missing"), fmt


def test_without_the_builds_list_a_few_missing_characters_with_the_rest_in_place_are_not_drawn(tmp_path):
    # one character gone, two in place: not drawn; one gone, one in place: too little is left to tell
    assert _body(tmp_path, "---\ntitle: T\n---\n\nx\u2e3by\n", ["xy"], fmt="pdf")[0][:2] == ("body", "not drawn")
    assert _body(tmp_path, "---\ntitle: T\n---\n\nx\u2e3b\n", ["x"], fmt="pdf")[0][:2] == ("body", "missing")


def test_verify_outputs_works_where_fontconfig_cannot_tell_what_fonts_cover(tmp_path, monkeypatch):
    from publish.media import fonts
    from publish.builder.pipeline import build
    from publish.builder.check import verify_outputs

    source = tmp_path / "a.md"
    source.write_text("---\ntitle: A\n---\n\nWords.\n", "utf-8")
    build([source], formats=["pdf"], out=tmp_path / "out", project=tmp_path)
    monkeypatch.setattr(fonts, "coverage", lambda folders: None)
    report = verify_outputs([source], tmp_path / "out", project=tmp_path)
    assert report.ok and report.rows["body"] == {"pdf": "ok"}


def test_a_metadata_message_quotes_the_first_of_two_values_that_both_start_like_the_articles():
    got = Extracted("", {"publisher": ["Small Press Co", "Small Press Company"]})
    assert _says(got, "publisher", "Small Press") == (
        "differs", "metadata 'publisher' at character 12: “Small Press Co” where the article has “Small Press”"
    )


def test_a_one_character_paragraph_lost_is_not_in_the_visible_text(tmp_path):
    source = "---\ntitle: T\n---\n\n| a |\n|---|\n| 7 |\n"
    assert _body(tmp_path, source, ["a"])[0] == ("body", "missing", "line 7: “7…” is not in the visible text")


def test_a_long_paragraph_only_inside_longer_words_is_quoted_by_its_first_48_characters(tmp_path):
    paragraph = "cat sat on the mat and then the dog barked at the cat twice"
    body, _ = _body(tmp_path, f"---\ntitle: T\n---\n\n{paragraph}\n", [f"con{paragraph}d and more text after it, going on"])
    assert body == ("body", "missing", f"line 5: “{paragraph[:48]}” is in the output only inside longer words:"
                    " “…T concat sat on the mat and then the dog barked at the cat twiced and more text after it…”")


def test_an_output_that_stops_inside_the_last_paragraph_says_it_ends_there(tmp_path):
    source, paragraphs = _numbered(2)
    body, _ = _body(tmp_path, source, [paragraphs[0], paragraphs[1][:40]])
    assert body == ("body", "missing", "line 7: found up to “…he article says thing nu”, where the output ends;"
                    " the article goes on: “mber 2.…”")


def test_a_paragraph_with_a_marker_read_into_it_is_found_before_the_one_after_it(tmp_path):
    source, paragraphs = _numbered(2)
    glued = paragraphs[1].replace("says ", "says\n1. ")
    assert _body(tmp_path, source, [glued, paragraphs[0]])[0] == ("body", "ok", "")


def test_a_changed_paragraph_is_placed_at_its_first_likeness_after_the_one_before(tmp_path):
    first = "The committee said on Monday that it would vote."
    second = "The committee said on Monday that it would wait."
    third = "The committee said on Monday that it would leave."
    source = f"---\ntitle: T\n---\n\n{first}\n\n{second}\n\n{third}\n"
    body, _ = _body(tmp_path, source, [first, second.replace("wait", "rest"), third])
    assert body[2].startswith("line 7: found up to “…on Monday that it would ”, then the output has “rest.")


ARABIC = "السلام عليكم ورحمة الله، هذه فقرة لاختبار النص العربي مع كلمة JavaScript ورقم 2024 في الوسط."
#: What PDFium gives back of ARABIC set right to left: each line's runs in visual order, the
#: lam-alef ligatures' letters reversed, the full stop at the line's start.
ARABIC_PDF = "السالم عليكم ورحمة الله، هذه فقرة الختبار النص\nورقم 2024 في JavaScript العربي مع كلمة\n.الوسط"
HINDI = "नमस्ते दुनिया, यह हिंदी का एक अनुच्छेद है। किताब और विद्यालय।"
#: WeasyPrint maps the glyph of a vowel sign drawn before its consonant to what PDFium shows as ɟ.
HINDI_PDF = "नमस्ते दुɟनया, यह ɫहदी का एक अनुच्छेद है। ɟकताब और\nɟविद्यालय।"
THAI = "สวัสดีครับ นี่คือการทดสอบภาษาไทย ทำได้ สำหรับ น้ำ"
THAI_PDF = "สวัสดีครับ นี่คือการทดสอบภาษาไทย ท;าได้ ส;าหรับ\nน;1า"


@pytest.mark.parametrize(("text", "shown"), [(ARABIC, ARABIC_PDF), (HINDI, HINDI_PDF), (THAI, THAI_PDF)], ids=["arabic", "hindi", "thai"])
def test_a_shaped_script_paragraph_is_found_in_a_pdf_whatever_order_pdfium_reads_its_letters_in(tmp_path, text, shown):
    doc, view = _article(tmp_path, f"---\ntitle: Shaped\n---\n\n{text}\n\nA closing line in Latin.\n")
    cells, _ = compare(doc, view, "pdf", Extracted(f"Shaped\n{shown}\nA closing line in Latin.", {}))
    assert dict((name, status) for name, status, _ in cells)["body"] == "ok"
    # the other formats keep text as text: there the same reading is a loss
    cells, _ = compare(doc, view, "epub", Extracted(f"Shaped\n{shown}\nA closing line in Latin.", {}))
    assert dict((name, status) for name, status, _ in cells)["body"] == "missing"


@pytest.mark.parametrize(("text", "shown", "cut"), [
    (ARABIC, ARABIC_PDF, "ورحمة الله، هذه فقرة"), (HINDI, HINDI_PDF, "यह ɫहदी का एक अनुच्छेद"), (THAI, THAI_PDF, "นี่คือการทดสอบภาษาไทย"),
], ids=["arabic", "hindi", "thai"])
def test_a_shaped_script_paragraph_that_lost_words_or_is_gone_is_missing_from_the_pdf(tmp_path, text, shown, cut):
    second = "فقرة ثانية قصيرة." if text is ARABIC else "दूसरा अनुच्छेद।" if text is HINDI else "ย่อหน้าที่สอง"
    doc, view = _article(tmp_path, f"---\ntitle: Shaped\n---\n\n{text}\n\n{second}\n")
    damaged = shown.replace(cut, "")
    assert damaged != shown
    cells, _ = compare(doc, view, "pdf", Extracted(f"Shaped\n{damaged}\n{second}", {}))
    assert dict((name, status) for name, status, _ in cells)["body"] == "missing", "words lost inside the paragraph"
    cells, _ = compare(doc, view, "pdf", Extracted(f"Shaped\n{second}", {}))
    assert dict((name, status) for name, status, _ in cells)["body"] == "missing", "the whole paragraph lost"


def test_a_right_to_left_title_with_a_latin_run_is_found_in_the_pdf_as_pdfium_orders_it(tmp_path):
    doc, view = _article(tmp_path, "---\ntitle: الوسيط Proxy و الـReflect\n---\n\nA body line.\n")
    meta = {"title": ["الوسيط Proxy و الـReflect"]}
    rows = lambda text: dict((n, (s, why)) for n, s, why in compare(doc, view, "pdf", Extracted(text, meta))[0])  # noqa: E731
    assert rows("Reflectو الـ Proxy الوسيط\nA body line.")["title"] == ("ok", "")  # PDFium: the runs in visual order
    status, why = rows("Reflectو الـ الوسيط\nA body line.")["title"]  # "Proxy" lost
    assert status == "missing" and "is not in the visible text" in why


def test_an_accent_with_no_letter_of_its_own_may_come_after_the_letter_it_is_drawn_over(tmp_path):
    # free-programming-books, books/free-programming-books-langs.md line 937: "Hal Daum ́e III"
    # (U+0301 after a space); PDFium gives the accent after the "e" it is drawn over
    source = "---\ntitle: T\n---\n\nHaskell Tutorial - Hal Daum \u0301e III (PDF)\n"
    body, _ = _body(tmp_path, source, ["Haskell Tutorial - Hal Daum e\u0301\r\nIII (PDF)"], fmt="pdf")
    assert body == ("body", "ok", "")
    lost, _ = _body(tmp_path, source, ["Haskell Tutorial - Hal Daum e\r\nIII (PDF)"], fmt="pdf")
    assert lost[1] == "missing"  # the accent itself is still text that must be there


def test_direction_marks_that_no_pdf_shows_are_layout_not_text(tmp_path):
    # free-programming-books, courses/free-courses-ar.md lines 59-62 (links left out): "&rlm;" after
    # Latin titles steers the line's direction; the PDF has no character for it, and the Arabic item
    # after them was looked for too early in the text and refused
    source = ("---\ntitle: T\n---\n\n"
              "* سلسة الخوارزميات وحل المشاكل المستوى الاول - Programming Advices\n"
              "* Algorithms - Full Coures In Arabic&rlm; - Hard-Code&rlm;\n"
              "* Algorithms Design & Analysis&rlm; - FCI-Career-Build&rlm;\n"
              "* C++ Data Structures -&rlm; تراكيب البيانات - محمد الدسوقي\n")
    shown = ["سلسة الخوارزميات وحل المشاكل المستوى الاول -", "Programming Advices",
             "Algorithms - Full Coures In Arabic - HardCode", "Algorithms Design & Analysis - FCI-CareerBuild",
             "C++ Data Structures -البيانات تراكيب - محمد", "الدسوقي"]
    body, _ = _body(tmp_path, source, shown, fmt="pdf")
    assert body == ("body", "ok", "")
    lost, _ = _body(tmp_path, source, shown[:4] + ["C++ Data Structures - محمد", "الدسوقي"], fmt="pdf")
    assert lost[1] == "missing"


# PDFium's reading of right-to-left tables, as it gave them (visual order: a row's cells from the left)
_AR_TABLE = ("---\ntitle: T\nlang: ar\n---\n\n"  # trekhleb/javascript-algorithms README.ar-AR.md lines 292-299
             "| Data Structure | Access | Search | Insertion | Deletion | Comments |\n| --- | :-: | :-: | :-: | :-: | :-- |\n"
             "| **Linked List** | n | n | 1 | n | |\n"
             "| **Hash Table** | - | n | n | n |في حالة وجود تكاليف دالة تجزئة مثالية ستكون O (1)|\n"
             "| **Binary Search Tree** | n | n | n | n | |\n")
_AR_SHOWN = ["Comments Deletion Insertion Search Access Structure Data", "Linked List n n 1 n",
             "في حالة وجود تكاليف دالة تجزئة مثالية ستكون O n n n - Table Hash", ")1(", "Binary Search", "Tree", "n n n n"]
_FA_TABLE = ("---\ntitle: T\nlang: fa\n---\n\n"  # javascript-tutorial/fa.javascript.info 1-js/05-data-types/02-number lines 146-151
             "|   | `Math.floor` | `Math.ceil` | `Math.round` | `Math.trunc` |\n|---|---------|--------|---------|---------|\n"
             "|`۳.۱`|  `۳`    |   `۴`  |    `۳`  |   `۳`   |\n|`۳.۶`|  `۳`    |   `۴`  |    `۴`  |   `۳`   |\n"
             "|`-۱.۱`|  `-۲`    |   `-۱`  |    `-۱`  |   `-۱`   |\n")
# the table goes on in the next column: its header again, after the bullets of a list beside it
_FA_SHOWN = ["Math.trunc Math.round Math.ceil Math.floor", "۳ ۳ ۴ ۳ ۳.۱", "• ", "• ", "• ",
             "Math.trunc Math.round Math.ceil Math.floor", "۳ ۴ ۴ ۳ ۳.۶", "-۱ -۱ -۱ -۲ -۱.۱"]


@pytest.mark.parametrize(("source", "shown"), [(_AR_TABLE, _AR_SHOWN), (_FA_TABLE, _FA_SHOWN)], ids=["ar", "fa"])
def test_a_right_to_left_tables_rows_are_found_with_their_cells_in_visual_order(tmp_path, source, shown):
    body, _ = _body(tmp_path, source, shown, fmt="pdf")
    assert body == ("body", "ok", "")


@pytest.mark.parametrize(("source", "shown", "cut"), [(_AR_TABLE, _AR_SHOWN, ("في حالة وجود تكاليف دالة تجزئة مثالية ستكون ", "")),
                                                      (_FA_TABLE, _FA_SHOWN, ("۳ ۴ ۴ ۳ ۳.۶", ""))], ids=["ar", "fa"])
def test_a_right_to_left_row_that_lost_a_cell_is_still_missing(tmp_path, source, shown, cut):
    damaged = [line.replace(*cut) for line in shown]
    body, _ = _body(tmp_path, source, damaged, fmt="pdf")
    assert body[1] == "missing", body


_BN = ("---\ntitle: T\nlang: bn\n---\n\n## সীমাবদ্ধতা\n\n"  # obsidianmd/obsidian-help, bn/Obsidian Sync/শেয়ার্ড ভল্টে সহযোগিতা করুন.md lines 49-51
       "মনে রাখবেন Obsidian Sync-এর সীমাবদ্ধতা রয়েছে যা আপনার টিমকে প্রভাবিত করতে পারে:\n")
#: PDFium's reading: some glyphs map to other text (ো for া in the heading, { for ে)
_BN_SHOWN = ["সীমোবদ্ধতা", "ম{নি রাখ{বনি Obsidian Sync-এর সীমাবদ্ধতা র{য়{ছে যা", "আপনিার টিম{ক প্রভা²বত কর{ত পা{র:"]


def test_a_shaped_paragraph_is_found_when_the_heading_before_it_was_found_as_its_word(tmp_path):
    body, _ = _body(tmp_path, _BN, _BN_SHOWN, fmt="pdf")
    assert body == ("body", "ok", "")
    lost, _ = _body(tmp_path, _BN, [_BN_SHOWN[0], "সীমাবদ্ধতা র{য়{ছে যা", _BN_SHOWN[2]], fmt="pdf")
    assert lost[1] == "missing"


# javascript-tutorial/ur.javascript.info, 1-js/02-first-steps/01-hello-world: the `*!*` and `*/!*`
# highlight marks, made paragraphs of their own (as a Word copy of the chapter has them)
_UR_SIGNS = "---\ntitle: T\nlang: ur\n---\n\nسکرپٹ سے پہلے۔۔۔\n\n\\*!\\*\n\nیہ ایک جملہ ہے۔\n\n\\*/!\\*\n\nسکرپٹ کے بعد۔۔۔ (a/b)\n"
#: PDFium's reading: a right-to-left line draws a run of signs reversed
_UR_SIGNS_SHOWN = ["سکرپٹ سے پہلے۔۔۔", "*!*", "یہ ایک جملہ ہے۔", "*!/*", "(a/b) سکرپٹ کے بعد۔۔۔"]


def test_a_right_to_left_paragraph_of_signs_only_is_found_reversed_and_still_missing_when_lost(tmp_path):
    body, _ = _body(tmp_path, _UR_SIGNS, _UR_SIGNS_SHOWN, fmt="pdf")
    assert body == ("body", "ok", "")
    lost, _ = _body(tmp_path, _UR_SIGNS, [line for line in _UR_SIGNS_SHOWN if line != "*!/*"], fmt="pdf")
    assert lost[1] == "missing" and "line 12" in lost[2], lost
