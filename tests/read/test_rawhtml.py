"""Raw HTML in Markdown: each element of the safe subset becomes its model node; the rest is dropped."""
from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import pytest

from publish.read.markdown import parse_blocks
from publish.model import Node, plain_text
from publish.formats.html import HtmlRenderer


def _tree(nodes: list[Node]) -> list[object]:
    """Kinds as nested lists, text as strings: a compact picture of the model."""
    out: list[object] = []
    for node in nodes:
        if node.kind == "text":
            out.append(node.text)
        elif node.children:
            out.append([node.kind, *_tree(node.children)])
        else:
            out.append(node.kind if not node.text else [node.kind, node.text])
    return out


def _blocks(markdown: str) -> list[Node]:
    return parse_blocks(markdown, 0, "a.md")[0]


def test_details_with_markdown_inside_becomes_details_with_summary_then_blocks() -> None:
    blocks = _blocks("<details>\n<summary>Click <b>here</b></summary>\n\nSome *text*.\n\n- a\n\n</details>\n\nAfter.\n")
    assert _tree(blocks) == [
        ["details", ["summary", "Click ", ["strong", "here"]], ["paragraph", "Some ", ["emph", "text"], "."],
         ["bullet_list", ["list_item", ["paragraph", "a"]]]],
        ["paragraph", "After."],
    ]


def test_centered_badges_become_a_div_of_linked_images_and_a_line_break() -> None:
    blocks = _blocks('<p align="center">\n  <a href="https://ci.example"><img src="b.svg" alt="CI"></a>\n  <a href="https://x.example"><img src="v.svg" alt="Version"></a><br>\n  text\n</p>\n')
    [div] = blocks
    assert div.kind == "div" and div.attrs["class"] == "center"
    [paragraph] = div.children
    assert [n.kind for n in paragraph.children] == ["link", "text", "link", "hardbreak", "text"]
    assert paragraph.children[0].attrs["href"] == "https://ci.example"
    assert paragraph.children[0].children[0].attrs["src"] == "b.svg"
    assert paragraph.children[-1].text == "text"


def test_inline_tags_pair_around_markdown() -> None:
    [paragraph] = _blocks("H<sub>2</sub>O, x<sup>*n*</sup>, <kbd>Ctrl</kbd>, <u>under</u>, <mark>hi</mark>, <span class=\"smallcaps\">sc</span>, <code>a<b</code>, <font color=red>red</font>, <center>c</center>\n")
    assert _tree(paragraph.children) == [
        "H", ["sub", "2"], "O, x", ["sup", ["emph", "n"]], ", ", ["kbd", "Ctrl"], ", ", ["span", "under"], ", ",
        ["span", "hi"], ", ", ["span", "sc"], ", ", ["code", "a<b"], ", red, c",
    ]
    spans = [n.attrs.get("classes") for n in paragraph.children if n.kind == "span"]
    assert spans == [["underline"], ["mark"], ["smallcaps"]]


def test_figure_with_figcaption_becomes_a_figure_captioned_by_it() -> None:
    [figure] = _blocks('<figure>\n  <img src="cat.png" alt="A cat" width="300">\n  <figcaption>My <em>cat</em></figcaption>\n</figure>\n')
    assert figure.kind == "figure"
    assert figure.attrs == {"src": "cat.png", "width": "300px"}
    assert _tree(figure.children) == ["My ", ["emph", "cat"]]


def test_picture_takes_its_img_and_drops_its_sources() -> None:
    [figure] = _blocks('<picture>\n<source srcset="dark.png" media="(prefers-color-scheme: dark)">\n<img src="light.png" alt="Chart">\n</picture>\n')
    assert figure.kind == "figure" and figure.attrs["src"] == "light.png" and plain_text(figure.children) == "Chart"


def test_html_table_with_spans_becomes_a_table_with_head_and_body() -> None:
    [table] = _blocks('<table>\n<tr><th>A</th><th colspan="2">B</th></tr>\n<tr><td rowspan=2 align="right">1</td><td>2</td><td>3</td></tr>\n</table>\n')
    assert table.kind == "table"
    head, body = table.children
    assert head.kind == "thead" and body.kind == "tbody"
    b = head.children[0].children[1]
    assert b.attrs["header"] is True and b.attrs["colspan"] == 2
    one = body.children[0].children[0]
    assert one.attrs == {"header": False, "align": "right", "rowspan": 2} and plain_text(one.children) == "1"


def test_html_lists_headings_rules_and_pre_map_to_their_blocks() -> None:
    blocks = _blocks("<h2>Title</h2>\n<ol start=3><li>three<li>four</ol>\n<hr>\n<pre>\n  a < b\n</pre>\n")
    assert [b.kind for b in blocks] == ["heading", "ordered_list", "thematic_break", "code_block"]
    assert blocks[0].attrs["level"] == 2 and blocks[1].attrs["start"] == 3
    assert [plain_text(item.children) for item in blocks[1].children] == ["three", "four"]
    assert blocks[3].text == "  a < b\n"


def test_smart_quotes_never_touch_attribute_values() -> None:
    blocks = _blocks('<div class="admonition">\n\nHe said "hi".\n\n</div>\n\nSee <a href="https://x.example" title="a "b"">it</a>.\n')
    assert blocks[0].kind == "div" and blocks[0].attrs["class"] == "admonition"
    assert plain_text(blocks[0].children[0].children) == "He said \u201chi\u201d."
    html = HtmlRenderer().blocks(blocks)
    assert '<div class="admonition">' in html and "\u201c" not in html.split(">", 1)[0]


def test_dropped_elements_leave_no_text_and_one_warning_each(caplog: pytest.LogCaptureFixture) -> None:
    source = (
        "<!-- one -->\n\n<!-- two -->\n\n<style>p{}</style>\n\n<script>x()</script>\n\n"  # 1 3 5 7
        "<iframe src=\"https://e.example\"></iframe>\n\n<object data=x></object>\n\n"  # 9 11
        "<b onclick=\"x()\">bold</b> <a href=\"javascript:x()\">link</a> <a href=\"vbscript:y\">two</a>\n\n"  # 13
        "<video src=v.mp4>fallback</video> <svg><text>t</text></svg>\n"  # 15
    )
    with caplog.at_level(logging.WARNING, logger="publish"):
        blocks, _ = parse_blocks(source, 0, "a.md")
    messages = [r.getMessage().replace(" warning: ", " ") for r in caplog.records]
    starts = [
        "a.md:1: HTML comments", "a.md:5: <style> in raw", "a.md:7: <script> in raw", "a.md:9: <iframe> in raw",
        "a.md:11: <object> in raw", "a.md:13: event handler", "a.md:13: links with a", "a.md:15: raw HTML video",
        "a.md:15: raw HTML inline SVG",
    ]
    assert len(messages) == len(starts) and all(m.startswith(s) for m, s in zip(messages, starts)), messages
    assert plain_text(blocks) == "bold link two "
    html = HtmlRenderer().blocks(blocks)
    for gone in ("<!--", "<style", "<script", "<iframe", "<object", "onclick", "javascript", "<video", "<svg", "fallback"):
        assert gone not in html


def test_no_raw_tag_reaches_the_html_writer_whatever_the_input() -> None:
    source = "<div><p>a<b>b</i>c</div></p></span><x-widget foo=bar>w</x-widget><table><td>t</td></table><details>d\n"
    html = HtmlRenderer().blocks(_blocks(source))
    for raw in ("<x-widget", "</i>", "<b>", "foo=", "<span"):
        assert raw not in html
    assert "a" in html and "w" in html and "t" in html


def test_raw_html_across_a_markdown_list_closes_with_its_container() -> None:
    blocks = _blocks("- item <b>bold\n- next</b>\n\n<div>\n\n- x\n\n</div>\n")
    assert [b.kind for b in blocks] == ["bullet_list", "div"]
    assert _tree(blocks[0].children[0].children) == [["paragraph", "item ", ["strong", "bold"]]]
    assert blocks[1].children[0].kind == "bullet_list"


def test_raw_html_builds_in_every_format(tmp_path: Path) -> None:
    from publish.builder.pipeline import build

    (tmp_path / "a.md").write_text(
        "---\ntitle: T\nlang: en\n---\n\n<details><summary>More</summary>\n\nHidden <kbd>Ctrl</kbd> H<sub>2</sub>O, <u>under</u> <mark>marked</mark>.\n\n</details>\n\n"
        '<table><tr><th colspan="2">Head</th></tr><tr><td>a</td><td>b</td></tr></table>\n',
        "utf-8",
    )
    results = build([tmp_path / "a.md"], out=tmp_path / "out", project=tmp_path, parallel=False)
    assert sorted(r.format for r in results) == ["docx", "epub", "html", "pdf"]
    page = next(r.path for r in results if r.format == "html").read_text("utf-8")
    assert "<summary>More</summary>" in page and "<kbd>Ctrl</kbd>" in page and "<sub>2</sub>" in page
    assert '<th colspan="2">Head</th>' in page
    # the spans' classes are styled in the page's own stylesheet
    assert '<span class="underline">under</span>' in page and '<span class="mark">marked</span>' in page
    style = page[page.index("<style"):page.index("</style>")]
    assert ".underline {" in style and ".mark {" in style
    docx = next(r.path for r in results if r.format == "docx")
    with zipfile.ZipFile(docx) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert '<w:gridSpan w:val="2"/>' in xml and '<w:vertAlign w:val="subscript"/>' in xml


def test_deeply_nested_raw_html_is_flattened_quickly() -> None:
    import time

    from publish.read import rawhtml

    started = time.perf_counter()
    blocks = _blocks("<div>" * 3000 + "deep" + "</div>" * 3000 + "\n\ntext " + "<b>" * 3000 + "bold" + "</b>" * 3000 + "\n")
    assert time.perf_counter() - started < 5
    depth = max(_depth(b) for b in blocks)
    assert depth <= rawhtml.MAX_BLOCK_DEPTH + rawhtml.MAX_INLINE_DEPTH + 4
    assert "deep" in plain_text(blocks) and "bold" in plain_text(blocks)
    HtmlRenderer().blocks(blocks)  # no RecursionError


def _depth(node: Node) -> int:
    return 1 + max((_depth(c) for c in node.children), default=0)


def test_a_line_after_br_starts_without_the_source_indent_or_an_extra_space() -> None:
    [paragraph] = _blocks("one<br>\ntwo<br/>\nthree\n")
    assert _tree(paragraph.children) == ["one", "hardbreak", "two", "hardbreak", "three"]
    [div] = _blocks('<p align="center">\n  <b>a</b><br>\n  b\n</p>\n')
    assert _tree(div.children[0].children) == [["strong", "a"], "hardbreak", "b"]
