"""Markdown to model: the one markdown-it-py configuration, its work limits and its token-to-Node conversion."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import table as _table_rule
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_core.smartquotes import process_inlines as _smart_quotes_in
from markdown_it.rules_core.state_core import StateCore
from markdown_it.rules_inline import image as _image_rule
from markdown_it.rules_inline import link as _link_rule
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from ..media import texmath
from ..errors import SourceError, warn
from .extensions import META_KEY, attributes_plugin, div_attrs, fenced_div, info_attrs, pandoc_identifier, unique_identifier
from ..model import Footnote, Node, plain_text
from .critic import critic_plugin
from .pandoc_tables import pandoc_tables_plugin
from .rawhtml import Builder as _HtmlBuilder
from .rawhtml import lone_image_figure

# -- limits: what any input may cost (a real article uses a few hundred of each) --
#: Quotes, lists and divs nest at most this deep (markdown-it levels: a list counts
#: two, for the list and its item); deeper input is an error, not silently cut.
MAX_NESTING = 40
#: A ``:::`` div looks ahead to its end before parsing what is inside, so each level
#: rereads the rest of the text; divs nest at most this deep.
MAX_DIV_DEPTH = 8
#: Inline containers (emphasis, links, strikethrough) nest at most this deep in the
#: model; deeper markers are dropped and their text kept, so writers never recurse far.
MAX_INLINE_DEPTH = 16
#: Block starts and continuation lines; inline rule attempts (lookahead included; a
#: link or image attempt scans its label and destination, so it counts LINK_STEPS).
MAX_BLOCK_STEPS = 100_000
MAX_INLINE_STEPS = 500_000
LINK_STEPS = 40
#: Nodes in the model (and inline tokens while parsing): what the writers will walk.
MAX_NODES = 100_000
MAX_TABLE_COLUMNS = 64
MAX_TABLE_CELLS = 20_000
#: Smart quotes cost (quotes x paragraph length) in markdown-it; a paragraph above
#: this keeps its straight quotes rather than take minutes.
MAX_SMART_QUOTE_WORK = 20_000_000
#: A footnote's text is repeated at each reference in print; this bounds the total.
MAX_FOOTNOTE_ECHO = 2_000_000
#: And a clock, for whatever the counts above do not foresee (a slow machine, a new rule).
MAX_PARSE_SECONDS = 10.0
#: Warnings of one kind given one by one before they are summed up.
MAX_HTML_WARNINGS = 5

_ENV_KEY = "publish"

_BLOCKS = {
    "paragraph": "paragraph",
    "heading": "heading",
    "bullet_list": "bullet_list",
    "ordered_list": "ordered_list",
    "list_item": "list_item",
    "blockquote": "blockquote",
    "table": "table",
    "thead": "thead",
    "tbody": "tbody",
    "tr": "row",
    "th": "cell",
    "td": "cell",
    "container_div": "div",
    "dl": "definition_list",
    "dt": "term",
    "dd": "definition",
    "alert": "callout",
    "admonition": "callout",
}
_INLINES = {"em": "emph", "strong": "strong", "s": "strike", "link": "link", "sub": "sub", "sup": "sup", "span": "span",
            "critic_ins": "insert", "critic_del": "delete", "critic_mark": "highlight", "critic_comment": "comment"}
#: Callout types (GitHub's five alerts, pandoc's and Quarto's callouts, admonitions).
CALLOUT_TYPES = ("note", "tip", "important", "warning", "caution", "danger", "hint", "attention", "error", "info")


class _TooComplex(Exception):
    """Raised inside markdown-it when the input exceeds a work limit; becomes a SourceError."""

    def __init__(self, message: str, line: int | None, in_file: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = line  # 0-based line of the Markdown text, or the file's line if ``in_file``
        self.in_file = in_file


@dataclass
class _Work:
    """Per-parse state kept in markdown-it's env: work done, where, and what to warn about."""

    block_steps: int = 0
    inline_steps: int = 0
    line: int | None = None  # 0-based line of the block whose inlines are being parsed
    flattened: list[int] = field(default_factory=list)
    nested_notes: list[int] = field(default_factory=list)
    bad_math: list[int] = field(default_factory=list)  # file lines of formulas that cannot be converted
    bad_tables: list[int] = field(default_factory=list)  # file lines of tables shown as code
    revisions: list[int] = field(default_factory=list)  # file lines with CriticMarkup (the first is warned about)
    html_dropped: list[tuple[str, int | None]] = field(default_factory=list)  # one per kind: message, file line
    div_depth: int = 0
    tokens: int = 0  # inline tokens made so far
    deadline: float = field(default_factory=lambda: time.monotonic() + MAX_PARSE_SECONDS)


def _work(env: Any) -> _Work | None:
    work = env.get(_ENV_KEY) if isinstance(env, dict) else None
    return work if isinstance(work, _Work) else None


def _count_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """First block rule (and first terminator): count work, refuse nesting deeper than MAX_NESTING."""
    work = _work(state.env)
    if work is not None:
        work.block_steps += 1
        if work.block_steps > MAX_BLOCK_STEPS:
            raise _TooComplex(f"the Markdown has more than {MAX_BLOCK_STEPS} blocks and lines; split the article", start)
        if time.monotonic() > work.deadline:
            raise _TooComplex(f"the Markdown takes more than {MAX_PARSE_SECONDS:.0f} s to parse; simplify it", start)
    if not silent and state.level >= MAX_NESTING:
        raise _TooComplex(
            f"quotes, lists or divs nest more than {MAX_NESTING} levels deep; the deeper text would be lost", start
        )
    return False


def _charge(state: StateInline, steps: int) -> None:
    work = _work(state.env)
    if work is None:
        return
    work.inline_steps += steps
    if (
        work.inline_steps > MAX_INLINE_STEPS
        or work.tokens + len(state.tokens) > MAX_NODES
        or time.monotonic() > work.deadline
    ):
        raise _TooComplex(
            "the Markdown is too complex to parse (thousands of unclosed brackets, links or emphasis markers?)",
            work.line,
        )


def _count_inline(state: StateInline, silent: bool) -> bool:
    """First inline rule: count every attempt (lookahead included) so no paragraph parses forever."""
    _charge(state, 1)
    return False


def _weighed_link(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    _charge(state, LINK_STEPS)
    return _link_rule(state, silent)


def _weighed_image(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos : state.pos + 2] != "![":
        return False
    _charge(state, LINK_STEPS)
    return _image_rule(state, silent)


def _bounded_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's table rule with a cap on columns and cells (it reads a whole table in one call)."""
    if not _table_rule(state, start, end, True):
        return False
    delimiter = state.src[state.bMarks[start + 1] + state.tShift[start + 1] : state.eMarks[start + 1]]
    columns = max(1, sum(1 for cell in delimiter.split("|") if cell.strip()))
    if columns > MAX_TABLE_COLUMNS:
        raise _TooComplex(f"a table has more than {MAX_TABLE_COLUMNS} columns", start)
    if silent:
        return True
    limit = min(end, start + 2 + MAX_TABLE_CELLS // columns)
    found = _table_rule(state, start, limit, False)
    if found and limit < end and state.line >= limit and "|" in state.getLines(limit, limit + 1, 0, False):
        raise _TooComplex(f"a table has more than {MAX_TABLE_CELLS} cells; split it", start)
    return found


def _bounded_div(rule: Any) -> Any:
    """The div (container) rule, refusing divs nested deeper than MAX_DIV_DEPTH."""

    def div(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        work = _work(state.env)
        if silent or work is None:
            return bool(rule(state, start, end, silent))
        if work.div_depth >= MAX_DIV_DEPTH and rule(state, start, end, True):
            raise _TooComplex(f"'::: ' divs nest more than {MAX_DIV_DEPTH} levels deep", start)
        work.div_depth += 1
        try:
            return bool(rule(state, start, end, False))
        finally:
            work.div_depth -= 1

    return div


def _inline_with_lines(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule, remembering each block's line for error messages."""
    work = _work(state.env)
    for token in state.tokens:
        if token.type == "inline":
            if work is not None and token.map:
                work.line = token.map[0]
            if token.children is None:
                token.children = []
            state.md.inline.parse(token.content, state.md, state.env, token.children)
            if work is not None:
                work.tokens += len(token.children)


def _bounded_smart_quotes(state: StateCore) -> None:
    """markdown-it's smart quotes, skipping a paragraph where they would cost too much (they are quadratic)."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        quotes = token.content.count('"') + token.content.count("'")
        if quotes and quotes * len(token.content) <= MAX_SMART_QUOTE_WORK:
            _smart_quotes_in(token.children, state)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """CommonMark with tables, strikethrough, footnotes, pandoc-style ``::: class`` divs
    and smart punctuation; raw HTML is tokenized (never passed through: rawhtml.py maps
    its safe subset onto the model); every rule runs under the work limits above."""
    # markdown-it drops whatever nests deeper than maxNesting without a word; keep its
    # limit above ours so _count_block reports it instead.
    md = MarkdownIt("commonmark", {
        "typographer": True, "html": True, "maxNesting": MAX_NESTING + 20,
        "tasklists": True, "alerts": True,  # GitHub's task lists and > [!NOTE] alerts, built into markdown-it-py
    })
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.block.ruler.before("fence", "container_div", fenced_div, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.use(deflist_plugin)
    md.use(admon_plugin)  # MkDocs (Python-Markdown) admonitions: !!! note, ??? tip
    admon_fn = next(rule.fn for rule in md.block.ruler.__rules__ if rule.name == "admonition")
    md.block.ruler.at("admonition", _strict_admonition(admon_fn), {"alt": ["paragraph", "reference", "blockquote", "list"]})
    # pandoc's tex_math_dollars: no space inside the dollars, none followed by a digit ($5 and $10 stay text)
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True, allow_labels=True)
    md.use(sub_plugin)
    md.use(superscript_plugin)
    md.use(attributes_plugin)
    md.use(critic_plugin)
    md.use(pandoc_tables_plugin)
    md.block.ruler.at("table", _bounded_table, {"alt": ["paragraph", "reference"]})
    div_fn = next(rule.fn for rule in md.block.ruler.__rules__ if rule.name == "container_div")
    md.block.ruler.at("container_div", _bounded_div(div_fn), {"alt": ["paragraph", "reference", "blockquote", "list"]})
    first_block = md.block.ruler.get_all_rules()[0]
    md.block.ruler.before(first_block, "publish_limits", _count_block, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.inline.ruler.before(md.inline.ruler.get_all_rules()[0], "publish_limits", _count_inline)
    md.inline.ruler.at("link", _weighed_link)
    md.inline.ruler.at("image", _weighed_image)
    md.core.ruler.at("inline", _inline_with_lines)
    md.core.ruler.at("smartquotes", _bounded_smart_quotes)
    return md




class _Converter:
    """Token stream to Nodes, counting nodes and capping inline depth."""

    def __init__(self, work: _Work | None = None, in_note: bool = False) -> None:
        self.work = work or _Work()
        self.nodes = 0
        self.in_note = in_note
        self.headings: list[Node] = []  # the body's, in order, for their ids
        self.html = _HtmlBuilder(self._html_node)

    def _node(self, kind: str, line: int | None, **kwargs: Any) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooComplex(f"the article has more than {MAX_NODES} elements; split it", line, in_file=True)
        return Node(kind, line=line, **kwargs)

    def _html_node(self, kind: str, line: int | None, **kwargs: Any) -> Node:
        """A node for raw HTML: counted like the others; a heading joins the body's, for its id."""
        node = self._node(kind, line, **kwargs)
        if kind == "heading" and not self.in_note:
            self.headings.append(node)
        return node

    def inlines(self, tokens: list[Token] | None, line: int | None) -> list[Node]:
        root = Node("inline-root")
        stack = [root]
        skipped = 0  # containers opened beyond MAX_INLINE_DEPTH, whose close is ignored too
        for tok in tokens or []:
            ttype = tok.type
            if ttype == "html_inline":
                self.html.inline(tok.content, stack, line)
                continue
            if self.html.skipping(tok.nesting):
                continue
            top = stack[-1]
            if ttype.endswith("_open") and ttype[:-5] in _INLINES:
                if len(stack) > MAX_INLINE_DEPTH:
                    skipped += 1
                    if line is not None and (not self.work.flattened or self.work.flattened[-1] != line):
                        self.work.flattened.append(line)
                    continue
                node = self._node(_INLINES[ttype[:-5]], line)
                if ttype.startswith("critic_") and line is not None:
                    self.work.revisions.append(line)
                if ttype == "link_open":
                    node.attrs["href"] = str(tok.attrs.get("href", ""))
                    if tok.attrs.get("title"):
                        node.attrs["title"] = str(tok.attrs["title"])
                _set_attrs(node, tok)
                top.children.append(node)
                stack.append(node)
            elif ttype.endswith("_close") and ttype[:-6] in _INLINES:
                if skipped:
                    skipped -= 1
                else:
                    self.html.close_before_markdown_inline(stack)
                    if len(stack) > 1:
                        stack.pop()
            elif ttype == "code_inline":
                top.children.append(_set_attrs(self._node("code", line, text=tok.content), tok))
            elif ttype in ("math_inline", "math_inline_double"):
                node = self._node("math", line, text=tok.content.strip())
                if ttype == "math_inline_double":
                    node.attrs["display"] = True
                self._check_math(node)
                top.children.append(node)
            elif ttype in ("softbreak", "hardbreak"):
                top.children.append(self._node(ttype, line))
            elif ttype == "image":
                node = self._node("image", line, children=self.inlines(tok.children, line))
                node.attrs["src"] = str(tok.attrs.get("src", ""))
                if tok.attrs.get("title"):
                    node.attrs["title"] = str(tok.attrs["title"])
                _set_attrs(node, tok)
                top.children.append(node)
            elif ttype == "footnote_ref" and not self.in_note:
                top.children.append(self._node("footnote_ref", line, attrs={"n": tok.meta["id"] + 1}))
            elif ttype == "footnote_anchor":
                continue
            else:  # text; a note inside a note is shown as written (it could loop in print); anything unknown is kept
                text = tok.content
                if ttype == "footnote_ref":
                    label = tok.meta.get("label")
                    text = f"[^{label}]" if label else f"[{tok.meta['id'] + 1}]"
                    if line is not None:
                        self.work.nested_notes.append(line)
                if top.children and top.children[-1].kind == "text":
                    top.children[-1].text += text
                else:
                    top.children.append(self._node("text", line, text=text))
        self.html.end_inlines(stack)
        return root.children

    def blocks(self, tokens: list[Token], offset: int) -> tuple[list[Node], list[Footnote]]:
        root = Node("root")
        stack = [root]
        footnotes: list[Footnote] = []
        in_footnote: Footnote | None = None
        last_line: int | None = None
        for tok in tokens:
            line = _line(tok, offset) or last_line
            last_line = line
            ttype = tok.type
            if ttype == "html_block":
                self.html.block(tok.content, stack, line)
                continue
            if self.html.skipping(tok.nesting):
                continue
            if tok.nesting == -1:
                self.html.close_before_markdown(stack)
            top = stack[-1]
            if ttype == "footnote_open":
                in_footnote = Footnote(n=tok.meta["id"] + 1, label=str(tok.meta.get("label") or ""), blocks=[])
                self.in_note = True
                stack.append(Node("footnote"))
            elif ttype == "footnote_close":
                holder = stack.pop()
                assert in_footnote is not None
                in_footnote.blocks = holder.children
                in_footnote.line = holder.children[0].line if holder.children else None
                footnotes.append(in_footnote)
                in_footnote = None
                self.in_note = False
            elif ttype in ("footnote_block_open", "footnote_block_close", "footnote_anchor"):
                continue
            elif ttype in ("alert_title_open", "admonition_title_open"):  # the writers show the theme's label
                stack.append(Node("discard"))
            elif ttype in ("alert_title_close", "admonition_title_close"):
                stack.pop()
            elif tok.nesting == 1:
                base = ttype[:-5]
                node = self._node(_BLOCKS.get(base, base), line)
                _set_attrs(node, tok)
                if base == "heading":
                    node.attrs["level"] = int(tok.tag[1])
                    if not self.in_note:
                        self.headings.append(node)
                elif base == "alert":
                    node.attrs["type"] = str(tok.meta.get("kind", "note")).lower()
                elif base == "admonition":  # MkDocs: !!! note "Title" (??? folds it on the web; shown open here)
                    node.attrs["type"] = str(tok.meta.get("tag") or "note").lower()
                    title = _admonition_title(tok.info)
                    if title:
                        node.attrs["title"] = [Node("text", text=title, line=line)]
                elif base == "list_item" and isinstance(tok.meta.get("checked"), bool):
                    node.attrs["checked"] = tok.meta["checked"]
                elif base == "ordered_list":
                    node.attrs["start"] = int(tok.attrs.get("start", 1))
                elif base in ("th", "td"):
                    node.attrs["header"] = base == "th"
                    style = str(tok.attrs.get("style", ""))
                    node.attrs["align"] = style.split(":", 1)[1] if style.startswith("text-align:") else None
                elif base == "container_div":
                    attrs = div_attrs(tok.info)
                    _put_attrs(node, attrs)
                    node.attrs["class"] = attrs["classes"][0] if attrs["classes"] else ""
                    callout = _callout_type(attrs["classes"])
                    if callout is not None:
                        node.kind = "callout"
                        node.attrs["type"] = callout
                        if attrs["kv"].get("title"):
                            node.attrs["title"] = [Node("text", text=attrs["kv"]["title"], line=line)]
                elif base == "paragraph" and tok.hidden:
                    node.attrs["tight"] = True
                top.children.append(node)
                stack.append(node)
            elif tok.nesting == -1:
                node = stack.pop() if len(stack) > 1 else root
                if node.kind == "paragraph":
                    figure = _figure_from(node)
                    if figure is not None:
                        parent = stack[-1]
                        parent.children[-1] = figure
                elif node.kind in ("bullet_list", "ordered_list"):
                    node.attrs["tight"] = any(
                        p.attrs.get("tight") for item in node.children for p in item.children[:1]
                    )
                elif node.kind == "callout" and "title" not in node.attrs and node.children and node.children[0].kind == "heading":
                    node.attrs["title"] = node.children.pop(0).children  # Quarto: a callout's first heading is its title
            elif ttype == "inline":
                top.children.extend(self.inlines(tok.children, line))
            elif ttype in ("fence", "code_block"):
                info, attrs = info_attrs(tok.info) if ttype == "fence" else ("", None)
                node = self._node("code_block", line, text=tok.content, attrs={"info": info})
                _put_attrs(node, attrs)
                top.children.append(node)
            elif ttype in ("math_block", "math_block_label"):
                node = self._node("math_block", line, text=tok.content.strip())
                if ttype == "math_block_label" and tok.info:
                    node.attrs["label"] = tok.info
                self._check_math(node)
                top.children.append(node)
            elif ttype == "table_fallback":  # a grid or simple table the table rule could not read
                top.children.append(self._node("code_block", line, text=tok.content, attrs={"info": ""}))
                self.work.bad_tables.append(line or 0)
            elif ttype == "hr":
                top.children.append(self._node("thematic_break", line))
            else:  # keep anything unknown visible as text
                text = self._node("text", line, text=tok.content)
                top.children.append(self._node("paragraph", line, children=[text]))
        self.html.finish_all(stack)
        _heading_ids(self.headings)
        return root.children, footnotes

    def _check_math(self, node: Node) -> None:
        if not texmath.check(node.text):
            node.attrs["invalid"] = True
            self.work.bad_math.append(node.line or 0)


def _set_attrs(node: Node, tok: Token) -> Node:
    """Copy pandoc attributes ``{#id .class key=value}`` from a token onto its node."""
    _put_attrs(node, tok.meta.get(META_KEY) if tok.meta else None)
    return node


def _put_attrs(node: Node, attrs: dict[str, Any] | None) -> None:
    if not attrs:
        return
    if attrs.get("id"):
        node.attrs["id"] = str(attrs["id"])
    if attrs.get("classes"):
        node.attrs["classes"] = [str(c) for c in attrs["classes"]]
    kv = {str(k): str(v) for k, v in (attrs.get("kv") or {}).items() if k not in ("src", "href", "title")}
    if kv:
        node.attrs["kv"] = kv
    if node.kind == "image":
        for key in ("width", "height"):
            if kv.get(key):
                node.attrs[key] = kv[key]


_ADMONITION_START = re.compile(r"(?:!!!|\?\?\?\+?)[ \t]+[A-Za-z]")


def _strict_admonition(rule: Any) -> Any:
    """The admon plugin's rule, only where Python-Markdown sees an admonition: the marker, a space,
    then the type (``!!!not one`` and ``!!! `` stay text)."""

    def admonition(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        line = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
        if not _ADMONITION_START.match(line):
            return False
        return bool(rule(state, start, end, silent))

    return admonition


def _admonition_title(info: str) -> str | None:
    """An MkDocs admonition's own title, the quoted text after its type (``!!! note "Read this"``);
    None when it has none (the theme's label is shown) or an empty one."""
    _, _, rest = info.strip().partition(" ")
    rest = rest.strip()
    if len(rest) >= 2 and rest[0] == rest[-1] and rest[0] in "\"'":
        return rest[1:-1].strip() or None
    return None


def _callout_type(classes: list[str]) -> str | None:
    """The callout a div's classes make: ``callout-note`` (Quarto), ``note``, ``warning``... (pandoc)."""
    for cls in classes:
        name = cls.lower()
        if name.startswith("callout-"):
            return name[len("callout-"):] or "note"
        if name in CALLOUT_TYPES:
            return name
    return None


def _heading_ids(headings: list[Node]) -> None:
    """Every heading gets an id: its own ``{#id}``, else pandoc's auto identifier, unique in the article."""
    used = {str(h.attrs["id"]) for h in headings if h.attrs.get("id")}
    for heading in headings:
        if not heading.attrs.get("id"):
            ident = unique_identifier(pandoc_identifier(plain_text(heading.children)), used)
            heading.attrs["id"] = ident
            used.add(ident)


def _line(tok: Token, offset: int) -> int | None:
    return tok.map[0] + 1 + offset if tok.map else None


def _figure_from(paragraph: Node) -> Node | None:
    """An image alone in its paragraph becomes a figure captioned by its alt text."""
    return lone_image_figure(paragraph)


def convert_inlines(tokens: list[Token] | None, line: int | None = None) -> list[Node]:
    """Turn an inline token's children into inline Nodes."""
    return _Converter().inlines(tokens, line)


def convert_blocks(tokens: list[Token], offset: int = 0) -> tuple[list[Node], list[Footnote]]:
    """Turn a block token stream into body blocks and footnotes."""
    return _Converter().blocks(tokens, offset)


def _footnote_echo(blocks: list[Node], footnotes: list[Footnote]) -> tuple[int, Footnote | None]:
    """How much note text print repeats (a note's text at each of its references)."""
    refs: dict[int, int] = {}
    for block in blocks:
        for node in block.walk():
            if node.kind == "footnote_ref":
                refs[int(node.attrs["n"])] = refs.get(int(node.attrs["n"]), 0) + 1
    total, worst, worst_size = 0, None, 0
    for note in footnotes:
        size = 1 + sum(len(n.text) + 1 for b in note.blocks for n in b.walk())
        echo = size * refs.get(note.n, 0)
        total += echo
        if echo > worst_size:
            worst, worst_size = note, echo
    return total, worst


def _report(work: _Work, path: str | Path | None, offset: int) -> None:
    if path is None:
        return
    for message, line in work.html_dropped:
        warn(message, path, line)
    if work.flattened:
        warn(f"emphasis and links nest more than {MAX_INLINE_DEPTH} deep; the deeper ones are kept as plain text", path, work.flattened[0])
    for line in work.nested_notes[:MAX_HTML_WARNINGS]:
        warn("a footnote cannot refer to another footnote; the reference is shown as written", path, line)
    for line in work.bad_math[:MAX_HTML_WARNINGS]:
        warn("this TeX formula cannot be converted; it is shown as its TeX source", path, line or None)
    if work.revisions:
        warn("the article has revisions or comments in CriticMarkup ({++ ++}, {-- --}, {~~ ~> ~~}, {>> <<}); its outputs "
             "show them marked, with a legend: accept or reject them in the source before publishing", path, work.revisions[0])
    for line in work.bad_tables[:MAX_HTML_WARNINGS]:
        warn("this table cannot be read (its rows or columns do not line up); it is shown as written, in a code block", path, line or None)


def parse_blocks(text: str, offset: int = 0, path: str | Path | None = None) -> tuple[list[Node], list[Footnote]]:
    """Parse a Markdown body whose first line is line ``offset + 1`` of its file.

    Input beyond the work limits raises SourceError with the line; with ``path``,
    raw HTML and other things shown differently than written are warned about."""
    work = _Work()
    try:
        tokens = parser().parse(text, {_ENV_KEY: work})
        converter = _Converter(work)
        blocks, footnotes = converter.blocks(tokens, offset)
        work.html_dropped = converter.html.warnings()
    except _TooComplex as exc:
        line = exc.line if exc.in_file or exc.line is None else exc.line + 1 + offset
        raise SourceError(exc.message, path, line) from None
    except RecursionError:
        raise SourceError("the Markdown nests too deeply to parse", path, None) from None
    echo, worst = _footnote_echo(blocks, footnotes)
    if echo > MAX_FOOTNOTE_ECHO and worst is not None:
        raise SourceError(
            f"footnote {worst.label or worst.n} is too long for the number of times it is referenced "
            "(print repeats a note at each reference)",
            path,
            worst.line,
        )
    _report(work, path, offset)
    return blocks, footnotes


def parse_inline(text: str, line: int | None = None, path: str | Path | None = None) -> list[Node]:
    """Parse one line of inline Markdown (a metadata value); notes are not allowed there."""
    work = _Work()
    try:
        tokens = parser().parseInline(text, {_ENV_KEY: work})
        converter = _Converter(work, in_note=True)
        nodes = converter.inlines(tokens[0].children if tokens else [], line)
        work.html_dropped = converter.html.warnings()
    except _TooComplex as exc:
        raise SourceError(exc.message, path, line) from None
    work.nested_notes.clear()
    _report(work, path, (line or 1) - 1)
    return nodes
