"""Model to HTML: the body and its footnotes, which the PDF, EPUB and web writers reuse (the themed page: page.py)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html import escape
from typing import Callable

from markupsafe import Markup

from ..media import texmath
from ..errors import warn
from ..model import Blocks, Document, Footnote, Node, Rich, plain_text
from ..read.critic import has_revisions, who
from ..read.language import text_direction


#: How footnotes are written: ``print`` floats them to the page foot (CSS
#: ``float: footnote``), ``epub`` uses EPUB 3 noterefs and asides, ``end`` an ordered list.
FOOTNOTE_STYLES = ("print", "epub", "end")
#: Element ids the theme templates use (title block, end matter, notes section).
RESERVED_IDS = frozenset({"title-block", "end-matter", "footnotes", "cover"})
#: How TeX math is written: ``mathml`` (EPUB, web) or ``svg`` pictures (the PDF: WeasyPrint has no MathML).
MATH_STYLES = ("mathml", "svg")
#: A width or height an image may be given (pandoc: a number is pixels).
_LENGTH = re.compile(r"^\d+(?:\.\d+)?(?:%|px|cm|mm|in|pt|pc|em|rem|ex)?$")
TASK_BOXES = {True: "\u2612", False: "\u2610"}  # ☒ ☐


def css_length(value: object) -> str | None:
    """A width or height attribute as a CSS length, or None when it is not one (pandoc: a number is px)."""
    text = str(value or "").strip()
    if not _LENGTH.match(text):
        return None
    return text + "px" if text[-1].isdigit() else text


def callout_label(kind: str, labels: dict[str, str] | None = None) -> str:
    """The label a callout of this type is shown with: the ``callout_<type>`` label of the article's
    language (theme/translations), else the type's name."""
    labels = labels or {}
    return str(labels.get(f"callout_{kind}") or kind.replace("-", " ").capitalize())


def slugify(text: str) -> str:
    """A stable ASCII id for a heading."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")
    return slug[:60] or "section"


@dataclass
class Heading:
    """A heading in the outline: level, id, plain text."""

    level: int
    id: str
    text: str


@dataclass
class HtmlRenderer:
    """Renders blocks and inlines as XHTML-compatible markup."""

    footnotes: str = "end"
    image_url: Callable[[Node], str] = lambda node: str(node.attrs.get("src", ""))
    #: Also spell a list's ``start`` as CSS counters: WeasyPrint reads the attribute only with its
    #: presentational hints, whose stylesheet costs a seventh of the article's PDF render.
    list_counters: bool = False
    notes: dict[int, Footnote] = field(default_factory=dict)
    headings: list[Heading] = field(default_factory=list)
    math: str = "mathml"
    labels: dict[str, str] = field(default_factory=dict)
    #: the article, for warnings that name a line
    source: object = None
    #: the direction of what is being written: the article's, then each block's own (a block
    #: whose first strong character goes the other way gets ``dir``, as ``dir="auto"`` would
    #: find it; WeasyPrint has no ``dir="auto"``, so it is computed here for every format)
    direction: str = "ltr"
    #: what note ids start with (``fn``, ``fnref``): a collection's page gives each article its own ("a3-fn")
    note_prefix: str = ""
    #: levels a heading goes down (a collection's page: under the article's title and its section)
    shift: int = 0
    #: a level of its own for some headings, by ``id()`` of their node (see ``consecutive_levels``)
    levels: dict[int, int] = field(default_factory=dict)
    _ids: set[str] = field(default_factory=set)

    # -- direction -----------------------------------------------------------
    def _directed(self, text: str, render: Callable[[], str], fallback: str | None = None) -> tuple[str, str]:
        """`` dir="..."`` for a block whose text goes the other way than the one around it
        (or ``fallback``'s way when it has no strong character), and the block rendered in its direction."""
        found = text_direction(text) or fallback or self.direction
        outer, self.direction = self.direction, found
        try:
            inner = render()
        finally:
            self.direction = outer
        return (f' dir="{found}"' if found != outer else ""), inner

    def _block_dir(self, node: Node, render: Callable[[], str]) -> tuple[str, str]:
        return self._directed(plain_text([node], opaque=_OPAQUE_TO_DIRECTION), render)

    # -- attributes ----------------------------------------------------------
    def attributes(self, node: Node, classes: list[str] | tuple[str, ...] = (), ident: bool = True) -> str:
        """` id="..." class="..."` from a node's pandoc attributes (ids made unique in the page)."""
        out = ""
        if ident and node.attrs.get("id"):
            ident = "-".join(str(node.attrs["id"]).split())
            out += f' id="{escape(self._unique(ident))}"'
        names = [*classes, *(str(c) for c in node.attrs.get("classes") or [])]
        names = [n for n in dict.fromkeys(names) if n]
        if names:
            out += f' class="{escape(" ".join(names))}"'
        return out

    # -- inlines -------------------------------------------------------------
    def inlines(self, nodes: list[Node]) -> str:
        return "".join(self.inline(n) for n in nodes)

    def inline(self, node: Node) -> str:
        kind = node.kind
        if kind == "text":
            return escape(node.text, quote=False)
        if kind == "code":  # code reads left to right, isolated from the text around it
            return f"<code{self.attributes(node)}{self._isolated('ltr')}>{escape(node.text, quote=False)}</code>"
        if kind == "kbd":
            return f"<kbd{self.attributes(node)}{self._isolated('ltr')}>{self.inlines(node.children)}</kbd>"
        if kind in ("sub", "sup"):
            return f"<{kind}{self.attributes(node)}>{self.inlines(node.children)}</{kind}>"
        if kind == "span":
            return f"<span{self.attributes(node)}>{self.inlines(node.children)}</span>"
        if kind == "math":
            return self.formula(node, display=bool(node.attrs.get("display")))
        if kind == "softbreak":
            return "\n"
        if kind == "hardbreak":
            return "<br/>\n"
        if kind in ("emph", "strong", "strike"):
            tag = {"emph": "em", "strong": "strong", "strike": "del"}[kind]
            return f"<{tag}{self.attributes(node)}>{self.inlines(node.children)}</{tag}>"
        if kind == "link":
            if node.attrs.get("missing"):  # a link to a local file that is not there: its text
                return f'<span{self.attributes(node, ["missing-link"])}>{self.inlines(node.children)}</span>'
            href = str(node.attrs.get("href", ""))
            title = node.attrs.get("title")
            title_attr = f' title="{escape(title)}"' if title else ""
            # a link whose text goes the other way (an address, an English name in Arabic) is isolated
            direction = self._isolated(text_direction(plain_text(node.children)) or self.direction)
            return f'<a href="{escape(href)}"{title_attr}{self.attributes(node)}{direction}>{self.inlines(node.children)}</a>'
        if kind == "image":
            return self.image(node, inline=True)
        if kind in ("insert", "delete", "highlight", "comment"):
            return self.revision(node)
        if kind == "footnote_ref":
            return self.footnote_ref(int(node.attrs["n"]))
        if node.children:  # an inline kind this writer does not know: its text, never lost
            return self.inlines(node.children)
        return escape(node.text, quote=False)

    def revision(self, node: Node) -> str:
        """CriticMarkup: an insertion or deletion (``<ins>``, ``<del>``) titled with who made it and
        when, highlighted text, and a comment as a note in the line, its author and date first."""
        author, date = who(node)
        said = ", ".join(v for v in (author, date[:10]) if v)
        data = "".join(f' data-{k}="{escape(v)}"' for k, v in (("author", author), ("date", date)) if v)
        title = f' title="{escape(said)}"' if said else ""
        inner = self.inlines(node.children)
        if node.kind == "comment":
            by = f'<span class="critic-by">{escape(said)}:</span> ' if said else ""
            # isolated in its own direction: an English note in an Arabic line keeps its colon after the name
            way = self._isolated(text_direction(said + " " + plain_text(node.children)) or self.direction)
            return f'<span class="critic-comment"{data}{way}>{by}{inner}</span>'
        tag = {"insert": "ins", "delete": "del", "highlight": "mark"}[node.kind]
        return f'<{tag} class="critic"{title}{data}>{inner}</{tag}>'

    def legend(self) -> str:
        """The paragraph that says this copy shows revisions, and how each kind looks."""
        label = lambda key: escape(str(self.labels.get(key, "")))  # noqa: E731 (the theme's labels)
        # an English legend in an Arabic article reads left to right, its colon at its end
        found = text_direction(str(self.labels.get("revisions", ""))) or self.direction
        way = f' dir="{found}"' if found != self.direction else ""
        return (f'<p class="revisions-legend"{way}>{label("revisions")} <ins class="critic">{label("revision_inserted")}</ins>, '
                f'<del class="critic">{label("revision_deleted")}</del>, '
                f'<span class="critic-comment">{label("revision_comment")}</span></p>')

    def _isolated(self, direction: str) -> str:
        """`` dir="..."`` for an inline that goes the other way than its text: the ``dir``
        attribute isolates it (HTML's ``unicode-bidi: isolate``), so "git (v2)" stays one unit."""
        return f' dir="{direction}"' if direction != self.direction else ""

    def image(self, node: Node, inline: bool) -> str:
        alt = escape(" ".join(_text(node.children).split()))
        src = escape(self.image_url(node))
        title = node.attrs.get("title")
        title_attr = f' title="{escape(str(title))}"' if inline and title else ""
        sizes = [f"{key}: {length}" for key in ("width", "height") if (length := css_length(node.attrs.get(key)))]
        style = f' style="{"; ".join(sizes)}"' if sizes else ""
        attrs = self.attributes(node, ["inline"] if inline else [], ident=inline)
        return f'<img src="{src}" alt="{alt}"{title_attr}{attrs}{style}/>'

    def formula(self, node: Node, display: bool) -> str:
        """TeX math as MathML or an SVG picture; the TeX in code style when it cannot be converted."""
        tex = node.text
        cls = "math-display" if display else "math-inline"
        if not node.attrs.get("invalid"):
            if self.math == "svg":
                pic = texmath.picture(tex, display)
                if pic is not None:
                    style = f"width: {pic.width}em; height: {pic.height}em; vertical-align: -{pic.depth}em"
                    return f'<img class="{cls}" src="{pic.url}" alt="{escape(tex)}" style="{style}"/>'
            else:
                markup = texmath.mathml(tex, display)
                if markup is not None:
                    return f'<span class="{cls}">{markup}</span>'
            if self.source is not None:
                warn("this TeX formula cannot be drawn; it is shown as its TeX source", self.source, node.line)
        return f'<code class="math-source">{escape(tex, quote=False)}</code>'

    def footnote_ref(self, n: int) -> str:
        if self.footnotes == "print" and n in self.notes:
            body = " ".join(self.block_inner(b) for b in self.notes[n].blocks)
            return f'<span class="footnote" id="{self.note_prefix}fn{n}">{body}</span>'
        if self.footnotes == "epub":
            return (
                f'<a class="noteref" epub:type="noteref" role="doc-noteref" id="{self.note_prefix}fnref{n}" '
                f'href="#{self.note_prefix}fn{n}">{n}</a>'
            )
        return f'<sup class="noteref"><a id="{self.note_prefix}fnref{n}" href="#{self.note_prefix}fn{n}" role="doc-noteref">{n}</a></sup>'

    # -- blocks --------------------------------------------------------------
    def blocks(self, nodes: list[Node]) -> str:
        return "\n".join(self.block(n) for n in nodes)

    def _quote(self, nodes: list[Node]) -> str:
        """A quotation's blocks; a last paragraph that opens with a dash (``— Name, role``) after
        the quoted ones is its attribution, ``class="attribution"``, which themes set apart."""
        last = nodes[-1] if len(nodes) > 1 else None
        if last is None or last.kind != "paragraph" or last.attrs.get("tight") \
                or not _text(last.children).lstrip().startswith(ATTRIBUTION_DASHES):
            return self.blocks(nodes)
        direction, inner = self._block_dir(last, lambda: self.inlines(last.children))
        return f'{self.blocks(nodes[:-1])}\n<p{self.attributes(last, ["attribution"])}{direction}>{inner}</p>'

    def block_inner(self, node: Node) -> str:
        """A block's content without its paragraph wrapper (for inline footnotes)."""
        if node.kind == "paragraph":
            return self.inlines(node.children)
        return self.block(node)

    def block(self, node: Node) -> str:
        kind = node.kind
        if kind == "paragraph":
            if node.attrs.get("tight"):
                return self.inlines(node.children)
            direction, inner = self._block_dir(node, lambda: self.inlines(node.children))
            return f"<p{self.attributes(node)}{direction}>{inner}</p>"
        if kind == "heading":
            level = min(max(self.levels.get(id(node), int(node.attrs["level"])), 1) + self.shift, 6)
            text = " ".join(_text(node.children).split())
            ident = self._unique(escape(str(node.attrs.get("id") or slugify(text))))
            self.headings.append(Heading(level, ident, text))
            direction, inner = self._block_dir(node, lambda: self.inlines(node.children))
            return f'<h{level} id="{ident}"{self.attributes(node, ident=False)}{direction}>{inner}</h{level}>'
        if kind == "figure":
            credit = node.attrs.get("title")
            direction, caption = self._block_dir(node, lambda: self.inlines(node.children))
            if credit:
                caption += f' <span class="credit">{escape(str(credit))}</span>'
            return (f'<figure{self.attributes(node)}>{self.image(node, inline=False)}'
                    f'<figcaption{direction}>{caption}</figcaption></figure>')
        if kind == "bullet_list":
            direction, inner = self._block_dir(node, lambda: self.blocks(node.children))
            if any("checked" in item.attrs for item in node.children):
                return f'<ul class="task-list"{direction}>\n{inner}\n</ul>'
            return f"<ul{direction}>\n{inner}\n</ul>"
        if kind == "ordered_list":
            start = int(node.attrs.get("start", 1))
            start_attr = f' start="{start}"' if start != 1 else ""
            if start != 1 and self.list_counters:
                start_attr += f' style="counter-reset: list-item {start}; counter-increment: list-item -1"'  # as css-lists-3's UA sheet
            direction, inner = self._block_dir(node, lambda: self.blocks(node.children))
            return f"<ol{start_attr}{direction}>\n{inner}\n</ol>"
        if kind == "list_item":
            direction, inner = self._block_dir(node, lambda: self.blocks(node.children))
            if "checked" in node.attrs:
                checked = bool(node.attrs["checked"])
                box = f'<span class="task-box" role="img" aria-label="{escape(self.labels.get("task_done" if checked else "task_todo", "done" if checked else "to do"))}">{TASK_BOXES[checked]}</span> '
                cls = "task done" if checked else "task"
                return f'<li class="{cls}"{direction}>{box}{inner}</li>'
            return f"<li{direction}>{inner}</li>"
        if kind == "definition_list":
            direction, inner = self._block_dir(node, lambda: self.blocks(node.children))
            return f"<dl{self.attributes(node)}{direction}>\n{inner}\n</dl>"
        if kind == "term":
            direction, inner = self._block_dir(node, lambda: self.inlines(node.children))
            return f"<dt{direction}>{inner}</dt>"
        if kind == "definition":
            direction, inner = self._block_dir(node, lambda: self.blocks(node.children))
            return f"<dd{direction}>{inner}</dd>"
        if kind == "callout":
            kind_name = str(node.attrs.get("type") or "note")
            title = node.attrs.get("title")
            safe = re.sub(r"[^a-z0-9-]", "", kind_name.lower()) or "note"
            attrs = self.attributes(node, ["callout", f"callout-{safe}"])

            def callout() -> str:
                label = self.inlines(title) if title else escape(callout_label(kind_name, self.labels))
                return f'\n<p class="callout-title">{label}</p>\n{self.blocks(node.children)}\n'

            direction, inner = self._directed(plain_text(node.children, opaque=_OPAQUE_TO_DIRECTION), callout)
            return f'<aside{attrs} role="note"{direction}>{inner}</aside>'
        if kind == "details":
            summary = next((c for c in node.children if c.kind == "summary"), None)
            rest = [c for c in node.children if c.kind != "summary"]

            def details() -> str:
                head = f"<summary>{self.inlines(summary.children)}</summary>" if summary is not None else ""
                return f"{head}\n{self.blocks(rest)}\n"

            direction, inner = self._block_dir(node, details)
            return f"<details{self.attributes(node)}{direction}>{inner}</details>"
        if kind == "summary":
            return f"<p><strong>{self.inlines(node.children)}</strong></p>"
        if kind == "math_block":  # a formula reads left to right in every language
            return f'<div class="math-block"{self._isolated("ltr")}>{self.formula(node, display=True)}</div>'

        if kind == "blockquote":
            direction, inner = self._block_dir(node, lambda: self._quote(node.children))
            return f"<blockquote{direction}>\n{inner}\n</blockquote>"
        if kind == "code_block":  # code reads left to right in every language
            info = node.attrs.get("info")
            cls = f' class="language-{escape(str(info))}"' if info else ""
            return f"<pre{self.attributes(node)}{self._isolated('ltr')}><code{cls}>{escape(node.text, quote=False)}</code></pre>"
        if kind == "thematic_break":
            return "<hr/>"
        if kind == "div":
            cls = str(node.attrs.get("class") or "")
            return f"<div{self.attributes(node, [cls] if cls else [])}>\n{self.blocks(node.children)}\n</div>"
        if kind == "table":
            direction, inner = self._block_dir(node, lambda: self.blocks(node.children))
            table = f"<table{self.attributes(node)}{direction}>\n{inner}\n</table>"
            # a wrapper, since WeasyPrint lets a block, not a table, span the columns
            return f'<div class="table-wide">{table}</div>' if is_wide_table(node) else table
        if kind in ("thead", "tbody"):
            return f"<{kind}>\n{self.blocks(node.children)}\n</{kind}>"
        if kind == "row":
            return f"<tr>{''.join(self.block(c) for c in node.children)}</tr>"
        if kind == "cell":
            tag = "th" if node.attrs.get("header") else "td"
            align = node.attrs.get("align")
            style = f' style="text-align: {align}"' if align in ("left", "right", "center", "justify") else ""
            spans = "".join(
                f' {name}="{int(node.attrs[name])}"' for name in ("colspan", "rowspan")
                if str(node.attrs.get(name, "")).isdigit() and int(node.attrs[name]) > 1
            )
            direction, inner = self._block_dir(node, lambda: self.inlines(node.children))
            return f"<{tag}{spans}{style}{direction}>{inner}</{tag}>"
        if node.children and node.children[0].kind in _BLOCK_KINDS:  # an unknown container: its blocks
            return f"<div>\n{self.blocks(node.children)}\n</div>"
        return f"<p>{escape(_text([node]), quote=False)}</p>"

    def endnotes(self, notes: list[Footnote]) -> str:
        """The footnotes section (empty for print, where notes float to the page foot)."""
        if not notes or self.footnotes == "print":
            return ""
        if self.footnotes == "epub":
            items = []
            for note in notes:
                back = f' <a class="backlink" href="#{self.note_prefix}fnref{note.n}" role="doc-backlink">↩\ufe0e</a>'
                content = self.blocks(note.blocks)
                # the back-link ends the note's last paragraph, not a line of its own
                content = content[:-4] + back + "</p>" if content.endswith("</p>") else content + back
                items.append(
                    f'<aside class="footnote" epub:type="footnote" role="doc-footnote" id="{self.note_prefix}fn{note.n}">'
                    f'<p class="note-number">{note.n}.</p>{content}</aside>'
                )
            return '<section class="footnotes" epub:type="footnotes" role="doc-endnotes">\n' + "\n".join(items) + "\n</section>"
        items = []
        for note in notes:
            back = f' <a class="backlink" href="#{self.note_prefix}fnref{note.n}" role="doc-backlink">↩</a>'
            items.append(f'<li id="{self.note_prefix}fn{note.n}">{self.blocks(note.blocks)}{back}</li>')
        return '<section class="footnotes" role="doc-endnotes">\n<ol>\n' + "\n".join(items) + "\n</ol>\n</section>"

    def _unique(self, ident: str) -> str:
        candidate, i = ident, 1
        while candidate in self._ids:
            i += 1
            candidate = f"{ident}-{i}"
        self._ids.add(candidate)
        return candidate


#: What a block's direction is not found in: its code (a paragraph that opens with `git` is
#: still Arabic), formulas and notes.
_OPAQUE_TO_DIRECTION = frozenset({"code", "code_block", "math", "math_block", "footnote_ref", "kbd"})

_BLOCK_KINDS = frozenset({
    "paragraph", "heading", "figure", "bullet_list", "ordered_list", "blockquote", "code_block", "table",
    "thematic_break", "div", "callout", "definition_list", "details", "math_block",
})


#: What opens a quotation's attribution line: an em dash, a horizontal bar, an en dash or two hyphens.
ATTRIBUTION_DASHES = ("\u2014", "\u2015", "\u2013", "--")


def _text(nodes: list[Node]) -> str:
    from ..model import plain_text

    return plain_text(nodes)


@dataclass
class RenderedBody:
    """The article body as HTML, with the outline and footnotes it produced."""

    body: Markup
    notes: Markup
    headings: list[Heading]


def consecutive_levels(doc: Document) -> dict[int, int]:
    """Heading levels that never skip one, by ``id()`` of each heading that needs a new one: a
    heading is at most one level below the one before it (the first at most level 2, under the
    title), so a README that opens with ``###`` reads as a section of its title, as screen readers
    and the accessibility checkers expect of a page that holds several articles."""
    levels: dict[int, int] = {}
    previous = 1
    for block in doc.blocks:
        for node in block.walk():
            if node.kind == "heading":
                level = min(max(int(node.attrs.get("level") or 1), 1), previous + 1)
                if level != node.attrs.get("level"):
                    levels[id(node)] = level
                previous = level
    return levels


def render_body(doc: Document, footnotes: str, image_url: Callable[[Node], str], list_counters: bool = False,
                math: str = "mathml", labels: dict[str, str] | None = None, note_prefix: str = "", shift: int = 0,
                ids: set[str] | None = None, levels: dict[int, int] | None = None) -> RenderedBody:
    """Render the document's blocks and footnotes in the given footnote and math styles; a
    collection's page renders each article with its own ``note_prefix``, headings ``shift``-ed
    down, and the page's ``ids`` (a set shared by its articles, so that no id is given twice)."""
    renderer = HtmlRenderer(footnotes=footnotes, image_url=image_url, notes={f.n: f for f in doc.footnotes},
                            list_counters=list_counters, math=math, labels=dict(labels or {}), source=doc.path,
                            direction=doc.meta.direction, note_prefix=note_prefix, shift=shift, levels=dict(levels or {}))
    if ids is not None:
        renderer._ids = ids
    # ids the templates and footnotes use: a heading must never take one of them
    renderer._ids.update(RESERVED_IDS)
    renderer._ids.update(f"{note_prefix}{prefix}{f.n}" for f in doc.footnotes for prefix in ("fn", "fnref"))
    body = renderer.blocks(doc.blocks)
    if has_revisions(doc.blocks + [b for f in doc.footnotes for b in f.blocks]):
        body = renderer.legend() + "\n" + body
    notes = renderer.endnotes(doc.footnotes)
    return RenderedBody(Markup(body), Markup(notes), renderer.headings)


def rich_html(value: Rich | None, direction: str = "ltr") -> Markup | None:
    """A metadata value's inline Markdown as HTML, in an article written in ``direction``; a value
    whose first strong letter goes the other way (an English notice in an Arabic article) in a
    ``<span dir>`` of its own, which isolates it: its final full stop stays at its end instead of
    moving to the line's other side."""
    if value is None:
        return None
    own = text_direction(value.text)
    if own is not None and own != direction:
        inner = HtmlRenderer(direction=own).inlines(value.inlines)
        return Markup(f'<span dir="{own}">{inner}</span>')
    return Markup(HtmlRenderer(direction=direction).inlines(value.inlines))


def blocks_html(value: Blocks, direction: str = "ltr") -> Markup:
    """A metadata value's block Markdown (an abstract) as HTML, in an article written in ``direction``."""
    return Markup(HtmlRenderer(direction=direction).blocks(value.blocks))


#: A table wider than this (columns, or characters in its longest row) does not fit a newspaper column.
WIDE_TABLE_COLUMNS = 4
WIDE_TABLE_CHARS = 60


def is_wide_table(node: Node) -> bool:
    """Whether a table needs the full text width rather than one column: four columns or more,
    or a row of more than WIDE_TABLE_CHARS characters."""
    rows = [row for part in node.children for row in part.children if row.kind == "row"]
    columns = max((len(row.children) for row in rows), default=0)
    longest = max((sum(len(_text(cell.children)) for cell in row.children) for row in rows), default=0)
    return columns >= WIDE_TABLE_COLUMNS or longest > WIDE_TABLE_CHARS
