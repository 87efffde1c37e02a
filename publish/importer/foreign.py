"""A Word file publish did not write (Word, LibreOffice, Google Docs, pandoc) as a new article:
front matter from its properties and title block, body from its styles, numbering, tables and
notes (foreign_body.py), pictures saved beside the new source (``publish import X.docx --into A.md``).

The file is read with lxml from a bounded container (formats/zipfiles.py), not with python-docx:
python-docx skips the runs inside tracked insertions and inflates members without a bound.
"""
from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import PublishError
from ..formats.docx import marks
from ..formats.readback import Unreadable, xml
from ..formats.zipfiles import Container
from ..media.svg import looks_like_svg
from ..read.dates import parse_date
from ..read.language import infer_script_language
from .docx import ImportRefused, _resolve_changes, write_source
from .foreign_body import Block, Context, blocks, markdown
from .foreign_inline import escape
from .foreign_styles import Styles

W = marks.W
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_RELTYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CPNS = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_DCTERMS = "{http://purl.org/dc/terms/}"
#: The front matter's keys in the order they are written.
ORDER = ("title", "subtitle", "author", "date", "lang", "description", "keywords", "abstract", "publisher",
         "source", "rights", "credits", "contact", "identifier")
#: Custom document properties taken into the front matter, by their name in lower case.
_CUSTOM = {"title": "title", "subtitle": "subtitle", "author": "author", "authors": "author", "date": "date",
           "lang": "lang", "language": "lang", "description": "description", "abstract": "abstract",
           "keywords": "keywords", "tags": "keywords", "publisher": "publisher", "source": "source", "sourceurl": "source-url",
           "source url": "source-url", "rights": "rights", "copyright": "rights", "credits": "credits",
           "credit": "credits", "contact": "contact", "identifier": "identifier"}
#: Fields whose value is inline Markdown (a property's plain text is escaped for them).
_RICH = {"title", "subtitle", "rights", "contact", "credits"}
_IMAGE_TYPES = ((b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF87a", ".gif"), (b"GIF89a", ".gif"))
_OTHER_IMAGES = ((b"\x01\x00\x00\x00", "EMF"), (b"\xd7\xcd\xc6\x9a", "WMF"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
                 (b"BM", "BMP"))
#: Languages written in Cyrillic: a Cyrillic text does not tell one of them from another.
_CYRILLIC = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "mn", "tg", "tt", "ba", "cv", "sah"})
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
#: What --track-changes takes for a Word file publish did not write.
TRACK_CHANGES = ("accept", "reject")
#: The largest picture taken (as the article reader takes it: media/assets.py).
MAX_IMAGE_BYTES = 20 * 1024 * 1024


@dataclass
class Created:
    """A new article made from a Word file: where it goes, its Markdown, its pictures, and warnings."""

    source: Path
    text: str
    images: dict[Path, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class _Package:
    """The Word file's parts, read within bounds, with the relationships of each part resolved."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.archive = Container(path)
        except (Unreadable, OSError) as exc:
            raise ImportRefused(f"cannot read the Word file: {exc}", path) from None
        except Exception as exc:  # noqa: BLE001 - not a zip at all (zipfile.BadZipFile): one line, no traceback
            raise ImportRefused(f"is not a Word file (not a zip archive: {exc})", path) from None
        self.names = set(self.archive.names)

    def close(self) -> None:
        self.archive.__exit__()

    def read(self, name: str) -> bytes:
        """A member's bytes, within the container's bounds."""
        try:
            return self.archive.read(name)
        except Unreadable as exc:
            raise ImportRefused(f"cannot read the Word file: {exc}", self.path) from None

    def part(self, name: str | None) -> Any:
        if not name or name not in self.names:
            return None
        data = self.read(name)
        try:
            return xml(data)
        except Unreadable as exc:
            raise ImportRefused(f"cannot read the Word file: {exc}", self.path) from None
        except Exception as exc:  # noqa: BLE001 - lxml's XMLSyntaxError, a damaged member
            raise ImportRefused(f"cannot read the Word file: its part {name} is damaged ({type(exc).__name__}: {exc})",
                                self.path) from None

    def relationships(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """A part's relationships: id -> (type, target resolved inside the package, external)."""
        folder, base = posixpath.split(part)
        rels = self.part(posixpath.join(folder, "_rels", base + ".rels"))
        found: dict[str, tuple[str, str, bool]] = {}
        for rel in rels.iter(_REL + "Relationship") if rels is not None else []:
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            target = rel.get("Target") or ""
            external = (rel.get("TargetMode") or "").lower() == "external"
            if external and kind != "hyperlink":
                raise ImportRefused(f"links to an outside file ({kind} {target[:120]!r}), which publish does not fetch: "
                                    "embed it in the document (in Word: File › Edit links to files › Break link) and import again",
                                    self.path)
            if not external:
                resolved = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target))
                if resolved.startswith("../") or resolved == ".." or "\\" in target or "\x00" in target:
                    raise ImportRefused(f"has a relationship whose target {target[:120]!r} points outside the package", self.path)
                target = resolved
            found[rel.get("Id") or ""] = (kind, target, external)
        return found

    def main_part(self) -> str:
        rels = self.relationships("")
        for kind, target, _external in rels.values():
            if kind == "officeDocument" and target in self.names:
                return target
        if "word/document.xml" in self.names:
            return "word/document.xml"
        raise ImportRefused("is not a Word document (it has no main document part, word/document.xml)", self.path)


def written_by_publish(path: Path) -> bool:
    """Whether a Word file is one publish wrote (an article's or a collection's copy); a file that
    cannot be read counts as publish's (its import says why it cannot be read)."""
    try:
        package = _Package(path)
    except PublishError:
        return True
    try:
        custom = package.part("docProps/custom.xml")
    except PublishError:
        return True
    finally:
        package.close()
    names = {prop.get("name", "") for prop in (custom if custom is not None else [])}
    return marks.SOURCE_PROPERTY in names or "Article 1 Title" in names


# -- the front matter ------------------------------------------------------------------------------
def _core(package: _Package) -> dict[str, str]:
    core = package.part("docProps/core.xml")
    found: dict[str, str] = {}
    if core is None:
        return found
    for key, tag in (("title", _DC + "title"), ("creator", _DC + "creator"), ("subject", _DC + "subject"),
                     ("description", _DC + "description"), ("language", _DC + "language"),
                     ("keywords", _CPNS + "keywords"), ("created", _DCTERMS + "created"),
                     ("modified", _DCTERMS + "modified"), ("identifier", _DC + "identifier")):
        element = core.find(tag)
        text = " ".join("".join(element.itertext()).split()) if element is not None else ""
        if text:
            found[key] = text
    return found


def _custom(package: _Package) -> dict[str, str]:
    custom = package.part("docProps/custom.xml")
    return {prop.get("name", ""): "".join(prop.itertext()).strip() for prop in (custom if custom is not None else [])}


def _date(value: str) -> dt.date | None:
    try:
        return parse_date(value[:10] if re.match(r"^\d{4}-\d\d-\d\dT", value) else value)
    except (PublishError, ValueError):
        return None


def _plain(markdown_text: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown_text)


def _list(value: str) -> list[str]:
    return [item.strip() for item in re.split(r"[;,\n]", value) if item.strip()]


def _default_language(lang: str, text: str, warn: Any) -> str:
    """The styles' default language (the one Word or pandoc was set to, not always the text's): the
    language the text's script makes certain instead, when it is another one."""
    guess = infer_script_language(text)
    if not lang or guess is None:
        return lang
    primary = lang.split("-")[0].lower()
    if primary == guess.tag or {primary, guess.tag} <= _CYRILLIC or {primary, guess.tag} <= {"zh", "ja", "ko"}:
        return lang
    warn(f"the document's default language is {lang}, but its text is {guess.name}: lang is {guess.tag}")
    return guess.tag


def front_matter(core: dict[str, str], custom: dict[str, str], title_block: dict[str, list[str]], styles_lang: str,
                 warn: Any, body_text: str = "") -> dict[str, Any]:
    """The new article's front matter: the title block's paragraphs first, then the document's
    core properties, then its custom ones; keys in ORDER."""
    meta: dict[str, Any] = {}
    block = {key: values for key, values in title_block.items() if values}
    if "title" in block:
        meta["title"] = " ".join(block["title"])
    elif core.get("title"):
        meta["title"] = escape(core["title"])
    if "subtitle" in block:
        meta["subtitle"] = " ".join(block["subtitle"])
    authors = [_plain(a) for a in block.get("author", [])] or [a.strip() for a in re.split(r";", core.get("creator", "")) if a.strip()]
    if authors:
        meta["author"] = authors[0] if len(authors) == 1 else authors
    for written in block.get("date", []):
        day = _date(_plain(written))
        if day is not None:
            meta["date"] = day
            break
        warn(f"the date line “{_plain(written)}” is no date publish reads (such as 2025-10-30); the document's own date is used")
    if "abstract" in block:
        meta["abstract"] = "\n\n".join(block["abstract"])
    if core.get("description"):
        meta["description"] = core["description"]
    if core.get("subject"):
        if "description" in meta:
            warn(f"the document's subject “{core['subject']}” is not imported (its description is)")
        else:
            meta["description"] = core["subject"]
    if core.get("keywords"):
        meta["keywords"] = _list(core["keywords"])
    if core.get("identifier"):
        meta["identifier"] = core["identifier"]
    left_out = []
    source_url = ""
    for name, value in sorted(custom.items()):
        key = _CUSTOM.get(name.strip().lower())
        if key is None or not value:
            left_out.append(name)
            continue
        if key == "source-url":
            source_url = value
        elif key in meta:
            continue
        elif key == "date":
            day = _date(value)
            if day is not None:
                meta["date"] = day
        elif key in ("keywords", "credits"):
            meta[key] = [escape(v) for v in _list(value)] if key == "credits" else _list(value)
        elif key == "author":
            meta["author"] = _list(value) if ";" in value else value
        elif key == "lang":
            meta["lang"] = value
        else:
            meta[key] = escape(value) if key in _RICH else value
    if source_url:
        name = meta.pop("source", "") or source_url
        meta["source"] = {"name": name, "url": source_url}
    if "date" not in meta:
        for key in ("created", "modified"):
            day = _date(core.get(key, ""))
            if day is not None and day.year > 1980:
                meta["date"] = day
                break
    lang = meta.get("lang") or core.get("language") or _default_language(styles_lang, body_text, warn)
    if lang:
        if _LANG.match(lang):
            meta["lang"] = lang
        else:
            meta.pop("lang", None)
            warn(f"the document's language {lang!r} is no language tag (such as en or pt-BR); left out")
    if left_out:
        warn("custom document properties not imported: " + ", ".join(left_out))
    return {key: meta[key] for key in ORDER if key in meta}


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe output, with text of several lines written as a literal block."""


def _text(dumper: yaml.SafeDumper, value: str) -> Any:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def yaml_block(meta: dict[str, Any]) -> str:
    """The front matter between its ``---`` lines."""
    dumped = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100000)
    return f"---\n{dumped}---\n"


def _comments(body: Any, comments: Any) -> list[str]:
    """Each comment (a reply too) as a warning naming its author and the paragraph it is on."""
    if comments is None:
        return []
    anchors: dict[str, str] = {}
    for ref in body.iter(W + "commentReference", W + "commentRangeStart"):
        para = next(ref.iterancestors(W + "p"), None)
        text = " ".join("".join(t.text or "" for t in para.iter(W + "t")).split()) if para is not None else ""
        anchors.setdefault(ref.get(W + "id", ""), text if len(text) <= 50 else text[:47] + "…")
    found = []
    for comment in comments.iter(W + "comment"):
        said = " ".join(" ".join("".join(t.text or "" for t in p.iter(W + "t")) for p in comment.iter(W + "p")).split())
        on = anchors.get(comment.get(W + "id", ""), "")
        found.append(f"comment by {comment.get(W + 'author') or 'someone'}" + (f" on “{on}”" if on else "")
                     + f": {said} (comments are not imported)")
    return found


# -- the import -------------------------------------------------------------------------------------
def _image_name(data: bytes) -> str | None:
    for magic, ext in _IMAGE_TYPES:
        if data.startswith(magic):
            return ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    if looks_like_svg(data):
        return ".svg"
    return None


class _Importer:
    """One Word file into one new article."""

    def __init__(self, path: Path, into: Path, track: str) -> None:
        self.path, self.into, self.track = path, into, track
        self.notes: list[str] = []
        self.images: dict[str, Path] = {}  # member -> where it is saved
        self.image_data: dict[Path, bytes] = {}
        self.folder = Path(into.stem) / "images"
        self.note_numbers: dict[tuple[str, str], int] = {}
        self.note_parts: dict[str, Any] = {}
        self.rels: dict[str, dict[str, tuple[str, str, bool]]] = {}
        self.current = ""  # the part being converted (its relationships resolve its links and pictures)

    def warn(self, message: str) -> None:
        self.notes.append(message)

    def link_target(self, rid: str) -> str:
        kind, target, _external = self.rels.get(self.current, {}).get(rid, ("", "", False))
        if kind != "hyperlink":
            return ""
        return target

    def image(self, rid: str, alt: str, where: str) -> str | None:
        kind, member, external = self.rels.get(self.current, {}).get(rid, ("", "", False))
        if not member or external:
            self.warn(f"{where}: a picture whose file is missing from the document is left out")
            return None
        if member not in self.images:
            if member not in self.package.names:
                self.warn(f"{where}: a picture whose file ({member}) is missing from the document is left out")
                return None
            data = self.package.read(member)
            ext = _image_name(data)
            if ext is None:
                kind_name = next((name for magic, name in _OTHER_IMAGES if data.startswith(magic)), "an unknown format")
                self.warn(f"{where}: a picture in {kind_name}, which publish cannot show, is left out"
                          + (f" (its alt text: “{alt}”)" if alt else "") + "; save it as PNG and add it")
                return None
            if len(data) > MAX_IMAGE_BYTES:
                self.warn(f"{where}: a picture of {len(data) // (1024 * 1024)} MiB is left out (publish takes at most 20 MiB)")
                return None
            saved = self.folder / f"image-{len(self.images) + 1}{ext}"
            self.images[member] = saved
            self.image_data[saved] = data
        return self.images[member].as_posix()

    def note(self, kind: str, ident: str) -> str:
        root = self.note_parts.get(kind)
        tag = W + kind
        found = next((n for n in root.iter(tag) if n.get(W + "id") == ident), None) if root is not None else None
        if found is None:
            self.warn(f"a {kind} reference ({ident}) whose note is missing from the document is left out")
            return ""
        key = (kind, ident)
        if key not in self.note_numbers:
            self.note_numbers[key] = len(self.note_numbers) + 1
        return f"[^{self.note_numbers[key]}]"

    def run(self) -> str:
        self.package = _Package(self.path)
        try:
            return self._convert()
        finally:
            self.package.close()

    def _convert(self) -> str:
        package = self.package
        main = package.main_part()
        self.rels[main] = package.relationships(main)
        by_kind = {kind: target for kind, target, external in self.rels[main].values() if not external}
        document = package.part(main)
        body = document.find(W + "body") if document is not None else None
        if body is None:
            raise ImportRefused(f"is not a Word document (its {main} has no body)", self.path)
        styles_root = package.part(by_kind.get("styles"))
        styles = Styles(styles_root, package.part(by_kind.get("numbering")))
        for kind in ("footnotes", "endnotes"):
            part = by_kind.get(kind)
            self.note_parts[kind[:-1]] = root = package.part(part)
            if root is not None:
                self.rels[part] = package.relationships(part)
                _resolve_changes(root, self.track)
        comments = package.part(by_kind.get("comments"))
        self.notes.extend(_comments(body, comments))
        _resolve_changes(body, self.track)
        anchors = {a.get(W + "anchor", "") for root in [body, *self.note_parts.values()] if root is not None
                   for a in root.iter(W + "hyperlink")}
        anchors |= {m.group(1) for root in [body, *self.note_parts.values()] if root is not None
                    for t in root.iter(W + "instrText", W + "fldSimple")
                    for m in re.finditer(r'\\l\s+"([^"]*)"', (t.text or "") + (t.get(W + "instr") or ""))}
        ctx = Context(styles, self.link_target, self.image, self.note, self.warn, anchors - {""})
        self.current = main
        found = blocks(ctx, body)
        notes = self._notes(ctx)
        lang = ""
        if styles_root is not None:
            default_lang = styles_root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
            lang = default_lang.get(W + "val", "") if default_lang is not None else ""
        text = " ".join(t.text or "" for t in body.iter(W + "t"))
        meta = front_matter(_core(package), _custom(package), ctx.title_block, lang, self.warn, text)
        if "title" not in meta:
            meta = self._title_from(found, meta)
        text = markdown(found)
        return yaml_block(meta) + ("\n" + text if text else "") + ("\n" + notes if notes else "")

    def _title_from(self, found: list[Block], meta: dict[str, Any]) -> dict[str, Any]:
        """No title in the title block or the properties: the first heading's, else the file's name."""
        heading = next((b for b in found if b.kind == "heading"), None)
        if heading is not None:
            title = re.sub(r"\s*\{#[^}]*\}$", "", heading.text)
            if found and found[0] is heading and heading.level == 1:
                found.pop(0)
        else:
            title = escape(self.path.stem)
        return {"title": title, **meta}

    def _notes(self, ctx: Context) -> str:
        """Each note referred to, as ``[^n]:`` with its paragraphs, in the order of the references."""
        written: dict[int, str] = {}
        done: set[tuple[str, str]] = set()
        while len(done) < len(self.note_numbers):
            for key, number in list(self.note_numbers.items()):
                if key in done:
                    continue
                done.add(key)
                kind, ident = key
                root = self.note_parts[kind]
                note = next(n for n in root.iter(W + kind) if n.get(W + "id") == ident)
                self.current = next((p for p in self.rels if p.endswith(kind + "s.xml")), self.current)
                text = markdown(blocks(ctx, note)).rstrip("\n")
                lines = text.split("\n") if text else [""]
                written[number] = "\n".join([f"[^{number}]: {lines[0]}"] + [("    " + line) if line else "" for line in lines[1:]])
        return "\n\n".join(written[n] for n in sorted(written)) + "\n" if written else ""


def import_foreign(path: Path, into: Path | None, track_changes: str = "accept", force: bool = False,
                   dry_run: bool = False) -> Created:
    """``publish import X.docx --into A.md`` for a Word file publish did not write: a new article at
    ``into`` and its pictures in ``<into's folder>/<into's stem>/images/``; an existing file is
    replaced only with ``force``; with ``dry_run`` nothing is written."""
    if into is None:
        raise ImportRefused("was not written by publish: to make a new article from it, name the article to write "
                            "with --into (for example --into source/draft.md)", path)
    if track_changes not in TRACK_CHANGES:
        raise ImportRefused(f"--track-changes takes {' or '.join(TRACK_CHANGES)} for a Word file publish did not write, "
                            f"not '{track_changes}'", path)
    importer = _Importer(path, into, track_changes)
    text = importer.run()
    created = Created(into, text, {into.parent / rel: data for rel, data in importer.image_data.items()}, importer.notes)
    if dry_run:
        return created
    targets = [into, *created.images]
    existing = [t for t in targets if t.exists() and not (t in created.images and t.read_bytes() == created.images[t])]
    if existing and not force:
        raise ImportRefused("already exists; publish import does not replace it (pass --force to replace it)", existing[0])
    folder = into.parent / importer.folder
    into.parent.mkdir(parents=True, exist_ok=True)
    if created.images:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.resolve().is_relative_to(into.parent.resolve()):
            raise ImportRefused("the pictures' folder leads outside the article's folder (a link); nothing written", folder)
    for target, data in created.images.items():
        write_source(target, data)
    write_source(into, text.encode("utf-8"))
    return created
