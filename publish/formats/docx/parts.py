"""The DOCX package beyond the body: list numbering, the footnotes part, settings and document properties."""
from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape as xml_escape

from lxml import etree
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.story import StoryPart

from .styles import LIST_INDENT
from .ooxml import SETTINGS_ORDER, element, put

CUSTOM_PROPS_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_PROPS_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
STYLES_WITH_EFFECTS_RT = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_BULLETS = ("\u2022", "\u25e6", "\u25aa")  # • ◦ ▪, repeating by level
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


class Numbering:
    """List definitions: one w:num per Markdown list, so every ordered list restarts at its own start."""

    def __init__(self, document: Any) -> None:
        self.element = document.part.numbering_part.element
        ids = [int(a.get(qn("w:abstractNumId"))) for a in self.element.findall(qn("w:abstractNum"))]
        self._next_abstract = max(ids, default=-1) + 1
        self._bullets: int | None = None

    def new_list(self, ordered: bool, start: int = 1) -> int:
        """The numId of a new list; bullet lists share one definition, each ordered list has its own."""
        if ordered:
            abstract = self._abstract(ordered=True, start=start)
        else:
            if self._bullets is None:
                self._bullets = self._abstract(ordered=False, start=1)
            abstract = self._bullets
        num = self.element.add_num(abstract)
        if ordered:
            for level in range(9):
                override = element("w:lvlOverride", ilvl=str(level))
                override.append(element("w:startOverride", val=str(start)))
                num.append(override)
        return int(num.numId)

    def _abstract(self, ordered: bool, start: int) -> int:
        ident = self._next_abstract
        self._next_abstract += 1
        node = element("w:abstractNum", abstractNumId=str(ident))
        node.append(element("w:nsid", val=f"{0x50B10000 + ident:08X}"))
        node.append(element("w:multiLevelType", val="multilevel"))
        for level in range(9):
            lvl = element("w:lvl", ilvl=str(level))
            lvl.append(element("w:start", val=str(start if ordered else 1)))
            lvl.append(element("w:numFmt", val="decimal" if ordered else "bullet"))
            lvl.append(element("w:lvlText", val=f"%{level + 1}." if ordered else _BULLETS[level % 3]))
            lvl.append(element("w:lvlJc", val="left"))
            ppr = element("w:pPr")
            ppr.append(element("w:ind", left=str(LIST_INDENT * (level + 1)), hanging=str(LIST_INDENT)))
            lvl.append(ppr)
            node.append(lvl)
        abstracts = self.element.findall(qn("w:abstractNum"))
        if abstracts:
            abstracts[-1].addnext(node)
        else:
            self.element.insert(0, node)
        return ident

    def restyle(self, document: Any, style: str, num_id: int) -> None:
        """Point a list paragraph style at one of publish's definitions (what Word applies by hand)."""
        ppr = document.styles[style].element.get_or_add_pPr()
        num_pr = ppr.get_or_add_numPr()
        num_pr.get_or_add_numId().val = num_id


FOOTNOTE_NS = nsdecls("w", "r", "wp", "a", "pic")


def add_footnotes_part(document: Any) -> StoryPart:
    """An empty word/footnotes.xml with the separator (-1) and continuation separator (0) Word expects."""
    specials = "".join(
        f'<w:footnote w:type="{kind}" w:id="{ident}"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
        f"</w:pPr><w:r><w:{kind}/></w:r></w:p></w:footnote>"
        for kind, ident in (("separator", -1), ("continuationSeparator", 0))
    )
    xml = f'<w:footnotes {FOOTNOTE_NS}>{specials}</w:footnotes>'
    package = document.part.package
    _drop_rels(document.part.rels, RT.FOOTNOTES)  # a reference document brings its own (empty) notes
    part = StoryPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(xml), package)
    document.part.relate_to(part, RT.FOOTNOTES)
    settings = document.settings.element
    note_pr = element("w:footnotePr")
    for ident in (-1, 0):
        note_pr.append(element("w:footnote", id=str(ident)))
    put(settings, note_pr, SETTINGS_ORDER)
    return part


def drop_footnotes(document: Any) -> None:
    """No notes: no footnotes part (a reference document's, with its own notes, must not ride along)."""
    _drop_rels(document.part.rels, RT.FOOTNOTES)
    settings = document.settings.element
    for found in settings.findall(qn("w:footnotePr")):
        settings.remove(found)


def new_footnote(part: StoryPart, ident: int) -> Any:
    """Append an empty w:footnote with this id to the footnotes part."""
    note = element("w:footnote", id=str(ident))
    part.element.append(note)
    return note


def tune_settings(document: Any, lang: str) -> None:
    """Settings Word reads on opening: the document's language for theme fonts, automatic
    hyphenation, no stale preview picture."""
    settings = document.settings.element
    for tag in ("w:savePreviewPicture", "w:rsids"):
        found = settings.find(qn(tag))
        if found is not None:
            settings.remove(found)
    put(settings, element("w:themeFontLang", val=lang), SETTINGS_ORDER)
    # hyphenate the text in its language (Word and LibreOffice), at most two hyphens in a row,
    # capitals left whole, as the PDF does
    put(settings, element("w:autoHyphenation"), SETTINGS_ORDER)
    put(settings, element("w:consecutiveHyphenLimit", val="2"), SETTINGS_ORDER)
    put(settings, element("w:hyphenationZone", val="357"), SETTINGS_ORDER)
    put(settings, element("w:doNotHyphenateCaps"), SETTINGS_ORDER)


def _drop_rels(rels: Any, *reltypes: str) -> None:
    for rid, rel in list(rels.items()):
        if rel.reltype in reltypes:
            del rels[rid]


def drop_template_leftovers(document: Any) -> None:
    """The template's thumbnail (a blank page) and Word 2010's stale stylesWithEffects copy."""
    _drop_rels(document.part.package.rels, RT.THUMBNAIL)
    _drop_rels(document.part.rels, STYLES_WITH_EFFECTS_RT)


def drop_body_relationships(document: Any) -> None:
    """Images and links of the template's own (removed) body, so they do not ride along."""
    _drop_rels(document.part.rels, RT.IMAGE, RT.HYPERLINK)


def number_drawings(parts: list[Any]) -> None:
    """Give every drawing a document-wide unique id (python-docx counts per part)."""
    ident = 1
    for part in parts:
        for node in part.element.iter(qn("wp:docPr")):
            node.set("id", str(ident))
            ident += 1


def custom_properties(document: Any, values: dict[str, str | None]) -> None:
    """docProps/custom.xml: the reprint's own fields (Rights, Source, Publisher...) as text properties."""
    props = []
    pid = 2
    for name, value in values.items():
        if value:
            props.append(
                f'<property fmtid="{_FMTID}" pid="{pid}" name="{xml_escape(name)}"><vt:lpwstr>{xml_escape(value)}</vt:lpwstr></property>'
            )
            pid += 1
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' + "".join(props) + "</Properties>"
    )
    package = document.part.package
    _drop_rels(package.rels, CUSTOM_PROPS_RT)
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_PROPS_CT, xml.encode("utf-8"), package)
    package.relate_to(part, CUSTOM_PROPS_RT)


def app_properties(document: Any, company: str | None) -> None:
    """docProps/app.xml without the template's 'Microsoft Macintosh Word' and zero word counts."""
    package = document.part.package
    for rel in package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            xml = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
                'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                "<Application>publish</Application><DocSecurity>0</DocSecurity>"
                f"<Company>{xml_escape(company or '')}</Company><LinksUpToDate>false</LinksUpToDate>"
                "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
            )
            rel.target_part._blob = xml.encode("utf-8")


def font_table(document: Any, fonts: dict[str, tuple[str | None, str]]) -> None:
    """Declare the theme's fonts with a fallback (w:altName) and family, so a missing font degrades well."""
    for rel in document.part.rels.values():
        if rel.reltype != RT.FONT_TABLE:
            continue
        part = rel.target_part
        table = parse_xml(part.blob)
        for name, (alternative, family) in fonts.items():
            for old in table.findall(qn("w:font")):
                if old.get(qn("w:name")) == name:
                    table.remove(old)
            font = element("w:font", name=name)
            if alternative:
                font.append(element("w:altName", val=alternative))
            font.append(element("w:family", val=family))
            font.append(element("w:pitch", val="fixed" if family == "modern" else "variable"))
            table.append(font)
        part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
