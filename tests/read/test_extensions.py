"""pandoc's and GitHub's Markdown extensions: read into the model, one construct at a time."""
from __future__ import annotations

import logging

import pytest

from publish.read.extensions import pandoc_identifier, parse_attrs, unique_identifier
from publish.read.markdown import parse_blocks
from publish.model import Node, plain_text


def _blocks(text: str) -> list[Node]:
    return parse_blocks(text, 0, "x.md")[0]


def _all(blocks: list[Node], kind: str) -> list[Node]:
    return [n for block in blocks for n in block.walk() if n.kind == kind]


# -- attributes ---------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("{#id .a .b key=val}", {"id": "id", "classes": ["a", "b"], "kv": {"key": "val"}}),
    ("{width=50%}", {"id": None, "classes": [], "kv": {"width": "50%"}}),
    ("{height=2.5cm width=3in}", {"id": None, "classes": [], "kv": {"height": "2.5cm", "width": "3in"}}),
    ('{title="a \\"quoted\\" value"}', {"id": None, "classes": [], "kv": {"title": 'a "quoted" value'}}),
    ("{-}", {"id": None, "classes": ["unnumbered"], "kv": {}}),
    ("{#sec:intro}", {"id": "sec:intro", "classes": [], "kv": {}}),
])
def test_attribute_blocks_are_read_as_pandoc_reads_them(text, expected):
    end, attrs = parse_attrs(text)
    assert end == len(text)
    assert attrs == expected


@pytest.mark.parametrize("text", ["{}", "{ }", "{#}", "{=}", "{a b}", "{width=50%", "{.1abc}"])
def test_text_that_is_not_an_attribute_block_is_refused(text):
    assert parse_attrs(text) is None


def test_heading_attributes_give_its_id_and_classes_and_leave_its_text():
    [heading] = _blocks("## Results {#res .big lang=fr}\n")
    assert plain_text(heading.children) == "Results"
    assert heading.attrs["id"] == "res"
    assert heading.attrs["classes"] == ["big"]
    assert heading.attrs["kv"] == {"lang": "fr"}


def test_setext_heading_takes_attributes_too():
    [heading] = _blocks("Results {#res}\n=======\n")
    assert (plain_text(heading.children), heading.attrs["id"]) == ("Results", "res")


@pytest.mark.parametrize("title, ident", [
    ("Hello World", "hello-world"),
    ("3. Intro: the *first* part", "intro-the-first-part"),
    ("Über uns, heute!", "über-uns-heute"),
    ("`code` and v1.2_x", "code-and-v1.2_x"),
    ("2024", "section"),
])
def test_heading_ids_follow_pandocs_auto_identifiers(title, ident):
    [heading] = _blocks(f"# {title}\n")
    assert heading.attrs["id"] == ident


def test_repeated_headings_get_pandocs_numbered_suffixes_and_never_an_explicit_id():
    blocks = _blocks("# Notes\n\n# Notes\n\n# Notes\n\n# Other {#notes-2}\n")
    assert [h.attrs["id"] for h in blocks] == ["notes", "notes-1", "notes-3", "notes-2"]
    assert unique_identifier("a", {"a", "a-1"}) == "a-2"
    assert pandoc_identifier("") == "section"


def test_image_width_and_height_attributes_are_kept():
    [para] = _blocks("Text ![icon](a.png){width=50% height=2cm .round #pic} more\n")
    [image] = _all([para], "image")
    assert (image.attrs["width"], image.attrs["height"]) == ("50%", "2cm")
    assert image.attrs["classes"] == ["round"] and image.attrs["id"] == "pic"
    assert plain_text(para.children).strip().startswith("Text")
    assert "{" not in plain_text(para.children)


def test_a_figure_keeps_its_width():
    [figure] = _blocks("![A diagram](a.png){width=40%}\n")
    assert figure.kind == "figure" and figure.attrs["width"] == "40%"


def test_attributes_never_replace_a_links_target_or_an_images_source():
    [para] = _blocks("[x](https://example.org){href=javascript:alert(1)} ![y](a.png){src=/etc/passwd}\n")
    [link] = _all([para], "link")
    [image] = _all([para], "image")
    assert link.attrs["href"] == "https://example.org"
    assert image.attrs["src"] == "a.png"
    assert "href" not in link.attrs.get("kv", {}) and "src" not in image.attrs.get("kv", {})


def test_bracketed_spans_and_code_carry_classes():
    [para] = _blocks("[Small]{.smallcaps} and `x = 1`{.python} and [link](u){#l}\n")
    [span] = _all([para], "span")
    [code] = _all([para], "code")
    [link] = _all([para], "link")
    assert span.attrs["classes"] == ["smallcaps"] and plain_text(span.children) == "Small"
    assert code.attrs["classes"] == ["python"] and code.text == "x = 1"
    assert link.attrs["id"] == "l"


def test_a_reference_link_wins_over_a_span():
    [para] = _blocks("[text][ref]\n\n[ref]: https://example.org\n")
    assert _all([para], "link") and not _all([para], "span")


# -- fenced divs ----------------------------------------------------------------------
def test_fenced_divs_nest_with_fences_of_the_same_length():
    [outer] = _blocks("::: {#out .frame}\nOne.\n\n::: inner\nTwo.\n:::\n\nThree.\n:::\n")
    assert outer.kind == "div" and outer.attrs["id"] == "out" and outer.attrs["class"] == "frame"
    assert [c.kind for c in outer.children] == ["paragraph", "div", "paragraph"]
    assert outer.children[1].attrs["class"] == "inner"
    assert plain_text(outer.children[2].children) == "Three."


def test_an_unclosed_div_ends_with_the_document():
    [div] = _blocks("::: note-ish\ntext\n")
    assert div.kind == "div" and plain_text(div.children[0].children) == "text"


# -- lists ------------------------------------------------------------------------------
def test_definition_lists_keep_terms_and_definitions_in_order():
    [dl] = _blocks("Apple\n: A fruit.\n\nOrange\n: A citrus.\n\n    Second paragraph.\n")
    assert dl.kind == "definition_list"
    assert [c.kind for c in dl.children] == ["term", "definition", "term", "definition"]
    assert plain_text(dl.children[0].children) == "Apple"
    assert [plain_text(p.children) for p in dl.children[3].children] == ["A citrus.", "Second paragraph."]


def test_task_list_items_say_whether_they_are_done():
    [ul] = _blocks("- [ ] open\n- [x] done\n- plain\n")
    assert [item.attrs.get("checked") for item in ul.children] == [False, True, None]
    assert plain_text(ul.children[1].children[0].children) == "done"


# -- inlines ---------------------------------------------------------------------------
def test_subscript_superscript_and_strikethrough_coexist():
    [para] = _blocks("H~2~O, x^2^ and ~~gone~~\n")
    assert [plain_text(n.children) for n in _all([para], "sub")] == ["2"]
    assert [plain_text(n.children) for n in _all([para], "sup")] == ["2"]
    assert [plain_text(n.children) for n in _all([para], "strike")] == ["gone"]


# -- callouts -------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"])
def test_github_alerts_become_callouts_without_their_marker(kind):
    [callout] = _blocks(f"> [!{kind}]\n> Read this.\n")
    assert callout.kind == "callout" and callout.attrs["type"] == kind.lower()
    assert [plain_text(c.children) for c in callout.children] == ["Read this."]


def test_quarto_and_pandoc_callout_divs():
    quarto, titled, plain = _blocks(
        '::: {.callout-tip title="Pro tip"}\nA.\n:::\n\n::: callout-note\n## Heads up\nB.\n:::\n\n::: warning\nC.\n:::\n'
    )
    assert (quarto.kind, quarto.attrs["type"], plain_text(quarto.attrs["title"])) == ("callout", "tip", "Pro tip")
    assert (titled.attrs["type"], plain_text(titled.attrs["title"])) == ("note", "Heads up")
    assert [c.kind for c in titled.children] == ["paragraph"]
    assert (plain.kind, plain.attrs["type"], "title" in plain.attrs) == ("callout", "warning", False)


def test_a_blockquote_that_is_not_an_alert_stays_a_quote():
    [quote] = _blocks("> [!NOT-A-KIND]\n> text\n")
    assert quote.kind == "blockquote"


# -- math --------------------------------------------------------------------------------
def test_dollar_math_keeps_its_backslashes():
    [para, block] = _blocks("A $\\frac{a}{b}\\,c$ here.\n\n$$\n\\int_0^1 x\\,dx\n$$\n")
    [math] = _all([para], "math")
    assert math.text == "\\frac{a}{b}\\,c"
    assert (block.kind, block.text) == ("math_block", "\\int_0^1 x\\,dx")


def test_dollar_amounts_are_not_math():
    [para] = _blocks("It costs $5 and $10, or $ 3 $.\n")
    assert not _all([para], "math")
    assert plain_text(para.children) == "It costs $5 and $10, or $ 3 $."


def test_a_formula_that_cannot_be_read_is_warned_about_with_its_line(caplog):
    with caplog.at_level(logging.WARNING, logger="publish"):
        [_, para] = _blocks("Fine.\n\nBroken $\\frac{a}{$ here.\n")
    [math] = _all([para], "math")
    assert math.attrs.get("invalid") is True
    assert "x.md:3: warning: this TeX formula cannot be converted" in caplog.text


# -- tables ------------------------------------------------------------------------------
def _cells(table: Node) -> list[list[str]]:
    return [[plain_text(c.children) for c in row.children] for section in table.children for row in section.children]


GRID = """\
+-----------+-------+
| Fruit     | Price |
+===========+======:+
| Bananas   | 1.34  |
+-----------+-------+
| Oranges   | 2.10  |
| (Seville) |       |
+-----------+-------+
"""


def test_grid_tables_become_tables_with_a_header_and_multi_line_cells():
    [table] = _blocks(GRID)
    assert table.kind == "table"
    assert [s.kind for s in table.children] == ["thead", "tbody"]
    assert _cells(table) == [["Fruit", "Price"], ["Bananas", "1.34"], ["Oranges (Seville)", "2.10"]]
    assert [c.attrs["align"] for c in table.children[0].children[0].children] == [None, "right"]


def test_a_grid_table_that_does_not_line_up_is_shown_as_code_with_a_warning(caplog):
    ragged = "+-----+-----+\n| a   | b   |\n+-----+--+--+\n| c      |  |\n+-----+-----+\n"
    with caplog.at_level(logging.WARNING, logger="publish"):
        [block] = _blocks(ragged)
    assert block.kind == "code_block" and block.text == ragged
    assert "x.md:1: warning: this table cannot be read" in caplog.text


def test_simple_tables_take_alignment_from_the_header():
    [table] = _blocks("  Right     Left     Center\n-------     ------ ----------\n     12     12        12\n    123     123       123\n")
    assert _cells(table) == [["Right", "Left", "Center"], ["12", "12", "12"], ["123", "123", "123"]]
    assert [c.attrs["align"] for c in table.children[0].children[0].children] == ["right", "left", "center"]


def test_headerless_simple_tables():
    [table] = _blocks("-------     ------\n     12     12\n    123     123\n-------     ------\n")
    assert [s.kind for s in table.children] == ["tbody"]
    assert _cells(table) == [["12", "12"], ["123", "123"]]


def test_multiline_tables_join_each_rows_lines():
    text = (
        "-----------------------------\n"
        " Centered   Left\n"
        "  Header    Aligned\n"
        "----------- -----------------\n"
        "  First     row text\n"
        "            continued\n"
        "\n"
        "  Second    row\n"
        "-----------------------------\n"
    )
    [table] = _blocks(text)
    assert _cells(table) == [["Centered Header", "Left Aligned"], ["First", "row text continued"], ["Second", "row"]]


def test_a_single_dash_line_under_text_is_still_a_setext_heading():
    [heading] = _blocks("Title\n-----\n")
    assert heading.kind == "heading" and heading.attrs["level"] == 2


# -- CommonMark -----------------------------------------------------------------------
def test_fence_info_strings_are_unescaped():
    [code] = _blocks("``` foo\\+bar\ncode\n```\n")
    assert code.attrs["info"] == "foo+bar"


def test_fence_attributes_give_language_and_id():
    [code] = _blocks("```{.python #sample}\nprint()\n```\n")
    assert (code.attrs["info"], code.attrs["id"]) == ("python", "sample")


def test_tex_cannot_smuggle_links_styles_or_markup_into_mathml():
    from publish.media import texmath

    from lxml import etree

    linked = texmath.mathml("\\href{javascript:alert(1)}{x} \\style{color:red}{y}")
    assert linked is not None
    attributes = {name for node in etree.fromstring(linked).iter() for name in node.attrib}
    assert attributes == {"display", "alttext"}
    assert texmath.mathml("\\text{<b>bold</b>}") is None  # latex2mathml passes the tag through: shown as TeX


def test_text_over_a_broken_rule_without_rows_stays_a_paragraph_and_a_rule():
    # CommonMark example 88: not a simple table, which needs at least one row
    assert [b.kind for b in _blocks("Foo\n--- -\n")] == ["paragraph", "thematic_break"]


def test_pipe_rows_that_make_no_table_are_shown_as_written_with_a_warning(caplog):
    rows = "| a | b |\n| 1 | 2 |\n"  # no delimiter row
    with caplog.at_level(logging.WARNING, logger="publish"):
        [block] = _blocks("Text.\n\n" + rows)[1:]
    assert (block.kind, block.text) == ("code_block", rows)
    assert "x.md:3: warning: this table cannot be read" in caplog.text


def test_a_pandoc_line_block_is_not_taken_for_a_broken_table():
    [para] = _blocks("| The limerick packs laughs anatomical\n| Into space that is quite economical.\n")
    assert para.kind == "paragraph"


def test_grid_and_simple_tables_line_up_wide_cjk_characters_as_an_editor_does():
    grid = "+------+------+\n| 名前 | 値   |\n+======+======+\n| 東京 | 1    |\n+------+------+\n"
    assert _cells(_blocks(grid)[0]) == [["名前", "値"], ["東京", "1"]]
    simple = "名前     値\n------   ----\n東京     1\n"
    assert _cells(_blocks(simple)[0]) == [["名前", "値"], ["東京", "1"]]


def test_a_callout_titles_inlines_are_part_of_the_tree():
    # images in a title must reach the asset collector and the writers' image tables
    [callout] = _blocks("::: note\n# See ![icon](a.png)\nBody.\n:::\n")
    assert [n.attrs["src"] for n in callout.walk() if n.kind == "image"] == ["a.png"]


def test_mkdocs_admonitions_become_callouts_with_their_own_title_or_the_themes_label():
    blocks, _ = parse_blocks(
        '!!! note "Read this first"\n    Body *text*.\n\n??? tip\n    Folded on the web.\n\n'
        '!!!not an admonition\n\n!!! warning ""\n    No title.\n'
    )
    assert [b.kind for b in blocks] == ["callout", "callout", "paragraph", "callout"]
    note, tip, text, warning = blocks
    assert note.attrs["type"] == "note" and plain_text(note.attrs["title"]) == "Read this first"
    assert plain_text(note.children[0].children) == "Body text."
    assert tip.attrs["type"] == "tip" and "title" not in tip.attrs  # the writers show the label
    assert plain_text(text.children) == "!!!not an admonition"
    assert warning.attrs["type"] == "warning" and "title" not in warning.attrs
