"""SVG images: parsed with lxml (no entities, no network), kept to a whitelist of drawing elements
and attributes, so no script, event handler or external reference reaches an output."""
from __future__ import annotations

import re

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_XML_NS = "http://www.w3.org/XML/1998/namespace"

#: The SVG elements kept: shapes, text, paint servers, clipping, masking and filters.
ELEMENTS = frozenset({
    "svg", "g", "defs", "symbol", "use", "switch", "title", "desc", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath", "image", "a", "marker", "pattern", "clipPath", "mask",
    "linearGradient", "radialGradient", "stop", "filter",
    "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
    "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood",
    "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge",
    "feMergeNode", "feMorphology", "feOffset", "fePointLight", "feSpecularLighting",
    "feSpotLight", "feTile", "feTurbulence",
})
#: Raster images an SVG may carry inside itself (a data: URL), and nothing else.
_DATA_IMAGES = ("data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;")
MAX_SVG_ELEMENTS = 200_000
#: The most elements a drawing may draw once every <use> is expanded (ten levels of ten <use> of the
#: level below are 10^10 shapes from 100 elements): resvg's own node limit; WeasyPrint draws about
#: 200,000 a second.
MAX_SVG_DRAWN = 1_000_000


class UnsafeSvg(ValueError):
    """The file is not an SVG image publish can read."""


def looks_like_svg(data: bytes) -> bool:
    """Whether the bytes start like an XML or SVG document (the sanitizer decides for sure)."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg"))


def _safe_reference(value: str, element: str) -> bool:
    value = value.strip()
    if value.startswith("#"):
        return True
    return element in ("image", "feImage") and value.lower().startswith(_DATA_IMAGES)


def _safe_css(text: str) -> bool:
    """CSS inside the SVG may refer to its own elements (``url(#id)``), never to a file or URL."""
    lowered = "".join(text.lower().split())
    if "@import" in lowered or "expression(" in lowered or "javascript:" in lowered:
        return False
    start = lowered.find("url(")
    while start != -1:
        rest = lowered[start + 4 :].lstrip("'\"")
        if not rest.startswith("#"):
            return False
        start = lowered.find("url(", start + 4)
    return True


def sanitize(data: bytes) -> bytes:
    """The SVG with only whitelisted elements and attributes; raises UnsafeSvg if it is not SVG."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        remove_comments=True, remove_pis=True, huge_tree=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise UnsafeSvg(f"is not a well-formed SVG file: {exc}") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise UnsafeSvg("is not an SVG image (its root element is not <svg> in the SVG namespace)")
    count = 0
    for element in list(root.iter()):
        count += 1
        if count > MAX_SVG_ELEMENTS:
            raise UnsafeSvg(f"has more than {MAX_SVG_ELEMENTS} elements")
        if not isinstance(element.tag, str):  # an entity reference left unresolved
            _remove(element)
            continue
        qname = etree.QName(element)
        if qname.namespace != SVG_NS or qname.localname not in ELEMENTS:
            _remove(element)
            continue
        if qname.localname == "style" and not _safe_css(element.text or ""):
            _remove(element)
            continue
        for name, value in list(element.attrib.items()):
            attr = etree.QName(name)
            local = attr.localname
            keep = attr.namespace in (None, XLINK_NS, _XML_NS) and not local.lower().startswith("on")
            if keep and local == "href":
                keep = _safe_reference(value, qname.localname)
                if keep and not value.strip().startswith("#"):
                    _check_embedded(value)
            elif keep and attr.namespace == XLINK_NS:
                keep = local in ("title",)
            if keep and ("url(" in value.lower() or local == "style"):
                keep = _safe_css(value)
            if not keep:
                del element.attrib[name]
    _check_drawn(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def _check_embedded(url: str) -> None:
    """An embedded raster image (a ``data:`` URL) is measured as a file would be (raster.pixels)."""
    import base64
    import binascii
    from urllib.parse import unquote_to_bytes

    from . import raster

    head, _, body = url.strip().partition(",")
    media_type = head[5:].split(";")[0].strip().lower()
    try:
        data = base64.b64decode(body, validate=False) if head.lower().endswith(";base64") else unquote_to_bytes(body)
    except (binascii.Error, ValueError):
        raise UnsafeSvg("has an embedded image that is not valid base64") from None
    media_type = "image/jpeg" if media_type == "image/jpg" else media_type
    if media_type not in raster.MEASURED:
        raise UnsafeSvg(f"has an embedded image of type '{media_type}' (PNG, JPEG, GIF or WebP may be embedded)")
    try:
        width, height = raster.pixels(data, media_type)
    except raster.BadRaster as exc:
        raise UnsafeSvg(f"has an embedded image that {exc}") from None
    if raster.too_large((width, height)):
        raise UnsafeSvg(f"has an embedded image too large to draw ({width} x {height} px; {raster.describe_limit()})")


def _check_drawn(root: etree._Element) -> None:
    """Refuse a drawing that draws more than MAX_SVG_DRAWN elements with its <use> expanded, or whose
    <use> refers to itself: each element counts once, plus what it uses, counted once per use."""
    ids = {element.get("id"): element for element in root.iter() if element.get("id")}
    use = f"{{{SVG_NS}}}use"
    counts: dict[etree._Element, int] = {}
    # depth first without recursion (a chain of <use> may be as long as the file): an element is
    # counted when its children and the element it uses are
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    open_now: set[etree._Element] = set()
    while stack:
        element, ready = stack.pop()
        if element in counts:
            continue
        target = None
        if element.tag == use:
            ref = (element.get("href") or element.get(f"{{{XLINK_NS}}}href") or "").strip()
            target = ids.get(ref[1:]) if ref.startswith("#") else None
        parts = [child for child in element if isinstance(child.tag, str)] + ([target] if target is not None else [])
        if ready:
            open_now.discard(element)
            counts[element] = total = 1 + sum(counts[part] for part in parts)
            if total > MAX_SVG_DRAWN:
                raise UnsafeSvg(f"draws more than {MAX_SVG_DRAWN:,} elements once its <use> elements are expanded")
            continue
        if element in open_now:
            raise UnsafeSvg("has a <use> that refers to an element containing it")
        open_now.add(element)
        stack.append((element, True))
        for part in parts:
            if part in open_now:
                raise UnsafeSvg("has a <use> that refers to an element containing it")
            if part not in counts:
                stack.append((part, False))


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


#: The longest side of the PNG an SVG is drawn as (formats without SVG: the DOCX): a drawing
#: that declares a larger size is drawn smaller, never asked of the rasteriser at that size.
MAX_PNG_SIDE = 4096
#: CSS pixels per unit of the lengths an SVG may give its width and height in.
_UNITS = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "q": 96 / 101.6,
          "em": 16.0, "ex": 8.0}
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-zA-Z]*)\s*$")


def _length(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    if not match or match.group(2).lower() not in _UNITS:
        return None  # absent, a percentage or a unit that has no absolute size
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def size(svg: bytes) -> tuple[float, float]:
    """The drawing's size in CSS pixels, as a renderer takes it: width and height (in any absolute
    unit, at 96 dpi), else the viewBox's, else 100 x 100."""
    head = re.search(rb"<svg\b[^>]*>", svg)
    attrs = dict(re.findall(r'([\w:-]+)\s*=\s*["\']([^"\']*)["\']', head.group(0).decode("utf-8", "replace"))) if head else {}
    box = [float(n) for n in re.findall(r"-?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?", attrs.get("viewBox", ""))]
    box_w, box_h = (box[2], box[3]) if len(box) == 4 and box[2] > 0 and box[3] > 0 else (None, None)
    width, height = _length(attrs.get("width")), _length(attrs.get("height"))
    if width and not height and box_w and box_h:
        height = width * box_h / box_w
    if height and not width and box_w and box_h:
        width = height * box_w / box_h
    return (width or box_w or 100.0, height or box_h or 100.0)


def to_png(svg: bytes, zoom: float = 2.0) -> bytes:
    """A sanitized SVG drawn as PNG (for formats without SVG), at twice its size for sharp print,
    or smaller when that would make a side longer than MAX_PNG_SIDE pixels."""
    import resvg_py

    width, height = size(svg)
    zoom = min(zoom, MAX_PNG_SIDE / max(width, height, 1.0))
    try:
        # dpi 96, the CSS pixel: with resvg's default (0) a width in pt or mm comes out as no size at all
        return bytes(resvg_py.svg_to_bytes(svg_string=svg.decode("utf-8"), zoom=zoom, dpi=96))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UnsafeSvg(f"cannot be drawn: {exc}") from None
