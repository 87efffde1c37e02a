"""Markdown to model: the one markdown-it-py configuration and its token-to-Node conversion."""
from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .model import Footnote, Node

# Blocks nest at most this deep (quotes in lists in quotes...); deeper input is
# kept as text by markdown-it instead of recursing without bound.
MAX_NESTING = 40

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
}
_INLINES = {"em": "emph", "strong": "strong", "s": "strike", "link": "link"}


def _any_div(params: str, *_: object) -> bool:
    return bool(params.strip())


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """CommonMark with tables, strikethrough, footnotes, pandoc-style ``::: class`` divs
    and smart punctuation; raw HTML is read as text, never passed through."""
    md = MarkdownIt("commonmark", {"typographer": True, "html": False, "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.use(container_plugin, name="div", validate=_any_div)
    return md


def _div_class(info: str) -> str:
    info = info.strip()
    if info.startswith("{") and info.endswith("}"):
        info = info[1:-1].strip()
    words = [w.lstrip(".") for w in info.split() if not w.startswith("#")]
    return words[0] if words else ""


def convert_inlines(tokens: list[Token] | None, line: int | None = None) -> list[Node]:
    """Turn an inline token's children into inline Nodes."""
    root = Node("inline-root")
    stack = [root]
    for tok in tokens or []:
        top = stack[-1]
        ttype = tok.type
        if ttype.endswith("_open") and ttype[:-5] in _INLINES:
            node = Node(_INLINES[ttype[:-5]], line=line)
            if ttype == "link_open":
                node.attrs["href"] = str(tok.attrs.get("href", ""))
                if tok.attrs.get("title"):
                    node.attrs["title"] = str(tok.attrs["title"])
            top.children.append(node)
            stack.append(node)
        elif ttype.endswith("_close") and ttype[:-6] in _INLINES:
            if len(stack) > 1:
                stack.pop()
        elif ttype == "text":
            if top.children and top.children[-1].kind == "text":
                top.children[-1].text += tok.content
            else:
                top.children.append(Node("text", text=tok.content, line=line))
        elif ttype == "code_inline":
            top.children.append(Node("code", text=tok.content, line=line))
        elif ttype in ("softbreak", "hardbreak"):
            top.children.append(Node(ttype, line=line))
        elif ttype == "image":
            node = Node("image", children=convert_inlines(tok.children, line), line=line)
            node.attrs["src"] = str(tok.attrs.get("src", ""))
            if tok.attrs.get("title"):
                node.attrs["title"] = str(tok.attrs["title"])
            top.children.append(node)
        elif ttype == "footnote_ref":
            top.children.append(Node("footnote_ref", attrs={"n": tok.meta["id"] + 1}, line=line))
        elif ttype == "footnote_anchor":
            continue
        else:  # html_inline cannot occur with html off; anything else is kept as text
            top.children.append(Node("text", text=tok.content, line=line))
    return root.children


def _line(tok: Token, offset: int) -> int | None:
    return tok.map[0] + 1 + offset if tok.map else None


def _figure_from(paragraph: Node) -> Node | None:
    """An image alone in its paragraph becomes a figure captioned by its alt text."""
    kids = [c for c in paragraph.children if not (c.kind == "text" and not c.text.strip())]
    if len(kids) == 1 and kids[0].kind == "image":
        img = kids[0]
        return Node("figure", children=img.children, attrs=dict(img.attrs), line=paragraph.line)
    return None


def convert_blocks(tokens: list[Token], offset: int = 0) -> tuple[list[Node], list[Footnote]]:
    """Turn a block token stream into body blocks and footnotes."""
    root = Node("root")
    stack = [root]
    footnotes: list[Footnote] = []
    in_footnote: Footnote | None = None
    last_line: int | None = None
    for tok in tokens:
        line = _line(tok, offset) or last_line
        last_line = line
        ttype = tok.type
        top = stack[-1]
        if ttype == "footnote_open":
            in_footnote = Footnote(n=tok.meta["id"] + 1, label=str(tok.meta.get("label") or ""), blocks=[])
            holder = Node("footnote")
            stack.append(holder)
        elif ttype == "footnote_close":
            holder = stack.pop()
            assert in_footnote is not None
            in_footnote.blocks = holder.children
            in_footnote.line = holder.children[0].line if holder.children else None
            footnotes.append(in_footnote)
            in_footnote = None
        elif ttype in ("footnote_block_open", "footnote_block_close", "footnote_anchor"):
            continue
        elif tok.nesting == 1:
            base = ttype[:-5]
            node = Node(_BLOCKS.get(base, base), line=line)
            if base == "heading":
                node.attrs["level"] = int(tok.tag[1])
            elif base == "ordered_list":
                node.attrs["start"] = int(tok.attrs.get("start", 1))
            elif base in ("th", "td"):
                node.attrs["header"] = base == "th"
                style = str(tok.attrs.get("style", ""))
                node.attrs["align"] = style.split(":", 1)[1] if style.startswith("text-align:") else None
            elif base == "container_div":
                node.attrs["class"] = _div_class(tok.info)
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
        elif ttype == "inline":
            top.children.extend(convert_inlines(tok.children, line))
        elif ttype in ("fence", "code_block"):
            info = tok.info.strip().split()[0] if tok.info.strip() else ""
            top.children.append(Node("code_block", text=tok.content, attrs={"info": info}, line=line))
        elif ttype == "hr":
            top.children.append(Node("thematic_break", line=line))
        else:  # html_block cannot occur with html off; keep anything unknown visible as text
            para = Node("paragraph", line=line, children=[Node("text", text=tok.content, line=line)])
            top.children.append(para)
    return root.children, footnotes


def parse_blocks(text: str, offset: int = 0) -> tuple[list[Node], list[Footnote]]:
    """Parse a Markdown body whose first line is line ``offset + 1`` of its file."""
    return convert_blocks(parser().parse(text), offset)


def parse_inline(text: str, line: int | None = None) -> list[Node]:
    """Parse one line of inline Markdown (a metadata value)."""
    tokens = parser().parseInline(text)
    return convert_inlines(tokens[0].children if tokens else [], line)
