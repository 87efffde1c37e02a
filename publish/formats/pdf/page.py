"""The HTML page the PDF is rendered from: the theme's article template for print, with the
<meta> tags WeasyPrint turns into the Info dictionary. It needs no WeasyPrint, so a parallel
build makes it in the parent process while the PDF worker is still importing WeasyPrint."""
from __future__ import annotations

import datetime as dt
import os
from html import escape

from ...media.fonts import warn_missing_glyphs
from ..job import Job
from ...model import Node
from ..page import render_page


def print_page(job: Job) -> str:
    """The article's page for WeasyPrint, after warning about characters no font can draw."""
    job.undrawn = warn_missing_glyphs(job.doc, job.theme.chain)
    assets = job.assets

    def image_url(node: Node) -> str:
        asset = assets[str(node.attrs["src"])]
        if asset.media_type == "image/svg+xml":  # the sanitized drawing, not the file as written
            return asset.data_url()
        return asset.path.as_uri()

    page, _ = render_page(job, target="print", footnotes="print", image_url=image_url, head_extra=_meta_tags(job),
                          cover=cover_url(job))
    return page


def cover_url(job: Job) -> str | None:
    """The cover picture's file URL when the article has a ``cover-image`` and the theme's
    ``cover_page`` option is on (the default), else None."""
    src = job.doc.meta.cover_image
    asset = job.assets.get(src) if src else None
    if asset is None or not job.theme.options.get("cover_page", True):
        return None
    return asset.path.as_uri()


def _date_iso(job: Job) -> str | None:
    """The date written as CreationDate and ModDate: the article's, else SOURCE_DATE_EPOCH's; never the clock."""
    if job.view.date_iso:
        return job.view.date_iso
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def _subject(job: Job) -> str | None:
    view = job.view
    return view.description or (view.subtitle.text if view.subtitle else None)


def _meta_tags(job: Job) -> str:
    """The <meta> tags WeasyPrint turns into Author, Subject, Keywords, Creator and the dates."""
    view = job.view
    tags = [f'<meta name="author" content="{escape(a)}"/>' for a in view.authors]
    if view.keywords:
        tags.append(f'<meta name="keywords" content="{escape(", ".join(view.keywords))}"/>')
    subject = _subject(job)
    if subject:
        tags.append(f'<meta name="description" content="{escape(subject)}"/>')
    date = _date_iso(job)
    if date:
        tags.append(f'<meta name="dcterms.created" content="{date}"/>')
        tags.append(f'<meta name="dcterms.modified" content="{date}"/>')
    tags.append('<meta name="generator" content="publish"/>')
    return "\n".join(tags)
