"""Model to DOCX through python-docx: named styles from the theme, real hyperlinks, properties."""
from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from docx import Document as new_document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ..context import build_date
from ..errors import OutputError
from ..job import Job
from ..model import Node
from ..zipfiles import normalize

CUSTOM_PROPS_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_PROPS_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}

#: Paragraph styles publish adds to Word's built-in ones: name -> (based on, settings).
CUSTOM_STYLES: dict[str, tuple[str, dict[str, Any]]] = {
    "Kicker": ("Normal", {"bold": True, "accent": True, "size": 0.8, "caps": True}),
    "Date": ("Normal", {"muted": True, "size": 0.9}),
    "Source Line": ("Normal", {"muted": True, "size": 0.9}),
    "Source Code": ("Normal", {"mono": True, "size": 0.85}),
    "Contact": ("Normal", {"size": 0.85}),
    "Notice": ("Normal", {"italic": True, "size": 0.85, "border": True}),
    "Credit": ("Normal", {"muted": True, "italic": True, "size": 0.85}),
    "End Matter": ("Normal", {"muted": True, "size": 0.85}),
}


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


class DocxWriter:
    """Walks the model and appends styled paragraphs to a python-docx Document."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.options = job.theme.options
        self.docx = new_document()
        self.notes: list[tuple[int, list[Node]]] = []

    # -- styles --------------------------------------------------------------
    def setup_styles(self) -> None:
        opts = self.options
        styles = self.docx.styles
        base = float(opts["font_size"])
        body_font, heading_font, mono_font = opts["font_body"][0], opts["font_heading"][0], opts["font_mono"][0]
        normal = styles["Normal"]
        normal.font.name = body_font
        normal.font.size = Pt(base)
        normal.font.color.rgb = _rgb(opts["color_text"])
        normal.paragraph_format.space_after = Pt(base * 0.5)
        normal.paragraph_format.line_spacing = float(opts["line_height"]) / 1.15
        body = styles["Body Text"]
        body.font.name = body_font
        body.paragraph_format.space_after = Pt(base * 0.6)
        title = styles["Title"]
        title.font.name = heading_font
        title.font.size = Pt(base * float(opts["heading_scale"][0]) * 1.25)
        title.font.color.rgb = _rgb(opts["color_text"])
        title.font.bold = True
        subtitle = styles["Subtitle"]
        subtitle.font.name = heading_font
        subtitle.font.italic = True
        for level in range(1, 5):
            heading = styles[f"Heading {level}"]
            heading.font.name = heading_font
            heading.font.size = Pt(base * float(opts["heading_scale"][level - 1]))
            heading.font.color.rgb = _rgb(opts["color_accent"] if level == 1 else opts["color_text"])
        caption = styles["Caption"]
        caption.font.color.rgb = _rgb(opts["color_muted"])
        caption.font.size = Pt(base * 0.85)
        caption.font.bold = False
        caption.font.italic = True
        for name, (based_on, settings) in CUSTOM_STYLES.items():
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles[based_on]
            style.quick_style = True
            font = style.font
            font.size = Pt(base * settings.get("size", 1.0))
            font.bold = settings.get("bold")
            font.italic = settings.get("italic")
            font.all_caps = settings.get("caps")
            if settings.get("mono"):
                font.name = mono_font
            if settings.get("accent"):
                font.color.rgb = _rgb(opts["color_accent"])
            elif settings.get("muted"):
                font.color.rgb = _rgb(opts["color_muted"])
            if settings.get("border"):
                _paragraph_border(style.element, opts["color_accent"])
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.underline = True
        link.font.color.rgb = _rgb(opts["color_accent"])
        code = styles.add_style("Verbatim Char", WD_STYLE_TYPE.CHARACTER)
        code.font.name = mono_font
        self._set_language()

    def _set_language(self) -> None:
        defaults = self.docx.styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
        if rpr is None:
            return
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), self.job.view.lang)
        lang.set(qn("w:eastAsia"), self.job.view.lang if self.job.view.lang.startswith(("zh", "ja", "ko")) else "zh-CN")

    # -- page ----------------------------------------------------------------
    def setup_page(self) -> None:
        section = self.docx.sections[0]
        if self.options["paper"] == "letter":
            section.page_width, section.page_height = Mm(215.9), Mm(279.4)
        else:
            section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin, section.bottom_margin = Mm(25), Mm(25)
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        header.text = self.job.view.short_title
        header.style = self.docx.styles["Header"]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer = section.footer.paragraphs[0]
        footer.style = self.docx.styles["Footer"]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        labels = self.job.view.labels
        footer.add_run(f"{labels['page']} ")
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        footer._p.append(field)
        if self.job.view.publisher:
            footer.add_run(f" · {self.job.view.publisher}")

    # -- inlines -------------------------------------------------------------
    def inlines(self, paragraph: Any, nodes: list[Node], fmt: frozenset[str] = frozenset()) -> None:
        for node in nodes:
            kind = node.kind
            if kind == "text":
                self._run(paragraph, node.text, fmt)
            elif kind == "code":
                self._run(paragraph, node.text, fmt | {"code"})
            elif kind == "softbreak":
                self._run(paragraph, " ", fmt)
            elif kind == "hardbreak":
                paragraph.add_run().add_break()
            elif kind in ("emph", "strong", "strike"):
                self.inlines(paragraph, node.children, fmt | {kind})
            elif kind == "link":
                self._hyperlink(paragraph, str(node.attrs.get("href", "")), node.children, fmt)
            elif kind == "image":
                self._picture(paragraph, node, inline=True)
            elif kind == "footnote_ref":
                run = paragraph.add_run(str(node.attrs["n"]))
                run.font.superscript = True

    def _run(self, paragraph: Any, text: str, fmt: frozenset[str]) -> Any:
        run = paragraph.add_run(text)
        if "emph" in fmt:
            run.italic = True
        if "strong" in fmt:
            run.bold = True
        if "strike" in fmt:
            run.font.strike = True
        if "code" in fmt:
            run.style = self.docx.styles["Verbatim Char"]
        return run

    def _hyperlink(self, paragraph: Any, href: str, children: list[Node], fmt: frozenset[str]) -> None:
        if not href:
            self.inlines(paragraph, children, fmt)
            return
        if href.startswith("#"):
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), href[1:])
        else:
            rid = paragraph.part.relate_to(href, RT.HYPERLINK, is_external=True)
            link = OxmlElement("w:hyperlink")
            link.set(qn("r:id"), rid)
        paragraph._p.append(link)
        start = len(paragraph.runs)
        self.inlines(paragraph, children, fmt)
        # move the runs just added into the hyperlink element, styled as links
        for run in paragraph.runs[start:]:
            run.style = self.docx.styles["Hyperlink"]
            link.append(run._r)

    def _picture(self, paragraph: Any, node: Node, inline: bool) -> None:
        asset = self.job.assets[str(node.attrs["src"])]
        section = self.docx.sections[0]
        width = section.page_width - section.left_margin - section.right_margin
        run = paragraph.add_run()
        try:
            shape = run.add_picture(io.BytesIO(asset.data))
        except Exception as exc:  # python-docx raises its own types for unreadable images
            raise OutputError(f"cannot embed image '{asset.src}' in the DOCX: {exc}", self.job.doc.path, node.line) from None
        if inline:
            shape.height, shape.width = Pt(12), int(shape.width * Pt(12) / max(shape.height, 1))
        elif shape.width > width:
            shape.height = int(shape.height * width / shape.width)
            shape.width = width
        alt = " ".join("".join(n.text for n in node.walk() if n.kind == "text").split())
        doc_pr = shape._inline.find(qn("wp:docPr"))
        if doc_pr is not None:
            doc_pr.set("descr", alt)

    # -- blocks --------------------------------------------------------------
    def paragraph(self, style: str, nodes: list[Node] | None = None, text: str | None = None) -> Any:
        para = self.docx.add_paragraph(style=self.docx.styles[style])
        if text is not None:
            self._run(para, text, frozenset())
        if nodes:
            self.inlines(para, nodes)
        return para

    def blocks(self, nodes: list[Node], context: dict[str, Any] | None = None) -> None:
        for node in nodes:
            self.block(node, context or {})

    def block(self, node: Node, ctx: dict[str, Any]) -> None:
        kind = node.kind
        if kind == "paragraph":
            style = ctx.get("para_style", "Body Text")
            self.paragraph(style, node.children)
        elif kind == "heading":
            self.paragraph(f"Heading {min(int(node.attrs['level']), 9)}", node.children)
        elif kind == "figure":
            para = self.docx.add_paragraph(style=self.docx.styles["Normal"])
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.paragraph_format.keep_with_next = True
            self._picture(para, node, inline=False)
            caption = self.paragraph("Caption", node.children)
            if node.attrs.get("title"):
                self._run(caption, " " + str(node.attrs["title"]), frozenset())
        elif kind in ("bullet_list", "ordered_list"):
            depth = ctx.get("depth", 0) + 1
            base = "List Bullet" if kind == "bullet_list" else "List Number"
            style = base if depth == 1 else f"{base} {min(depth, 3)}"
            for item in node.children:
                first = True
                for child in item.children:
                    if child.kind == "paragraph":
                        self.paragraph(style if first else f"List Continue{'' if depth == 1 else ' ' + str(min(depth, 3))}", child.children)
                        first = False
                    else:
                        self.block(child, {**ctx, "depth": depth})
        elif kind == "blockquote":
            self.blocks(node.children, {**ctx, "para_style": "Quote"})
        elif kind == "code_block":
            for line in node.text.rstrip("\n").split("\n"):
                self.paragraph("Source Code", text=line)
        elif kind == "thematic_break":
            para = self.paragraph("Body Text", text="* * *")
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "div":
            style = {"caption": "Caption", "notice": "Notice"}.get(str(node.attrs.get("class")), ctx.get("para_style", "Body Text"))
            self.blocks(node.children, {**ctx, "para_style": style})
        elif kind == "table":
            self.table(node)

    def table(self, node: Node) -> None:
        rows = [row for section in node.children for row in section.children]
        if not rows:
            return
        cols = max(len(r.children) for r in rows)
        table = self.docx.add_table(rows=len(rows), cols=cols)
        table.style = self.docx.styles["Light List"]
        for r, row in enumerate(rows):
            for c, cell in enumerate(row.children):
                para = table.cell(r, c).paragraphs[0]
                self.inlines(para, cell.children, frozenset({"strong"}) if cell.attrs.get("header") else frozenset())
                if cell.attrs.get("align") in _ALIGN:
                    para.alignment = _ALIGN[cell.attrs["align"]]

    # -- article -------------------------------------------------------------
    def title_block(self) -> None:
        view = self.job.view
        if view.source_name:
            self.paragraph("Kicker", text=view.source_name)
        self.paragraph("Title", view.title and self.job.doc.meta.title.inlines)
        if self.job.doc.meta.subtitle:
            self.paragraph("Subtitle", self.job.doc.meta.subtitle.inlines)
        if view.authors:
            self.paragraph("Source Line", text=", ".join(view.authors))
        if view.date_display:
            self.paragraph("Date", text=view.date_display)
        if view.source_line:
            para = self.paragraph("Source Line", text=f"{view.labels['source']} ")
            if view.source_url:
                self._hyperlink(para, view.source_url, [Node("text", text=view.source_name or "")], frozenset())
            else:
                self._run(para, view.source_name or "", frozenset())
            if view.source_display:
                self._run(para, f" ({view.source_display})", frozenset())

    def end_matter(self) -> None:
        meta, view = self.job.doc.meta, self.job.view
        if self.job.doc.footnotes:
            self.paragraph("Heading 2", text="Notes")
            for note in self.job.doc.footnotes:
                para = self.paragraph("End Matter", text=f"{note.n}. ")
                for block in note.blocks:
                    if block.kind == "paragraph":
                        self.inlines(para, block.children)
        if meta.contact:
            self.paragraph("Contact", meta.contact.inlines)
        if meta.rights:
            self.paragraph("Notice", meta.rights.inlines)
        for credit in meta.credits:
            self.paragraph("Credit", credit.inlines)
        if view.publisher:
            self.paragraph("End Matter", text=f"{view.labels['publisher']} {view.publisher}")
        if view.keywords:
            self.paragraph("End Matter", text=f"{view.labels['keywords']} {', '.join(view.keywords)}")

    def properties(self) -> None:
        view = self.job.view
        when = build_date(self.job.doc.meta)
        core = self.docx.core_properties
        core.title = view.title.text
        core.author = "; ".join(view.authors) or (view.publisher or "")
        core.subject = view.description or (view.source_line or "")
        core.keywords = ", ".join(view.keywords)
        core.comments = view.description or ""
        core.language = view.lang
        core.identifier = view.identifier
        core.category = ""
        core.last_modified_by = view.publisher or ""
        core.created = when
        core.modified = when
        core.revision = 1
        custom = {
            "Rights": view.rights.text if view.rights else None,
            "Source": view.source_name,
            "SourceURL": view.source_url,
            "Publisher": view.publisher,
            "Contact": view.contact.text if view.contact else None,
            "Date": view.date_iso,
            "Credits": "; ".join(c.text for c in view.credits) or None,
        }
        props = []
        pid = 2
        for name, value in custom.items():
            if value:
                props.append(
                    f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{name}">'
                    f"<vt:lpwstr>{xml_escape(value)}</vt:lpwstr></property>"
                )
                pid += 1
        xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            + "".join(props)
            + "</Properties>"
        )
        package = self.docx.part.package
        part = Part(PackURI("/docProps/custom.xml"), CUSTOM_PROPS_CT, xml.encode("utf-8"), package)
        package.relate_to(part, CUSTOM_PROPS_RT)

    def render(self) -> bytes:
        self.setup_styles()
        self.setup_page()
        # python-docx's template starts with one empty paragraph: drop it
        body = self.docx.element.body
        for p in body.findall(qn("w:p")):
            body.remove(p)
        self.title_block()
        self.blocks(self.job.doc.blocks)
        self.end_matter()
        self.properties()
        out = io.BytesIO()
        self.docx.save(out)
        return normalize(out.getvalue(), build_date(self.job.doc.meta), first=("[Content_Types].xml",))


def _paragraph_border(style_element: Any, colour: str) -> None:
    ppr = style_element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "4")
        edge.set(qn("w:space"), "4")
        edge.set(qn("w:color"), colour.lstrip("#").upper())
        borders.append(edge)
    ppr.append(borders)


def write(job: Job) -> bytes:
    """Render the article to DOCX bytes."""
    return DocxWriter(job).render()
