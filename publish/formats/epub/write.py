"""Model to EPUB 3 through ebooklib: the themed XHTML page, e-reader CSS, nav, NCX, cover and OPF metadata."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ebooklib import epub
from lxml import etree

from ...media.assets import Asset, for_format
from ..view import View, build_date
from ...errors import OutputError, ThemeError, warn
from ...media.font_embed import characters, font_face_file, read_face, shared_characters, subset_font
from ...media.script_fonts import ScriptFace, css_family, faces_of_scripts, families, script_faces, with_families
from ..job import Job
from ...model import Document, Node, plain_text
from ...read.language import cjk_fonts, language_script_code, language_selector
from ...theme.env import page_line_where
from ..zipfiles import normalize
from .summary import sentences
from ..html import Heading
from ..page import render_page

CHAPTER = "article.xhtml"
COVER_PAGE = "cover.xhtml"
NAV = "nav.xhtml"
NCX = "toc.ncx"
STYLESHEET = "css/epub.css"
END_MATTER = "end-matter"
#: What ``dcterms:conformsTo`` says when the content meets EPUB Accessibility 1.1.
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"

_XHTML = "http://www.w3.org/1999/xhtml"
_OPS = "http://www.idpf.org/2007/ops"
_NCX = "http://www.daisy.org/z3986/2005/ncx/"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_EPUB_TYPE = f"{{{_OPS}}}type"
_HEX = re.compile(r"^#([0-9a-fA-F]{6})$")
#: Font files an EPUB may carry, with their EPUB 3.3 core media types (EPUBCheck takes these without a word).
FONT_TYPES = {".otf": "font/otf", ".ttf": "font/ttf", ".woff": "font/woff", ".woff2": "font/woff2"}
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
_URL = re.compile(r"""url\(\s*(["']?)([^"')]*)\1\s*\)(\s*format\(\s*["']?[^"')]*["']?\s*\))?""")
_CSS_STRING = re.compile(r"""content\s*:\s*((?:"[^"]*"|'[^']*'|[^;}])*)""")


# -- what goes into the package ------------------------------------------------
@dataclass
class Image:
    """One image file of the package: its manifest id, path inside EPUB/ and bytes."""

    id: str
    href: str
    asset: Asset
    properties: list[str] = field(default_factory=list)


def package_images(job: Job) -> tuple[dict[str, Image], Image | None]:
    """Every image the article uses (and its cover), one manifest item per distinct file,
    by source path; and the cover's item, or None when the article gives no ``cover-image``."""
    by_name: dict[str, Image] = {}
    by_src: dict[str, Image] = {}
    for src, original in sorted(job.assets.items()):
        asset = for_format(original, "epub")
        stem = asset.name.rsplit(".", 1)[0]
        image = by_name.setdefault(asset.name, Image(id=f"img-{stem}", href=f"images/{asset.name}", asset=asset))
        by_src[src] = image
    cover = by_src.get(job.doc.meta.cover_image) if job.doc.meta.cover_image else None
    if cover is not None:
        cover.properties.append("cover-image")
    return by_src, cover


def generated_cover(job: Job) -> Image:
    """The cover of a book whose article names no ``cover-image``: an SVG of its masthead, title,
    byline and date in the theme's colours (cover.py), in the package as the cover-image."""
    from .cover import svg

    data = svg(job.view, job.theme.options)
    asset = Asset(src="", path=Path("cover.svg"), media_type="image/svg+xml", extension=".svg", data=data)
    return Image(id="cover-generated", href=f"images/{asset.name}", asset=asset, properties=["cover-image"])


@dataclass
class Font:
    """One font file of the package: its manifest id, path inside EPUB/ and the theme file it
    copies, cut down to the characters the book uses (as WOFF2) where its licence allows."""

    id: str
    href: str
    path: Path
    subset: bool = False
    script: ScriptFace | None = None  # an installed face for the article's script (script_fonts)

    @property
    def media_type(self) -> str:
        return FONT_TYPES[Path(self.href).suffix.lower()]

    def data(self, chars: frozenset[str]) -> bytes:
        """The bytes packaged: a WOFF2 subset holding ``chars`` (unhinted, as e-readers draw
        outlines; the web page's subset, so one worker makes both), or the theme's file as it is."""
        try:
            if self.script is not None:
                return self.script.data(chars)
            if self.subset:
                return subset_font(self.path, chars, flavor="woff2", hinting=False)
            return self.path.read_bytes()
        except OSError as exc:
            raise ThemeError(f"cannot read the font file: {exc}", self.path) from None
        except Exception as exc:  # fontTools' own errors on a broken font
            raise ThemeError(f"cannot subset the font file: {exc}", self.path) from None


def package_fonts(theme: Any, direction: str = "ltr", scripts: list[ScriptFace] | None = None,
                  langs: list[str] | None = None) -> tuple[str, list[Font]]:
    """The EPUB stylesheet, and the theme font files its ``@font-face`` rules name: each URL,
    relative to its stylesheet, must be a font file inside the theme chain; it is packaged
    under ``fonts/`` and the URL rewritten to reach it from ``css/epub.css``. A theme packages
    only the faces it declares, so its epub.css decides the weight of the book. A font whose
    licence (OS/2 fsType) allows subsetting is packaged as a WOFF2 subset (see Font.data), its
    ``format()`` hint rewritten to match. The installed ``scripts`` faces (the fonts the PDF draws the
    article's Arabic, Hebrew, Devanagari... with) come first, see script_stylesheet."""
    sources = theme.stylesheet_paths("epub")  # the theme's css/epub.css (+ extensions) is the EPUB's too
    roots = [folder.resolve() for folder in theme.chain]
    fonts: dict[Path, Font] = {}
    sheets = []
    names = families(scripts or [])
    overrides = {key: with_families(list(theme.options[key]), names) for key in ("font_body", "font_heading")} if names else None
    for (text, folder), source in zip(theme.stylesheets("epub", overrides, direction), sources):

        def packaged(match: re.Match[str]) -> str:
            path = font_face_file(match.group(2).strip(), folder, roots, source)
            if path is None:  # a data: URL
                return match.group(0)
            if path not in fonts:
                face = read_face(path)
                cut = face is not None and face.subsettable and path.suffix.lower() in (".ttf", ".otf")
                ident, href = _font_name(fonts, path.stem, ".woff2" if cut else path.suffix)
                fonts[path] = Font(id=ident, href=href, path=path, subset=cut)
            font = fonts[path]
            hint = ' format("woff2")' if font.subset and match.group(3) else (match.group(3) or "")
            return f'url("../{font.href}"){hint}'

        sheets.append(_FONT_FACE.sub(lambda face: _URL.sub(packaged, face.group(0)), text))
    if scripts:
        sheets.insert(0, script_stylesheet(scripts, fonts, langs or []))
    return "\n".join(sheets), sorted(fonts.values(), key=lambda f: f.href)


def _font_name(fonts: dict[Path, Font], stem: str, suffix: str) -> tuple[str, str]:
    """A manifest id and a path under fonts/ for a font file, unlike those of ``fonts``."""
    taken = {f.href for f in fonts.values()}
    href, n = f"fonts/{stem}{suffix}", 1
    while href in taken:
        n += 1
        href = f"fonts/{stem}-{n}{suffix}"
    return "font-" + re.sub(r"[^A-Za-z0-9_.-]", "-", href[len("fonts/"):].rsplit(".", 1)[0]), href


def script_stylesheet(scripts: list[ScriptFace], fonts: dict[Path, Font], langs: list[str]) -> str:
    """The rules that carry the article's script fonts (added to ``fonts``, packaged as WOFF2
    subsets): an ``@font-face`` for each face, limited to its script's characters, and the body of
    each page in a language of that script (``body:lang(ar)``) naming them, which a theme's own
    body rule (later) overrides; the theme's font_body and font_heading name them after their
    first font, as its print.css does."""
    rules = ["/* The fonts of the article's script, from the system (publish, script_fonts) */"]
    for face in scripts:
        ident, href = _font_name(fonts, face.stem, ".woff2")
        fonts[face.path] = Font(id=ident, href=href, path=face.path, subset=True, script=face)
        rules.append(face.font_face(f"../{href}"))
    for script in dict.fromkeys(face.script for face in scripts):
        named = ", ".join(css_family(name) for name in families(f for f in scripts if f.script == script))
        rules.append(f"{language_selector(script, langs)} {{ font-family: {named}; }}")
    return "\n".join(rules)


def used_characters(pages: list[bytes], css: str) -> frozenset[str]:
    """Every character the book can show: the text of its XHTML pages and the strings of the
    stylesheet's ``content`` properties (see font_embed.characters for what is always kept)."""
    texts = ["".join(etree.fromstring(page).itertext()) for page in pages]
    texts.extend(match.group(1) for match in _CSS_STRING.finditer(css))
    return characters(texts)


def images_without_alt(doc: Document) -> list[Node]:
    """Images and figures whose alt text (the words between ``![`` and ``]``) is empty."""
    return [node for node in doc.images() if not " ".join(plain_text(node.children).split())]


def warn_missing_alt(doc: Document) -> None:
    """One build-time warning, naming the line, for each image without alt text."""
    for node in images_without_alt(doc):
        warn(
            f"image '{node.attrs.get('src', '')}' has no alt text: write a description between ![ and ], "
            "or e-readers cannot describe it (the EPUB then does not claim alternativeText)",
            doc.path,
            node.line,
        )


def _labels(view: View) -> dict[str, str]:
    """The labels the e-reader shows in the nav, in the article's language (theme/translations)."""
    return {key: view.labels[key] for key in ("contents", "landmarks", "cover", "end_matter")}


# -- accessibility ---------------------------------------------------------------
def _luminance(colour: str) -> float | None:
    match = _HEX.match(colour) if isinstance(colour, str) else None
    if match is None:
        return None
    channels = [int(match.group(1)[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def readable_on_white(colour: str) -> bool:
    """True when a ``#rrggbb`` text colour has at least WCAG AA contrast (4.5:1) on white."""
    lum = _luminance(colour)
    return lum is not None and 1.05 / (lum + 0.05) >= 4.5


@dataclass
class Accessibility:
    """The schema.org accessibility metadata that is true of this content."""

    access_modes: list[str]
    sufficient: list[str]
    features: list[str]
    hazards: list[str]
    summary: str
    summary_lang: str = "en"
    conforms_to: str | None = None
    certified_by: str | None = None


def accessibility(job: Job, has_cover: bool) -> Accessibility:
    """Describe the package as it is: text with (or without) images, alt text where given,
    structure and navigation from the nav document, no hazards. Conformance is claimed only when
    every image has alt text, the theme's text colours reach 4.5:1 on white, and the article
    (``accessibility-certifier``) or the theme (``a11y_certified_by``) names who certifies it:
    publish never makes that claim in anyone's name by itself. The summary is in the article's
    language where epub_summary has it, else in English, tagged so."""
    doc, view = job.doc, job.view
    images = doc.images()
    missing = images_without_alt(doc)
    visual = bool(images) or has_cover
    described = visual and not missing
    modes = ["textual", "visual"] if visual else ["textual"]
    sufficient = ["textual"] if not visual or described else []
    if visual:
        sufficient.append("textual,visual")
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if described:
        features.append("alternativeText")
    colours = [job.theme.options.get(key) for key in ("color_text", "color_accent")]
    contrast_ok = all(readable_on_white(c) for c in colours if c is not None)
    certifier = job.doc.meta.accessibility_certifier or job.theme.options.get("a11y_certified_by")
    conforms = not missing and contrast_ok and bool(certifier)
    lang, say = sentences(view.lang)
    parts = [say["reflow"], say["navigation"]]
    if doc.footnotes:
        parts.append(say["notes"])
    if visual and described:
        parts.append(say["described"])
    elif visual:
        parts.append(say["undescribed"].format(missing=len(missing), total=len(images)))
    if conforms:
        parts.append(say["claim"].format(certifier=certifier, conformance=CONFORMANCE))
    return Accessibility(
        access_modes=modes,
        sufficient=sufficient,
        features=features,
        hazards=["none"],
        summary=" ".join(parts),
        summary_lang=lang,
        conforms_to=CONFORMANCE if conforms else None,
        certified_by=certifier if conforms else None,
    )


# -- documents written here ------------------------------------------------------
@dataclass
class Entry:
    """One line of the table of contents and the entries nested under it."""

    label: str
    href: str
    children: list[Entry] = field(default_factory=list)


def outline(headings: list[Heading], view: View, end_matter: bool = True) -> list[Entry]:
    """The title, then the headings nested by level, then the end matter (notice, credits, contact)."""
    top: list[Entry] = []
    stack: list[tuple[int, list[Entry]]] = [(0, top)]
    for heading in headings:
        if not heading.text.strip():
            continue  # an empty heading names nothing to go to (and an empty nav link is invalid)
        while stack[-1][0] >= heading.level:
            stack.pop()
        entry = Entry(heading.text, f"{CHAPTER}#{heading.id}")
        stack[-1][1].append(entry)
        stack.append((heading.level, entry.children))
    tail = [Entry(_labels(view)["end_matter"], f"{CHAPTER}#{END_MATTER}")] if end_matter else []
    return [Entry(view.title.text, CHAPTER), *top, *tail]


def _depth(entries: list[Entry]) -> int:
    return max((1 + _depth(e.children) for e in entries), default=0)


def _xhtml_root(view: View, title: str) -> tuple[etree._Element, etree._Element]:
    root = etree.Element(f"{{{_XHTML}}}html", nsmap={None: _XHTML, "epub": _OPS})
    root.set("lang", view.lang)
    root.set(_XML_LANG, view.lang)
    root.set("dir", view.dir)  # the nav and the cover read in the article's direction
    head = etree.SubElement(root, f"{{{_XHTML}}}head")
    etree.SubElement(head, f"{{{_XHTML}}}meta", charset="utf-8")
    etree.SubElement(head, f"{{{_XHTML}}}title").text = title
    etree.SubElement(head, f"{{{_XHTML}}}link", rel="stylesheet", type="text/css", href=STYLESHEET)
    return root, etree.SubElement(root, f"{{{_XHTML}}}body")


def _serialize(root: etree._Element) -> bytes:
    body = etree.tostring(root, encoding="utf-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + body


def nav_document(view: View, entries: list[Entry], landmarks: list[tuple[str, str, str]]) -> bytes:
    """nav.xhtml: the table of contents and the landmarks (epub:type, href, label)."""
    labels = _labels(view)
    root, body = _xhtml_root(view, labels["contents"])
    body.set("class", "nav")
    toc = etree.SubElement(body, f"{{{_XHTML}}}nav", {_EPUB_TYPE: "toc", "id": "toc", "role": "doc-toc"})
    etree.SubElement(toc, f"{{{_XHTML}}}h1").text = labels["contents"]

    def add(parent: etree._Element, items: list[Entry]) -> None:
        ol = etree.SubElement(parent, f"{{{_XHTML}}}ol")
        for item in items:
            li = etree.SubElement(ol, f"{{{_XHTML}}}li")
            etree.SubElement(li, f"{{{_XHTML}}}a", href=item.href).text = item.label
            if item.children:
                add(li, item.children)

    add(toc, entries)
    marks = etree.SubElement(
        body, f"{{{_XHTML}}}nav", {_EPUB_TYPE: "landmarks", "id": "landmarks", "aria-label": labels["landmarks"]}
    )
    etree.SubElement(marks, f"{{{_XHTML}}}h1").text = labels["landmarks"]
    ol = etree.SubElement(marks, f"{{{_XHTML}}}ol")
    for kind, href, label in landmarks:
        li = etree.SubElement(ol, f"{{{_XHTML}}}li")
        etree.SubElement(li, f"{{{_XHTML}}}a", {_EPUB_TYPE: kind, "href": href}).text = label
    return _serialize(root)


def ncx_document(view: View, entries: list[Entry]) -> bytes:
    """toc.ncx for EPUB 2 reading systems: the same outline, with play order and depth."""
    root = etree.Element(f"{{{_NCX}}}ncx", nsmap={None: _NCX}, version="2005-1")
    root.set(_XML_LANG, view.lang)
    head = etree.SubElement(root, f"{{{_NCX}}}head")
    metas = {"dtb:uid": view.identifier, "dtb:depth": str(_depth(entries)), "dtb:totalPageCount": "0", "dtb:maxPageNumber": "0"}
    for name, content in metas.items():
        etree.SubElement(head, f"{{{_NCX}}}meta", name=name, content=content)
    etree.SubElement(etree.SubElement(root, f"{{{_NCX}}}docTitle"), f"{{{_NCX}}}text").text = view.title.text
    for author in view.authors:
        etree.SubElement(etree.SubElement(root, f"{{{_NCX}}}docAuthor"), f"{{{_NCX}}}text").text = author
    nav_map = etree.SubElement(root, f"{{{_NCX}}}navMap")
    order = 0

    def add(parent: etree._Element, items: list[Entry]) -> None:
        nonlocal order
        for item in items:
            order += 1
            point = etree.SubElement(parent, f"{{{_NCX}}}navPoint", id=f"np-{order}", playOrder=str(order))
            etree.SubElement(etree.SubElement(point, f"{{{_NCX}}}navLabel"), f"{{{_NCX}}}text").text = item.label
            etree.SubElement(point, f"{{{_NCX}}}content", src=item.href)
            add(point, item.children)

    add(nav_map, entries)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)


def cover_document(view: View, image: Image) -> bytes:
    """cover.xhtml: the cover image alone, scaled to the screen by the stylesheet."""
    label = _labels(view)["cover"]
    root, body = _xhtml_root(view, label)
    body.set("class", "cover-page")
    section = etree.SubElement(body, f"{{{_XHTML}}}section", {_EPUB_TYPE: "cover", "class": "cover"})
    etree.SubElement(section, f"{{{_XHTML}}}img", {"src": image.href, "alt": f"{label}: {view.title.text}", "role": "doc-cover"})
    return _serialize(root)


# -- the package -------------------------------------------------------------------
def _metadata(book: epub.EpubBook, view: View, a11y: Accessibility) -> None:
    """Dublin Core, the reprint's credits and contact, and accessibility metadata in the OPF."""
    book.set_identifier(view.identifier)
    book.title = view.title.text
    book.add_metadata("DC", "title", view.title.text, {"id": "title"})
    book.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if view.subtitle:
        book.add_metadata("DC", "title", view.subtitle.text, {"id": "subtitle"})
        book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    book.set_language(view.lang)
    for i, author in enumerate(view.authors):
        book.add_author(author, role="aut", uid=f"creator{i}")
    if view.date_iso:
        book.add_metadata("DC", "date", view.date_iso)
    if view.publisher:
        book.add_metadata("DC", "publisher", view.publisher)
    if view.rights:
        book.add_metadata("DC", "rights", view.rights.text)
    if view.source_name:
        book.add_metadata("DC", "source", f"{view.source_name} ({view.source_url})" if view.source_url else view.source_name)
    if view.description:
        book.add_metadata("DC", "description", view.description)
    for keyword in view.keywords:
        book.add_metadata("DC", "subject", keyword)
    for credit in view.credits:
        book.add_metadata(None, "meta", credit.text, {"property": "schema:creditText"})
    if view.contact:
        book.add_metadata(None, "meta", view.contact.text, {"property": "schema:contactPoint"})
    for mode in a11y.access_modes:
        book.add_metadata(None, "meta", mode, {"property": "schema:accessMode"})
    for modes in a11y.sufficient:
        book.add_metadata(None, "meta", modes, {"property": "schema:accessModeSufficient"})
    for feature in a11y.features:
        book.add_metadata(None, "meta", feature, {"property": "schema:accessibilityFeature"})
    for hazard in a11y.hazards:
        book.add_metadata(None, "meta", hazard, {"property": "schema:accessibilityHazard"})
    summary = {"property": "schema:accessibilitySummary"}
    if a11y.summary_lang != view.lang:  # otherwise the package's xml:lang says it
        summary[_XML_LANG] = a11y.summary_lang
    book.add_metadata(None, "meta", a11y.summary, summary)
    if a11y.conforms_to and a11y.certified_by:
        book.add_metadata(None, "meta", a11y.conforms_to, {"property": "dcterms:conformsTo", "id": "conformance"})
        book.add_metadata(None, "meta", a11y.certified_by, {"refines": "#conformance", "property": "a11y:certifiedBy"})


def _item(uid: str, name: str, media_type: str, content: bytes, properties: list[str] | None = None) -> epub.EpubItem:
    item = epub.EpubItem(uid=uid, file_name=name, media_type=media_type, content=content)
    item.properties = list(properties or [])
    return item


def _not_xhtml(job: Job, exc: etree.XMLSyntaxError, marked: str) -> OutputError:
    """The error for a page that is not well-formed XHTML, naming the template file (and line) that
    wrote the bad line: an included one (end_matter.html, ...) when it did, else article.html. An
    element opened in one template and left open is named where it was opened."""
    lines = [exc.lineno] if exc.lineno else []
    opened = re.search(r"\bline (\d+) and\b", str(exc.msg or ""))  # "tag mismatch: p line 36 and section"
    if opened:
        lines.insert(0, int(opened.group(1)))
    filename, lineno = None, None
    for line in lines:
        filename, lineno = page_line_where(marked, line)
        if filename:
            break
    where = Path(filename) if filename else job.theme.find("templates/article.html")
    name = where.name if where else "article.html"
    return OutputError(f"the theme's {name} does not give well-formed XHTML: {exc.msg} (line numbers of the rendered page)",
                       where, lineno)


def _page(job: Job, images: dict[str, Image]) -> tuple[bytes, list[Heading], bool]:
    """The article page, its headings, and whether it has a non-empty end matter to point at."""

    def image_url(node: Node) -> str:
        return images[str(node.attrs["src"])].href

    head = f'<link rel="stylesheet" type="text/css" href="{STYLESHEET}"/>'
    page, rendered = render_page(job, target="epub", footnotes="epub", image_url=image_url, head_extra=head)
    data = page.encode("utf-8")
    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError as exc:
        marked, _ = render_page(job, target="epub", footnotes="epub", image_url=image_url, head_extra=head, marked=True)
        raise _not_xhtml(job, exc, marked) from None
    end = root.find(f".//*[@id='{END_MATTER}']")
    return data, rendered.headings, end is not None and bool("".join(end.itertext()).strip())


def write(job: Job) -> bytes:
    """Render the article to EPUB bytes: the same input always gives the same bytes (a collection: output.write)."""
    view = job.view
    labels = _labels(view)
    warn_missing_alt(job.doc)
    images, cover = package_images(job)
    drawn = generated_cover(job) if cover is None else None  # no cover-image: one drawn from the title
    cover = cover or drawn
    page, headings, has_end_matter = _page(job, images)
    # the drawn cover shows nothing the text does not say (its title): the book stays textual
    a11y = accessibility(job, has_cover=cover is not None and drawn is None)

    book = epub.EpubBook()
    _metadata(book, view, a11y)
    # the installed fonts the PDF draws the article's scripts with, by the scripts of its source
    scripts = faces_of_scripts(script_faces(shared_characters(job.doc, frozenset()), job.theme.options.get("font_scripts") or {},
                                            cjk_fonts(job.doc.meta.lang, job.theme.options["font_cjk"])), [language_script_code(view.lang)])
    css, fonts = package_fonts(job.theme, view.dir, scripts, [view.lang])
    book.add_item(_item("style", STYLESHEET, "text/css", css.encode("utf-8")))
    spine: list[epub.EpubItem] = []
    landmarks: list[tuple[str, str, str]] = []
    if cover is not None:
        book.add_metadata(None, "meta", "", {"name": "cover", "content": cover.id})
        spine.append(book.add_item(_item("cover", COVER_PAGE, "application/xhtml+xml", cover_document(view, cover))))
        landmarks.append(("cover", COVER_PAGE, labels["cover"]))
        book.guide.append({"href": COVER_PAGE, "title": labels["cover"], "type": "cover"})
    if drawn is not None:
        book.add_item(_item(drawn.id, drawn.href, drawn.asset.media_type, drawn.asset.data, drawn.properties))
    # EPUB 3 asks a content document with MathML to say so in the manifest
    mathml = ["mathml"] if b'xmlns="http://www.w3.org/1998/Math/MathML"' in page else []
    spine.append(book.add_item(_item("article", CHAPTER, "application/xhtml+xml", page, mathml)))
    for image in sorted({i.id: i for i in images.values()}.values(), key=lambda i: i.id):
        book.add_item(_item(image.id, image.href, image.asset.media_type, image.asset.data, image.properties))
    entries = outline(headings, view, end_matter=has_end_matter)
    # No "toc" landmark: it would point at nav.xhtml, which is not (and need not be) in the spine.
    landmarks.append(("bodymatter", CHAPTER, view.title.text))
    if has_end_matter:
        landmarks.append(("backmatter", f"{CHAPTER}#{END_MATTER}", labels["end_matter"]))
    nav = nav_document(view, entries, landmarks)
    book.add_item(_item("nav", NAV, "application/xhtml+xml", nav, ["nav"]))
    if fonts:
        pages = [page, nav] + ([cover_document(view, cover)] if cover is not None else [])
        chars = shared_characters(job.doc, used_characters(pages, css))
        for font in fonts:
            book.add_item(_item(font.id, font.href, font.media_type, font.data(chars)))
    book.add_item(_item("ncx", NCX, "application/x-dtbncx+xml", ncx_document(view, entries)))
    book.spine = spine
    if view.dir == "rtl":  # pages turn right to left: the spine's page-progression-direction
        book.set_direction("rtl")
    book.guide.append({"href": CHAPTER, "title": view.title.text, "type": "text"})
    return write_package(book, job)


def write_package(book: epub.EpubBook, job: Job) -> bytes:
    """The book's EPUB bytes, dated by the document's build date (the same input, the same bytes)."""
    view = job.view
    out = io.BytesIO()
    when = build_date(job.doc.meta)
    # a right-to-left book's package says so too (its metadata's base direction, EPUB 3.3's package dir)
    writer = epub.EpubWriter(out, book, {"mtime": when, "epub3_landmark": False, "epub3_pages": False, "plugins": [],
                                         "package_direction": view.dir == "rtl"})
    writer.process()
    try:
        writer.write()
    except (OSError, ValueError) as exc:
        raise OutputError(f"could not write the EPUB: {exc}", job.doc.path) from None
    return normalize(_package_language(out.getvalue(), view.lang), when)


def _package_language(data: bytes, lang: str) -> bytes:
    """The EPUB with ``xml:lang`` on the OPF's package element (ebooklib writes none), so the
    metadata's language is declared where reading systems and Ace look for it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = source.read(info)
            if info.filename.endswith(".opf"):
                root = etree.fromstring(member)
                root.set(_XML_LANG, lang)
                member = etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)
            target.writestr(info, member)
    return out.getvalue()
