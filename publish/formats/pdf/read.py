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


def page_texts(path: Path) -> tuple[list[str], bool]:
    """Each page's visible text inside its content area (the /ArtBox: running heads and folios
    drawn in the page margins are not the article), lines separated by newlines; and whether
    every page had a content area."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        pages, bounded = [], True
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            art = _art_box(page)
            bounded = bounded and art is not None
            if art:
                # above and below the content area: the running heads and folios; but a table too wide
                # for its column may run into the side margins, and is still there to read
                width = page.get_width()
                text = textpage.get_text_bounded(min(0, art[0]), art[1], max(width, art[2]), art[3])
            else:
                text = textpage.get_text_range()
            pages.append(text.translate(_NOT_TEXT))
            textpage.close()
            page.close()
        return pages, bounded
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

    data = path.read_bytes()
    packets = _XMP.findall(data)
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
    pages, bounded = page_texts(path)
    return Extracted("\n".join(pages), metadata(path), pages, bounded)
