"""The front-matter schema: field names (pandoc's where pandoc has one), aliases, types and validation."""
from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any, Callable

from ..errors import MetadataError, Notice, PublishError, raise_all, warn_all
from ..model import Blocks, Metadata, Node, Person, Rich, Source, plain_text

# BCP 47 language tag: language, optional script, region and variants.
_LANG = re.compile(
    r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|[0-9]{3}))?(-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$"
)
_MAX_TEXT = 10_000
#: Characters XML (so EPUB and DOCX) cannot hold; YAML escapes such as "\x07" can make them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class _Field:
    def __init__(self, kind: str, help: str) -> None:
        self.kind = kind
        self.help = help


#: Every accepted key, its kind and what it means (the README's table says the same).
FIELDS: dict[str, _Field] = {
    "title": _Field("rich", "the article's title (inline Markdown); else the first heading, else the file name"),
    "subtitle": _Field("rich", "a subtitle or standfirst (inline Markdown)"),
    "short-title": _Field("text", "a shorter title for running headers"),
    "author": _Field("authors", "one author or a list; each a name, or a mapping with name, affiliation, email, orcid"),
    "affiliations": _Field("affiliations", "the affiliations authors refer to by index or id (JOSS, Quarto)"),
    "date": _Field("date", "publication date: 2025-10-30, 30 October 2025, October 30, 2025, or a date and time"),
    "lang": _Field("lang", "language, a BCP 47 tag such as en or zh-Hans (else guessed from the text's script, else en)"),
    "dir": _Field("dir", "the direction the text is written in, rtl or ltr (else the language's: rtl for ar, fa, he, ur...)"),
    "abstract": _Field("blocks", "an abstract (Markdown paragraphs), shown under the title"),
    "publisher": _Field("text", "who publishes this edition (the reprint's publisher)"),
    "rights": _Field("rich", "the rights or reprint-authorization notice, shown verbatim"),
    "identifier": _Field("text", "a stable identifier (URN, DOI, ISBN); derived from title and date if absent"),
    "keywords": _Field("text-list", "subject keywords, a list or a comma-separated string"),
    "description": _Field("text", "a one-paragraph summary (the abstract's text if absent)"),
    "cover-image": _Field("text", "path of a cover image, relative to the article"),
    "source": _Field("source", "the original outlet: a name, or a mapping with name and url"),
    "credits": _Field("rich-list", "photo and image credits (inline Markdown), one or a list"),
    "contact": _Field("rich", "the contact line, e.g. the editor and an e-mail address (inline Markdown)"),
    "accessibility-certifier": _Field(
        "text", "who certifies that the EPUB meets EPUB Accessibility 1.1 (WCAG 2.1 AA); without it "
        "(or the theme option a11y_certified_by) the EPUB claims no conformance"),
}

#: Other tools' names for schema fields: read as the field, with a note.
ALIASES: dict[str, str] = {
    "tags": "keywords",
    "categories": "keywords",
    "topics": "keywords",
    "authors": "author",
    "excerpt": "description",
    "summary": "description",
    "image": "cover-image",
    "cover": "cover-image",
    "created": "date",
}

#: Settings of other tools (Jekyll, Hugo, Zola, pandoc, Quarto, JOSS) that publish has no use for:
#: ignored with a warning that says so, without a did-you-mean.
FOREIGN = frozenset(
    """layout permalink draft weight slug toc toc-depth toc-title bibliography csl output format url type
    aliases menu menus comments published lastmod publishdate expirydate sitemap math katex mathjax
    header-includes include-before include-after documentclass classoption geometry fontsize mainfont
    papersize linkcolor urlcolor link-citations nocite reference-section-title number-sections numbersections
    jupyter execute engine editor filters citation citeproc resources template extra series sidebar
    nav_order parent has_children redirect_from redirect_to last_modified_at last-modified modified updated
    categories_list archives hidden featured pinned sticky share tags_list translationkey outputs
    markup build cascade headless linktitle params keywords_list exclude_search in_search_index
    theme class pagetitle title-prefix header footer css highlight-style code-fold code-tools
    citation-style repository archive_doi volume issue page year submitted_at published_at doi
    journal_name journal-name excerpt_separator author_profile read_time related classes toc_label toc_icon
    toc_sticky feature_row gallery search mermaid showtoc tocopen hidemeta disableshare showreadingtime
    showbreadcrumbs showpostnavlinks showwordcount title-block-banner date-format""".split()
)

#: Keys a mapping author may carry that are not shown (JOSS, Quarto, CSL): read silently.
_AUTHOR_EXTRAS = frozenset(
    "corresponding equal-contrib url attributes note roles role id given family given-names surname literal "
    "first last dropping-particle non-dropping-particle suffix affiliation-url fax phone degrees acknowledgements".split()
)
_ORCID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$", re.IGNORECASE)


class _Report:
    """Every problem of one front matter: errors and warnings, each with its line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[PublishError] = []
        self.notices: list[Notice] = []

    def error(self, line: int | None, message: str) -> None:
        self.errors.append(MetadataError(message, self.path, line))

    def warning(self, line: int | None, message: str) -> None:
        self.notices.append(Notice(message, str(self.path), line))

    def note(self, line: int | None, message: str) -> None:
        self.notices.append(Notice(message, str(self.path), line, "note"))


def _fail(path: Path, line: int | None, message: str) -> MetadataError:
    return MetadataError(message, path, line)


def _shown(value: Any) -> str:
    """A value for an error message: short text quoted, anything else by its type (never a huge repr)."""
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _shown(str(value))
    return _type_name(value)


def _key_name(key: Any) -> str:
    return str(key)[:60]


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
        dt.time: "a time of day",
    }
    return names.get(type(value), type(value).__name__)


#: A start tag in a metadata value: ``<progress>``, ``<Intro>``, ``<small class="x">``.
_START_TAG = re.compile(r"<([A-Za-z][\w-]*)(?=[\s/>])[^<>]*>")
#: A code span, whose text Markdown keeps as it is (a backslash in it is shown).
_CODE_SPAN = re.compile(r"(`+)(?:.*?[^`])?\1(?!`)")
#: Tags that have no end tag.
_VOID_TAGS = frozenset({"br", "img", "wbr", "hr"})


def _unpaired_tags_as_text(text: str) -> str:
    """A one-line value with each start tag whose element does not end in it escaped, so it is
    shown as written: ``title: "<progress>"`` (react.dev) names an element, and as HTML it would
    be dropped, leaving the title empty; ``<small>x</small>`` stays markup."""
    def escape(part: str) -> str:
        def one(match: re.Match[str]) -> str:
            tag = match.group(1).lower()
            if tag in _VOID_TAGS or f"</{tag}>" in text.lower():
                return match.group(0)
            return "\\" + match.group(0)
        return _START_TAG.sub(one, part)

    out, at = [], 0
    for code in _CODE_SPAN.finditer(text):
        out += [escape(text[at:code.start()]), code.group(0)]
        at = code.end()
    return "".join(out + [escape(text[at:])])


def _rich(value: Any, key: str, path: Path, line: int | None) -> Rich:
    text = _text(value, key, path, line)
    from .markdown import parse_inline

    inlines = parse_inline(_unpaired_tags_as_text(text), line, path)
    return Rich(text=plain_text(inlines), inlines=inlines, line=line)


def _blocks(value: Any, key: str, path: Path, line: int | None) -> Blocks:
    """Block Markdown (an abstract): paragraphs, lists, emphasis; images are shown as their text."""
    text = _text(value, key, path, line)
    from .markdown import parse_blocks

    blocks, notes = parse_blocks(text, line or 0, path)
    if notes:
        raise _fail(path, line, f"'{key}' cannot have footnotes; write the note's text in the body")
    blocks = [_without_images(b) for b in blocks]
    return Blocks(text="\n\n".join(_paragraph_texts(blocks)), blocks=blocks, line=line)


def _paragraph_texts(blocks: list[Node]) -> list[str]:
    """The plain text of each paragraph (or heading, or code line) of some blocks, in order."""
    texts: list[str] = []
    for node in blocks:
        if node.kind in ("paragraph", "heading"):
            texts.append(plain_text(node.children).strip())
        elif node.kind == "code_block":
            texts.extend(line for line in node.text.splitlines() if line.strip())
        else:
            texts.extend(_paragraph_texts(node.children))
    return [t for t in texts if t]


def _without_images(node: Node) -> Node:
    """The abstract is metadata: an image or figure in it becomes its alt text (or caption)."""
    if node.kind == "figure":
        return Node("paragraph", children=node.children, line=node.line)
    if node.kind == "image":
        return Node("span", children=node.children, line=node.line)
    node.children = [_without_images(child) for child in node.children]
    return node


def _list(value: Any, key: str, path: Path, line: int | None, item: Callable[..., Any]) -> list[Any]:
    if isinstance(value, list):
        return [item(v, key, path, line) for v in value if v is not None]
    return [item(value, key, path, line)]


def _date(value: Any, key: str, path: Path, line: int | None) -> dt.date:
    from .dates import DateProblem, parse_date

    if isinstance(value, dict):  # MkDocs Material's blog: date: {created: 2024-01-31, updated: ...}
        chosen = next((value[k] for k in ("created", "published", "date") if value.get(k) is not None), None)
        if chosen is None:
            raise _fail(path, line, f"'{key}' is a mapping without 'created': give the date itself, or 'created: YYYY-MM-DD'")
        value = chosen
    try:
        return parse_date(value)
    except DateProblem as problem:
        raise _fail(path, line, f"'{key}' is not a date: {problem}") from None


def _lang(value: Any, key: str, path: Path, line: int | None) -> str:
    text = _text(value, key, path, line).replace("_", "-")
    if not _LANG.fullmatch(text):
        raise _fail(path, line, f"'{key}' must be a BCP 47 language tag such as en, en-GB or zh-Hans, not {_shown(text)}")
    return text


def _dir(value: Any, key: str, path: Path, line: int | None) -> str:
    text = _text(value, key, path, line).strip().lower()
    if text not in ("rtl", "ltr"):
        raise _fail(path, line, f"'{key}' must be rtl (right to left) or ltr (left to right), not {_shown(text)}")
    return text


def _source(value: Any, key: str, path: Path, line: int | None) -> Source:
    if isinstance(value, dict):
        if "name" not in value and "title" in value:  # the original's title, as web-standards.ru's translations give it
            value = {("name" if k == "title" else k): v for k, v in value.items()}
        unknown = sorted(_key_name(k) for k in set(value) - {"name", "url"})
        if unknown:
            raise _fail(path, line, f"'{key}' takes only 'name' (or 'title') and 'url', not {', '.join(unknown)}")
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


def _cover(value: Any, key: str, path: Path, line: int | None) -> str:
    """A cover image: a path, or a mapping with the path under path/src/url/file (Hugo, Jekyll themes)."""
    if isinstance(value, dict):
        for name in ("path", "src", "url", "file", "image", "filename"):
            if value.get(name) is not None:
                return _text(value[name], f"{key}.{name}", path, line)
        raise _fail(path, line, f"'{key}' as a mapping needs a 'path' (or src, url, file) with the image's path")
    return _text(value, key, path, line)


def _affiliation_table(value: Any, key: str, path: Path, line: int | None) -> dict[str, str]:
    """JOSS's and Quarto's top-level affiliations: a list of {index or id, name}, or of names (numbered from 1)."""
    table: dict[str, str] = {}
    for number, item in enumerate(value if isinstance(value, list) else [value], start=1):
        if isinstance(item, dict):
            name = next((item[k] for k in ("name", "affiliation", "institution") if item.get(k) is not None), None)
            if name is None:
                raise _fail(path, line, f"each of '{key}' needs a 'name'")
            text = _text(name, f"{key}.name", path, line)
            refs = [item[k] for k in ("index", "id", "ref", "key") if item.get(k) is not None] or [number]
            for ref in refs:
                table[str(ref).strip()] = text
        elif item is not None:
            table[str(number)] = _text(item, key, path, line)
    return table


def _person_name(item: dict[Any, Any], key: str, path: Path, line: int | None) -> str:
    name = item.get("name")
    if isinstance(name, dict):  # Quarto/CSL: name: {given, family} or {literal}
        item = {**item, **{k: v for k, v in name.items() if isinstance(k, str)}}
        name = item.get("literal")
    if name is None:
        parts = [item.get(k) for k in ("given-names", "given", "first", "dropping-particle", "non-dropping-particle",
                                       "surname", "family", "last", "suffix")]
        words = [str(p).strip() for p in parts if isinstance(p, (str, int)) and not isinstance(p, bool) and str(p).strip()]
        if not words:
            raise _fail(path, line, f"an author in '{key}' has no 'name'; give each author a 'name: ...'")
        name = " ".join(words)
    return _text(name, f"{key}.name", path, line)


def _affiliations_of(value: Any, table: dict[str, str], key: str, path: Path, line: int | None) -> list[str]:
    """An author's affiliations: names, or references into the top-level table ("1, 2" as JOSS writes them)."""
    if value is None:
        return []
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        text = str(value).strip()
        refs = [r.strip() for r in text.split(",") if r.strip()]
        if refs and all(r in table for r in refs):
            return [table[r] for r in refs]
        if table and refs and all(r.isdigit() for r in refs):
            raise _fail(path, line, f"'{key}' refers to affiliation {text}, which 'affiliations' does not list")
        return [_text(value, f"{key}.affiliation", path, line)]
    if isinstance(value, dict):
        for ref_key in ("ref", "id", "index"):
            if value.get(ref_key) is not None and str(value[ref_key]).strip() in table:
                return [table[str(value[ref_key]).strip()]]
        name = next((value[k] for k in ("name", "institution", "department") if value.get(k) is not None), None)
        if name is None:
            raise _fail(path, line, f"an affiliation in '{key}' needs a 'name' (or a 'ref' to 'affiliations')")
        return [_text(name, f"{key}.affiliation", path, line)]
    if isinstance(value, list):
        return [a for v in value for a in _affiliations_of(v, table, key, path, line)]
    raise _fail(path, line, f"an affiliation in '{key}' must be text or a mapping, not {_type_name(value)}")


def _people(value: Any, key: str, path: Path, line: int | None, table: dict[str, str]) -> list[Person]:
    items = value if isinstance(value, list) else [value]
    people = []
    for item in items:
        if item is None:
            continue
        if not isinstance(item, dict):
            people.append(Person(_text(item, key, path, line)))
            continue
        name = _person_name(item, key, path, line)
        affiliation = item.get("affiliation", item.get("affiliations"))
        email = _text(item["email"], f"{key}.email", path, line) if item.get("email") is not None else None
        orcid = None
        if item.get("orcid") is not None:
            match = _ORCID.match(_text(item["orcid"], f"{key}.orcid", path, line))
            if not match:
                raise _fail(path, line, f"'{key}.orcid' must be an ORCID iD such as 0000-0002-1825-0097, not {_shown(item['orcid'])}")
            orcid = match.group(1).upper()
        people.append(Person(name, _affiliations_of(affiliation, table, key, path, line), email, orcid))
    return people


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and not (value.strip() if isinstance(value, str) else value))


def _written_key(key: Any) -> str:
    """A non-text key as YAML most likely spelt it (true, null, 12, 2025-01-01): how its line is found."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return str(key).lower()
    return str(key)[:60]


def _known_fields_hint(name: str) -> str:
    near = difflib.get_close_matches(name, [*FIELDS, *ALIASES], n=1)
    if near:
        return f"did you mean '{near[0]}'?"
    return f"known fields: {', '.join(FIELDS)}"


def _resolve_aliases(raw: dict[Any, Any], lines: dict[str, int], start_line: int, report: _Report) -> tuple[dict[str, Any], dict[str, int]]:
    """The front matter under schema names: aliases mapped (keywords merged), every other key warned about once."""
    fields: dict[str, Any] = {}
    where: dict[str, int] = {}
    sources: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(key, str):
            written = _written_key(key)
            report.warning(lines.get(written, start_line), f"front-matter key {written!r} is not a name; ignored")
            continue
        line = lines.get(key, start_line)
        name = key.strip().lower() if key.strip().lower() in FIELDS or key.strip().lower() in ALIASES else key
        if name in FIELDS:
            target = name
        elif name in ALIASES:
            target = ALIASES[name]
            report.note(line, f"'{key}' is read as '{target}'")
        elif name == "taxonomies" and isinstance(value, dict) and any(k in value for k in ("tags", "categories")):
            # Zola's [taxonomies] table: its tags and categories are keywords
            target, value = "keywords", [v for k in ("tags", "categories") for v in _as_list(value.get(k) or [])]
            report.note(line, "the tags and categories of 'taxonomies' are read as 'keywords'")
        else:
            if key.lower() in FOREIGN:
                report.warning(line, f"front-matter field '{_key_name(key)}' (another tool's setting) is not used by publish; ignored")
            else:
                report.warning(line, f"unknown front-matter field '{_key_name(key)}' ignored; {_known_fields_hint(_key_name(key))}")
            continue
        if _empty(value):  # `tags: []`, `description: ""`: nothing to show, nothing to say
            continue
        if name in ("tags", "categories") and isinstance(value, str) and "," not in value:
            value = value.split()  # Jekyll's space-separated tags and categories
        if target in fields:
            if target == "keywords":
                fields[target] = _as_list(fields[target]) + _as_list(value)
                continue
            report.warning(line, f"'{key}' and '{sources[target]}' (line {where[target]}) both give the {target}; '{key}' is ignored")
            continue
        fields[target], where[target], sources[target] = value, line, key
    return fields, where


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [k.strip() for k in value.split(",") if k.strip()]
    return list(value) if isinstance(value, list) else [value]


def parse_metadata(raw: Any, lines: dict[str, int], path: Path, start_line: int = 1) -> Metadata:
    """Validate a front-matter mapping; ``lines`` gives each key's line for messages.

    Every problem is collected: warnings (unknown keys, aliases used) are printed once; errors
    are raised together (a SeveralErrors when there are many). Without a title, the title is
    empty until complete() finds it in the body.
    """
    report = _Report(path)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _fail(path, start_line, f"the front matter must be a mapping of 'key: value' lines, not {_type_name(raw)}")
    fields, where = _resolve_aliases(raw, lines, start_line, report)

    def get(key: str, convert: Callable[..., Any]) -> Any:
        if key not in fields:
            return None
        try:
            return convert(fields[key], key, path, where[key])
        except PublishError as exc:
            report.errors.append(exc)
            return None

    table = get("affiliations", _affiliation_table) or {}
    people: list[Person] = get("author", lambda v, k, p, ln: _people(v, k, p, ln, table)) or []
    date = None
    from .dates import CLOCK_WORDS

    if isinstance(fields.get("date"), str) and fields["date"].strip().lower() in CLOCK_WORDS:
        report.warning(where["date"], f"date '{fields['date'].strip()}' means the day of the build, which would change "
                                      "the outputs at every build; the article has no date (write one such as 2025-10-30)")
        del where["date"]
    else:
        date = get("date", _date)
    abstract: Blocks | None = get("abstract", _blocks)
    description = get("description", _text)
    if description is None and abstract is not None and "description" not in fields:
        description = abstract.text or None
    cover = get("cover-image", _cover)
    if cover and re.match(r"^[a-z][a-z0-9+.-]*:|^//", cover, re.IGNORECASE) and not re.match(r"^[a-z]:[\\/]", cover, re.IGNORECASE):
        report.warning(where["cover-image"], f"the cover image {_shown(cover)} is on the web and is not fetched; no cover")
        cover = None
    meta = Metadata(
        title=get("title", _rich) or Rich("", []),
        subtitle=get("subtitle", _rich),
        short_title=get("short-title", _text),
        authors=[p.name for p in people],
        people=people,
        date=date,
        lang=get("lang", _lang) or "en",
        direction=get("dir", _dir) or "ltr",
        abstract=abstract,
        publisher=get("publisher", _text),
        rights=get("rights", _rich),
        identifier=get("identifier", _text),
        keywords=list(dict.fromkeys(get("keywords", _keywords) or [])),
        description=description,
        cover_image=cover,
        source=get("source", _source),
        credits=get("credits", lambda v, k, p, ln: _list(v, k, p, ln, _rich)) or [],
        contact=get("contact", _rich),
        accessibility_certifier=get("accessibility-certifier", _text),
        lines={k: where[k] for k in fields if k in where},
    )
    warn_all(sorted(report.notices, key=lambda n: n.line or 0))
    raise_all(sorted(report.errors, key=lambda e: e.line or 0))
    return meta


def complete(meta: Metadata, blocks: list[Node], path: Path, start_line: int = 1) -> None:
    """Fill in what the front matter left out from the body: the title (the first-level heading
    that opens ``blocks``, removed from them so it is not shown twice, else the file name) and
    the language (when the script makes it certain); each with a warning. Then the direction,
    when there is no `dir`: the language's (right to left for Arabic, Persian, Hebrew, Urdu...)."""
    notices = []
    if "title" not in meta.lines:
        first = blocks[0] if blocks else None
        if first is not None and first.kind == "heading" and first.attrs.get("level") == 1 and plain_text(first.children).strip():
            blocks.pop(0)
            meta.title = Rich(plain_text(first.children).strip(), first.children, first.line)
            meta.lines["title"] = first.line or start_line
            notices.append(Notice("no 'title' in the front matter; the first heading is the title", str(path), first.line))
        else:
            meta.title = Rich(path.stem, [Node("text", text=path.stem)], start_line)
            notices.append(Notice(f"no 'title' in the front matter and no heading at the top; the title is the file name "
                                  f"'{path.stem}'", str(path), start_line))
    from .language import infer_language, language_direction

    if "dir" not in meta.lines:
        meta.direction = language_direction(meta.lang)
    if "lang" not in meta.lines:
        guess = infer_language(meta, blocks)
        if guess is not None:
            meta.lang = guess.tag
            if "dir" not in meta.lines:
                meta.direction = language_direction(guess.tag)
            written = ", written right to left" if meta.direction == "rtl" else ""
            notices.append(Notice(f"no 'lang' in the front matter; the text is {guess.name}, so the language is "
                                  f"{guess.tag}{written} (add 'lang: {guess.tag}' to say so)", str(path), start_line))
    warn_all(notices)
