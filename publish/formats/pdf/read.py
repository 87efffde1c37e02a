"""The PDF read back as a reader sees it: PDFium's text of each page, in reading order, and the
Info dictionary, catalog language and XMP (read with pypdf, which parses only those objects).

PDFium was chosen over pypdf's text extraction by measuring both on real documents
(benchmarks/readers.py): PDFium keeps a list's bullets with their items across a page break,
reads Latin words set in Noto CJK faces as Latin, maps ligatures back to their letters and is
about ten times faster on a 150,000-word book."""
from __future__ import annotations

import re
from pathlib import Path

from ..readback import NS, Extracted, xml

#: Characters PDFium reports for things that are not text: U+FFFE (a hyphen PDFium made up at a
#: line end) and U+0002 (the same, in older versions).
_NOT_TEXT = str.maketrans({"\ufffe": None, "\x02": None, "\r": None})


def _art_box(page) -> tuple[float, float, float, float] | None:  # type: ignore[no-untyped-def]
    """The page's /ArtBox (its content area, which the PDF writer marks), if it has one."""
    try:
        return page.get_artbox(fallback_ok=False)  # type: ignore[no-any-return]
    except Exception:  # no ArtBox (a PDF from another writer): read the whole page
        return None


def page_texts(path: Path) -> tuple[list[str], bool, list[str]]:
    """Each page's visible text inside its content area (the /ArtBox: running heads and folios
    drawn in the page margins are not the article), lines separated by newlines; whether
    every page had a content area; and the alternative text of each picture drawn (_pictures)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        pages, bounded, pictures = [], True, []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            art = _art_box(page)
            bounded = bounded and art is not None
            figures, drawn = _figures(page)
            if drawn:
                pictures.extend(_pictures(page, drawn))
            bounds = None
            if art:
                # above and below the content area: the running heads and folios; but a table too wide
                # for its column may run into the side margins, and is still there to read
                width = page.get_width()
                bounds = (min(0, art[0]), art[1], max(width, art[2]), art[3])
            if figures:
                text = _text_outside(textpage, figures, bounds)
            elif bounds:
                text = textpage.get_text_bounded(*bounds)
            else:
                text = textpage.get_text_range()
            pages.append(text.translate(_NOT_TEXT))
            textpage.close()
            page.close()
        return pages, bounded, pictures
    finally:
        pdf.close()


_FIGURE = "Figure".encode("utf-16-le")


def _figures(page) -> tuple[set[int], set[int]]:  # type: ignore[no-untyped-def]
    """What a page draws inside figures (marked content tagged /Figure: an image, an SVG drawing):
    the text objects, by address (the labels of a drawing are not the article's running text), and
    the marked-content ids of every object drawn (each picture drawn has its own)."""
    import ctypes

    import pypdfium2.raw as raw

    texts, drawn = set(), set()
    name = (ctypes.c_ushort * 16)()
    size = ctypes.c_ulong()
    for index in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, index)
        for number in range(raw.FPDFPageObj_CountMarks(obj)):
            raw.FPDFPageObjMark_GetName(raw.FPDFPageObj_GetMark(obj, number), name, ctypes.sizeof(name), ctypes.byref(size))
            if bytes(name)[: max(0, size.value - 2)] == _FIGURE:
                if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_TEXT:
                    texts.add(ctypes.cast(obj, ctypes.c_void_p).value or 0)
                drawn.add(raw.FPDFPageObj_GetMarkedContentID(obj))
                break
    return texts, drawn


def _pictures(page, drawn: set[int] | None) -> list[str]:  # type: ignore[no-untyped-def]
    """The alternative text (/Alt) of each /Figure structure element of the page that has something
    drawn (``drawn``: marked-content ids), or (``drawn`` None) that has marked content of its own on
    the page, drawn or empty (an SVG that draws nothing). A picture WeasyPrint could not load is a
    /Figure with no content of its own: it shows its alt text as text, not as a figure."""
    import pypdfium2.raw as raw

    found: list[str] = []
    tree = raw.FPDF_StructTree_GetForPage(page.raw)
    if not tree:
        return found
    try:
        stack = [raw.FPDF_StructTree_GetChildAtIndex(tree, i) for i in reversed(range(raw.FPDF_StructTree_CountChildren(tree)))]
        while stack:
            element = stack.pop()
            if not element:
                continue
            if _utf16(raw.FPDF_StructElement_GetType, element) == "Figure":
                ids = {raw.FPDF_StructElement_GetMarkedContentIdAtIndex(element, i)
                       for i in range(raw.FPDF_StructElement_GetMarkedContentIdCount(element))}
                if (ids & drawn) if drawn is not None else any(i >= 0 for i in ids):
                    found.append(_utf16(raw.FPDF_StructElement_GetAltText, element))
                    continue
            stack.extend(raw.FPDF_StructElement_GetChildAtIndex(element, i)
                         for i in reversed(range(raw.FPDF_StructElement_CountChildren(element))))
    finally:
        raw.FPDF_StructTree_Close(tree)
    return found


def _text_outside(textpage, figures: set[int], bounds: tuple[float, float, float, float] | None) -> str:  # type: ignore[no-untyped-def]
    """The page's text character by character, as get_text_range gives it, less the characters of
    the ``figures`` text objects and (with ``bounds``: left, bottom, right, top) those outside."""
    import ctypes

    import pypdfium2.raw as raw

    left, bottom, right, top = (ctypes.c_double() for _ in range(4))
    chars = []
    for index in range(raw.FPDFText_CountChars(textpage.raw)):
        obj = raw.FPDFText_GetTextObject(textpage.raw, index)
        if obj and (ctypes.cast(obj, ctypes.c_void_p).value or 0) in figures:
            continue
        if bounds and obj and raw.FPDFText_GetCharBox(textpage.raw, index, *(ctypes.byref(v) for v in (left, right, bottom, top))):
            x, y = (left.value + right.value) / 2, (bottom.value + top.value) / 2
            if not (bounds[0] <= x <= bounds[2] and bounds[1] <= y <= bounds[3]):
                continue
        code = raw.FPDFText_GetUnicode(textpage.raw, index)
        chars.append(chr(code) if code else "")
    return "".join(chars)


def every_picture(path: Path) -> list[str]:
    """The pictures of every page, empty ones too (_pictures without ``drawn``): the structure tree of
    each page is walked, which costs about 3 ms a page, so only when page_texts found too few."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return [alt for page in pdf for alt in _pictures(page, None)]
    finally:
        pdf.close()


#: The Info dictionary keys read back: the standard ones and those publish adds (pdf.custom_info).
INFO_KEYS = ("Title", "Author", "Subject", "Keywords", "Creator", "Producer", "CreationDate", "ModDate",
             "Rights", "Source", "SourceURL", "Publisher", "Contact", "Credits", "Identifier")
_XMP = re.compile(rb"<x:xmpmeta\b.*?</x:xmpmeta>", re.S)


def _utf16(call, *args) -> str:  # type: ignore[no-untyped-def]
    """A PDFium string getter's result (it fills a UTF-16LE buffer, after telling its size)."""
    import ctypes

    size = call(*args, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    call(*args, ctypes.cast(buffer, call.argtypes[-2]), size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace")


def metadata(path: Path, pdf=None) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """The Info dictionary (keys lowercased), the catalog's /Lang and the XMP's Dublin Core fields.

    PDFium reads the Info dictionary and the language without parsing every object (pypdf parsed the
    whole object stream they sit in: 3 s for a 30,000-word book); the XMP packet is found by its
    wrapper, as XMP intends (the writer leaves it unfiltered), else through pypdf."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    own = pdf is None
    pdf = pdf or pdfium.PdfDocument(str(path))
    try:
        meta: dict[str, list[str]] = {}
        for key in INFO_KEYS:
            value = _utf16(raw.FPDF_GetMetaText, pdf.raw, key.encode())
            if value:
                meta[key.lower()] = [value]
        lang = _utf16(raw.FPDFCatalog_GetLanguage, pdf.raw)
        if lang:
            meta["language"] = [lang]
    finally:
        if own:
            pdf.close()
    for name, value in _xmp_fields(path):
        meta.setdefault(name, []).append(value)
    if "creationdate" in meta:
        meta["date"] = [re.sub(r"^D:(\d{4})(\d{2})(\d{2}).*", r"\1-\2-\3", v) for v in meta["creationdate"]]
    return meta


def _xmp_fields(path: Path) -> list[tuple[str, str]]:
    """The Dublin Core fields of the PDF's XMP packet, as ``xmp:<name>``."""
    from lxml import etree

    import mmap

    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        packets = _XMP.findall(data)  # the packets only are copied, not the file
    if not packets:  # a filtered XMP stream (another writer's PDF): parse the PDF for it
        from pypdf import PdfReader

        stream = PdfReader(str(path)).trailer["/Root"].get("/Metadata")
        packets = [stream.get_object().get_data()] if stream is not None else []
    found = []
    for packet in packets[-1:]:  # an incremental update appends a newer packet
        try:
            root = xml(packet)
        except etree.XMLSyntaxError:
            continue
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag.startswith("{" + NS["dc"]):
                value = " ".join(t.strip() for t in element.itertext() if t.strip())
                if value:
                    found.append(("xmp:" + etree.QName(element).localname, value))
    return found


def read_back(path: Path) -> Extracted:
    """Visible text of every page (its content area) and the metadata."""
    from .bounds import check

    check(path)  # PDFium inflates each stream whole: a file not made by publish may inflate to gigabytes
    pages, bounded, pictures = page_texts(path)
    return Extracted("\n".join(pages), metadata(path), pages, bounded, pictures, recount=lambda: every_picture(path))
