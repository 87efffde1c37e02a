"""Raw HTML to model: justhtml's HTML5 tokenizer, and a whitelist that maps the safe, common tags onto model nodes.

markdown-it hands raw HTML over in pieces: an ``html_block`` holds one or more whole lines,
an ``html_inline`` one tag, and Markdown may stand between an opening and a closing tag
(``<details>`` … Markdown … ``</details>``). So the tags are paired here, against the same
stacks the Markdown converter builds with: an element opened by HTML is closed by its end
tag, or when the Markdown container around it ends. Nothing is passed through: a tag the
whitelist does not know either keeps its content (legacy and presentational tags) or is
dropped with its content (scripts, styles, frames, media, forms), with one warning per kind.
Attribute values are read by the tokenizer, never by the typographer: no curly quote can
reach them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from ..model import Node, plain_text


def _stream(html: str):  # type: ignore[no-untyped-def]
    """justhtml's tokenizer, imported on the first raw HTML (0.04 s that most articles never need)."""
    from justhtml import stream

    return stream(html)

#: Web, mail and phone links a reader may follow (the same list the link check uses).
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp", "ftps", "doi", "urn"})

#: Inline tags and the model kind each becomes (``code`` collapses its content into a code node).
INLINE_KINDS = {
    "b": "strong", "strong": "strong",
    "i": "emph", "em": "emph", "cite": "emph", "dfn": "emph", "var": "emph",
    "s": "strike", "strike": "strike", "del": "strike",
    "sup": "sup", "sub": "sub", "kbd": "kbd",
    "code": "code", "tt": "code", "samp": "code",
    "span": "span", "u": "span", "ins": "span", "mark": "span",
}
#: Spans that carry a meaning of their own, as a class the writers know.
SPAN_CLASSES = {"u": "underline", "ins": "underline", "mark": "mark"}
#: Block containers that hold blocks (``p`` too: Markdown may stand inside it).
BLOCK_KINDS = {
    "p": "div", "div": "div", "center": "div", "section": "div", "article": "div", "main": "div",
    "header": "div", "footer": "div", "aside": "div", "nav": "div", "address": "div", "hgroup": "div",
    "blockquote": "blockquote", "details": "details", "figure": "figure",
    "ul": "bullet_list", "ol": "ordered_list", "menu": "bullet_list", "li": "list_item",
    "table": "table", "thead": "thead", "tbody": "tbody", "tfoot": "tbody", "tr": "row",
    "dl": "definition_list", "dd": "definition",
}
#: Block-level elements that hold inlines.
INLINE_HOLDERS = {
    "summary": "summary", "figcaption": "figcaption", "caption": "caption", "dt": "term",
    "td": "cell", "th": "cell", "h1": "heading", "h2": "heading", "h3": "heading",
    "h4": "heading", "h5": "heading", "h6": "heading",
}
#: Dropped with everything inside them; the value names the kind in the one warning.
DROPPED = {
    "script": "script", "style": "style", "iframe": "iframe", "frame": "iframe",
    "frameset": "iframe", "object": "object", "embed": "object", "applet": "object",
    "template": "template", "svg": "inline SVG", "math": "inline MathML", "video": "video",
    "audio": "audio", "canvas": "canvas", "form": "form", "select": "form", "textarea": "form",
    "button": "form", "head": "head", "title": "head", "noembed": "object", "noframes": "iframe",
    "map": "form", "datalist": "form", "dialog": "dialog",
}
#: Empty elements that are left out silently (their job is done by something else, or nothing).
IGNORED_VOID = frozenset({
    "source", "track", "param", "wbr", "col", "colgroup", "area", "meta", "link", "base",
    "input", "keygen", "html", "body",
})
#: Elements whose start ends an open HTML paragraph (as HTML's parser does).
_CLOSES_P = frozenset(BLOCK_KINDS) | {"h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr"}
#: A start tag implies the end of these open elements.
_IMPLIED_END = {
    "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"},
    "td": {"td", "th"}, "th": {"td", "th"}, "tr": {"td", "th", "tr"},
    "thead": {"td", "th", "tr", "thead", "tbody", "tfoot"},
    "tbody": {"td", "th", "tr", "thead", "tbody", "tfoot"},
    "tfoot": {"td", "th", "tr", "thead", "tbody", "tfoot"},
}
#: The warning's words for each kind of thing dropped.
_DROP_WORDS = {
    "comment": "HTML comments are not shown",
    "handler": "event handler attributes (onclick=…) in raw HTML are dropped",
    "javascript": "links with a script or unknown scheme in raw HTML are kept as plain text",
}
#: Elements opened by HTML nest at most this deep (blocks, counting the Markdown around them;
#: inlines); a deeper tag is left out and its content kept, so writers never recurse far.
MAX_BLOCK_DEPTH = 40
MAX_INLINE_DEPTH = 16
_INLINE_CONTAINERS = frozenset({"summary", "figcaption", "caption", "term", "cell", "heading", "paragraph"})


#: HTML's own elements that are neither mapped nor dropped above: their title attribute is a tooltip.
_HTML_OTHERS = frozenset({
    "img", "a", "br", "abbr", "acronym", "font", "small", "big", "q", "bdi", "bdo", "time", "data", "label",
    "output", "meter", "progress", "picture", "legend", "fieldset", "option", "optgroup", "ruby", "rt", "rp",
    "blink", "marquee", "nobr", "image", "input", "area",
})


def _component_title(tag: str, attrs: dict[str, str | None]) -> str | None:
    """The heading an MDX or JSX component shows (``<Card title="…">``, ``<TabItem label="…">``),
    for a tag that is no HTML element; None for HTML's own tags, whose title is a tooltip."""
    if tag in INLINE_KINDS or tag in BLOCK_KINDS or tag in INLINE_HOLDERS or tag in _HTML_OTHERS or tag in DROPPED:
        return None
    for name in ("title", "label", "heading"):
        value = " ".join((attrs.get(name) or "").split())
        if value and not value.startswith("{"):
            return value
    return None


def _classes(attrs: dict[str, str | None]) -> list[str]:
    return (attrs.get("class") or "").split()


def _length(value: str | None) -> str | None:
    """An HTML width or height as the model keeps it: ``200`` means pixels."""
    if not value:
        return None
    value = value.strip()
    return value + "px" if value.isdigit() else value or None


def safe_href(href: str) -> bool:
    """Whether a raw HTML link may stay a link: a web, mail or phone address, or a relative one."""
    if any(ord(c) < 32 for c in href):
        return False
    try:
        scheme = urlsplit(href.strip()).scheme.lower()
    except ValueError:
        return False
    return not scheme or scheme in SAFE_SCHEMES


@dataclass
class _Open:
    """An element opened by HTML and not yet closed: its tag and the node it became."""

    tag: str
    node: Node


@dataclass
class Builder:
    """Turns raw HTML pieces into nodes on the Markdown converter's stacks, pairing their tags.

    ``make`` creates a node (the converter's counted factory). ``dropped`` holds the first
    line of each kind of thing left out, for one warning per kind."""

    make: Callable[..., Node]
    dropped: dict[str, int | None] = field(default_factory=dict)
    #: Block-level elements opened by HTML, by id of their node.
    _blocks: dict[int, _Open] = field(default_factory=dict)
    #: Inline elements opened by HTML in the inline run being converted, by id of their node.
    _inlines: dict[int, _Open] = field(default_factory=dict)
    #: While inside a dropped element: its tag, how many of it are open, and Markdown depth skipped.
    _skip: str | None = None
    _skip_depth: int = 0
    _skip_nesting: int = 0
    _skip_inline: bool = False
    _breaks: bool = False
    #: Inside ``<pre>``: the code block collecting its text.
    _pre: Node | None = None
    #: Where inlines of an html_block go: the stack of inline containers over a paragraph.
    _sink: list[Node] = field(default_factory=list)

    # -- warnings --------------------------------------------------------------
    def _drop(self, kind: str, line: int | None) -> None:
        self.dropped.setdefault(kind, line)

    def warnings(self) -> list[tuple[str, int | None]]:
        """One message and line for each kind of raw HTML left out, in order of first sight."""
        out = []
        for kind, line in self.dropped.items():
            words = _DROP_WORDS.get(kind) or f"<{kind}> in raw HTML is not shown (publish never runs or embeds it)"
            if kind in ("inline SVG", "inline MathML", "video", "audio", "canvas", "form", "dialog"):
                words = f"raw HTML {kind} is not shown; save it as an image or write Markdown"
            out.append((words, line))
        return out

    # -- skipping dropped elements ---------------------------------------------
    def skipping(self, nesting: int = 0) -> bool:
        """Whether a Markdown token is inside a dropped element (and so left out).

        ``nesting`` is the token's (+1 opens a block, -1 closes one): a close of a container
        opened before the dropped element ends the skip, so the tree stays balanced."""
        if self._skip is None:
            return False
        if nesting < 0 and self._skip_nesting == 0:
            self._skip = None
            return False
        self._skip_nesting += nesting
        return True

    def _skip_event(self, kind: str, data: object) -> bool:
        if self._skip is None:
            return False
        if kind == "start" and isinstance(data, tuple) and data[0] == self._skip:
            self._skip_depth += 1
        elif kind == "end" and data == self._skip:
            self._skip_depth -= 1
            if self._skip_depth == 0:
                self._skip = None
                self._skip_inline = False
        return True

    def _check_attrs(self, tag: str, attrs: dict[str, str | None], line: int | None) -> None:
        if any(name.startswith("on") for name in attrs):
            self._drop("handler", line)

    # -- inline HTML (html_inline tokens within a paragraph) -------------------
    def inline(self, html: str, stack: list[Node], line: int | None) -> None:
        """One html_inline token (a tag or a comment) into the converter's inline stack."""
        for kind, data in _stream(html):
            self._inline_event(kind, data, stack, line, self._inlines)

    def close_before_markdown_inline(self, stack: list[Node]) -> None:
        """A Markdown inline container is about to close: HTML elements still open inside it end here."""
        while len(stack) > 1 and id(stack[-1]) in self._inlines:
            self._finish_inline(stack.pop(), self._inlines)

    def end_inlines(self, stack: list[Node]) -> None:
        """The inline run ended: finish what HTML left open in it."""
        while len(stack) > 1 and id(stack[-1]) in self._inlines:
            self._finish_inline(stack.pop(), self._inlines)
        self._inlines.clear()
        if self._breaks:  # ``<br>`` then a new line in the source: one break, not a break and a space
            kids = stack[0].children
            stack[0].children = [n for i, n in enumerate(kids) if not (n.kind == "softbreak" and i and kids[i - 1].kind == "hardbreak")]
            self._breaks = False
        if self._skip_inline:
            self._skip = None  # an inline script never closed: it ends with its paragraph
            self._skip_inline = False

    def _inline_event(self, kind: str, data: object, stack: list[Node], line: int | None, opened: dict[int, _Open]) -> None:
        if self._skip_event(kind, data):
            return
        top = stack[-1]
        if kind == "text":
            self._text(top, str(data), line)
        elif kind == "comment":
            self._drop("comment", line)
        elif kind == "start":
            tag, attrs = data  # type: ignore[misc]
            self._check_attrs(tag, attrs, line)
            self._inline_start(tag, attrs, stack, line, opened)
        elif kind == "end":
            self._inline_end(str(data), stack, opened)

    def _text(self, top: Node, text: str, line: int | None) -> None:
        if top.children and top.children[-1].kind == "hardbreak":
            text = text.lstrip(" \t\n")  # a line starts after <br>, without the source's indent
        if top.children and top.children[-1].kind == "text":
            top.children[-1].text += text
        elif text:
            top.children.append(self.make("text", line, text=text))

    def _inline_start(self, tag: str, attrs: dict[str, str | None], stack: list[Node], line: int | None, opened: dict[int, _Open]) -> None:
        top = stack[-1]
        if tag in DROPPED:
            self._drop(DROPPED[tag], line)
            self._skip, self._skip_depth, self._skip_nesting = tag, 1, 0
            self._skip_inline = opened is self._inlines
        elif tag == "br":
            top.children.append(self.make("hardbreak", line))
            self._breaks = True
        elif tag == "img":
            top.children.append(self.image(attrs, line))
        elif tag == "a":
            href = (attrs.get("href") or "").strip()
            if href and not safe_href(href):
                self._drop("javascript", line)
            if href and safe_href(href):
                node = self.make("link", line, attrs={"href": href})
                if attrs.get("title"):
                    node.attrs["title"] = str(attrs["title"])
                self._push(tag, node, stack, opened)
        elif tag in INLINE_KINDS:
            kind = INLINE_KINDS[tag]
            node = self.make("span" if kind == "code" else kind, line)
            if kind == "code":
                node.attrs["_code"] = True
            elif kind == "span":
                classes = [SPAN_CLASSES[tag]] if tag in SPAN_CLASSES else _classes(attrs)
                if classes:
                    node.attrs["classes"] = classes
            self._push(tag, node, stack, opened)
        # anything else (font, small, abbr, q, custom elements, block tags inside a paragraph)
        # keeps its content and loses only its tag

    def _push(self, tag: str, node: Node, stack: list[Node], opened: dict[int, _Open]) -> None:
        if len(stack) > MAX_INLINE_DEPTH:
            return
        stack[-1].children.append(node)
        stack.append(node)
        opened[id(node)] = _Open(tag, node)

    def _inline_end(self, tag: str, stack: list[Node], opened: dict[int, _Open]) -> None:
        for depth in range(len(stack) - 1, 0, -1):
            entry = opened.get(id(stack[depth]))
            if entry is not None and entry.tag == tag:
                for node in stack[depth:]:
                    if id(node) in opened:
                        self._finish_inline(node, opened)
                del stack[depth:]
                return
            if entry is None:
                return  # a Markdown container: HTML closes nothing outside it

    def _finish_inline(self, node: Node, opened: dict[int, _Open]) -> None:
        opened.pop(id(node), None)
        if node.attrs.pop("_code", False):
            node.kind, node.text, node.children = "code", plain_text(node.children), []

    def image(self, attrs: dict[str, str | None], line: int | None) -> Node:
        """An ``<img>`` as an image node (a remote one is turned into its alt text later, with the link check)."""
        alt = " ".join((attrs.get("alt") or "").split())
        node = self.make("image", line, children=[self.make("text", line, text=alt)] if alt else [])
        node.attrs["src"] = (attrs.get("src") or "").strip()
        if attrs.get("title"):
            node.attrs["title"] = str(attrs["title"])
        for name in ("width", "height"):
            value = _length(attrs.get(name))
            if value:
                node.attrs[name] = value
        return node

    # -- block HTML (html_block tokens) ----------------------------------------
    def block(self, html: str, stack: list[Node], line: int | None) -> None:
        """One html_block token into the converter's block stack."""
        for kind, data in _stream(html):
            if self._skip_event(kind, data):
                continue
            if self._pre is not None:
                if kind == "end" and data == "pre":
                    self._end_block("pre", stack)
                elif kind == "text":
                    self._pre.text += str(data)
                continue
            if kind == "comment":
                self._drop("comment", line)
            elif kind == "text":
                text = str(data)
                if text.strip():
                    self._inline_event("text", _collapse(text), self._sink_for(stack, line), line, self._blocks)
                elif self._sink_is_current(stack) and self._sink[-1].children:
                    self._inline_event("text", " ", self._sink, line, self._blocks)
            elif kind == "start":
                tag, attrs = data  # type: ignore[misc]
                self._check_attrs(tag, attrs, line)
                self._block_start(tag, attrs, stack, line)
            elif kind == "end":
                self._end_block(str(data), stack)
        self._close_sink(stack)

    def _sink_is_current(self, stack: list[Node]) -> bool:
        top = stack[-1]
        if not self._sink:
            return False
        return self._sink[0] is top or bool(top.children and top.children[-1] is self._sink[0])

    def _sink_for(self, stack: list[Node], line: int | None) -> list[Node]:
        """The inline stack inlines go to: the open inline holder, else a paragraph made for them."""
        top = stack[-1]
        if top.kind in _INLINE_CONTAINERS and id(top) in self._blocks:
            if not self._sink or self._sink[0] is not top:
                self._close_sink(stack)
                self._sink = [top]
            return self._sink
        if not self._sink or not top.children or top.children[-1] is not self._sink[0]:
            self._close_sink(stack)
            paragraph = self.make("paragraph", line)
            top.children.append(paragraph)
            self._sink = [paragraph]
        return self._sink

    def _close_sink(self, stack: list[Node]) -> None:
        """The inlines of a run of HTML end: finish open inline elements; tidy the paragraph."""
        if not self._sink:
            return
        root = self._sink[0]
        for node in self._sink[1:]:
            self._finish_inline(node, self._blocks)
        self._sink = []
        if root.kind != "paragraph" or id(root) in self._blocks:
            _trim(root)
            return
        _trim(root)
        parent = next((n for n in reversed(stack) if n.children and n.children[-1] is root), None)
        if parent is None:
            return
        if not root.children:
            parent.children.pop()
        else:
            figure = lone_image_figure(root)
            if figure is not None:
                parent.children[-1] = figure

    def _block_start(self, tag: str, attrs: dict[str, str | None], stack: list[Node], line: int | None) -> None:
        if tag in DROPPED:
            self._drop(DROPPED[tag], line)
            self._skip, self._skip_depth, self._skip_nesting = tag, 1, 0
            self._skip_inline = False
            return
        if tag in IGNORED_VOID:
            return
        if tag in _CLOSES_P:
            self._implied_end(stack, {"p"})
        if tag in _IMPLIED_END:
            self._implied_end(stack, _IMPLIED_END[tag])
        if tag in BLOCK_KINDS or tag in INLINE_HOLDERS or tag in ("pre", "hr"):
            self._close_sink(stack)
        if tag == "hr":
            stack[-1].children.append(self.make("thematic_break", line))
        elif tag == "pre":
            self._pre = self.make("code_block", line, attrs={"info": ""})
            stack[-1].children.append(self._pre)
        elif tag in BLOCK_KINDS:
            self._open_block(tag, self._block_node(tag, attrs, line), stack)
        elif tag in INLINE_HOLDERS:
            node = self.make(INLINE_HOLDERS[tag], line)
            if tag in ("td", "th"):
                node.attrs["header"] = tag == "th"
                align = (attrs.get("align") or "").strip().lower()
                node.attrs["align"] = align if align in ("left", "right", "center") else None
                for span in ("colspan", "rowspan"):
                    value = (attrs.get(span) or "").strip()
                    if value.isdigit() and 1 < int(value) <= 1000:
                        node.attrs[span] = int(value)
            elif tag.startswith("h"):
                node.attrs["level"] = int(tag[1])
            self._open_block(tag, node, stack)
        else:
            title = _component_title(tag, attrs)
            if title:  # an MDX component's card or tab title is text its page shows
                self._close_sink(stack)
                strong = self.make("strong", line, children=[self.make("text", line, text=title)])
                stack[-1].children.append(self.make("paragraph", line, children=[strong]))
            self._inline_event("start", (tag, attrs), self._sink_for(stack, line), line, self._blocks)

    def _block_node(self, tag: str, attrs: dict[str, str | None], line: int | None) -> Node:
        kind = BLOCK_KINDS[tag]
        node = self.make(kind, line)
        if kind == "div":
            classes = _classes(attrs)
            align = (attrs.get("align") or "").strip().lower()
            if tag == "center" or align == "center":
                classes = classes or ["center"]
            node.attrs["class"] = classes[0] if classes else ""
        elif kind == "ordered_list":
            start = (attrs.get("start") or "1").strip()
            node.attrs["start"] = int(start) if start.isdigit() and len(start) < 9 else 1
        if kind in ("bullet_list", "ordered_list"):
            node.attrs["tight"] = True
        return node

    def _open_block(self, tag: str, node: Node, stack: list[Node]) -> None:
        if len(stack) > MAX_BLOCK_DEPTH:
            return
        stack[-1].children.append(node)
        stack.append(node)
        self._blocks[id(node)] = _Open(tag, node)

    def _implied_end(self, stack: list[Node], tags: set[str]) -> None:
        while len(stack) > 1:
            entry = self._blocks.get(id(stack[-1]))
            if entry is None or entry.tag not in tags:
                return
            self._close_sink(stack)
            self.finish(stack.pop(), stack)

    def _end_block(self, tag: str, stack: list[Node]) -> None:
        if tag == "pre":
            if self._pre is not None:
                text = self._pre.text
                self._pre.text = text[1:] if text.startswith("\n") else text
                if self._pre.text and not self._pre.text.endswith("\n"):
                    self._pre.text += "\n"
                self._pre = None
            return
        if tag not in BLOCK_KINDS and tag not in INLINE_HOLDERS:
            if self._sink:
                self._inline_end(tag, self._sink, self._blocks)
            return
        for depth in range(len(stack) - 1, 0, -1):
            entry = self._blocks.get(id(stack[depth]))
            if entry is None:
                return  # a Markdown container: HTML closes nothing outside it
            if entry.tag == tag or (tag in ("td", "th") and entry.tag in ("td", "th")):
                self._close_sink(stack)
                while len(stack) > depth:
                    self.finish(stack.pop(), stack)
                return

    def close_before_markdown(self, stack: list[Node]) -> None:
        """A Markdown container is about to close: HTML elements still open inside it end here."""
        self._close_sink(stack)
        while len(stack) > 1 and id(stack[-1]) in self._blocks:
            self.finish(stack.pop(), stack)

    def before_markdown_block(self, stack: list[Node]) -> None:
        """A Markdown block starts: the paragraph raw HTML was filling is done."""
        self._close_sink(stack)

    def finish_all(self, stack: list[Node]) -> None:
        """The document ended: close whatever HTML left open."""
        self._close_sink(stack)
        while len(stack) > 1 and id(stack[-1]) in self._blocks:
            self.finish(stack.pop(), stack)
        self._pre = None
        self._skip = None

    def finish(self, node: Node, stack: list[Node]) -> None:
        """An HTML element ends: give it the shape the model wants."""
        self._blocks.pop(id(node), None)
        parent = stack[-1]
        if node.kind in _INLINE_CONTAINERS:
            node.children = _as_inlines(node.children, self.make)
            _trim(node)
        if node.kind == "figure":
            self._finish_figure(node, parent)
        elif node.kind == "table":
            self._finish_table(node, parent)
        elif node.kind == "figcaption" and not (parent.kind == "figure" and id(parent) in self._blocks):
            node.kind = "paragraph"  # a caption outside a figure is a paragraph
        elif node.kind == "caption" and parent.kind != "table":
            node.kind = "paragraph"
        elif node.kind == "details":
            if not node.children or node.children[0].kind != "summary":
                summary = next((c for c in node.children if c.kind == "summary"), None)
                if summary is not None:
                    node.children.remove(summary)
                else:
                    summary = self.make("summary", node.line, children=[self.make("text", node.line, text="Details")])
                node.children.insert(0, summary)
        elif node.kind in ("bullet_list", "ordered_list"):
            node.children = [c for c in node.children if c.kind == "list_item"] or node.children
            for item in node.children:
                for child in item.children:
                    if child.kind == "paragraph":
                        child.attrs["tight"] = True
        elif node.kind == "div" and not node.children and parent.children and parent.children[-1] is node:
            parent.children.pop()

    def _finish_figure(self, node: Node, parent: Node) -> None:
        images = [n for c in node.children if c.kind != "figcaption" for n in c.walk() if n.kind in ("image", "figure")]
        caption = next((c for c in node.children if c.kind == "figcaption"), None)
        if len(images) != 1:
            node.kind, node.attrs = "div", {"class": "figure"}
            for child in node.children:
                if child.kind == "figcaption":
                    child.kind = "paragraph"
            return
        image = images[0]
        node.attrs = dict(image.attrs)
        node.children = caption.children if caption is not None else list(image.children)

    def _finish_table(self, node: Node, parent: Node) -> None:
        """Rows straight under the table go into a body (a first row of header cells into a head);
        a caption becomes a paragraph after the table."""
        parts: list[Node] = []
        loose: list[Node] = []
        captions = [c for c in node.children if c.kind == "caption"]
        for child in node.children:
            if child.kind == "row":
                loose.append(child)
                continue
            if loose:
                parts.append(self.make("tbody", node.line, children=loose))
                loose = []
            if child.kind in ("thead", "tbody"):
                child.children = [r for r in child.children if r.kind == "row"]
                parts.append(child)
        if loose:
            if not parts and len(loose) > 1 and all(c.attrs.get("header") for c in loose[0].children):
                parts.append(self.make("thead", node.line, children=[loose.pop(0)]))
            parts.append(self.make("tbody", node.line, children=loose))
        for part in parts:
            for row in part.children:
                row.children = [c for c in row.children if c.kind == "cell"]
        node.children = parts
        for caption in captions:
            caption.kind = "paragraph"
            if parent.children and parent.children[-1] is node:
                parent.children.append(caption)


def _collapse(text: str) -> str:
    """HTML's white space: a run of spaces and newlines shows as one space."""
    core = " ".join(text.split())
    if not core:
        return " "
    return (" " if text[0].isspace() else "") + core + (" " if text[-1].isspace() else "")


def _trim(node: Node) -> None:
    """No white space at the start or end of a paragraph or cell."""
    if node.children and node.children[0].kind == "text":
        node.children[0].text = node.children[0].text.lstrip()
        if not node.children[0].text:
            node.children.pop(0)
    if node.children and node.children[-1].kind == "text":
        node.children[-1].text = node.children[-1].text.rstrip()
        if not node.children[-1].text:
            node.children.pop()


def _as_inlines(children: list[Node], make: Callable[..., Node]) -> list[Node]:
    """Blocks (Markdown written inside a table cell or summary) as inlines, a line break between them."""
    if all(c.kind not in _BLOCK_NODE_KINDS for c in children):
        return children
    out: list[Node] = []
    for child in children:
        if child.kind not in _BLOCK_NODE_KINDS:
            out.append(child)
            continue
        if out:
            out.append(make("hardbreak", child.line))
        if child.kind == "paragraph":
            out.extend(child.children)
        elif child.kind == "figure":
            out.append(Node("image", children=child.children, attrs=dict(child.attrs), line=child.line))
        elif child.kind == "code_block":
            out.append(make("code", child.line, text=child.text.rstrip("\n")))
        else:
            out.append(make("text", child.line, text=" ".join(plain_text([child]).split())))
    return out


_BLOCK_NODE_KINDS = frozenset({
    "paragraph", "heading", "figure", "bullet_list", "ordered_list", "list_item", "blockquote",
    "code_block", "table", "thead", "tbody", "row", "thematic_break", "div", "callout",
    "definition_list", "definition", "details", "math_block",
})


def lone_image_figure(paragraph: Node) -> Node | None:
    """An image alone in its paragraph becomes a figure captioned by its alt text."""
    kids = [c for c in paragraph.children if not (c.kind == "text" and not c.text.strip()) and c.kind not in ("softbreak", "hardbreak")]
    if len(kids) == 1 and kids[0].kind == "image":
        img = kids[0]
        return Node("figure", children=img.children, attrs=dict(img.attrs), line=paragraph.line)
    return None
