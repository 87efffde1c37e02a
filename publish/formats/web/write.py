"""Model to the web edition: one self-contained HTML page (inlined CSS, embedded images and subset fonts, no script), or a folder."""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

from lxml import etree, html as lxml_html
from markupsafe import Markup

from ...media.assets import Asset
from ...errors import ThemeError
from ..job import Job
from ...model import Node
from ..html import render_body
from .fonts import SubsetFont, characters, embed_fonts, script_font_faces
from .meta import canonical_url, collection_json_ld, head_tags, json_ld, script_json

TEMPLATE = "web.html"
#: A collection's page: its title, contents and introduction, each article, the permissions page.
COLLECTION_TEMPLATE = "web_collection.html"
ASSETS = "assets"
#: No request leaves the page: images, fonts and styles come from the page itself.
CSP_ONE_FILE = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'"
#: Folder mode: the same, with the page's own folder as the one place files come from (inline
#: style attributes stay allowed: the shared HTML aligns table cells with them).
CSP_FOLDER = "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'; base-uri 'none'; form-action 'none'"
_STYLE_MARK = "<!--publish:stylesheet-->"


@dataclass
class WebPage:
    """The page's bytes and, in folder mode, the files beside it (paths relative to its folder)."""

    html: bytes
    files: dict[str, bytes] = field(default_factory=dict)


def _data_uri(asset: Asset) -> str:
    return f"data:{asset.media_type};base64,{base64.b64encode(asset.data).decode('ascii')}"


def _enhance(body: str, labels: dict[str, str]) -> str:
    """What a screen needs beyond the shared HTML: wide tables in a box that scrolls (a focusable
    region, so a keyboard can scroll it), code blocks focusable for the same reason, and footnote
    back-links that say where they go."""
    if not body.strip():
        return body
    try:  # the shared HTML is well-formed XML (the EPUB needs it): parsed as XML, SVG and MathML keep their case
        holder = etree.fromstring(f"<div>{body}</div>", etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError:
        holder = lxml_html.fragment_fromstring(body, create_parent="div")
    for number, table in enumerate(holder.iter("table"), 1):
        box = etree.Element("div", {"class": "scroll-box", "role": "region", "tabindex": "0", "aria-label": f"{labels['table']} {number}"})
        table.addprevious(box)
        box.append(table)  # moves the table (and its tail text) into the box
        box.tail, table.tail = table.tail, None
    for pre in holder.iter("pre"):
        pre.set("tabindex", "0")
    for link in list(holder.iter("a")):
        if "backlink" in (link.get("class") or "").split():
            target = (link.get("href") or "").removeprefix("#fnref")
            link.set("aria-label", f"{labels['backlink']} {target}")
            # the back-link ends the note's last paragraph rather than taking a line of its own
            before = link.getprevious()
            if before is not None and before.tag == "p" and not (before.tail or "").strip():
                link.getparent().remove(link)
                before.tail = None
                before.append(link)
                link.tail = None
                if len(before) > 1:
                    previous = before[-2]
                    previous.tail = (previous.tail or "") + " "
                else:
                    before.text = (before.text or "") + " "
    for section in holder.iter("section"):
        if "footnotes" in (section.get("class") or "").split():
            section.set("aria-label", labels["notes"])
    parts = [holder.text or ""]
    parts.extend(etree.tostring(child, method="html", encoding="unicode") for child in holder)
    return "".join(parts)


def _visible_text(page: str) -> str:
    root = lxml_html.document_fromstring(page)
    body = root.find("body")
    return "".join((body if body is not None else root).itertext()) + (root.findtext(".//title") or "")


def render(job: Job, folder: bool | None = None) -> WebPage:
    """The web page for a job: one file, or (``folder``, default the ``web_folder`` option) an
    index.html whose images, fonts and stylesheet are files under ``assets/``."""
    in_folder = bool(job.options.get("web_folder")) if folder is None else folder
    view = job.view
    labels = dict(view.labels)
    files: dict[str, bytes] = {}

    def asset_url(asset: Asset) -> str:
        if not in_folder:
            return _data_uri(asset)
        files[f"{ASSETS}/{asset.name}"] = asset.data
        return f"{ASSETS}/{asset.name}"

    def image_url(node: Node) -> str:
        return asset_url(job.assets[str(node.attrs["src"])])

    rendered = render_body(job.doc, "end", image_url, labels=labels)
    collection = None
    if job.doc.parts:
        from ..collection import collection_view, render_articles

        articles = render_articles(job.doc, job.theme.options, "end", image_url, False, "mathml", labels)
        for item in articles:  # each article's notes a landmark of its own name
            own = {**labels, "notes": f"{labels['notes']}: {item.entry.view.title.text}"}
            item.body, item.notes = Markup(_enhance(str(item.body), labels)), Markup(_enhance(str(item.notes), own))
        collection = collection_view(job.doc, view, job.theme.options, articles)
    cover_asset = job.assets.get(job.doc.meta.cover_image) if job.doc.meta.cover_image else None
    cover = None
    if cover_asset is not None:
        cover = {"src": asset_url(cover_asset), "alt": f"{labels['cover']}: {view.title.text}"}
    tags = head_tags(view, has_cover=cover is not None)
    web = {
        "csp": CSP_FOLDER if in_folder else CSP_ONE_FILE,
        "dir": view.dir,
        "meta_names": tags.names,
        "meta_properties": tags.properties,
        "canonical": canonical_url(view),
        "json_ld": Markup(script_json(json_ld(view, cover["src"] if cover else None) if collection is None else
                                      collection_json_ld(view, job.doc.meta, [(e.id, e.view) for e in collection.entries],
                                                         cover["src"] if cover else None))),
        "stylesheet": Markup(_STYLE_MARK),
        "cover": cover,
    }
    page = _template(job, body=Markup(_enhance(str(rendered.body), labels)), notes=Markup(_enhance(str(rendered.notes), labels)), web=web,
                     **({"collection": collection} if collection is not None else {}))
    if page.count(_STYLE_MARK) != 1:
        raise ThemeError("templates/web.html must show {{ web.stylesheet }} once, in the head", job.theme.find(f"templates/{TEMPLATE}"))

    # the fonts: subset to what the page shows, embedded or beside it
    from ...read.language import cjk_fonts

    # the CJK faces of the article's language (Japanese glyph forms for ja, Korean for ko...), as the PDF
    sheets = job.theme.stylesheets("web", {"font_cjk": cjk_fonts(job.doc.meta.lang, job.theme.options["font_cjk"])}, view.dir,
                                   collection=collection is not None)
    sources = job.theme.stylesheet_paths("web", collection=collection is not None)
    text = characters(_visible_text(page.replace(_STYLE_MARK, "")), "\n".join(css for css, _ in sheets), job.doc)

    def font_url(font: SubsetFont) -> str:
        if not in_folder:
            return font.data_uri()
        files[f"{ASSETS}/{font.name}"] = font.data
        return font.name  # relative to the stylesheet, which is in assets/ too

    css, _fonts = embed_fonts(sheets, [f.resolve() for f in job.theme.chain], text, font_url, sources)
    css = script_font_faces(job, text, font_url) + css
    if in_folder:
        data = css.encode("utf-8")
        name = f"{ASSETS}/web-{hashlib.sha256(data).hexdigest()[:10]}.css"
        files[name] = data
        style = f'<link rel="stylesheet" href="{name}">'
    else:
        # "</" cannot end a CSS token outside a string or comment, and "<\/" means the same inside one
        style = "<style>\n" + css.replace("</", "<\\/") + "\n</style>"
    page = page.replace(_STYLE_MARK, style)
    return WebPage(page.encode("utf-8"), dict(sorted(files.items())))


def _template(job: Job, **context: Any) -> str:
    from jinja2 import TemplateError

    from ...theme.env import template_where

    try:
        template = job.theme.html_env().get_template(COLLECTION_TEMPLATE if "collection" in context else TEMPLATE)
        return template.render(meta=job.view, target="web", footnote_count=len(job.doc.footnotes), **context)
    except (TemplateError, TypeError, ValueError, AttributeError, LookupError, ArithmeticError) as exc:
        filename, lineno = template_where(exc)
        where = filename or job.theme.find(f"templates/{TEMPLATE}")
        raise ThemeError(f"cannot render the template: {type(exc).__name__}: {exc}", where, lineno) from None


def write(job: Job) -> bytes:
    """The web page's bytes (in folder mode, index.html's; ``render`` gives the assets too)."""
    return render(job).html
