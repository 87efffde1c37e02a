"""Word styles from the theme options: every paragraph, character and table style a DOCX names."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_UNDERLINE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor, Twips

from ...theme.options import first_named_font as first_font
from .ooxml import PPR_ORDER, RPR_ORDER, border, element, hex_colour, put, set_complex_size, set_fonts, shading

#: The table style every table uses.
TABLE_STYLE = "Article Table"
#: Left indent of list level 0 and the step per level, in twips (a quarter inch, like Word's own lists).
LIST_INDENT = 360
#: Background of code blocks when the theme sets no ``color_tint`` (the print CSS uses the same colour).
CODE_BACKGROUND = "#f4f2ee"
_GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
#: Fonts nearly every Word installation has: a theme font's fallback is one of these, when its CSS list names one.
WORD_CORE_FONTS = frozenset({
    "Arial", "Book Antiqua", "Calibri", "Cambria", "Candara", "Century Gothic", "Consolas", "Constantia", "Corbel",
    "Courier New", "Garamond", "Georgia", "Palatino Linotype", "Segoe UI", "Tahoma", "Times New Roman",
    "Trebuchet MS", "Verdana",
})
#: Otherwise the fallback follows the list's CSS generic family.
WORD_FALLBACK = {"serif": "Georgia", "sans-serif": "Arial", "monospace": "Courier New"}
_WORD_FAMILY = {"serif": "roman", "sans-serif": "swiss", "monospace": "modern"}
#: Styles Word knows by name but python-docx's template lacks: added without w:customStyle, as Word writes them.
_BUILT_IN = {"Hyperlink", "Footnote Text", "Footnote Reference", "Date"}


def word_fonts(options: dict[str, Any]) -> tuple[str, str]:
    """The body and heading fonts Word is given: ``font_docx_body`` / ``font_docx_heading``,
    else the first name of the CSS list (options not checked by theme_options)."""
    return (
        options.get("font_docx_body") or first_font(options["font_body"]),
        options.get("font_docx_heading") or first_font(options["font_heading"]),
    )


def font_table(options: dict[str, Any]) -> dict[str, tuple[str | None, str]]:
    """Every font the styles name, with a fallback for a reader who lacks it (w:altName) and its
    family (w:family): a Word core font the CSS list names after it, else one of the list's generic
    family (Georgia for a serif, Arial for a sans); a list without a generic family (CJK) falls back
    to its next name."""
    body, heading = word_fonts(options)
    named = [(body, "font_body"), (heading, "font_heading"), (first_font(options["font_mono"]), "font_mono"),
             (first_font(options["font_cjk"]), "font_cjk")]
    table: dict[str, tuple[str | None, str]] = {}
    for name, key in named:
        if name in table:
            continue
        fonts = list(options[key])
        generic = next((f for f in fonts if f in _GENERIC), None)
        later = fonts[fonts.index(name) + 1:] if name in fonts else fonts
        alternative = next((f for f in later if f in WORD_CORE_FONTS), None) or WORD_FALLBACK.get(generic or "")
        if alternative is None:
            alternative = next((f for f in later if f not in _GENERIC), None)
        if name in WORD_CORE_FONTS or alternative == name:
            alternative = None
        table[name] = (alternative, _WORD_FAMILY.get(generic or "", "roman"))
    return table


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
    line: float | str | None = None  # leading in points (Word's "exactly"), or "auto" (grows with the content)
    align: str | None = None
    left: float | None = None
    right: float | None = None
    first_line: float | None = None
    keep_next: bool | None = None
    keep_lines: bool | None = None
    borders: dict[str, tuple[float, str, float]] | None = None
    fill: str | None = None
    contextual: bool | None = None
    underline: bool | None = None
    superscript: bool | None = None


_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
WHITE = "#ffffff"


def paragraph_looks(options: dict[str, Any]) -> dict[str, Look]:
    """Every paragraph style publish uses, computed from the theme options."""
    base = float(options["font_size"])
    scale = [float(s) for s in options["heading_scale"]]
    text, accent, muted = options["color_text"], options["color_accent"], options["color_muted"]
    tint = options.get("color_tint") or CODE_BACKGROUND
    body, heading = word_fonts(options)
    mono = first_font(options["font_mono"])
    # CSS line heights are a factor of the size; Word's "multiple" is a factor of the font's own line height
    # (1.64 em in Charis SIL, 1.21 em in Inter), so the leading is set exactly, in points, as in the PDF
    line = float(options["line_height"])
    looks: dict[str, Look] = {
        "Normal": Look(based_on=None, font=body, size=base, color=text, after=base * 0.5, line=base * line),
        **body_looks(options),
        **title_looks(options, heading),
        **abstract_looks(options),
        "Quote": Look(next="Body Text", italic=True, color=text, left=base * 1.5, right=base * 1.5, before=base * 0.3,
                      after=base * 0.6),
        "Figure": Look(next="Caption", align="center", before=base * 0.4, after=base * 0.3, keep_next=True, line="auto"),
        "Caption": Look(next="Body Text", size=base * 0.85, bold=False, italic=False, color=muted, after=base,
                        line=base * 0.85 * 1.35),
        "Source Code": Look(font=mono, size=base * 0.82, line=base * 0.82 * 1.35, before=base * 0.2, after=base * 0.8,
                            fill=tint, keep_lines=True),
        "Table Text": Look(size=base * 0.9, before=1, after=1, line=base * 0.9 * 1.25),
        "List Bullet": Look(after=base * 0.2, contextual=False),
        "List Number": Look(after=base * 0.2, contextual=False),
        # pandoc's names for a definition list's terms and definitions
        "Definition Term": Look(next="Definition", bold=True, before=base * 0.4, after=base * 0.1, keep_next=True),
        "Definition": Look(next="Definition Term", left=base * 1.5, after=base * 0.3),
        # callouts (alerts, Quarto callouts): one framed, tinted box (Word joins paragraphs with equal borders)
        "Callout Title": Look(next="Callout", bold=True, color=accent, left=6, right=6, before=base * 0.5, after=base * 0.2,
                              keep_next=True, borders=_callout_borders(accent), fill=tint),
        "Callout": Look(next="Body Text", left=6, right=6, after=base * 0.3, borders=_callout_borders(accent), fill=tint),
        "Display Math": Look(next="Body Text", align="center", before=base * 0.3, after=base * 0.5, line="auto"),
        "Thematic Break": Look(next="Body Text", align="center", color=muted, before=base * 0.5, after=base),
        "Footnote Text": Look(size=base * 0.8, after=base * 0.2, line=base * 0.8 * 1.3),
        "Header": Look(font=heading, size=8, italic=True, color=muted, align="center", after=0, line=8 * 1.3),
        "Footer": Look(size=8, color=muted, align="center", after=0, line=8 * 1.3),
        "Contact": Look(size=base * 0.85, before=base * 1.5, after=base * 0.3, line=base * 0.85 * 1.35),
        "Notice": notice_look(options),
        "Credit": Look(size=base * 0.85, italic=True, color=muted, after=base * 0.3, line=base * 0.85 * 1.35),
        "End Matter": Look(size=base * 0.85, color=muted, after=base * 0.3, line=base * 0.85 * 1.35),
    }
    for level in range(1, 5):
        size = base * scale[level - 1]
        looks[f"Heading {level}"] = Look(next="First Paragraph", font=heading, size=size, bold=True, italic=level == 4,
                                         color=text, before=size * 1.2, after=size * 0.4, keep_next=True, line=size * 1.2)
    for depth in (1, 2, 3):
        name = "List Continue" if depth == 1 else f"List Continue {depth}"
        looks[name] = Look(left=LIST_INDENT * depth / 20, after=base * 0.2, contextual=False)
    return looks


def _callout_borders(accent: str) -> dict[str, tuple[float, str, float]]:
    """A thick accent bar on the left and hairlines around, as the print CSS draws a callout."""
    return {"top": (0.5, accent, 4.0), "left": (3.0, accent, 6.0), "bottom": (0.5, accent, 4.0), "right": (0.5, accent, 4.0)}


def body_looks(options: dict[str, Any]) -> dict[str, Look]:
    """Body Text and First Paragraph (pandoc's name for a paragraph after a heading, figure, list...).
    ``paragraph_style: indented``: a first-line indent, no space between (the print CSS's
    ``text-indent: 1.2em``), except on a first paragraph; ``spaced``: no indent, a gap after. Both
    ragged, as a manuscript is: the Word copy is the one people edit, and justified lines gape
    wherever the editor has no hyphenation dictionary for the language (LibreOffice without one)."""
    base = float(options["font_size"])
    if options.get("paragraph_style") == "spaced":
        body = Look(next="Body Text", align="left", first_line=0, after=base * 0.7)
    else:
        body = Look(next="Body Text", align="left", first_line=base * 1.2, after=0)
    return {"Body Text": body, "First Paragraph": Look(based_on="Body Text", next="Body Text", first_line=0)}


def block_gap(options: dict[str, Any]) -> float:
    """The space (points) below a list or other block before the next paragraph, like the CSS margins."""
    base = float(options["font_size"])
    return base * (0.7 if options.get("paragraph_style") == "spaced" else 0.5)


def title_looks(options: dict[str, Any], heading: str) -> dict[str, Look]:
    """Kicker, Title, Subtitle and the facts under them (Author, Date, Source Line).

    ``title_style: ruled``: one box between a heavy rule above and a thin rule below (Word and
    LibreOffice merge adjacent paragraphs with equal borders). ``band``: Kicker, Title and
    Subtitle on an accent-coloured band in white and tint, then the facts above a rule."""
    base = float(options["font_size"])
    scale = float(options["heading_scale"][0])
    text, accent, muted = options["color_text"], options["color_accent"], options["color_muted"]
    tint = options.get("color_tint") or CODE_BACKGROUND
    title_size = base * scale * 1.25
    if options.get("title_style") == "band":
        # the band is the shading inside same-coloured borders, whose spacing pads the text (Word's maximum is 31 pt)
        band = {"top": (1.0, accent, 18.0), "left": (1.0, accent, 14.0), "bottom": (1.0, accent, 12.0),
                "right": (1.0, accent, 14.0)}
        facts = {"bottom": (0.75, text, 5.0)}
        small = base * 0.85
        return {
            "Kicker": Look(next="Title", font=heading, size=base * 0.75, bold=True, caps=True, color=tint,
                           after=base * 0.6, line=base * 0.75 * 1.3, borders=band, fill=accent, keep_next=True),
            "Title": Look(next="Subtitle", font=heading, size=title_size, bold=True, color=WHITE, after=0,
                          line=title_size * 1.12, borders=band, fill=accent, keep_next=True),
            "Subtitle": Look(next="Author", font=heading, size=base * 1.25, italic=False, color=tint, before=base * 0.5,
                             after=0, line=base * 1.25 * 1.3, borders=band, fill=accent, keep_next=True),
            "Author": Look(next="Date", bold=True, size=small, before=0, after=base * 0.2, line=small * 1.35,
                           borders=facts, keep_next=True),
            "Affiliation": Look(next="Date", italic=True, size=small, color=muted, before=0, after=base * 0.2,
                                line=small * 1.35, borders=facts, keep_next=True),
            "Date": Look(next="Source Line", bold=True, size=small, color=accent, before=0, after=base * 0.2,
                         line=small * 1.35, borders=facts, keep_next=True),
            "Source Line": Look(next="Body Text", size=small, color=muted, before=0, after=base * 1.6,
                                line=small * 1.35, borders=facts),
        }
    ruled = {"top": (2.5, text, 4.0), "bottom": (0.6, text, 6.0)}
    return {
        "Kicker": Look(next="Title", font=heading, size=base * 0.8, bold=True, caps=True, color=accent, after=2,
                       line=base * 0.8 * 1.3, borders=ruled, keep_next=True),
        "Title": Look(next="Subtitle", font=heading, size=title_size, bold=True, color=text, after=base * 0.4,
                      line=title_size * 1.12, borders=ruled, keep_next=True),
        "Subtitle": Look(next="Author", font=heading, size=base * 1.2, italic=True, color=text, after=base * 0.3,
                         line=base * 1.2 * 1.3, borders=ruled, keep_next=True),
        "Author": Look(next="Date", bold=True, after=0, borders=ruled, keep_next=True),
        "Affiliation": Look(next="Date", italic=True, size=base * 0.88, color=muted, after=0, borders=ruled, keep_next=True),
        "Date": Look(next="Source Line", size=base * 0.88, color=muted, after=0, borders=ruled, keep_next=True),
        "Source Line": Look(next="Body Text", size=base * 0.88, color=muted, after=0, borders=ruled),
    }


def abstract_looks(options: dict[str, Any]) -> dict[str, Look]:
    """The abstract under the title block: a bold label, then its paragraphs, indented on both sides."""
    base = float(options["font_size"])
    side = base * 1.5
    return {
        "Abstract Title": Look(next="Abstract", bold=True, size=base * 0.92, before=base * 1.0, after=base * 0.2,
                               left=side, right=side, keep_next=True),
        "Abstract": Look(next="Abstract", size=base * 0.92, after=base * 0.4, left=side, right=side),
    }


def facts_gap(options: dict[str, Any]) -> float | None:
    """The space (points) between a title band and the first fact under it (None: ruled, no gap).
    Set on whichever fact comes first, since an article may have no author or no date."""
    return float(options["font_size"]) * 1.2 if options.get("title_style") == "band" else None


def notice_look(options: dict[str, Any]) -> Look:
    """The reprint notice. ``notice_style: box``: upright on the tint between thin rules; ``panel``:
    upright on the tint, with a thick accent bar on the left only (the print CSS's panel)."""
    base = float(options["font_size"])
    accent = options["color_accent"]
    common = dict(size=base * 0.85, before=base * 0.3, after=base * 0.5, line=base * 0.85 * 1.35, keep_lines=True)
    if options.get("notice_style") == "panel":
        tint = options.get("color_tint") or CODE_BACKGROUND
        bar, pad = 3.0, 9.0
        # the bar stands at the column's edge: the text is indented by the bar and its padding
        return Look(italic=False, left=bar + pad, right=6, borders={"left": (bar, accent, pad)}, fill=tint, **common)
    # box: information, not a warning: upright on the tint, a thin muted rule above and below
    tint = options.get("color_tint") or CODE_BACKGROUND
    muted = options["color_muted"]
    return Look(italic=False, left=4, right=4, fill=tint,
                borders={side: (0.6, muted, 4.0) for side in ("top", "bottom")}, **common)


def character_looks(options: dict[str, Any]) -> dict[str, Look]:
    """Every character style publish uses."""
    return {
        "Hyperlink": Look(based_on="Default Paragraph Font", color=options["color_accent"], underline=True),
        "Verbatim Char": Look(based_on="Default Paragraph Font", font=first_font(options["font_mono"])),
        "Footnote Reference": Look(based_on="Default Paragraph Font", superscript=True),
    }


def setup(document: Any, options: dict[str, Any], lang: str, only_missing: bool = False, complex_font: str | None = None,
          complex_lang: str | None = None) -> None:
    """Tune the template's named styles and add publish's own, all from the theme options.

    With ``only_missing`` (a theme's reference.docx), the reference's styles stay as they are and
    only the styles it lacks are added; the document language is set either way. ``complex_font``
    is every style's complex-script font (w:cs: Arabic, Hebrew, Devanagari, Thai text), else each
    style's own; ``complex_lang`` the language of complex-script text (w:lang w:bidi), else ar-SA.
    """
    styles = document.styles
    cjk = first_font(options["font_cjk"])
    _document_defaults(styles.element, word_fonts(options)[0], cjk, lang, float(options["font_size"]), only_missing,
                       complex_font, complex_lang)
    looks = [(name, look, WD_STYLE_TYPE.PARAGRAPH) for name, look in paragraph_looks(options).items()]
    looks += [(name, look, WD_STYLE_TYPE.CHARACTER) for name, look in character_looks(options).items()]
    existing = {style.name for style in styles}
    made = [_get_or_add(styles, name, kind) for name, _, kind in looks]  # all exist before any names another
    for style, (name, look, _) in zip(made, looks):
        if not only_missing or name not in existing:
            _apply(style, look, styles, cjk if name == "Normal" else None, complex_font)
    if not only_missing or TABLE_STYLE not in existing:
        _table_style(styles, options)
    if complex_font:  # the template's other styles (Macro Text...) draw Arabic or Hebrew in it too
        for rfonts in styles.element.iter(qn("w:rFonts")):
            if rfonts.get(qn("w:ascii")) and not rfonts.get(qn("w:cs")) and not rfonts.get(qn("w:cstheme")):
                rfonts.set(qn("w:cs"), complex_font)
        for size in styles.element.iter(qn("w:sz")):  # and at their size
            rpr = size.getparent()
            if rpr.find(qn("w:szCs")) is None:
                set_complex_size(rpr, int(size.get(qn("w:val"))))


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


def _apply(style: Any, look: Look, styles: Any, east_asia: str | None, complex_font: str | None = None) -> None:
    if look.based_on is not None and style.name != "Normal":
        style.base_style = styles[look.based_on]
    if look.next is not None:
        style.next_paragraph_style = styles[look.next]
    style.hidden = False
    font = style.font
    rpr = style.element.get_or_add_rPr()
    if look.font:
        set_fonts(rpr, look.font, east_asia, complex_font)
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
    if look.line == "auto":
        fmt.line_spacing = 1.0
    elif isinstance(look.line, (int, float)):
        fmt.line_spacing = Pt(look.line)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    if look.align:
        fmt.alignment = _ALIGN[look.align]
    if look.left is not None:
        fmt.left_indent = Pt(look.left)
    if look.right is not None:
        fmt.right_indent = Pt(look.right)
    if look.first_line is not None:
        fmt.first_line_indent = Pt(look.first_line)
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


def _document_defaults(styles_element: Any, body: str, cjk: str, lang: str, size: float, keep_look: bool,
                       complex_font: str | None = None, complex_lang: str | None = None) -> None:
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
        set_fonts(rpr, body, cjk, complex_font)
        put(rpr, element("w:sz", val=str(round(size * 2))), RPR_ORDER)
        set_complex_size(rpr, round(size * 2))
    east_asian = lang if lang.split("-")[0] in ("zh", "ja", "ko") else "zh-CN"
    put(rpr, element("w:lang", val=lang, eastAsia=east_asian, bidi=complex_lang or "ar-SA"), RPR_ORDER)


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
