"""What every format shows of the metadata: the title block and end matter, as text and as HTML."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ..model import Blocks, Document, Metadata, Person, Rich
from ..theme.labels import labels_for
from .html import blocks_html, rich_html
from .localized import format_date, join_items, list_separators

_NAMESPACE = uuid.UUID("9b0f3a52-4f36-5a1e-9d8c-5075626c6973")


#: The longest running head a shortened title gives (a short-title may be longer).
RUNNING_HEAD_CHARS = 50


def running_head(title: str, limit: int = RUNNING_HEAD_CHARS) -> str:
    """A title short enough for a running head: the part before a colon, else the words that
    fit in ``limit`` characters, cut at a word boundary and ended with an ellipsis."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    head = title.split(": ", 1)[0]
    if len(head) <= limit and len(head.split()) >= 2:
        return head
    cut = title[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:–—-")
    words = cut.split()
    while len(words) > 2 and words[-1].lower() in _WEAK_ENDINGS:
        words.pop()
    return " ".join(words).rstrip(" ,;:–—-") + "…"


#: Words a shortened running head does not end on.
_WEAK_ENDINGS = {"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "with", "by", "from", "as", "de", "la", "le", "et", "der", "die", "und"}


def build_date(meta: Metadata) -> dt.datetime:
    """The timestamp written into files: SOURCE_DATE_EPOCH, else the article's date, else 1980-01-01."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).replace(tzinfo=None)
    if meta.date is not None:
        return dt.datetime(meta.date.year, meta.date.month, meta.date.day)
    return dt.datetime(1980, 1, 1)


def identifier(meta: Metadata) -> str:
    """The `identifier` field, or a UUIDv5 derived from title and date (stable across builds)."""
    if meta.identifier:
        return meta.identifier
    seed = f"{meta.title.text}\n{meta.date.isoformat() if meta.date else ''}"
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, seed)}"


@dataclass
class Field:
    """One metadata value as plain text and as inline HTML."""

    text: str
    html: Markup


@dataclass
class Byline:
    """One author as a byline shows them: the name, the numbers of their affiliations
    (in ``View.affiliations``), and their e-mail and ORCID iD when given."""

    name: str
    marks: list[int]
    email: str | None = None
    orcid: str | None = None
    #: what stands before the name in the byline: the language's list pattern ("", ", ", " and ", " و")
    sep: str = ""


def bylines(people: list[Person], lang: str = "en") -> tuple[list[Byline], list[str]]:
    """Each author with the numbers of their affiliations and what precedes them in the byline (the
    list pattern of ``lang``), and the affiliations in order of first mention."""
    affiliations: list[str] = []
    lines = []
    for person in people:
        marks = []
        for name in person.affiliations:
            if name not in affiliations:
                affiliations.append(name)
            mark = affiliations.index(name) + 1
            if mark not in marks:
                marks.append(mark)
        lines.append(Byline(person.name, marks, person.email, person.orcid))
    for line, sep in zip(lines, list_separators(len(lines), lang)):
        line.sep = sep
    return lines, affiliations


@dataclass
class View:
    """The template context: metadata ready to show, plus labels and options."""

    title: Field
    subtitle: Field | None
    short_title: str
    #: the authors' names (what metadata and verification use)
    authors: list[str]
    date_iso: str | None
    date_display: str | None
    lang: str
    publisher: str | None
    rights: Field | None
    identifier: str
    keywords: list[str]
    description: str | None
    source_name: str | None
    source_url: str | None
    source_display: str | None
    source_line: str | None
    credits: list[Field]
    contact: Field | None
    labels: dict[str, str]
    options: dict[str, Any]
    #: the byline: each author with the numbers of their affiliations
    people: list[Byline] = field(default_factory=list)
    #: the affiliations the byline numbers, in order of first mention
    affiliations: list[str] = field(default_factory=list)
    #: whether the byline numbers affiliations (several authors, more than one affiliation)
    numbered_affiliations: bool = False
    abstract: Field | None = None
    #: the article's direction, ``ltr`` or ``rtl``: the ``dir`` of every page, the DOCX's bidi paragraphs
    dir: str = "ltr"
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @property
    def byline(self) -> str:
        """The authors' names joined by the language's list pattern, as the byline shows them."""
        return "".join(person.sep + person.name for person in self.people)

    @property
    def keywords_text(self) -> str:
        """The keywords as one field (PDF Info, DOCX core properties): comma separated, or
        semicolon separated when a keyword has a comma of its own ("harbour, renewal")."""
        return ("; " if any("," in k for k in self.keywords) else ", ").join(self.keywords)

    @property
    def keywords_shown(self) -> str:
        """The keywords as the end matter shows them: joined as the article's language lists topics."""
        return join_items(self.keywords, self.lang)


def _field(value: Rich | None, direction: str = "ltr") -> Field | None:
    if value is None:
        return None
    return Field(value.text, rich_html(value, direction) or Markup(""))


def _shown_field(value: Rich | None, direction: str = "ltr") -> Field | None:
    """An optional field, absent when it shows no text (a value that was only raw HTML publish drops)."""
    if value is None or not value.text.strip():
        return None
    return _field(value, direction)


def _block_field(value: Blocks | None, direction: str = "ltr") -> Field | None:
    if value is None:
        return None
    return Field(value.text, blocks_html(value, direction))


def source_display_url(url: str | None) -> str | None:
    """A URL as a reader would write it: without scheme, www. or trailing slash."""
    if not url:
        return None
    bare = url.split("://", 1)[-1].rstrip("/")
    return bare


def make_view(doc: Document, options: dict[str, Any]) -> View:
    """Everything the title block and end matter show, computed once for every format."""
    meta = doc.meta
    labels = labels_for(meta.lang, options["labels"])
    source_line = None
    shown = source_display_url(meta.source.url) if meta.source else None
    if meta.source:
        source_line = f"{labels['source']} {meta.source.name}" + (f" ({shown})" if shown else "")
    way = meta.direction
    title = _field(meta.title, way)
    assert title is not None
    people, affiliations = bylines(meta.people or [Person(name) for name in meta.authors], meta.lang)
    return View(
        title=title,
        subtitle=_shown_field(meta.subtitle, way),
        short_title=meta.short_title or running_head(meta.title.text),
        authors=list(meta.authors),
        date_iso=meta.date.isoformat() if meta.date else None,
        date_display=format_date(meta.date, options.get("date_format"), meta.lang) if meta.date else None,
        lang=meta.lang,
        publisher=meta.publisher,
        rights=_shown_field(meta.rights, way),
        identifier=identifier(meta),
        keywords=list(meta.keywords),
        description=meta.description,
        source_name=meta.source.name if meta.source else None,
        source_url=meta.source.url if meta.source else None,
        source_display=shown,
        source_line=source_line,
        credits=[f for f in (_shown_field(c, way) for c in meta.credits) if f is not None],
        contact=_shown_field(meta.contact, way),
        labels=labels,
        options=options,
        people=people,
        affiliations=affiliations,
        numbered_affiliations=len(affiliations) > 1 and len(people) > 1,
        abstract=_block_field(meta.abstract, way),
        dir=meta.direction,
    )


def content_hash(*parts: bytes) -> str:
    """A short, stable digest of some bytes."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.hexdigest()
