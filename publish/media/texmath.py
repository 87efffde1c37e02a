"""TeX math in each format's own form: MathML (EPUB), a vector SVG picture (PDF), Office math OMML (DOCX).

Libraries chosen by measuring 24 typical formulas (README, "Math"): latex2mathml turns TeX into
MathML (0.1 ms a formula), ziamath draws that MathML with the STIX Two Math font into SVG paths
(4 ms a formula; WeasyPrint cannot lay out MathML itself), and mathml_to_omml turns the MathML
into Word's native math (0.2 ms). Each function returns None for a formula its library cannot
convert: the writers then show the TeX in code style and warn, naming the line.
"""
from __future__ import annotations

import base64
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
OMML_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
#: The size ziamath draws at (pixels); the picture is then sized in em, so it scales with the text.
_DRAW_SIZE = 20.0
_MARGIN = 1.0
#: Longer formulas are not converted (shown as TeX): bounds the work an input can ask for.
MAX_TEX_LENGTH = 4000


@dataclass(frozen=True)
class Picture:
    """A formula drawn as SVG: a data URL and its box in em (depth is below the baseline)."""

    url: str
    width: float
    height: float
    depth: float


#: amsmath environments latex2mathml does not know, written as the ones it does (``align*``).
_ENVIRONMENTS = re.compile(r"\\(begin|end)\{(aligned|gathered|gather\*?|eqnarray\*?|multline\*?)\}")
_EQUATION = re.compile(r"\\(begin|end)\{equation\*?\}")
#: Characters the converters leave in text that fonts draw as boxes (function application, invisible times...).
_INVISIBLE = dict.fromkeys(map(ord, "\u2061\u2062\u2063\u2064"))


def _tex2mathml(tex: str, display: bool) -> str:
    import latex2mathml.converter

    tex = _EQUATION.sub("", _ENVIRONMENTS.sub(lambda m: f"\\{m.group(1)}{{align*}}", tex))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return str(latex2mathml.converter.convert(tex, display="block" if display else "inline"))


@lru_cache(maxsize=4096)
def mathml(tex: str, display: bool = False) -> str | None:
    """The formula as a MathML ``<math>`` element (XHTML-ready, TeX kept as ``alttext``), or None."""
    if not tex.strip() or len(tex) > MAX_TEX_LENGTH:
        return None
    from lxml import etree  # here, not at import: an article without math never loads it

    try:
        root = etree.fromstring(_tex2mathml(tex, display).encode("utf-8"))
    except Exception:  # latex2mathml raises many types for what it cannot read
        return None
    if root.tag != f"{{{MATHML_NS}}}math" or not "".join(root.itertext()).strip() or not _safe(root):
        return None
    root.set("alttext", tex)
    return etree.tostring(root, encoding="unicode")


#: Presentation MathML that formulas are made of; anything else (``\\text{<b>}`` comes out as a
#: real element) makes the formula unconvertible, so no markup of the author's reaches a page.
MATHML_ELEMENTS = frozenset({
    "math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "ms", "mfrac", "msqrt", "mroot", "mstyle", "merror",
    "mpadded", "mphantom", "mfenced", "menclose", "msub", "msup", "msubsup", "munder", "mover", "munderover",
    "mmultiscripts", "mprescripts", "none", "mtable", "mtr", "mtd", "mlabeledtr", "semantics", "annotation",
})
#: Attributes kept on them; links (``\\href``), styles and event handlers are dropped.
MATHML_ATTRIBUTES = frozenset({
    "display", "mathvariant", "mathcolor", "mathbackground", "mathsize", "stretchy", "fence", "separator",
    "accent", "accentunder", "columnalign", "columnspacing", "rowspacing", "columnlines", "rowlines",
    "displaystyle", "scriptlevel", "lspace", "rspace", "width", "height", "depth", "linethickness", "minsize",
    "maxsize", "movablelimits", "largeop", "symmetric", "form", "notation", "open", "close", "separators",
    "align", "rowalign", "linebreak", "columnspan", "rowspan", "encoding", "bevelled", "numalign", "denomalign",
    "frame", "framespacing", "equalrows", "equalcolumns", "voffset",
})


def _safe(root: Any) -> bool:
    """Only presentation MathML elements; attributes outside the list are removed."""
    from lxml import etree

    for node in root.iter():
        if not isinstance(node.tag, str):
            return False  # a comment or processing instruction
        if node.tag.partition("}")[0] != "{" + MATHML_NS or etree.QName(node).localname not in MATHML_ELEMENTS:
            return False
        for name in list(node.attrib):
            if name not in MATHML_ATTRIBUTES:
                del node.attrib[name]
    return True


def check(tex: str) -> bool:
    """Whether the formula can be read at all (the reader warns about those that cannot)."""
    return mathml(tex) is not None


@lru_cache(maxsize=4096)
def picture(tex: str, display: bool = False) -> Picture | None:
    """The formula drawn as an SVG picture (glyphs as paths: vector, no font needed), or None."""
    source = mathml(tex, display)
    if source is None:
        return None
    try:
        with warnings.catch_warnings():  # ziamath's font loading uses a deprecated importlib call
            warnings.simplefilter("ignore")
            import ziamath

            drawing = ziamath.Math(source, size=_DRAW_SIZE, margin=_MARGIN)
            svg = drawing.svg()
            bbox = drawing.node.bbox
    except Exception:  # ziamath raises many types for MathML it cannot lay out
        return None
    width = (bbox.xmax - bbox.xmin + 2 * _MARGIN) / _DRAW_SIZE
    height = (bbox.ymax - bbox.ymin + 2 * _MARGIN) / _DRAW_SIZE
    depth = (-bbox.ymin + _MARGIN) / _DRAW_SIZE
    url = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Picture(url, round(width, 3), round(height, 3), round(depth, 3))


@lru_cache(maxsize=4096)
def _omml_text(tex: str, display: bool) -> str | None:
    source = mathml(tex, display)
    if source is None:
        return None
    from lxml import etree

    try:
        import math_ml2omml

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text = str(math_ml2omml.convert(source))
        root = etree.fromstring(f'<m:wrap xmlns:m="{OMML_NS}">{text}</m:wrap>'.encode("utf-8"))
    except Exception:  # the converter raises SAX and other errors for MathML it does not know
        return None
    maths = root.findall(f"{{{OMML_NS}}}oMath")
    if len(maths) != 1:
        return None
    _repair(maths[0])
    return etree.tostring(maths[0], encoding="unicode")


def _m(tag: str) -> str:
    return f"{{{OMML_NS}}}{tag}"


def _repair(omath: Any) -> None:
    """What the converter leaves out that OMML requires: a radical's degree (``m:deg``, hidden for a
    square root; Word and LibreOffice draw an empty box without it), and invisible operators, which
    fonts draw as boxes."""
    from lxml import etree

    for text in omath.iter(_m("t")):
        if text.text:
            text.text = text.text.translate(_INVISIBLE)
    for rad in omath.iter(_m("rad")):
        if rad.find(_m("deg")) is None:
            pr = rad.find(_m("radPr"))
            if pr is None:
                pr = etree.Element(_m("radPr"))
                rad.insert(0, pr)
            hide = etree.SubElement(pr, _m("degHide"))
            hide.set(_m("val"), "1")
            pr.addnext(etree.Element(_m("deg")))


def omml(tex: str, display: bool = False) -> Any | None:
    """The formula as a new Office math ``m:oMath`` element, or None."""
    text = _omml_text(tex, display)
    if text is None:
        return None
    from docx.oxml import parse_xml

    return parse_xml(text.replace("<m:oMath", f'<m:oMath xmlns:m="{OMML_NS}"', 1) if "xmlns:m" not in text else text)
