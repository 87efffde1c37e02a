"""The front-matter schema: field names (pandoc's where pandoc has one), types and validation."""
from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any, Callable

from .errors import MetadataError
from .model import Metadata, Rich, Source, plain_text

# BCP 47 language tag: language, optional script, region and variants.
_LANG = re.compile(
    r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|[0-9]{3}))?(-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$"
)
_MAX_TEXT = 10_000
#: Characters XML (so EPUB and DOCX) cannot hold; YAML escapes such as "\x07" can make them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class _Field:
    def __init__(self, kind: str, help: str, required: bool = False) -> None:
        self.kind = kind
        self.help = help
        self.required = required


#: Every accepted key, its kind and what it means (the README's table is made from this).
FIELDS: dict[str, _Field] = {
    "title": _Field("rich", "the article's title (inline Markdown)", required=True),
    "subtitle": _Field("rich", "a subtitle or standfirst (inline Markdown)"),
    "short-title": _Field("text", "a shorter title for running headers"),
    "author": _Field("text-list", "one author, or a list of authors"),
    "date": _Field("date", "publication date, ISO 8601 (YYYY-MM-DD)"),
    "lang": _Field("lang", "language, a BCP 47 tag such as en or zh-Hans (default en)"),
    "publisher": _Field("text", "who publishes this edition (the reprint's publisher)"),
    "rights": _Field("rich", "the rights or reprint-authorization notice, shown verbatim"),
    "identifier": _Field("text", "a stable identifier (URN, DOI, ISBN); derived from title and date if absent"),
    "keywords": _Field("text-list", "subject keywords, a list or a comma-separated string"),
    "description": _Field("text", "a one-paragraph summary"),
    "cover-image": _Field("text", "path of a cover image, relative to the article"),
    "source": _Field("source", "the original outlet: a name, or a mapping with name and url"),
    "credits": _Field("rich-list", "photo and image credits (inline Markdown), one or a list"),
    "contact": _Field("rich", "the contact line, e.g. the editor and an e-mail address (inline Markdown)"),
}


def _fail(path: Path, line: int | None, message: str) -> MetadataError:
    return MetadataError(message, path, line)


def _shown(value: Any) -> str:
    """A value for an error message: short text quoted, anything else by its type (never a huge repr)."""
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _shown(str(value))
    return _type_name(value)


def _text(value: Any, key: str, path: Path, line: int | None) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _fail(path, line, f"'{key}' must be text, not {_type_name(value)}; quote it if needed")
    text = str(value).strip()
    if not text:
        raise _fail(path, line, f"'{key}' is empty; give it a value or remove the line")
    if len(text) > _MAX_TEXT:
        raise _fail(path, line, f"'{key}' is longer than {_MAX_TEXT} characters")
    bad = _NOT_XML.search(text)
    if bad:
        raise _fail(path, line, f"'{key}' contains the control character U+{ord(bad.group()):04X}; remove it")
    return text


def _type_name(value: Any) -> str:
    names = {
        dict: "a mapping", list: "a list", bool: "true/false", type(None): "empty", bytes: "binary data",
        set: "a set", str: "text", int: "a number", float: "a number", dt.date: "a date", dt.datetime: "a date and time",
    }
    return names.get(type(value), type(value).__name__)


def _rich(value: Any, key: str, path: Path, line: int | None) -> Rich:
    text = _text(value, key, path, line)
    from .markdown import parse_inline  # imported when first needed: a no-op rebuild never is

    inlines = parse_inline(text, line, path)
    return Rich(text=plain_text(inlines), inlines=inlines, line=line)


def _list(value: Any, key: str, path: Path, line: int | None, item: Callable[..., Any]) -> list[Any]:
    if isinstance(value, list):
        return [item(v, key, path, line) for v in value]
    return [item(value, key, path, line)]


def _date(value: Any, key: str, path: Path, line: int | None) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) > 10 and text[10] in "Tt ":  # a date and time: the date part is what counts
                dt.datetime.fromisoformat(text)
                return dt.date.fromisoformat(text[:10])
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise _fail(path, line, f"'{key}' must be an ISO 8601 date such as 2025-10-30, not {_shown(value)}")


def _lang(value: Any, key: str, path: Path, line: int | None) -> str:
    text = _text(value, key, path, line)
    if not _LANG.fullmatch(text):
        raise _fail(path, line, f"'{key}' must be a BCP 47 language tag such as en, en-GB or zh-Hans, not {_shown(text)}")
    return text


def _source(value: Any, key: str, path: Path, line: int | None) -> Source:
    if isinstance(value, dict):
        unknown = sorted(str(k)[:60] for k in set(value) - {"name", "url"})
        if unknown:
            raise _fail(path, line, f"'{key}' takes only 'name' and 'url', not {', '.join(unknown)}")
        if "name" not in value:
            raise _fail(path, line, f"'{key}' needs a 'name'")
        url = _text(value["url"], f"{key}.url", path, line) if value.get("url") is not None else None
        if url and not re.match(r"^https?://[^\s/?#]+", url):
            raise _fail(path, line, f"'{key}.url' must be an address starting with http:// or https://, not {_shown(url)}")
        return Source(name=_text(value["name"], f"{key}.name", path, line), url=url)
    return Source(name=_text(value, key, path, line))


def _keywords(value: Any, key: str, path: Path, line: int | None) -> list[str]:
    if isinstance(value, str):
        return [k.strip() for k in value.split(",") if k.strip()]
    return _list(value, key, path, line, _text)


def parse_metadata(raw: Any, lines: dict[str, int], path: Path, start_line: int = 1) -> Metadata:
    """Validate a front-matter mapping; ``lines`` gives each key's line for errors."""
    if raw is None:
        raise _fail(path, start_line, "the front matter is empty; it needs at least a line 'title: ...'")
    if not isinstance(raw, dict):
        raise _fail(path, start_line, f"the front matter must be a mapping of 'key: value' lines, not {_type_name(raw)}")
    for key in raw:
        if not isinstance(key, str) or key not in FIELDS:
            name = str(key)[:60]
            near = difflib.get_close_matches(name, FIELDS, n=1)
            hint = f"did you mean '{near[0]}'?" if near else f"known fields: {', '.join(FIELDS)}"
            raise _fail(path, lines.get(str(key), start_line), f"unknown front-matter field '{name}'; {hint}")
    if raw.get("title") is None:
        raise _fail(path, lines.get("title", start_line), "the front matter has no 'title'; add a line 'title: ...'")

    def get(key: str, convert: Callable[..., Any]) -> Any:
        if raw.get(key) is None:
            return None
        return convert(raw[key], key, path, lines.get(key, start_line))

    def get_list(key: str, item: Callable[..., Any]) -> list[Any]:
        value = get(key, lambda v, k, p, ln: _list(v, k, p, ln, item))
        return value or []

    return Metadata(
        title=get("title", _rich),
        subtitle=get("subtitle", _rich),
        short_title=get("short-title", _text),
        authors=get_list("author", _text),
        date=get("date", _date),
        lang=get("lang", _lang) or "en",
        publisher=get("publisher", _text),
        rights=get("rights", _rich),
        identifier=get("identifier", _text),
        keywords=get("keywords", _keywords) or [],
        description=get("description", _text),
        cover_image=get("cover-image", _text),
        source=get("source", _source),
        credits=get_list("credits", _rich),
        contact=get("contact", _rich),
        lines=dict(lines),
    )
