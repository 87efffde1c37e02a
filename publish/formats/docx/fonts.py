"""The theme's fonts inside the DOCX, as Word embeds them: obfuscated font parts named in the font
table (ECMA-376 Part 1, 17.8.1), subset to the characters the document uses where the licence allows."""
from __future__ import annotations

from typing import Any, Iterator

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

from ...errors import ThemeError, warn
from ...media.font_embed import Face, characters, family_faces, font_key, obfuscate, read_face, subset_font, whole_font
from ...media.fonts import FC_BOLD, FC_REGULAR, installed_family
from ...media.script_fonts import with_pieces
from .ooxml import SETTINGS_ORDER, element, put

OBFUSCATED_FONT_CT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
_EMBED_TAG = {"Regular": "w:embedRegular", "Bold": "w:embedBold", "Italic": "w:embedItalic", "BoldItalic": "w:embedBoldItalic"}


def document_texts(document: Any) -> Iterator[str]:
    """Every text Word draws from the package: runs (w:t) in the body, headers, footers and
    footnotes, and the list labels of the numbering part (w:lvlText)."""
    for part in document.part.package.iter_parts():
        root = getattr(part, "element", None)
        if root is None:
            continue
        for node in root.iter(qn("w:t")):
            yield node.text or ""
        for node in root.iter(qn("w:lvlText")):
            yield node.get(qn("w:val")) or ""


def installed_faces(family: str) -> dict[str, Face]:
    """The installed regular and bold files of a system family (fontconfig), by style."""
    files = installed_family(family)
    faces = {style: read_face(files[weight]) for style, weight in (("Regular", FC_REGULAR), ("Bold", FC_BOLD)) if weight in files}
    return {style: face for style, face in faces.items() if face is not None}


def embeddable_faces(families: list[str], theme: Any, system: tuple[str, ...] = ()) -> dict[str, dict[str, Face]]:
    """The theme's files for each family Word is told to use, by style, and the installed ones of
    the ``system`` families (the complex-script font of an Arabic or Hindi article); another
    family the theme does not bundle is a system font and is left out; one whose licence forbids
    embedding is left out with a warning naming the file."""
    found: dict[str, dict[str, Face]] = {}
    for family in dict.fromkeys([*families, *system]):
        faces = family_faces(theme.chain, family) or (installed_faces(family) if family in system else {})
        refused = [face for face in faces.values() if not face.embeddable]
        for face in refused:
            warn(f"the font's licence (OS/2 fsType {face.fs_type:#06x}) does not allow embedding it in an "
                 f"editable document: the DOCX names '{family}' without carrying it", face.path)
        usable = {style: face for style, face in faces.items() if face.embeddable}
        if usable:
            found[family] = usable
    return found


def embed_fonts(document: Any, families: list[str], theme: Any, system: tuple[str, ...] = ()) -> None:
    """Carry the theme's faces of ``families`` (and the installed ones of ``system``) in the
    package: one ``word/fonts/fontN.odttf`` per face (TrueType outlines, subset to the document's
    characters unless the licence says otherwise), ``w:embedRegular``/``Bold``/``Italic``/``BoldItalic`` in the font table, and
    ``w:embedTrueTypeFonts`` (with ``w:saveSubsetFonts`` when subset) in the settings. Keys are
    derived from the font bytes, so the same document gives the same package."""
    faces = embeddable_faces(families, theme, system)
    if not faces:
        return
    table_part = next((rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.FONT_TABLE), None)
    if table_part is None:
        return
    chars = characters(document_texts(document))
    installed = with_pieces(chars)  # a script's font: what a shaper splits a character into too (Thai SARA AM)
    table = parse_xml(table_part.blob)
    package = document.part.package
    taken = {str(part.partname) for part in package.iter_parts()}
    number, subset = 0, False
    for family, styles in faces.items():
        font = next((f for f in table.findall(qn("w:font")) if f.get(qn("w:name")) == family), None)
        if font is None:
            font = element("w:font", name=family)
            table.append(font)
        for old in [c for c in font if c.tag in {qn(t) for t in _EMBED_TAG.values()}]:
            font.remove(old)  # a reference document's own copy of the face gives way
            rid = old.get(qn("r:id"))
            if rid in table_part.rels:
                del table_part.rels[rid]
        for style, face in styles.items():
            try:
                kept = installed if family in system else chars
                data = subset_font(face.path, kept, truetype=True) if face.subsettable else whole_font(face.path, truetype=True)
            except Exception as exc:  # fontTools' own errors on a broken font
                raise ThemeError(f"cannot embed the font file in the DOCX: {exc}", face.path) from None
            subset = subset or face.subsettable
            number += 1
            while f"/word/fonts/font{number}.odttf" in taken:
                number += 1
            key = font_key(data)
            part = Part(PackURI(f"/word/fonts/font{number}.odttf"), OBFUSCATED_FONT_CT, obfuscate(data, key), package)
            rid = table_part.relate_to(part, RT.FONT)
            embed = element(_EMBED_TAG[style], fontKey=key)
            embed.set(qn("r:id"), rid)
            font.append(embed)
    table_part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
    settings = document.settings.element
    put(settings, element("w:embedTrueTypeFonts"), SETTINGS_ORDER)
    if subset:
        put(settings, element("w:saveSubsetFonts"), SETTINGS_ORDER)
