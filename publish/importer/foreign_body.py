"""A Word file's body as publish's Markdown blocks: headings (by style name or outline level),
paragraphs, lists (by numbering), block quotes, code blocks, tables (pipe tables, or HTML tables
for merged cells), images, footnotes and endnotes, and the title block's paragraphs set apart.
Whatever has no Markdown is a warning naming its paragraph, never dropped unsaid."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..formats.docx.marks import M, R, W, WP
from ..media.assets import LINK_SCHEMES
from ..media.texmath import check as check_tex
from .foreign_inline import Piece, code_span, escape, render, tidy
from .foreign_math import omml_tex
from .foreign_styles import ListLevel, Styles, on, run_marks

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_V = "{urn:schemas-microsoft-com:vml}"
_O = "{urn:schemas-microsoft-com:office:office}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
_HEADING = re.compile(r"^heading\s*(\d)$")
#: Style names (in lower case, without spaces, as LibreOffice may write them) of each kind of paragraph.
_QUOTES = {"quote", "intensequote", "blocktext", "blockquote", "blockquotation", "quotation", "quotations"}
_CODE = re.compile(r"^(source code|html preformatted|preformatted( text)?|plain text|macro text|verbatim|code( block)?)$|code")
_CAPTIONS = {"caption", "imagecaption", "tablecaption", "figurecaption"}
_TITLE_BLOCK = {"title": "title", "subtitle": "subtitle", "author": "author", "date": "date", "abstract": "abstract"}
_SKIPPED_STYLES = re.compile(r"^(toc \d|toc heading|table of figures|index \d|index heading)$")
#: The label pandoc writes above an abstract ("Abstract", in the document's language): publish writes its own.
_LABELS = re.compile(r"^abstract ?title$")
_BULLET_STYLE = re.compile(r"^list bullet( \d)?$")
_NUMBER_STYLE = re.compile(r"^list number( \d)?$")
_HYPERLINK = re.compile(r'^\s*HYPERLINK\s+(?:"([^"]*)"|(\S+))?(.*)$', re.S)
#: Fields whose shown result has no meaning outside Word's own layout (page numbers, a contents list).
_DROPPED_FIELDS = {"PAGE", "NUMPAGES", "SECTIONPAGES", "PAGEREF", "TOC", "INDEX", "XE", "TC", "RD"}
#: Left indentation (twips) from which an unnumbered paragraph reads as a block quote (1 cm).
QUOTE_INDENT = 567
#: Elements inside a paragraph or run that carry nothing to show.
_SILENT = {W + t for t in ("pPr", "rPr", "bookmarkEnd", "proofErr", "permStart", "permEnd", "commentRangeStart",
                            "commentRangeEnd", "commentReference", "annotationRef", "lastRenderedPageBreak",
                            "footnoteRef", "endnoteRef", "separator", "continuationSeparator", "softHyphen",
                            "dayShort", "dayLong", "monthShort", "monthLong", "yearShort", "yearLong", "pgNum",
                            "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
                            "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart",
                            "customXmlDelRangeEnd", "noProof", "sectPr", "tblPr", "tblGrid", "trPr", "tcPr")}
_UNWRAPPED = {W + t for t in ("smartTag", "customXml", "dir", "bdo", "ins", "moveTo")}


@dataclass
class Block:
    """One block of the new article: its kind, its Markdown lines, and what lists and quotes need."""

    kind: str  # heading, para, item, quote, code, table, break, caption
    text: str = ""
    level: int = 0
    list: ListLevel | None = None
    image_only: bool = False
    #: a table's text without its Markdown (what a table inside a table cell becomes)
    plain: str = ""


@dataclass
class Context:
    """What converting one Word file needs: its styles, how an image and a note become Markdown,
    where warnings go, and the anchors links point at."""

    styles: Styles
    link_target: Callable[[str], str]
    image: Callable[[str, str, str], str | None]
    note: Callable[[str, str], str]
    warn: Callable[[str], None]
    anchors: set[str] = field(default_factory=set)
    title_block: dict[str, list[str]] = field(default_factory=dict)
    paragraphs: int = 0


def anchor_id(name: str) -> str:
    """A bookmark's name as an identifier publish's Markdown takes (a letter first)."""
    cleaned = re.sub(r"[^\w\-.:]", "-", name)
    return cleaned if re.match(r"[^\W\d_]", cleaned) else "bm" + cleaned.lstrip("_")


def _text_of(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(W + "t", M + "t"))


def _paragraphs_text(element: Any) -> str:
    """The text of the paragraphs in an element (a table, a cell), a space between them."""
    return " ".join(" ".join(_text_of(p).split()) for p in element.iter(W + "p") if _text_of(p).strip())


def _where(ctx: Context, para: Any) -> str:
    text = " ".join(_text_of(para).split())
    short = text if len(text) <= 50 else text[:47] + "…"
    return f"paragraph {ctx.paragraphs}" + (f" (“{short}”)" if short else "")


class _Runs:
    """A paragraph's content walked in order into pieces, with the state fields need."""

    def __init__(self, ctx: Context, para: Any, code_block: bool) -> None:
        self.ctx, self.para, self.code_block = ctx, para, code_block
        self.pieces: list[Piece] = []
        self.field: list[dict[str, Any]] = []  # open complex fields: instruction, whether shown, result pieces
        self.equations = 0

    def warn(self, message: str) -> None:
        self.ctx.warn(f"{_where(self.ctx, self.para)}: {message}")

    def out(self) -> list[Piece]:
        if self.equations:
            many = self.equations > 1
            self.warn(f"{self.equations if many else 'an'} equation{'s are' if many else ' is'} imported as plain text "
                      "(no TeX for part of it here: write it again as TeX math, $...$)")
            self.equations = 0
        while self.field:  # a field the paragraph does not end (it runs on, or the file is broken): closed here
            self._close_field(self.field.pop())
        return self.pieces

    def emit(self, piece: Piece) -> None:
        if self.field:
            top = self.field[-1]
            if top["state"] == "instr":
                return
            if not top["shown"]:
                return
            top["pieces"].append(piece)
        else:
            self.pieces.append(piece)

    def walk(self, element: Any, marks: frozenset[str] = frozenset()) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SILENT:
                continue
            if tag == W + "r":
                self.run(child, marks)
            elif tag in _UNWRAPPED:
                self.walk(child, marks)
            elif tag == W + "hyperlink":
                self.hyperlink(child, marks)
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.walk(content, marks)
            elif tag == W + "fldSimple":
                self.open_field(child.get(W + "instr", ""))
                self.field[-1]["state"] = "result"
                self.walk(child, marks)
                self._close_field(self.field.pop())
            elif tag == W + "bookmarkStart":
                name = child.get(W + "name", "")
                if name in self.ctx.anchors:
                    self.emit(Piece("atom", f"[]{{#{anchor_id(name)}}}"))
            elif tag in (M + "oMath", M + "oMathPara"):
                tex = omml_tex(child)
                if tex is not None and check_tex(tex):
                    fence = "$$" if tag == M + "oMathPara" else "$"
                    self.emit(Piece("atom", f"{fence}{tex}{fence}"))
                else:
                    self.equations += 1
                    self.emit(Piece("text", " ".join(_text_of(child).split()), marks))
            elif tag == _MC + "AlternateContent":
                self.walk(_alternative(child), marks)
            elif tag in (W + "del", W + "moveFrom"):
                continue  # left by the tracked changes' resolution only when it had nothing to say
            else:
                self.warn(f"<{_local(tag)}> is not imported")

    def hyperlink(self, link: Any, marks: frozenset[str]) -> None:
        rid = link.get(R + "id")
        target = self.ctx.link_target(rid) if rid else ""
        anchor = link.get(W + "anchor", "")
        if anchor:
            target = f"{target}#{anchor_id(anchor)}" if target else f"#{anchor_id(anchor)}"
        inner = _Runs(self.ctx, self.para, self.code_block)
        inner.walk(link, marks)
        self._link(target, inner.out())

    def _link(self, target: str, children: list[Piece]) -> None:
        scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", target)
        if scheme and scheme.group(1).lower() not in LINK_SCHEMES:
            self.warn(f"a link to {target[:60]!r} is left out (publish links only to {', '.join(sorted(LINK_SCHEMES))}); "
                      "its text is kept")
            target = ""
        if not target or self.code_block:
            for piece in children:
                self.emit(piece)
            return
        shared = frozenset.intersection(*[p.marks for p in children if p.kind != "atom"]) if any(
            p.kind != "atom" for p in children) else frozenset()
        for piece in children:
            piece.marks = piece.marks - shared
        self.emit(Piece("link", target=target, marks=shared - {"sup", "sub"}, children=children))

    def open_field(self, instruction: str) -> None:
        self.field.append({"instr": instruction, "state": "instr", "shown": True, "pieces": []})

    def _close_field(self, done: dict[str, Any]) -> None:
        words = done["instr"].split()
        kind = words[0].upper() if words else ""
        pieces = done["pieces"]
        if kind in _DROPPED_FIELDS:
            return
        if kind == "HYPERLINK":
            found = _HYPERLINK.match(done["instr"])
            target = (found.group(1) or found.group(2) or "") if found else ""
            local = re.search(r'\\l\s+"([^"]*)"', done["instr"])
            if local:
                target = f"{target}#{anchor_id(local.group(1))}"
            self._link(target, pieces)
            return
        for piece in pieces:
            self.emit(piece)

    def run(self, run: Any, marks: frozenset[str]) -> None:
        rpr = run.find(W + "rPr")
        own = set(marks) | run_marks(rpr)
        style = rpr.find(W + "rStyle") if rpr is not None else None
        if style is not None:
            own |= self.ctx.styles.style_marks(style.get(W + "val", ""))
        if self.code_block:
            own = set()
        code = "code" in own
        flags = frozenset(own - {"code"})
        for child in run:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SILENT:
                continue
            if tag == W + "fldChar":
                kind = child.get(W + "fldCharType")
                if kind == "begin":
                    self.open_field("")
                elif kind == "separate" and self.field:
                    self.field[-1]["state"] = "result"
                    first = (self.field[-1]["instr"].split() or [""])[0].upper()
                    self.field[-1]["shown"] = first not in _DROPPED_FIELDS
                elif kind == "end" and self.field:
                    self._close_field(self.field.pop())
                continue
            if tag == W + "instrText":
                if self.field and self.field[-1]["state"] == "instr":
                    self.field[-1]["instr"] += child.text or ""
                continue
            if tag in (W + "t", W + "delText"):
                self.emit(Piece("code" if code else "text", child.text or "", flags))
            elif tag in (W + "tab", W + "ptab"):
                self.emit(Piece("code" if code else "text", "\t" if self.code_block else " ", flags))
            elif tag in (W + "br", W + "cr"):
                if child.get(W + "type") in ("page", "column"):
                    continue
                self.emit(Piece("atom", "\n" if self.code_block else "\\\n"))
            elif tag == W + "noBreakHyphen":
                self.emit(Piece("code" if code else "text", "-", flags))
            elif tag == W + "sym":
                self.warn(f"a symbol (font {child.get(W + 'font', '?')}, character {child.get(W + 'char', '?')}) is not imported")
            elif tag == W + "footnoteReference":
                self.emit(Piece("atom", self.ctx.note("footnote", child.get(W + "id", ""))))
            elif tag == W + "endnoteReference":
                self.emit(Piece("atom", self.ctx.note("endnote", child.get(W + "id", ""))))
            elif tag in (W + "drawing", W + "pict"):
                self.picture(child)
            elif tag == _MC + "AlternateContent":
                for inner in _alternative(child):
                    if inner.tag in (W + "drawing", W + "pict"):
                        self.picture(inner)
                    else:
                        self.warn(f"<{_local(inner.tag)}> is not imported")
            elif tag == W + "object":
                self.warn("an embedded object (OLE) is not imported")
            else:
                self.warn(f"<{_local(tag)}> is not imported")

    def picture(self, drawing: Any) -> None:
        if any(rect.get(_O + "hr") in ("t", "true") for rect in drawing.iter(_V + "rect")):
            self.emit(Piece("atom", "\n---\n"))
            return
        for box in drawing.iter(W + "txbxContent"):
            self.warn(f"a text box is not imported (“{' '.join(_text_of(box).split())[:40]}”)")
            return
        doc_pr = next(drawing.iter(WP + "docPr"), None)
        alt = (doc_pr.get("descr") or doc_pr.get("title") or "") if doc_pr is not None else ""
        title = doc_pr.get("title", "") if doc_pr is not None else ""
        blip = next(drawing.iter(_A + "blip"), None)
        rid = blip.get(R + "embed") if blip is not None else None
        if rid is None:
            data = next(drawing.iter(_V + "imagedata"), None)
            rid = data.get(R + "id") if data is not None else None
        if rid is None:
            what = "a chart" if any("chart" in (g.get("uri") or "") for g in drawing.iter(_A + "graphicData")) else "a drawing"
            self.warn(f"{what} with no picture in it is not imported")
            return
        path = self.ctx.image(rid, alt, _where(self.ctx, self.para))
        if path is None:
            return
        alt_md = escape(" ".join(alt.split()))
        shown = f'![{alt_md}]({path}' + (f' "{_title(title)}"' if title and title != alt else "") + ")"
        self.emit(Piece("atom", shown))


def _alternative(content: Any) -> list[Any]:
    """What a markup-compatibility block holds: its first choice (the newer markup), else its fallback."""
    for tag in (_MC + "Choice", _MC + "Fallback"):
        found = content.find(tag)
        if found is not None:
            return list(found)
    return []


def _title(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# -- paragraphs ----------------------------------------------------------------------------------
def paragraph(ctx: Context, para: Any, anchors: list[str]) -> Block | None:
    """One paragraph as a block of the new article (None: nothing to show, or part of the title block)."""
    ctx.paragraphs += 1
    styles = ctx.styles
    ppr = para.find(W + "pPr")
    style_el = ppr.find(W + "pStyle") if ppr is not None else None
    style = style_el.get(W + "val", "") if style_el is not None else ""
    names = styles.names(style or styles.default_paragraph)
    name = names[0] if names else ""
    if _LABELS.match(name):
        return None
    if any(_SKIPPED_STYLES.match(n) for n in names[:1]):
        if _text_of(para).strip():
            ctx.warn(f"{_where(ctx, para)}: a paragraph of Word's {name!r} (a table of contents or index) is left out")
        return None
    level = _heading_level(styles, ppr, style, names)
    code_block = level is None and (any(_CODE.search(n) for n in names[:2]) or styles.monospace_style(style))
    walker = _Runs(ctx, para, code_block)
    for anchor in anchors:
        if anchor in ctx.anchors:
            walker.emit(Piece("atom", f"[]{{#{anchor_id(anchor)}}}"))
    walker.walk(para)
    pieces = _trim(walker.out())
    breaks = ("\n", "\\\n")
    if not code_block and level is None and any(p.kind == "code" for p in pieces) and all(
            p.kind == "code" or (p.kind == "text" and not p.text.strip()) or p.text in breaks for p in pieces):
        code_block = True  # every run in a monospace font: a code line
    if code_block:  # its characters as they are, lines broken where Word breaks them (no anchors, no pictures)
        return Block("code", "".join("\n" if p.kind == "atom" else p.text for p in pieces
                                     if p.kind in ("text", "code") or p.text in breaks))
    if not pieces:
        return None
    if level is not None:
        ids = [p.text for p in pieces if p.kind == "atom" and p.text.startswith("[]{#")]
        rest = [p for p in pieces if not (p.kind == "atom" and p.text.startswith("[]{#"))]
        if rest and all("strong" in p.marks for p in rest if p.kind in ("text", "code")):
            for p in rest:
                p.marks = p.marks - {"strong"}
        text = tidy(render(rest)).replace("\\\n", " ").replace("\n", " ")
        if ids:
            text += " {" + ids[0][3:-1] + "}"
        return Block("heading", text, level=min(level, 6))
    text = tidy(render(pieces))
    if name in _TITLE_BLOCK:
        ctx.title_block.setdefault(_TITLE_BLOCK[name], []).append(text)
        return None
    image_only = all(p.kind == "atom" and p.text.startswith("![") for p in pieces)
    if any(n.replace(" ", "") in _CAPTIONS for n in names):
        return Block("caption", text)
    if all(p.kind == "atom" and p.text == "\n---\n" for p in pieces):
        return Block("break", "---")
    listed = _list_of(styles, ppr, style, names)
    if listed is not None:
        return Block("item", text, list=listed)
    if any(n.replace(" ", "") in _QUOTES for n in names[:2]) or _indented(ppr):
        return Block("quote", text)
    return Block("para", text, image_only=image_only)


def _trim(pieces: list[Piece]) -> list[Piece]:
    """No line breaks at a paragraph's ends (a break there shows nothing, and breaks Markdown)."""
    while pieces and pieces[0].kind == "atom" and pieces[0].text == "\\\n":
        pieces.pop(0)
    while pieces and pieces[-1].kind == "atom" and pieces[-1].text == "\\\n":
        pieces.pop()
    return pieces


def _heading_level(styles: Styles, ppr: Any, style: str, names: list[str]) -> int | None:
    for name in names:
        found = _HEADING.match(name)
        if found and found.group(1) != "0":
            return int(found.group(1))
    outline = styles.paragraph_property(ppr, style, "outlineLvl")
    value = outline.get(W + "val", "") if outline is not None else ""
    if value.isdigit() and int(value) < 9:
        return int(value) + 1
    return None


def _list_of(styles: Styles, ppr: Any, style: str, names: list[str]) -> ListLevel | None:
    numpr = styles.paragraph_property(ppr, style, "numPr")
    if numpr is not None:
        num = numpr.find(W + "numId")
        ilvl = numpr.find(W + "ilvl")
        level = int(ilvl.get(W + "val", "0")) if ilvl is not None and ilvl.get(W + "val", "0").isdigit() else 0
        found = styles.list_level(num.get(W + "val", "") if num is not None else "", min(level, 8))
        if found is not None or (num is not None and num.get(W + "val") == "0"):
            return found
    for name in names[:1]:
        if _BULLET_STYLE.match(name) or _NUMBER_STYLE.match(name):
            depth = int(name.rsplit(" ", 1)[-1]) - 1 if name[-1].isdigit() else 0
            return ListLevel("style:" + name.split()[1], depth, name.startswith("list number"), 1)
    return None


def _indented(ppr: Any) -> bool:
    ind = ppr.find(W + "ind") if ppr is not None else None
    if ind is None:
        return False
    def twips(name: str) -> int:
        value = ind.get(W + name) or ""
        return int(value) if value.lstrip("-").isdigit() else 0
    left = twips("left") or twips("start")
    return left >= QUOTE_INDENT and twips("hanging") < left // 2 and twips("firstLine") >= 0


# -- tables --------------------------------------------------------------------------------------
def table(ctx: Context, tbl: Any, convert: Callable[[Any], list[Block]]) -> Block:
    """A table as a pipe table when every cell is one cell of the grid, else as an HTML table
    (rowspan and colspan kept); a cell's paragraphs are joined by line breaks."""
    rows: list[list[dict[str, Any]]] = []
    header_rows = 0
    for tr in tbl.iter(W + "tr"):
        if next(tr.iterancestors(W + "tbl")) is not tbl:
            continue
        trpr = tr.find(W + "trPr")
        if trpr is not None and on(trpr.find(W + "tblHeader")) and header_rows == len(rows):
            header_rows += 1
        cells = []
        for tc in tr.findall(W + "tc") + [c for holder in tr.findall(W + "sdt") for c in holder.iter(W + "tc")]:
            tcpr = tc.find(W + "tcPr")
            span = tcpr.find(W + "gridSpan") if tcpr is not None else None
            merge = tcpr.find(W + "vMerge") if tcpr is not None else None
            blocks = convert(tc)
            if any(block.kind == "table" for block in blocks):
                ctx.warn(f"a table inside a table cell is imported as its text (“{_paragraphs_text(tc)[:40]}”)")
            cells.append({"span": int(span.get(W + "val", "1")) if span is not None and (span.get(W + "val") or "").isdigit() else 1,
                          "merge": None if merge is None else (merge.get(W + "val") or "continue"),
                          "blocks": blocks, "rows": 1})
        rows.append(cells)
    # vertical merges: a continued cell adds a row to the cell above it that started the merge
    columns: dict[int, dict[str, Any]] = {}
    for cells in rows:
        at = 0
        for cell in cells:
            if cell["merge"] == "continue" and at in columns:
                columns[at]["rows"] += 1
                cell["gone"] = True
            else:
                columns[at] = cell
            for spanned in range(at, at + cell["span"]):
                if spanned != at:
                    columns.pop(spanned, None)
            at += cell["span"]
    simple = all(cell["span"] == 1 and cell["merge"] is None for cells in rows for cell in cells) \
        and len({len(cells) for cells in rows}) <= 1
    plain = _paragraphs_text(tbl)
    if simple and rows:
        return Block("table", _pipe_table(rows), plain=plain)
    return Block("table", _html_table(rows, header_rows), plain=plain)


def _cell_text(cell: dict[str, Any], separator: str) -> str:
    parts = []
    for block in cell["blocks"]:
        if block.kind == "code":
            parts.append(code_span(block.text.replace("\n", " ")) if block.text.strip() else "")
        elif block.kind == "table":
            parts.append(escape(block.plain))
        else:
            parts.append(block.text.replace("\\\n", separator).replace("\n", " "))
    return separator.join(p for p in parts if p)


def _pipe_table(rows: list[list[dict[str, Any]]]) -> str:
    """The first row as the header (a pipe table has one), the others as its body."""
    texts = [[_cell_text(cell, "<br>").replace("|", "\\|").replace("\\\\|", "\\|") for cell in cells] for cells in rows]
    width = max(len(cells) for cells in texts)
    texts = [cells + [""] * (width - len(cells)) for cells in texts]
    lines = ["| " + " | ".join(texts[0]) + " |", "|" + "|".join(["---"] * width) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in texts[1:]]
    return "\n".join(lines)


def _html_table(rows: list[list[dict[str, Any]]], header_rows: int) -> str:
    lines = ["<table>"]
    for r, cells in enumerate(rows):
        lines.append("<tr>")
        tag = "th" if r < header_rows else "td"
        for cell in cells:
            if cell.get("gone"):
                continue
            attrs = (f' colspan="{cell["span"]}"' if cell["span"] > 1 else "") + \
                    (f' rowspan="{cell["rows"]}"' if cell["rows"] > 1 else "")
            text = _cell_text(cell, "<br>")
            lines.append(f"<{tag}{attrs}>\n\n{text}\n\n</{tag}>" if text else f"<{tag}{attrs}></{tag}>")
        lines.append("</tr>")
    lines.append("</table>")
    return "\n".join(lines)


# -- the body ------------------------------------------------------------------------------------
def blocks(ctx: Context, container: Any) -> list[Block]:
    """The blocks of a body, a table cell, a note or a content control, in order."""
    found: list[Block] = []
    pending: list[str] = []
    for child in container:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == W + "p":
            block = paragraph(ctx, child, pending)
            pending = []
            if block is not None:
                found.append(block)
        elif tag == W + "tbl":
            found.append(table(ctx, child, lambda cell: blocks(ctx, cell)))
        elif tag == W + "sdt":
            gallery = child.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
            content = child.find(W + "sdtContent")
            if gallery is not None and "contents" in (gallery.get(W + "val") or "").lower():
                ctx.warn("a table of contents is left out (publish makes its own from the headings)")
            elif content is not None:
                found.extend(blocks(ctx, content))
        elif tag in _UNWRAPPED:
            found.extend(blocks(ctx, child))
        elif tag == W + "bookmarkStart":
            pending.append(child.get(W + "name", ""))
        elif tag in _SILENT or tag in (W + "tc", W + "del", W + "moveFrom"):
            continue
        elif tag == W + "altChunk":
            ctx.warn("an embedded document (altChunk) is not imported")
        elif tag == M + "oMathPara":
            tex = omml_tex(child)
            if tex is not None and check_tex(tex):
                found.append(Block("para", f"$${tex}$$"))
            else:
                ctx.warn(f"an equation is imported as plain text ({' '.join(_text_of(child).split())[:40]})")
                found.append(Block("para", escape(" ".join(_text_of(child).split()))))
        else:
            ctx.warn(f"<{_local(tag)}> between paragraphs is not imported")
    return found


def markdown(found: list[Block]) -> str:
    """The blocks as Markdown: a blank line between blocks; lists nested by level, code fenced,
    quotes marked, an image caption that repeats its picture's alt text left out."""
    out: list[str] = []
    previous: Block | None = None
    lists = _Lists()
    i = 0
    while i < len(found):
        block = found[i]
        if block.kind == "item":
            assert block.list is not None
            if previous is not None and (previous.kind != "item" or (block.list.level == 0 and lists.top is not None
                                                                       and lists.top[1] != block.list.ordered)):
                out.append("")  # a blank line before a list, and between a bullet list and a numbered one
            out.extend(lists.item(block, previous is not None and previous.kind == "item"))
            previous = block
            i += 1
            continue
        if out:
            out.append("")
        if block.kind == "heading":
            out.append("#" * block.level + " " + block.text)
        elif block.kind == "code":
            lines = [block.text]
            while i + 1 < len(found) and found[i + 1].kind == "code":
                i += 1
                lines.append(found[i].text)
            text = "\n".join(lines).rstrip("\n")
            longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
            fence = "`" * (longest + 1)
            out.extend([fence, *text.split("\n"), fence])
        elif block.kind == "quote":
            quoted = [block.text]
            while i + 1 < len(found) and found[i + 1].kind == "quote":
                i += 1
                quoted.append(found[i].text)
            for n, text in enumerate(quoted):
                if n:
                    out.append(">")
                out.extend(("> " + line).rstrip() for line in text.split("\n"))
        elif block.kind == "caption" and previous is not None and previous.image_only and \
                _words(_alt_of(previous.text)) == _words(block.text):
            out.pop()  # the figure's caption is its alt text already
        elif block.kind == "caption" and previous is not None and previous.image_only and previous.text.startswith("![]"):
            out.pop()  # a picture with no alt text: its caption is the figure's caption
            out[-1] = previous.text = "![" + block.text.replace("\n", " ") + previous.text[2:]
        else:
            out.append(block.text)
        previous = block
        i += 1
    return "\n".join(out).strip("\n") + "\n" if out else ""


class _Lists:
    """List items written one after another: nested by their level, numbered on from where their
    Word list stands, and two lists that follow each other kept apart by their marker."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str, int, int]] = []  # open items: level, list, indent, content indent
        self.counters: dict[tuple[str, int], int] = {}
        self.marks: dict[tuple[str, bool], str] = {}  # by numbering and kind (one numbering's levels may differ)
        self.top: tuple[str, bool] | None = None  # the outermost list: its numbering, ordered or not

    def item(self, block: Block, continues: bool) -> list[str]:
        listed = block.list
        assert listed is not None
        if not continues:
            self.stack, self.top = [], None
        while self.stack and self.stack[-1][0] > listed.level:
            self.stack.pop()
        if self.stack and self.stack[-1][0] == listed.level:
            indent = self.stack.pop()[2]
        else:
            indent = self.stack[-1][3] if self.stack else 0
        if not self.stack:
            if continues and self.top is not None and self.top[0] != listed.num and self.top[1] == listed.ordered \
                    and (listed.num, listed.ordered) not in self.marks:
                self.marks[(listed.num, listed.ordered)] = _other_mark(self.marks.get(self.top, ""), listed.ordered)
            self.top = (listed.num, listed.ordered)
        for key in [k for k in self.counters if k[0] == listed.num and k[1] > listed.level]:
            del self.counters[key]  # a level's numbering starts again under each item above it
        number = self.counters.get((listed.num, listed.level), listed.start)
        self.counters[(listed.num, listed.level)] = number + 1
        mark = self.marks.setdefault((listed.num, listed.ordered), "." if listed.ordered else "-")
        marker = f"{number}{mark} " if listed.ordered else f"{mark} "
        body = block.text.split("\n")
        self.stack.append((listed.level, listed.num, indent, indent + len(marker)))
        return [" " * indent + marker + body[0]] + [" " * (indent + len(marker)) + line for line in body[1:]]


def _other_mark(mark: str, ordered: bool) -> str:
    if ordered:
        return ")" if mark != ")" else "."
    return "*" if mark != "*" else "-"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _alt_of(markdown_text: str) -> str:
    found = re.match(r"^!\[((?:\\.|[^\]\\])*)\]", markdown_text)
    return found.group(1) if found else ""
