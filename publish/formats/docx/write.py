"""Model to DOCX through python-docx: named theme styles, real lists, footnotes and hyperlinks, properties."""
from __future__ import annotations

import io
from copy import deepcopy
from dataclasses import dataclass, field, replace
from typing import Any

from docx import Document as new_document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Emu, Mm, Pt, Twips
from docx.table import Table
from docx.text.paragraph import Paragraph

from docx.enum.text import WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement

from ...media import texmath
from ...media.assets import for_format
from ..view import build_date
from ...errors import OutputError, warn
from ...media.font_embed import average_char_width, family_faces
from ...media.fonts import installed_family
from ..job import Job
from ...read.critic import has_revisions, who
from ...read.language import cjk_fonts, complex_language, language_script, text_script
from ...model import Node, plain_text
from ...theme.labels import folio_pieces
from ..zipfiles import normalize
from . import bidi
from . import marks
from . import fonts as docx_fonts
from . import parts
from . import revisions
from . import styles
from .ooxml import PPR_ORDER, element, put
from ..html import TASK_BOXES, callout_label, css_length, slugify

#: Characters a line of body text holds in the DOCX (Bringhurst's 45-75, 66 the ideal).
MEASURE = 66
#: The Word fields that stand for the folio pattern's numbers (``{page}`` of ``{pages}``).
_FOLIO_FIELDS = {"{page}": "PAGE", "{pages}": "NUMPAGES"}
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


@dataclass(frozen=True)
class Ctx:
    """Where a block sits: its default paragraph style, left indent (twips), and list level."""

    style: str = "Body Text"
    left: int = 0
    level: int = -1
    in_note: bool = False


@dataclass
class Story:
    """A place blocks are appended to: the body (before its section properties) or one footnote."""

    element: Any
    part: Any
    style_ids: dict[str, str]
    anchor: Any = None
    paragraphs: list[Paragraph] = field(default_factory=list)

    def _insert(self, child: Any) -> None:
        if self.anchor is not None:
            self.anchor.addprevious(child)
        else:
            self.element.append(child)

    def add_paragraph(self, style: str) -> Paragraph:
        p = element("w:p")
        self._insert(p)
        para = Paragraph(p, self)  # type: ignore[arg-type]
        p.get_or_add_pPr().style = self.style_ids[style]  # python-docx's by-name lookup scans styles.xml each time
        self.paragraphs.append(para)
        return para

    def add_table(self, rows: int, cols: int, width: int) -> Table:
        tbl = CT_Tbl.new_tbl(rows, cols, Emu(width))
        self._insert(tbl)
        return Table(tbl, self)  # type: ignore[arg-type]


class DocxWriter:
    """Walks the model and appends paragraphs in named styles to a python-docx Document."""

    #: Put before every bookmark name a heading or ``{#id}`` gives, and before the target of every
    #: ``#id`` link: a collection gives each article its own (``a3_``), so ids stay apart
    prefix: str = ""

    def __init__(self, job: Job) -> None:
        self.job = job
        # the CJK font of the article's language (Noto Serif CJK JP for ja, ...)
        self.options = {**job.theme.options, "font_cjk": cjk_fonts(job.doc.meta.lang, job.theme.options["font_cjk"])}
        self.complex_font: str | None = script_font(job.doc, self.options)
        # a theme's docx/reference.docx (pandoc's --reference-doc convention) wins over the options
        self.reference = getattr(job.theme, "reference_docx", None)
        self.docx = self._open_template()
        self.numbering = parts.Numbering(self.docx)
        self.notes_part: Any = None
        self.notes: list[tuple[int, int]] = []  # (footnote id, model footnote number) in reference order
        self.bookmarks: set[str] = set()
        self._bookmark_id = 0
        self._revision_id = 0
        self.comments: revisions.Comments | None = None
        body = self.docx.element.body
        for child in list(body):  # the template's own content (python-docx's is one empty paragraph)
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        parts.drop_body_relationships(self.docx)
        self.style_ids: dict[str, str] = {}  # style name -> id, filled once the styles are set up
        self.body = Story(body, self.docx.part, self.style_ids, anchor=body.find(qn("w:sectPr")))
        self.marks = marks.BlockMarks(body)  # where each block is, for `publish import`
        base = float(self.options["font_size"])
        self.quote_step = round(base * 1.5 * 20)

    def _open_template(self) -> Any:
        if self.reference is None:
            return new_document()
        try:
            return new_document(str(self.reference))
        except Exception as exc:  # python-docx raises its own types for a broken package
            raise OutputError(f"cannot use the Word reference document: {exc}", self.reference) from None

    # -- page ----------------------------------------------------------------
    def setup_page(self) -> None:
        section = self.docx.sections[-1]
        if self.options["paper"] == "letter":
            section.page_width, section.page_height = Mm(215.9), Mm(279.4)
        else:
            section.page_width, section.page_height = Mm(210), Mm(297)
        if self.reference is None:
            side = self.side_margin(int(section.page_width))
            section.left_margin = section.right_margin = Emu(side)
            section.top_margin, section.bottom_margin = Mm(25), Mm(25)
            section.header_distance = section.footer_distance = Mm(12)
        # the first page carries the title block, so it has no running head or foot (as in the PDF)
        section.different_first_page_header_footer = True
        _empty(section.first_page_header, "Header")
        _empty(section.first_page_footer, "Footer")
        view = self.job.view
        header = _empty(section.header, "Header")
        header.add_run(view.short_title)
        footer = _empty(section.footer, "Footer")
        labels = view.labels
        if view.publisher:
            footer.add_run(f"{view.publisher}  \u00b7  ")
        for piece in folio_pieces(labels["folio"]):
            if piece in _FOLIO_FIELDS:
                self._field(footer, _FOLIO_FIELDS[piece], "1")
            else:
                footer.add_run(piece)

    def side_margin(self, page_width: int) -> int:
        """Left and right margins (EMU) that give the body a measure of MEASURE characters, from
        the average width of the theme's body font (0.5 em when the theme does not bundle it),
        never less than 20 mm."""
        body = styles.word_fonts(self.options)[0]
        regular = family_faces(self.job.theme.chain, body).get("Regular")
        average = (average_char_width(regular.path) if regular else None) or 0.5
        # capitals, figures and punctuation make running text about 7% wider than the letters alone
        width = Pt(MEASURE * average * 1.07 * float(self.options["font_size"]))
        return max(int(Mm(20)), (page_width - int(width)) // 2)

    @staticmethod
    def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
        field_el = element("w:fldSimple", instr=f" {instruction} \\* MERGEFORMAT ")
        run = element("w:r")
        text = element("w:t")
        text.text = shown
        run.append(text)
        field_el.append(run)
        paragraph._p.append(field_el)

    @property
    def text_width(self) -> int:
        section = self.docx.sections[0]
        return int(section.page_width - section.left_margin - section.right_margin)

    @property
    def text_height(self) -> int:
        section = self.docx.sections[0]
        return int(section.page_height - section.top_margin - section.bottom_margin)

    # -- inlines -------------------------------------------------------------
    def inlines(self, paragraph: Paragraph, nodes: list[Node], ctx: Ctx, fmt: frozenset[str] = frozenset()) -> None:
        anchor: list[Any] = []  # the runs a highlight wrote, which the comments after it are on
        thread: Any = None  # the comment the next one replies to
        for i, node in enumerate(nodes):
            kind = node.kind
            if kind != "comment":
                thread = None
            if kind in ("insert", "delete", "highlight"):
                before = set(paragraph._p)
                commented = kind == "highlight" and i + 1 < len(nodes) and nodes[i + 1].kind == "comment"
                self.inlines(paragraph, node.children, ctx, fmt | ({"mark"} if kind == "highlight" and not commented else set()))
                added = [child for child in paragraph._p if child not in before]
                if kind == "highlight":
                    anchor = added
                else:
                    revisions.mark(added, kind, *who(node), self._next_revision)
                continue
            if kind == "comment":
                author, date = who(node)
                if self.comments is None:
                    self.comments = revisions.Comments(self.docx)
                ends = (anchor[0], anchor[-1]) if anchor else (None, None)
                made = self.comments.add(paragraph._p, *ends, plain_text(node.children), author, date, parent=thread)
                thread = made if thread is None else thread  # replies go under the thread's first comment
                continue
            anchor = []
            if kind == "text":
                self._run(paragraph, node.text, fmt)
            elif kind == "code":
                self._run(paragraph, node.text, fmt | {"code"})
            elif kind == "softbreak":
                self._run(paragraph, " ", fmt)
            elif kind == "hardbreak":
                paragraph.add_run().add_break()
            elif kind in ("emph", "strong", "strike", "sub", "sup"):
                self.inlines(paragraph, node.children, ctx, fmt | {kind})
            elif kind == "kbd":
                self.inlines(paragraph, node.children, ctx, fmt | {"code"})
            elif kind == "span":
                classes = {str(c) for c in node.attrs.get("classes") or []}
                extra = {name for name in ("smallcaps", "underline", "mark") if name in classes}
                if "kbd" in classes:
                    extra.add("code")
                self.inlines(paragraph, node.children, ctx, fmt | extra)
            elif kind == "link":
                if node.attrs.get("missing"):  # a link to a local file that is not there: its text
                    self.inlines(paragraph, node.children, ctx, fmt)
                else:
                    self._hyperlink(paragraph, str(node.attrs.get("href", "")), node.attrs.get("title"), node.children, ctx, fmt)
            elif kind == "image":
                self._picture(paragraph, node, inline=True)
            elif kind == "footnote_ref":
                self._footnote_ref(paragraph, int(node.attrs["n"]), ctx)
            elif kind == "math":
                self._math(paragraph, node, fmt)
            elif node.children:  # an inline kind this writer does not know: its text, never lost
                self.inlines(paragraph, node.children, ctx, fmt)
            elif node.text:
                self._run(paragraph, node.text, fmt)

    def _next_revision(self) -> int:
        self._revision_id += 1
        return self._revision_id

    def _math(self, paragraph: Paragraph, node: Node, fmt: frozenset[str]) -> bool:
        """A formula as Office math (m:oMath) in the paragraph; its TeX in code style if it cannot be converted."""
        omath = None if node.attrs.get("invalid") else texmath.omml(node.text, bool(node.attrs.get("display")))
        if omath is None:
            if not node.attrs.get("invalid"):
                warn("this TeX formula cannot be converted to Word math; it is shown as its TeX source",
                     self.job.doc.path, node.line)
            self._run(paragraph, node.text, fmt | {"code"})
            return False
        paragraph._p.append(omath)
        self._room_for_math(paragraph)
        return True

    def _room_for_math(self, paragraph: Paragraph) -> None:
        """Lines with a formula grow to fit it (the styles' exact leading would cut a fraction off)."""
        fmt = paragraph.paragraph_format
        if fmt.line_spacing_rule != WD_LINE_SPACING.AT_LEAST:
            fmt.line_spacing = Pt(float(self.options["font_size"]) * float(self.options["line_height"]))
            fmt.line_spacing_rule = WD_LINE_SPACING.AT_LEAST

    def _run(self, paragraph: Paragraph, text: str, fmt: frozenset[str]) -> Any:
        run = paragraph.add_run(text)
        if "emph" in fmt:
            run.italic = True
        if "strong" in fmt:
            run.bold = True
        if "strike" in fmt:
            run.font.strike = True
        if "code" in fmt:
            run._r.get_or_add_rPr().style = self.style_ids["Verbatim Char"]
        if "sub" in fmt:
            run.font.subscript = True
        elif "sup" in fmt:
            run.font.superscript = True
        if "smallcaps" in fmt:
            run.font.small_caps = True
        if "underline" in fmt:
            run.font.underline = True
        if "mark" in fmt:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return run

    def _hyperlink(self, paragraph: Paragraph, href: str, title: Any, children: list[Node], ctx: Ctx, fmt: frozenset[str]) -> None:
        if not href:
            self.inlines(paragraph, children, ctx, fmt)
            return
        link = element("w:hyperlink")
        if href.startswith("#"):
            link.set(qn("w:anchor"), _bookmark_name(self.prefix + href[1:]))
        else:
            link.set(qn("r:id"), paragraph.part.relate_to(href, RT.HYPERLINK, is_external=True))
        if title:
            link.set(qn("w:tooltip"), str(title))
        link.set(qn("w:history"), "1")
        before = set(paragraph._p)
        self.inlines(paragraph, children, ctx, fmt)
        added = [child for child in paragraph._p if child not in before]
        paragraph._p.append(link)
        for child in added:  # the runs just written move into the hyperlink, in the Hyperlink style
            if child.tag == qn("w:r") and child.find(qn("w:footnoteReference")) is None:
                rpr = child.get_or_add_rPr()
                rpr.style = self.style_ids["Hyperlink"]
            link.append(child)

    def _footnote_ref(self, paragraph: Paragraph, n: int, ctx: Ctx) -> None:
        if ctx.in_note:  # Word has no footnotes inside footnotes
            self._run(paragraph, str(n), frozenset()).font.superscript = True
            return
        ident = len(self.notes) + 1
        self.notes.append((ident, n))
        run = paragraph.add_run()
        run._r.get_or_add_rPr().style = self.style_ids["Footnote Reference"]
        run._r.append(element("w:footnoteReference", id=str(ident)))

    def _picture(self, paragraph: Paragraph, node: Node, inline: bool, cover: bool = False) -> None:
        asset = for_format(self.job.assets[str(node.attrs["src"])], "docx", self.job.doc, node.line)
        run = paragraph.add_run()
        try:
            shape = run.add_picture(io.BytesIO(asset.data))
        except Exception:  # python-docx's own header parser refuses some valid files (JPEG markers it does not know)
            try:
                shape = run.add_picture(io.BytesIO(_as_png(asset.data)))
            except Exception as exc:
                raise OutputError(f"cannot embed image '{asset.src}' in the DOCX: {type(exc).__name__} {exc}".rstrip(),
                                  self.job.doc.path, node.line) from None
        width, height = int(shape.width), max(int(shape.height), 1)
        asked_w = _emu(node.attrs.get("width"), self.text_width)
        asked_h = _emu(node.attrs.get("height"), self.text_height)
        if asked_w or asked_h:  # {width=50%}, {height=2cm}: as asked, keeping the proportions when one is given
            target_w = asked_w or int(width * asked_h / height)
            target_h = asked_h or int(height * target_w / width)
            if target_w > self.text_width:
                target_w, target_h = self.text_width, int(target_h * self.text_width / target_w)
        elif inline:  # an image inside text is as tall as the line, at most (as the print CSS)
            target_h = min(height, int(Pt(float(self.options["font_size"]) * 1.2)))
            target_w = int(width * target_h / height)
        else:  # figures keep their own size, at most as wide as the text and most of the page tall
            limit_h = self.text_height if cover else self.text_height * 0.7
            target_w = self.text_width if cover else min(width, self.text_width)
            target_h = int(height * target_w / width)
            if target_h > limit_h:
                target_h = int(limit_h)
                target_w = int(width * target_h / height)
        shape.width, shape.height = Emu(target_w), Emu(target_h)
        for side in ("distT", "distB", "distL", "distR"):  # absent, LibreOffice assumes an eighth of an inch
            shape._inline.set(side, "0")
        alt = " ".join(plain_text(node.children).split())
        doc_pr = shape._inline.find(qn("wp:docPr"))
        if doc_pr is not None:
            doc_pr.set("descr", alt)
            if node.attrs.get("title"):
                doc_pr.set("title", str(node.attrs["title"]))

    # -- blocks --------------------------------------------------------------
    def paragraph(self, story: Story, style: str, nodes: list[Node] | None = None, text: str | None = None,
                  ctx: Ctx = Ctx()) -> Paragraph:
        para = story.add_paragraph(style)
        if ctx.left != _style_left(style, self.quote_step):
            para.paragraph_format.left_indent = Twips(ctx.left)
        if text is not None:
            self._run(para, text, frozenset())
        if nodes:
            self.inlines(para, nodes, ctx)
        return para

    def blocks(self, story: Story, nodes: list[Node], ctx: Ctx) -> None:
        previous: Node | None = None
        for node in nodes:
            if nodes is self.job.doc.blocks:
                self.marks.block(node)
            if node.kind == "callout" and previous is not None and previous.kind == "callout":
                # Word draws paragraphs with equal borders as one box: a thin gap keeps two callouts apart
                gap = self.paragraph(story, ctx.style, ctx=ctx)
                gap.paragraph_format.line_spacing = Pt(2)
                gap.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                gap.paragraph_format.space_before = gap.paragraph_format.space_after = Pt(0)
            if node.kind == "paragraph" and ctx.style == "Body Text" and (previous is None or previous.kind != "paragraph"):
                # a paragraph that opens the text or follows a heading, figure, list...: no first-line indent
                self.paragraph(story, "First Paragraph", node.children, ctx=ctx)
            else:
                self.block(story, node, ctx)
            previous = node

    def block(self, story: Story, node: Node, ctx: Ctx) -> None:
        count = len(story.paragraphs)
        self._block(story, node, ctx)
        ident = node.attrs.get("id")
        if ident and node.kind != "heading" and not ctx.in_note and len(story.paragraphs) > count:
            self._bookmark(story.paragraphs[count], str(ident))  # {#id} on a figure, div, code...: a link target

    def _block(self, story: Story, node: Node, ctx: Ctx) -> None:
        kind = node.kind
        if kind == "paragraph":
            self.paragraph(story, ctx.style, node.children, ctx=ctx)
        elif kind == "heading":
            para = self.paragraph(story, f"Heading {min(int(node.attrs['level']), 4)}", node.children, ctx=replace(ctx, left=0))
            if not ctx.in_note:
                self._bookmark(para, str(node.attrs.get("id") or slugify(" ".join(plain_text(node.children).split()))))
        elif kind == "figure":
            self.figure(story, node, ctx)
        elif kind in ("bullet_list", "ordered_list"):
            self.list(story, node, ctx)
        elif kind == "blockquote":
            self.blocks(story, node.children, replace(ctx, style="Quote", left=ctx.left + self.quote_step))
        elif kind == "code_block":
            para = self.paragraph(story, "Source Code", ctx=ctx)
            lines = node.text.rstrip("\n").split("\n")
            for i, line in enumerate(lines):
                run = para.add_run(line)
                if i < len(lines) - 1:
                    run.add_break()
        elif kind == "thematic_break":
            self.paragraph(story, "Thematic Break", text="* * *", ctx=replace(ctx, left=0))
        elif kind == "div":
            style = {"caption": "Caption", "notice": "Notice"}.get(str(node.attrs.get("class")), ctx.style)
            self.blocks(story, node.children, replace(ctx, style=style))
        elif kind == "table":
            self.table(story, node, ctx)
        elif kind == "definition_list":
            for child in node.children:
                if child.kind == "term":
                    self.paragraph(story, "Definition Term", child.children, ctx=replace(ctx, left=0))
                else:
                    self.blocks(story, child.children, replace(ctx, style="Definition", left=0))
        elif kind == "callout":
            title = node.attrs.get("title")
            label = None if title else callout_label(str(node.attrs.get("type") or "note"), self.job.view.labels)
            self.paragraph(story, "Callout Title", title or None, text=label, ctx=replace(ctx, left=0))
            self.blocks(story, node.children, replace(ctx, style="Callout", left=0))
        elif kind == "details":  # a printed page cannot fold: the summary in bold, then its blocks
            summaries = [c for c in node.children if c.kind == "summary"]
            for summary in summaries[:1]:
                self.block(story, summary, ctx)
            self.blocks(story, [c for c in node.children if c not in summaries[:1]], ctx)
        elif kind == "summary":
            style = "First Paragraph" if ctx.style == "Body Text" else ctx.style
            para = self.paragraph(story, style, ctx=ctx)
            para.paragraph_format.keep_with_next = True
            self.inlines(para, node.children, ctx, frozenset({"strong"}))
        elif kind == "math_block":
            para = self.paragraph(story, "Display Math", ctx=ctx)
            omath = None if node.attrs.get("invalid") else texmath.omml(node.text, True)
            if omath is None:
                para._p.get_or_add_pPr().style = self.style_ids["Source Code"]
                self._math(para, node, frozenset())
            else:
                wrapper = OxmlElement("m:oMathPara")
                wrapper.append(omath)
                para._p.append(wrapper)
        elif node.children and node.children[0].kind not in _INLINE_KINDS:  # an unknown container: its blocks
            self.blocks(story, node.children, ctx)
        elif node.children or node.text:  # an unknown kind: its text, never lost
            self.paragraph(story, ctx.style, node.children or None, text=node.text or None, ctx=ctx)

    def figure(self, story: Story, node: Node, ctx: Ctx) -> None:
        para = self.paragraph(story, "Figure", ctx=replace(ctx, left=0))
        self._picture(para, node, inline=False)
        caption = self.paragraph(story, "Caption", node.children, ctx=replace(ctx, left=0))
        if node.attrs.get("title"):  # the credit on a line of its own: never run into the caption
            caption.add_run().add_break()
            self._run(caption, str(node.attrs["title"]), frozenset({"emph"}))

    def list(self, story: Story, node: Node, ctx: Ctx) -> None:
        ordered = node.kind == "ordered_list"
        num_id = self.numbering.new_list(ordered, int(node.attrs.get("start", 1) or 1))
        level = min(ctx.level + 1, 8)
        # in a footnote the items keep the note's small text; elsewhere Word's own list styles
        style = ctx.style if ctx.in_note else ("List Number" if ordered else "List Bullet")
        # where this list's text starts; outside any list, the numbering definition sets the indent
        outer = ctx.left if ctx.level < 0 else ctx.left - styles.LIST_INDENT * (ctx.level + 1)
        text_left = outer + styles.LIST_INDENT * (level + 1)
        inner = replace(ctx, style=ctx.style if ctx.in_note else _continue_style(level), left=text_left, level=level)
        count = len(story.paragraphs)
        for item in node.children:
            first, rest = (item.children[0], item.children[1:]) if item.children else (None, [])
            para = story.add_paragraph(style)
            num_pr = para._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = level
            num_pr.get_or_add_numId().val = num_id
            if outer:
                ind = element("w:ind", left=str(text_left), hanging=str(styles.LIST_INDENT))
                put(para._p.get_or_add_pPr(), ind, PPR_ORDER)
            if "checked" in item.attrs:  # a task: its box, ticked when done
                self._run(para, TASK_BOXES[bool(item.attrs["checked"])] + " ", frozenset())
            if first is not None and first.kind == "paragraph":
                self.inlines(para, first.children, inner)
            elif first is not None:
                rest = [first, *rest]
            self.blocks(story, rest, inner)
        if ctx.level < 0 and not ctx.in_note and len(story.paragraphs) > count:
            # list items sit close together; the paragraph after the list gets body spacing (CSS list margin)
            last = story.paragraphs[-1]
            last.paragraph_format.space_after = Pt(styles.block_gap(self.options))

    def table(self, story: Story, node: Node, ctx: Ctx) -> None:
        rows = [(section.kind, row) for section in node.children for row in section.children]
        if not rows:
            return
        # where each cell sits in the grid, once column and row spans are counted
        placed: list[tuple[int, int, int, int, Node]] = []  # row, column, rows spanned, columns spanned, cell
        taken: set[tuple[int, int]] = set()
        for r, (_, row) in enumerate(rows):
            c = 0
            for cell in row.children:
                while (r, c) in taken:
                    c += 1
                col_span = _span(cell.attrs.get("colspan"), MAX_SPAN)
                row_span = min(_span(cell.attrs.get("rowspan"), MAX_SPAN), len(rows) - r)
                placed.append((r, c, row_span, col_span, cell))
                taken.update((r + i, c + j) for i in range(row_span) for j in range(col_span))
                c += col_span
        cols = max(c + 1 for _, c in taken)
        widths = self.column_widths([row for _, row in rows], cols)
        table = story.add_table(len(rows), cols, sum(widths))
        table.style = styles.TABLE_STYLE
        for c, width in enumerate(widths):  # sized to the content, not stretched edge to edge
            table.columns[c].width = Emu(width)
            for cell in table.columns[c].cells:
                cell.width = Emu(width)
        cell_ctx = replace(ctx, style="Table Text", left=0)
        for r, (section, _) in enumerate(rows):
            if section == "thead":  # repeats on every page, and tells readers (pandoc too) it is a header
                tr_pr = table.rows[r]._tr.get_or_add_trPr()
                tr_pr.append(element("w:tblHeader"))
            for c in range(cols):
                table.cell(r, c).paragraphs[0]._p.get_or_add_pPr().style = self.style_ids["Table Text"]
        for r, c, row_span, col_span, cell in placed:
            target = table.cell(r, c)
            if row_span > 1 or col_span > 1:  # python-docx writes w:gridSpan and w:vMerge
                target = target.merge(table.cell(r + row_span - 1, c + col_span - 1))
            para = target.paragraphs[0]
            para._p.get_or_add_pPr().style = self.style_ids["Table Text"]
            self.inlines(para, cell.children, cell_ctx)
            if cell.attrs.get("align") in _ALIGN:
                para.alignment = _ALIGN[cell.attrs["align"]]
            for extra in target.paragraphs[1:]:  # a merge leaves the merged cells' empty paragraphs
                if not extra.text:
                    extra._p.getparent().remove(extra._p)

    def column_widths(self, rows: list[Node], cols: int) -> list[int]:
        """Each column's width (EMU) from its longest cell (no line of a cell longer than 40
        characters), padded; the whole scaled down to the text width when it would not fit."""
        size = float(self.options["font_size"]) * 0.9  # Table Text
        per_char = int(Pt(size * 0.6))  # a generous average: header cells are bold
        padding = int(Pt(size * 2.4))  # the cell margins of the table style
        natural = [0] * cols
        for row in rows:
            for c, cell in enumerate(row.children):
                words = " ".join(plain_text(cell.children).split())
                longest_word = max((len(w) for w in words.split()), default=0)
                chars = max(min(len(words), 40), longest_word, 3)
                natural[c] = max(natural[c], chars * per_char + padding)
        natural = [w or per_char * 3 + padding for w in natural]
        total = sum(natural)
        if total <= self.text_width:
            return natural
        return [int(w * self.text_width / total) for w in natural]

    def _bookmark(self, para: Paragraph, slug: str) -> None:
        slug = self.prefix + slug
        name, i = _bookmark_name(slug), 1
        while name in self.bookmarks:  # the number is kept whole: a long name is cut before it
            i += 1
            name = _bookmark_name(slug)[: 40 - len(f"-{i}")] + f"-{i}"
        self.bookmarks.add(name)
        start = element("w:bookmarkStart", id=str(self._bookmark_id), name=name)
        end = element("w:bookmarkEnd", id=str(self._bookmark_id))
        self._bookmark_id += 1
        ppr = para._p.pPr
        if ppr is not None:
            ppr.addnext(start)
        else:
            para._p.insert(0, start)
        para._p.append(end)

    # -- footnotes -----------------------------------------------------------
    def footnotes(self) -> None:
        if not self.notes:
            parts.drop_footnotes(self.docx)
            return
        self.notes_part = parts.add_footnotes_part(self.docx)
        by_number = {note.n: note for note in self.job.doc.footnotes}
        for ident, n in self.notes:
            note = by_number.get(n)
            self.footnote(ident, note.blocks if note else [])

    def footnote(self, ident: int, blocks: list[Node]) -> Any:
        """Write one note (w:footnote ``ident``) of these blocks into the notes part; its element."""
        note_el = parts.new_footnote(self.notes_part, ident)
        story = Story(note_el, self.notes_part, self.style_ids)
        ctx = Ctx(style="Footnote Text", in_note=True)
        if not blocks or blocks[0].kind != "paragraph":
            self.paragraph(story, "Footnote Text", ctx=ctx)
        self.blocks(story, blocks, ctx)
        first = story.paragraphs[0]
        mark = element("w:r")
        mark_pr = element("w:rPr")
        mark_pr.append(element("w:rStyle", val=self.style_ids["Footnote Reference"]))
        mark.append(mark_pr)
        mark.append(element("w:footnoteRef"))
        space = element("w:r")
        text = element("w:t")
        text.set(qn("xml:space"), "preserve")
        text.text = " "
        space.append(text)
        anchor = first._p.pPr
        if anchor is not None:
            anchor.addnext(mark)
        else:
            first._p.insert(0, mark)
        mark.addnext(space)
        return note_el

    # -- article -------------------------------------------------------------
    def cover(self) -> None:
        """The cover-image as a first page of its own (a section without running head or folio),
        unless the theme's ``cover_page`` option is off."""
        src = self.job.doc.meta.cover_image
        if not src or src not in self.job.assets or not self.options.get("cover_page", True):
            return
        para = self.paragraph(self.body, "Figure")
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._picture(para, Node("image", [Node("text", text=self.job.view.title.text)], attrs={"src": src}), inline=False, cover=True)
        body_section = self.docx.element.body.find(qn("w:sectPr"))
        section = deepcopy(body_section)
        for child in list(section):
            if child.tag in (qn("w:headerReference"), qn("w:footerReference"), qn("w:titlePg")):
                section.remove(child)
        para._p.get_or_add_pPr().append(section)

    def title_block(self) -> None:
        view, meta, story = self.job.view, self.job.doc.meta, self.body
        if view.source_name:
            self.paragraph(story, "Kicker", text=view.source_name)
        self.paragraph(story, "Title", meta.title.inlines)
        if meta.subtitle:
            self.paragraph(story, "Subtitle", meta.subtitle.inlines)
        facts = len(story.paragraphs)
        if view.authors:
            self.byline(story)
        if view.date_display:
            self.paragraph(story, "Date", text=view.date_display)
        if view.source_line:
            para = self.paragraph(story, "Source Line", text=f"{view.labels['source']} ")
            name = [Node("text", text=view.source_name or "")]
            if view.source_url:
                self._hyperlink(para, view.source_url, None, name, Ctx(), frozenset())
            else:
                self.inlines(para, name, Ctx())
            if view.source_display:
                self._run(para, f" ({view.source_display})", frozenset())
        gap = styles.facts_gap(self.options)
        if gap is not None and len(story.paragraphs) > facts:
            story.paragraphs[facts].paragraph_format.space_before = Pt(gap)
        # room between the title block's closing rule and the first line of the text
        last = story.paragraphs[-1].paragraph_format
        last.space_after = Pt(max(float(self.options["font_size"]) * 1.6, last.space_after.pt if last.space_after else 0))
        if view.abstract and meta.abstract:
            self.paragraph(story, "Abstract Title", text=view.labels["abstract"])
            self.blocks(story, meta.abstract.blocks, Ctx(style="Abstract"))

    def legend(self) -> None:
        """The paragraph that says this copy shows revisions (in Word, tracked changes and comments)."""
        labels = self.job.view.labels
        self.style_ids[revisions.LEGEND_STYLE] = revisions.legend_style(self.docx)
        para = self.paragraph(self.body, revisions.LEGEND_STYLE, text=labels.get('revisions', '') + ' ')
        self._run(para, labels.get("revision_inserted", ""), frozenset({"underline"}))
        self._run(para, ", ", frozenset())
        self._run(para, labels.get("revision_deleted", ""), frozenset({"strike"}))
        self._run(para, ", ", frozenset())
        self._run(para, labels.get("revision_comment", ""), frozenset({"mark"}))

    def byline(self, story: Story) -> None:
        """The authors, each with the numbers of their affiliations when there are several; then the affiliations."""
        view = self.job.view
        para = self.paragraph(story, "Author")
        for person in view.people:
            self._run(para, person.sep + person.name, frozenset())
            if view.numbered_affiliations and person.marks:
                self._run(para, ",".join(map(str, person.marks)), frozenset()).font.superscript = True
        if view.affiliations:
            para = self.paragraph(story, "Affiliation")
            for i, affiliation in enumerate(view.affiliations, start=1):
                if i > 1:
                    self._run(para, "; ", frozenset())
                if view.numbered_affiliations:
                    self._run(para, str(i), frozenset()).font.superscript = True
                self._run(para, affiliation, frozenset())

    def end_matter(self) -> None:
        meta, view, story = self.job.doc.meta, self.job.view, self.body
        if meta.contact:
            self.paragraph(story, "Contact", meta.contact.inlines)
        if meta.rights:
            self.paragraph(story, "Notice", meta.rights.inlines)
        for credit in meta.credits:
            self.paragraph(story, "Credit", credit.inlines)
        if view.publisher:
            self.paragraph(story, "End Matter", text=f"{view.labels['publisher']} {view.publisher}")
        if view.keywords:
            self.paragraph(story, "End Matter", text=f"{view.labels['keywords']} {view.keywords_shown}")

    def properties(self) -> None:
        view = self.job.view
        when = build_date(self.job.doc.meta)
        core = self.docx.core_properties
        core.title = _core_text(view.title.text)
        core.author = _core_text("; ".join(view.authors) or (view.publisher or ""))
        core.subject = _core_text((view.subtitle.text if view.subtitle else None) or view.description or (view.source_line or ""))
        core.keywords = _core_text(view.keywords_text)
        core.comments = _core_text(view.description or "")
        core.language = _core_text(view.lang)
        core.identifier = _core_text(view.identifier)
        core.last_modified_by = _core_text(view.publisher or "")
        core.created = when
        core.modified = when
        core.revision = 1
        marked = {"title": core.title, "creator": core.author, "keywords": core.keywords, "description": core.comments}
        parts.custom_properties(self.docx, self.marks.properties(self.job.doc, self.job.project, marked, {
            **reprint_properties(view),
            # core properties stop at 255 characters: keep the whole text beside them
            **{name: text for name, text in (("Title", view.title.text), ("Keywords", view.keywords_text))
               if len(text) > CORE_TEXT_LIMIT},
        }))
        parts.app_properties(self.docx, view.publisher)

    def render(self) -> bytes:
        self.prepare()
        self.cover()
        self.title_block()
        if has_revisions(self.job.doc.blocks + [b for f in self.job.doc.footnotes for b in f.blocks]):
            self.legend()
        self.blocks(self.body, self.job.doc.blocks, Ctx())
        self.marks.block(None)
        self.end_matter()
        self.footnotes()
        if self.comments is not None:
            self.comments.finish()
        self.properties()
        stories = [self.docx.part] + ([self.notes_part] if self.notes_part is not None else [])
        parts.number_drawings(stories)
        # right-to-left paragraphs, runs and tables, in the body, the notes, headers and footers
        bidi.lay_out([self.docx.element.body, *(part.element for part in stories[1:]), *self.sides()], self.job.view.dir,
                     self.code_styles())
        self.marks.apply(self.job.doc, self.style_ids, self.docx.part, self._bookmark_id, self.notes_part, self.notes)
        return self.package()

    def code_styles(self) -> frozenset[str]:
        """The style ids of code (its runs keep the article's direction and fonts)."""
        return frozenset(self.style_ids[name] for name in ("Verbatim Char", "Source Code") if name in self.style_ids)

    def sides(self) -> list[Any]:
        """The root elements of every header and footer part."""
        return [part.element for part in self.docx.part.package.iter_parts()
                if str(part.partname).startswith(("/word/header", "/word/footer")) and hasattr(part, "element")]

    def prepare(self) -> None:
        """Styles, list definitions, settings, the font table and the page, before any text."""
        opts = self.options
        styles.setup(self.docx, opts, self.job.view.lang, only_missing=self.reference is not None,
                     complex_font=self.complex_font, complex_lang=complex_language(self.job.view.lang))
        self.style_ids.update((style.name, style.style_id) for style in self.docx.styles)
        if self.reference is None:
            self.numbering.restyle(self.docx, "List Bullet", self.numbering.new_list(False))
            self.numbering.restyle(self.docx, "List Number", self.numbering.new_list(True))
        parts.tune_settings(self.docx, self.job.view.lang)
        parts.drop_template_leftovers(self.docx)
        parts.font_table(self.docx, styles.font_table(opts))
        self.setup_page()
        if self.reference is None:
            styles.header_tabs(self.docx, self.text_width // 635)  # EMU to twips

    def complex_fonts(self) -> list[str]:
        """The complex-script fonts (w:cs) the document names: the article's."""
        return [self.complex_font] if self.complex_font else []

    def package(self) -> bytes:
        """The theme's fonts embedded, the package saved with fixed dates and order."""
        # and the installed complex-script font (w:cs) the article's Arabic, Hebrew, Devanagari... is set in
        system = tuple(family for family in self.complex_fonts() if installed_family(family))
        docx_fonts.embed_fonts(self.docx, list(styles.word_fonts(self.options)), self.job.theme, system)
        out = io.BytesIO()
        self.docx.save(out)
        return normalize(out.getvalue(), build_date(self.job.doc.meta), first=("[Content_Types].xml",))


def script_font(doc: Any, options: dict[str, Any]) -> str | None:
    """The complex-script font (w:cs) of the article's script: its language's (Noto Naskh Arabic
    for ar), else that of the script it quotes most (an English article with Arabic passages);
    of the theme's ``font_scripts`` families the first one installed, as the PDF draws the script
    with it (else the theme's first)."""
    meta = doc.meta
    script = language_script(meta.lang) or text_script(meta.title.text + "\n" + plain_text(doc.blocks))
    faces = options.get("font_scripts", {}).get(script or "") or []
    faces = sorted(faces, key=lambda family: not installed_family(family))
    return faces[0] if faces else None


def reprint_properties(view: Any) -> dict[str, str | None]:
    """The reprint's own fields as custom properties, by name (None: the article lacks it)."""
    return {
        "Rights": view.rights.text if view.rights else None,
        "Source": view.source_name,
        "SourceURL": view.source_url,
        "Publisher": view.publisher,
        "Contact": view.contact.text if view.contact else None,
        "Date": view.date_iso,
        "Credits": "; ".join(c.text for c in view.credits) or None,
    }


def _empty(header_footer: Any, style: str) -> Paragraph:
    """A header or footer of its own, emptied of the template's content: one paragraph in ``style``."""
    header_footer.is_linked_to_previous = False
    root = header_footer._element
    for child in list(root):
        root.remove(child)
    para = header_footer.add_paragraph()
    para.style = style
    return para


def _style_left(style: str, quote_step: int) -> int:
    """The left indent (twips) a paragraph style gives by itself."""
    if style == "Quote":
        return quote_step
    if style.startswith("List Continue"):
        depth = int(style.rsplit(" ", 1)[-1]) if style[-1].isdigit() else 1
        return styles.LIST_INDENT * depth
    return 0


def _continue_style(level: int) -> str:
    """The style of a list item's later paragraphs at a level (0-based)."""
    return "List Continue" if level == 0 else f"List Continue {min(level + 1, 3)}"


_INLINE_KINDS = frozenset({
    "text", "emph", "strong", "strike", "code", "link", "image", "softbreak", "hardbreak", "footnote_ref",
    "sup", "sub", "kbd", "span", "math",
})
#: A cell spans at most this many rows or columns (bounds the grid a table can ask for).
MAX_SPAN = 64


def _span(value: object, limit: int) -> int:
    text = str(value or "1").strip()
    return max(1, min(int(text), limit)) if text.isdigit() else 1


_EMU = {"px": 9525, "pt": 12700, "pc": 152400, "in": 914400, "cm": 360000, "mm": 36000}


def _emu(value: object, whole: int) -> int:
    """A pandoc width or height (``50%``, ``3cm``, ``200px``, ``200``) in EMU; 0 when absent or unusable."""
    length = css_length(value)
    if length is None:
        return 0
    for unit in ("%", "px", "pt", "pc", "in", "cm", "mm", "em", "rem", "ex"):
        if length.endswith(unit):
            number = float(length[: -len(unit)])
            if unit == "%":
                return int(whole * min(number, 100) / 100)
            if unit in _EMU:
                return int(number * _EMU[unit])
            return int(number * 12 * 12700)  # em: the body size, about 12 pt
    return 0


def _as_png(data: bytes) -> bytes:
    """An image Pillow can read, written again as PNG (for a file python-docx cannot parse)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _bookmark_name(slug: str) -> str:
    """A Word bookmark name for a heading id: starts with a letter, at most 40 characters."""
    name = slug if slug[:1].isalpha() else f"h_{slug}"
    return name[:40]


#: python-docx refuses core property texts longer than this (the full texts stay visible
#: in the document and in the custom properties).
CORE_TEXT_LIMIT = 255


def _core_text(text: str) -> str:
    """A core property value, shortened with an ellipsis to the length Word's properties allow."""
    return text if len(text) <= CORE_TEXT_LIMIT else text[: CORE_TEXT_LIMIT - 1] + "…"


def write(job: Job) -> bytes:
    """Render the article to DOCX bytes (a collection: ``output.write``)."""
    return DocxWriter(job).render()
