"""Word styles from the theme options: every paragraph, character and table style a DOCX names."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_UNDERLINE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor, Twips

from .docx_xml import PPR_ORDER, RPR_ORDER, border, element, hex_colour, put, set_complex_size, set_fonts, shading

#: The table style every table uses.
TABLE_STYLE = "Article Table"
#: Left indent of list level 0 and the step per level, in twips (a quarter inch, like Word's own lists).
LIST_INDENT = 360
#: Background of code blocks when the theme sets no ``color_tint`` (the print CSS uses the same colour).
CODE_BACKGROUND = "#f4f2ee"
_GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
#: Styles Word knows by name but python-docx's template lacks: added without w:customStyle, as Word writes them.
_BUILT_IN = {"Hyperlink", "Footnote Text", "Footnote Reference", "Date"}


def first_font(fonts: list[str]) -> str:
    """The font a Word style names: the theme's first choice that is not a CSS generic family."""
    for name in fonts:
        if name not in _GENERIC:
            return name
    return {"monospace": "Courier New", "sans-serif": "Arial"}.get(fonts[0], "Times New Roman")


@dataclass
class Look:
    """One style's look; None leaves the value to the style it is based on."""

    based_on: str | None = "Normal"
    next: str | None = None
    font: str | None = None
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    caps: bool | None = None
    color: str | None = None
    before: float | None = None
    after: float | None = None
    line: float | None = None
    align: str | None = None
    left: float | None = None
    right: float | None = None
    keep_next: bool | None = None
    keep_lines: bool | None = None
    borders: dict[str, tuple[float, str, float]] | None = None
    fill: str | None = None
    contextual: bool | None = None
    underline: bool | None = None
    superscript: bool | None = None


_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def paragraph_looks(options: dict[str, Any]) -> dict[str, Look]:
    """Every paragraph style publish uses, computed from the theme options."""
    base = float(options["font_size"])
    scale = [float(s) for s in options["heading_scale"]]
    text, accent, muted = options["color_text"], options["color_accent"], options["color_muted"]
    tint = options.get("color_tint") or CODE_BACKGROUND
    body, heading, mono = (first_font(options[k]) for k in ("font_body", "font_heading", "font_mono"))
    line = float(options["line_height"]) / 1.15  # Word's "single" is already about 1.15 times the size
    # the title block is one ruled box: Word and LibreOffice merge adjacent paragraphs with equal borders
    ruled = {"top": (2.5, text, 4.0), "bottom": (0.6, text, 6.0)}
    looks: dict[str, Look] = {
        "Normal": Look(based_on=None, font=body, size=base, color=text, after=base * 0.5, line=line),
        "Body Text": Look(next="Body Text", after=base * 0.6),
        "Kicker": Look(next="Title", size=base * 0.8, bold=True, caps=True, color=accent, after=2, borders=ruled, keep_next=True),
        "Title": Look(next="Subtitle", font=heading, size=base * scale[0] * 1.25, bold=True, color=text, after=base * 0.4,
                      line=1.0, borders=ruled, keep_next=True),
        "Subtitle": Look(next="Author", font=heading, size=base * 1.2, italic=True, color=text, after=base * 0.3,
                         borders=ruled, keep_next=True),
        "Author": Look(next="Date", bold=True, after=0, borders=ruled, keep_next=True),
        "Date": Look(next="Source Line", size=base * 0.88, color=muted, after=0, borders=ruled, keep_next=True),
        "Source Line": Look(next="Body Text", size=base * 0.88, color=muted, after=0, borders=ruled),
        "Quote": Look(next="Body Text", italic=True, color=text, left=base * 1.5, right=base * 1.5, before=base * 0.3,
                      after=base * 0.6),
        "Figure": Look(next="Caption", align="center", before=base * 0.4, after=base * 0.3, keep_next=True),
        "Caption": Look(next="Body Text", size=base * 0.85, bold=False, italic=False, color=muted, after=base,
                        line=1.0),
        "Source Code": Look(font=mono, size=base * 0.82, line=1.0, before=base * 0.2, after=base * 0.8, fill=tint,
                            keep_lines=True),
        "Table Text": Look(size=base * 0.9, before=1, after=1, line=1.0),
        "List Bullet": Look(after=base * 0.2, contextual=False),
        "List Number": Look(after=base * 0.2, contextual=False),
        "Thematic Break": Look(next="Body Text", align="center", color=muted, before=base * 0.5, after=base),
        "Footnote Text": Look(size=base * 0.8, after=base * 0.2, line=1.0),
        "Header": Look(font=heading, size=8, italic=True, color=muted, align="center", after=0),
        "Footer": Look(size=8, color=muted, align="center", after=0),
        "Contact": Look(size=base * 0.85, before=base * 1.5, after=base * 0.3, line=1.0),
        "Notice": Look(size=base * 0.85, italic=True, before=base * 0.3, after=base * 0.5, line=1.0, left=4, right=4,
                       borders={side: (0.6, accent, 4.0) for side in ("top", "left", "bottom", "right")}, keep_lines=True),
        "Credit": Look(size=base * 0.85, italic=True, color=muted, after=base * 0.3, line=1.0),
        "End Matter": Look(size=base * 0.85, color=muted, after=base * 0.3, line=1.0),
    }
    for level in range(1, 5):
        size = base * scale[level - 1]
        looks[f"Heading {level}"] = Look(next="Body Text", font=heading, size=size, bold=True, italic=level == 4,
                                         color=text, before=size * 1.2, after=size * 0.4, keep_next=True, line=1.0)
    for depth in (1, 2, 3):
        name = "List Continue" if depth == 1 else f"List Continue {depth}"
        looks[name] = Look(left=LIST_INDENT * depth / 20, after=base * 0.2, contextual=False)
    return looks


def character_looks(options: dict[str, Any]) -> dict[str, Look]:
    """Every character style publish uses."""
    return {
        "Hyperlink": Look(based_on="Default Paragraph Font", color=options["color_accent"], underline=True),
        "Verbatim Char": Look(based_on="Default Paragraph Font", font=first_font(options["font_mono"])),
        "Footnote Reference": Look(based_on="Default Paragraph Font", superscript=True),
    }


def setup(document: Any, options: dict[str, Any], lang: str, only_missing: bool = False) -> None:
    """Tune the template's named styles and add publish's own, all from the theme options.

    With ``only_missing`` (a theme's reference.docx), the reference's styles stay as they are and
    only the styles it lacks are added; the document language is set either way.
    """
    styles = document.styles
    cjk = first_font(options["font_cjk"])
    _document_defaults(styles.element, first_font(options["font_body"]), cjk, lang, float(options["font_size"]), only_missing)
    looks = [(name, look, WD_STYLE_TYPE.PARAGRAPH) for name, look in paragraph_looks(options).items()]
    looks += [(name, look, WD_STYLE_TYPE.CHARACTER) for name, look in character_looks(options).items()]
    existing = {style.name for style in styles}
    made = [_get_or_add(styles, name, kind) for name, _, kind in looks]  # all exist before any names another
    for style, (name, look, _) in zip(made, looks):
        if not only_missing or name not in existing:
            _apply(style, look, styles, cjk if name == "Normal" else None)
    if not only_missing or TABLE_STYLE not in existing:
        _table_style(styles, options)


def _get_or_add(styles: Any, name: str, kind: WD_STYLE_TYPE) -> Any:
    try:
        return styles[name]
    except KeyError:
        style = styles.add_style(name, kind)
        if name in _BUILT_IN:
            style.element.attrib.pop(qn("w:customStyle"), None)
        style.quick_style = True
        style.unhide_when_used = False
        return style


def _apply(style: Any, look: Look, styles: Any, east_asia: str | None) -> None:
    if look.based_on is not None and style.name != "Normal":
        style.base_style = styles[look.based_on]
    if look.next is not None:
        style.next_paragraph_style = styles[look.next]
    style.hidden = False
    font = style.font
    rpr = style.element.get_or_add_rPr()
    if look.font:
        set_fonts(rpr, look.font, east_asia)
    if look.size is not None:
        put(rpr, element("w:sz", val=str(round(look.size * 2))), RPR_ORDER)
        set_complex_size(rpr, round(look.size * 2))
    for attr, value in (("bold", look.bold), ("italic", look.italic), ("all_caps", look.caps), ("superscript", look.superscript)):
        if value is not None:
            setattr(font, attr, value)
    if look.bold is not None:
        put(rpr, element("w:bCs", val="1" if look.bold else "0"), RPR_ORDER)
    if look.color:
        font.color.rgb = RGBColor.from_string(hex_colour(look.color))
    if look.underline:
        font.underline = WD_UNDERLINE.SINGLE
    for quirk in ("w:spacing", "w:kern"):  # the template's letter-spacing on Title and Subtitle
        if rpr.find(qn(quirk)) is not None:
            rpr.remove(rpr.find(qn(quirk)))
    if style.type != WD_STYLE_TYPE.PARAGRAPH:
        return
    fmt = style.paragraph_format
    if look.before is not None:
        fmt.space_before = Pt(look.before)
    if look.after is not None:
        fmt.space_after = Pt(look.after)
    if look.line is not None:
        fmt.line_spacing = look.line
    if look.align:
        fmt.alignment = _ALIGN[look.align]
    if look.left is not None:
        fmt.left_indent = Pt(look.left)
    if look.right is not None:
        fmt.right_indent = Pt(look.right)
    if look.keep_next is not None:
        fmt.keep_with_next = look.keep_next
    if look.keep_lines is not None:
        fmt.keep_together = look.keep_lines
    ppr = style.element.get_or_add_pPr()
    num_pr = ppr.find(qn("w:numPr"))
    if num_pr is not None and num_pr.find(qn("w:numId")) is None:  # Word 2010's Subtitle: a level, no list
        ppr.remove(num_pr)
    if look.borders is not None:
        put(ppr, border(look.borders), PPR_ORDER)
    elif ppr.find(qn("w:pBdr")) is not None:  # Word's Title has a blue rule of its own
        ppr.remove(ppr.find(qn("w:pBdr")))
    if look.fill:
        put(ppr, shading(look.fill), PPR_ORDER)
    if look.contextual is False and ppr.find(qn("w:contextualSpacing")) is not None:
        ppr.remove(ppr.find(qn("w:contextualSpacing")))


def _document_defaults(styles_element: Any, body: str, cjk: str, lang: str, size: float, keep_look: bool) -> None:
    """Fonts, size and language every run inherits (docDefaults)."""
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = element("w:docDefaults")
        styles_element.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = element("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = element("w:rPr")
        rpr_default.append(rpr)
    if not keep_look:
        set_fonts(rpr, body, cjk)
        put(rpr, element("w:sz", val=str(round(size * 2))), RPR_ORDER)
        set_complex_size(rpr, round(size * 2))
    east_asian = lang if lang.split("-")[0] in ("zh", "ja", "ko") else "zh-CN"
    put(rpr, element("w:lang", val=lang, eastAsia=east_asian, bidi="ar-SA"), RPR_ORDER)


def _table_style(styles: Any, options: dict[str, Any]) -> None:
    """A quiet table: rules under the rows, a heavier one under the header row (as the print CSS)."""
    text = hex_colour(options["color_text"])
    size = round(float(options["font_size"]) * 0.9 * 2)
    pad = Twips(170)  # about 3 mm
    xml = (
        f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="{TABLE_STYLE.replace(" ", "")}">'
        f'<w:name w:val="{TABLE_STYLE}"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:qFormat/>'
        '<w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr>'
        f'<w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
        '<w:tblPr><w:jc w:val="center"/><w:tblBorders>'
        '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="999999"/>'
        '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="999999"/>'
        '</w:tblBorders>'
        f'<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="{pad.twips}" w:type="dxa"/>'
        f'<w:bottom w:w="57" w:type="dxa"/><w:right w:w="{pad.twips}" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr><w:tblPr/>'
        f'<w:tcPr><w:tcBorders><w:bottom w:val="single" w:sz="8" w:space="0" w:color="{text}"/></w:tcBorders></w:tcPr>'
        '</w:tblStylePr></w:style>'
    )
    existing = styles.element.find(f'{qn("w:style")}[@{qn("w:styleId")}="{TABLE_STYLE.replace(" ", "")}"]')
    if existing is not None:
        styles.element.remove(existing)
    styles.element.append(parse_xml(xml))


def header_tabs(document: Any, text_width: int) -> None:
    """Centre and right tab stops of Header and Footer at the middle and edge of the text (Word's own layout)."""
    for name in ("Header", "Footer"):
        ppr = document.styles[name].element.get_or_add_pPr()
        tabs = element("w:tabs")
        tabs.append(element("w:tab", val="center", pos=str(text_width // 2)))
        tabs.append(element("w:tab", val="right", pos=str(text_width)))
        put(ppr, tabs, PPR_ORDER)
