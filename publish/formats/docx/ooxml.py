"""Small WordprocessingML helpers for the DOCX writer: schema-ordered children, fonts, borders, shading."""
from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

TWIPS_PER_PT = 20

#: Child order of w:pPr and w:rPr in the WordprocessingML schema (Word repairs files that break it).
PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
RPR_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
    "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
    "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs",
    "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
    "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)
#: Child order of w:settings up to the parts publish touches.
SETTINGS_ORDER = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation", "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape", "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth", "w:printFormsData", "w:embedTrueTypeFonts", "w:embedSystemFonts",
    "w:saveSubsetFonts", "w:saveFormsData", "w:mirrorMargins", "w:alignBordersAndEdges",
    "w:bordersDoNotSurroundHeader", "w:bordersDoNotSurroundFooter", "w:gutterAtTop",
    "w:hideSpellingErrors", "w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState",
    "w:formsDesign", "w:attachedTemplate", "w:linkStyles", "w:stylePaneFormatFilter",
    "w:stylePaneSortMethod", "w:documentType", "w:mailMerge", "w:revisionView", "w:trackRevisions",
    "w:doNotTrackMoves", "w:doNotTrackFormatting", "w:documentProtection", "w:autoFormatOverride",
    "w:styleLockTheme", "w:styleLockQFSet", "w:defaultTabStop", "w:autoHyphenation",
    "w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps", "w:showEnvelope",
    "w:summaryLength", "w:clickAndTypeStyle", "w:defaultTableStyle", "w:evenAndOddHeaders",
    "w:bookFoldRevPrinting", "w:bookFoldPrinting", "w:bookFoldPrintingSheets",
    "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery", "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin", "w:drawingGridHorizontalOrigin",
    "w:drawingGridVerticalOrigin", "w:doNotShadeFormData", "w:noPunctuationKerning",
    "w:characterSpacingControl", "w:printTwoOnOne", "w:strictFirstAndLastChars", "w:noLineBreaksAfter",
    "w:noLineBreaksBefore", "w:savePreviewPicture", "w:doNotValidateAgainstSchema", "w:saveInvalidXml",
    "w:ignoreMixedContent", "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml",
    "w:saveXmlDataOnly", "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags",
    "w:alwaysMergeEmptyNamespace", "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr",
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
    "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
    "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags",
    "w:decimalSymbol", "w:listSeparator",
)


def element(tag: str, **attrs: str) -> Any:
    """A new w: element with w: attributes (``val="x"`` becomes ``w:val="x"``)."""
    node = OxmlElement(tag)
    for name, value in attrs.items():
        node.set(qn(f"w:{name}"), str(value))
    return node


def put(parent: Any, child: Any, order: tuple[str, ...]) -> Any:
    """Insert ``child`` into ``parent`` at its schema position, replacing any element of the same tag."""
    tags = [qn(t) if ":" in t else t for t in order]
    old = parent.find(child.tag)
    if old is not None:
        parent.remove(old)
    later = set(tags[tags.index(child.tag) + 1:]) if child.tag in tags else set()
    for index, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def set_fonts(rpr: Any, name: str, east_asia: str | None = None, complex_script: str | None = None) -> None:
    """Name the typeface for every script (``complex_script`` for right-to-left and complex-script
    text, else ``name``), dropping theme-font references (which would win over names)."""
    fonts = element("w:rFonts", ascii=name, hAnsi=name, cs=complex_script or name)
    if east_asia:
        fonts.set(qn("w:eastAsia"), east_asia)
    put(rpr, fonts, RPR_ORDER)


def set_complex_size(rpr: Any, half_points: int) -> None:
    """Give complex-script text (w:szCs) the same size as the rest (w:sz)."""
    put(rpr, element("w:szCs", val=str(half_points)), RPR_ORDER)


def border(sides: dict[str, tuple[float, str, float]]) -> Any:
    """A w:pBdr: side -> (width in points, hex colour, distance from text in points)."""
    edges = element("w:pBdr")
    for side in ("top", "left", "bottom", "right", "between"):
        if side in sides:
            width, colour, space = sides[side]
            edges.append(
                element(f"w:{side}", val="single", sz=str(max(2, round(width * 8))), space=str(round(space)), color=hex_colour(colour))
            )
    return edges


def shading(colour: str) -> Any:
    """A solid w:shd fill."""
    return element("w:shd", val="clear", color="auto", fill=hex_colour(colour))


def hex_colour(colour: str) -> str:
    """``#8b1e1e`` -> ``8B1E1E``."""
    return colour.lstrip("#").upper()
