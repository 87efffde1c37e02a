"""The HTML page the PDF is rendered from: the theme's article template for print, with the
<meta> tags WeasyPrint turns into the Info dictionary. It needs no WeasyPrint, so a parallel
build makes it in the parent process while the PDF worker is still importing WeasyPrint."""
from __future__ import annotations

import datetime as dt
import os
import re
from html import escape
from pathlib import Path

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
        return project_url(asset.path, job.project)

    page, _ = render_page(job, target="print", footnotes="print", image_url=image_url, head_extra=_meta_tags(job),
                          cover=cover_url(job))
    return split_long_words(page)


#: A run of text without a space longer than this is cut into <span>s of this many characters.
WORD_PIECE = 200
_PAGE_PARTS = re.compile(r"<(style|script|title)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>|[^<]+", re.S | re.I)
_LONG_WORD = re.compile(r"[^\s<>]{%d,}" % (2 * WORD_PIECE))
_ENTITY = re.compile(r"&#?\w+;")


def split_long_words(page: str) -> str:
    """Cut every long run of text without a space (a minified line of code, a hash, a long URL)
    into inline <span>s. WeasyPrint wraps such a run (``overflow-wrap: anywhere``) by shaping
    the rest of the run again for each line, so a 10,000-character line of code took 11 s and
    40,000 took 65 s; in pieces it is linear. Spans add no character and no break, and the cuts
    fall only between two ASCII characters outside an entity, so no shaping or joining changes."""
    if not _LONG_WORD.search(page):
        return page
    return "".join(_split_text(part.group(0)) if not part.group(0).startswith("<") else part.group(0)
                   for part in _PAGE_PARTS.finditer(page))


def _split_text(text: str) -> str:
    return _LONG_WORD.sub(lambda word: _pieces(word.group(0)), text)


def _pieces(word: str) -> str:
    inside = set()
    for entity in _ENTITY.finditer(word):
        inside.update(range(entity.start() + 1, entity.end()))
    cuts, last = [], 0
    for at in range(WORD_PIECE, len(word)):
        if at - last >= WORD_PIECE and at not in inside and word[at - 1].isascii() and word[at].isascii():
            cuts.append(at)
            last = at
    if not cuts:
        return word
    bounds = [0, *cuts, len(word)]
    return "".join(f"<span>{word[a:b]}</span>" for a, b in zip(bounds, bounds[1:]))


def cover_url(job: Job) -> str | None:
    """The cover picture's file URL when the article has a ``cover-image`` and the theme's
    ``cover_page`` option is on (the default), else None."""
    src = job.doc.meta.cover_image
    asset = job.assets.get(src) if src else None
    if asset is None or not job.theme.options.get("cover_page", True):
        return None
    return project_url(asset.path, job.project)


#: The URL scheme of a project file in the print page: ``publish-project:images/a.png``. WeasyPrint
#: names each image in the PDF after the hash of its URL, so a ``file:`` URL made the PDF's bytes
#: depend on where the project folder is; this one is the same in every checkout.
PROJECT_SCHEME = "publish-project"


def project_url(path: Path, project: Path) -> str:
    """A project file's URL for the print page, relative to the project (see PROJECT_SCHEME)."""
    from urllib.parse import quote

    try:
        relative = path.resolve().relative_to(project.resolve())
    except ValueError:  # not in the project (the checks before make this unreachable): as before
        return path.as_uri()
    return f"{PROJECT_SCHEME}:{quote(relative.as_posix())}"


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
