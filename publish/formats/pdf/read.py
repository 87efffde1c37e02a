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
    the marked-content ids of every object drawn (each picture drawn has its own). A drawing's
    objects may sit inside form XObjects (an SVG group with opacity): those are looked into, and
    belong to the figure whose mark the form object carries."""
    import ctypes

    import pypdfium2.raw as raw

    texts, drawn = set(), set()
    name = (ctypes.c_ushort * 16)()
    size = ctypes.c_ulong()

    def in_figure(obj) -> bool:  # type: ignore[no-untyped-def]
        for number in range(raw.FPDFPageObj_CountMarks(obj)):
            raw.FPDFPageObjMark_GetName(raw.FPDFPageObj_GetMark(obj, number), name, ctypes.sizeof(name), ctypes.byref(size))
            if bytes(name)[: max(0, size.value - 2)] == _FIGURE:
                return True
        return False

    def visit(obj, figure: bool, depth: int) -> None:  # type: ignore[no-untyped-def]
        own = in_figure(obj)
        if own:
            drawn.add(raw.FPDFPageObj_GetMarkedContentID(obj))
        figure = figure or own
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT and figure:
            texts.add(ctypes.cast(obj, ctypes.c_void_p).value or 0)
        elif kind == raw.FPDF_PAGEOBJ_FORM and depth < 16:  # nested forms, bounded: the file's bounds check limits the rest
            for index in range(raw.FPDFFormObj_CountObjects(obj)):
                visit(raw.FPDFFormObj_GetObject(obj, index), figure, depth + 1)

    for index in range(raw.FPDFPage_CountObjects(page.raw)):
        visit(raw.FPDFPage_GetObject(page.raw, index), False, 0)
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


def _xmp_roots(path: Path) -> list:  # type: ignore[type-arg]
    """The PDF's XMP packet, parsed (none, or the newest)."""
    from lxml import etree

    import mmap

    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        packets = _XMP.findall(data)  # the packets only are copied, not the file
    if not packets:  # a filtered XMP stream (another writer's PDF): parse the PDF for it
        from pypdf import PdfReader

        stream = PdfReader(str(path)).trailer["/Root"].get("/Metadata")
        packets = [stream.get_object().get_data()] if stream is not None else []
    roots = []
    for packet in packets[-1:]:  # an incremental update appends a newer packet
        try:
            roots.append(xml(packet))
        except etree.XMLSyntaxError:
            continue
    return roots


def _xmp_fields(path: Path) -> list[tuple[str, str]]:
    """The Dublin Core fields of the PDF's XMP packet, as ``xmp:<name>``."""
    from lxml import etree

    found = []
    for root in _xmp_roots(path):
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag.startswith("{" + NS["dc"]):
                value = " ".join(t.strip() for t in element.itertext() if t.strip())
                if value:
                    found.append(("xmp:" + etree.QName(element).localname, value))
    return found


def read_back(path: Path) -> Extracted:
    """Visible text of every page (its content area) and the metadata; a collection's, part by part too."""
    from .bounds import check

    check(path)  # PDFium inflates each stream whole: a file not made by publish may inflate to gigabytes
    pages, bounded, pictures = page_texts(path)
    got = Extracted("\n".join(pages), metadata(path), pages, bounded, pictures, recount=lambda: every_picture(path))
    articles = _articles_xmp(path)
    if articles:
        starts = _part_pages(path)
        order = sorted(starts.items(), key=lambda item: (item[1], item[0] != "permissions"))
        for number, (name, first) in enumerate(order):
            last = order[number + 1][1] if number + 1 < len(order) else len(pages)
            own = pages[first:max(last, first + 1)]
            got.parts[name] = Extracted("\n".join(own), articles.get(name, {}), own, bounded)
    return got


#: The named destinations that open a collection's parts (formats.collection's ids).
_PART_NAME = re.compile(r"^(?:article-\d+|permissions)$")


def _part_pages(path: Path) -> dict[str, int]:
    """The page index where each of a collection's parts starts, from the PDF's named destinations (the parts' ids)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(str(path))
    found: dict[str, int] = {}
    try:
        for index in range(raw.FPDF_CountNamedDests(pdf.raw)):
            size = ctypes.c_long(0)
            raw.FPDF_GetNamedDest(pdf.raw, index, None, ctypes.byref(size))
            if size.value <= 2 or size.value > 512:
                continue
            buffer = ctypes.create_string_buffer(size.value)
            dest = raw.FPDF_GetNamedDest(pdf.raw, index, buffer, ctypes.byref(size))
            name = buffer.raw[: size.value - 2].decode("utf-16-le", errors="replace")
            if dest and _PART_NAME.match(name):
                found[name] = raw.FPDFDest_GetDestPageIndex(pdf.raw, dest)
    finally:
        pdf.close()
    return found


def _articles_xmp(path: Path) -> dict[str, dict[str, list[str]]]:
    """What the XMP says of each article of a collection (pdf.write.articles_xmp), by its id; the
    notice under ``rights`` and ``xmp:rights`` both, as an article's own PDF has it in both places."""
    from lxml import etree

    namespace = "{urn:publish:collection:1#}"
    found: dict[str, dict[str, list[str]]] = {}
    for root in _xmp_roots(path):
        for item in root.iter(namespace + "articles"):
            for li in item.iter("{%s}li" % NS["rdf"]):
                fields: dict[str, list[str]] = {}
                for element in li:
                    if isinstance(element.tag, str) and element.tag.startswith(namespace):
                        fields.setdefault(etree.QName(element).localname, []).append(element.text or "")
                ident = (fields.pop("id", None) or [""])[0]
                if ident:
                    if "rights" in fields:
                        fields["xmp:rights"] = list(fields["rights"])
                    found[ident] = fields
    return found
