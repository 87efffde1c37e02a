"""A Word copy publish wrote, edited in Word or LibreOffice, back into its Markdown source.

The copy names its source (custom properties, formats/docx/marks.py) and bookmarks each block
with its source lines and a hash of what was written there. A block whose paragraphs hash the
same keeps its source lines byte for byte; a changed one is written again from the edited runs
(emphasis, strong, code, links) in the source's own marks; paragraphs added between blocks come
back in place, a block whose paragraphs were deleted goes. Tracked changes are accepted (or
rejected) first; comments are reported. The rights notice, the source line, the credits and the
contact may not change unless the caller accepts it; title, subtitle, authors, date, keywords and
description edited in the title block or the document properties go back into the front matter
by line edits that keep its comments and order.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import os
import posixpath
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PublishError
from ..formats.docx import marks
from ..formats.docx.marks import OBJECT, PREFIX, W
from ..formats.readback import Unreadable, xml
from ..formats.zipfiles import Container
from ..model import Node
from ..read.article import read_document
from ..read.extensions import parse_attrs
from . import review
from .review import Remark

_CP = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CORE_NAMES = {"title": _DC + "title", "creator": _DC + "creator", "description": _DC + "description",
               "keywords": "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}keywords"}
#: Fields the reprint's authorization rests on: never changed unnoticed.
PROTECTED = {"rights": "the rights notice", "source": "the source", "sourceline": "the source line",
             "contact": "the contact", "credit": "the credits", "Rights": "the rights notice (document property Rights)",
             "Source": "the source (document property Source)", "SourceURL": "the source's URL (document property SourceURL)",
             "Contact": "the contact (document property Contact)", "Credits": "the credits (document property Credits)"}
TRACK_CHANGES = ("accept", "reject", "keep")
ACCEPT_FLAG = "--accept-notice-changes"
#: Typographic characters the reader makes from plain ones (smart punctuation), and those plain ones.
_SMART = {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "--", "\u2014": "---", "\u2026": "..."}


class ImportRefused(PublishError):
    """The edited copy cannot be taken into the source (as it is, or without a flag)."""


@dataclass
class Imported:
    """What an import gives: the source's path, its bytes before and after, and notes to show."""

    source: Path
    before: bytes
    after: bytes
    notes: list[str] = field(default_factory=list)
    #: the side report of the copy's comments (``<copy>.review.md``) and its text, when it has comments
    review: tuple[Path, str] | None = None

    def diff(self) -> str:
        old = self.before.decode("utf-8", "replace").splitlines(keepends=True)
        new = self.after.decode("utf-8", "replace").splitlines(keepends=True)
        return "".join(difflib.unified_diff(old, new, f"a/{self.source.name}", f"b/{self.source.name}"))


# -- the edited package --------------------------------------------------------
@dataclass
class Edited:
    body: Any
    notes: Any
    custom: dict[str, str]
    core: dict[str, str]
    links: dict[str, str]
    code: frozenset[str]
    comments: list[str]
    note_links: dict[str, str] = field(default_factory=dict)
    #: each footnote's label in the source, by its w:id in the copy (found by the note's mark)
    notes_labels: dict[str, str] = field(default_factory=dict)
    #: ``--track-changes keep``: tracked changes and comments read as CriticMarkup
    keep: bool = False
    remarks: dict[str, Remark] = field(default_factory=dict)

    def target(self, rid: str) -> str:
        return self.links.get(rid, "")

    def note_target(self, rid: str) -> str:
        return self.note_links.get(rid, "")

    def note_label(self, ident: str) -> str:
        return self.notes_labels.get(ident, "")


def _read_package(path: Path, track: str) -> Edited:
    try:
        with Container(path) as archive:
            names = set(archive.names)
            part = lambda name: xml(archive.read(name)) if name in names else None  # noqa: E731
            document, custom, core = part("word/document.xml"), part("docProps/custom.xml"), part("docProps/core.xml")
            rels, styles, notes, comments = (part("word/_rels/document.xml.rels"), part("word/styles.xml"),
                                             part("word/footnotes.xml"), part("word/comments.xml"))
            note_rels = part("word/_rels/footnotes.xml.rels")
            extended = part("word/commentsExtended.xml")
    except (Unreadable, OSError) as exc:
        raise ImportRefused(f"cannot read the Word file: {exc}", path) from None
    except Exception as exc:  # a file that is no zip at all (zipfile.BadZipFile), broken XML: one line, no traceback
        raise ImportRefused(f"cannot read the Word file: {type(exc).__name__}: {exc}", path) from None
    if document is None:
        raise ImportRefused("is not a Word document (it has no word/document.xml)", path)
    props = {}
    for prop in custom if custom is not None else []:
        props[prop.get("name", "")] = "".join(prop.itertext())
    core_values = {}
    for key, tag in _CORE_NAMES.items():
        found = core.find(tag) if core is not None else None
        core_values[key] = (found.text or "") if found is not None else ""
    links = {rel.get("Id", ""): rel.get("Target", "") for rel in (rels if rels is not None else [])}
    note_links = {rel.get("Id", ""): rel.get("Target", "") for rel in (note_rels if note_rels is not None else [])}
    code = frozenset(s.get(W + "styleId", "") for s in (styles.iter(W + "style") if styles is not None else [])
                     if (s.find(W + "name") is not None and s.find(W + "name").get(W + "val") in ("Verbatim Char", "VerbatimChar")))
    body = document.find(W + "body")
    if body is None:
        raise ImportRefused("is not a Word document (its word/document.xml has no body)", path)
    remarks = review.read_remarks([body] + ([notes] if notes is not None else []), comments, extended)
    if track != "keep":
        for root in (body, notes):
            if root is not None:
                _resolve_changes(root, track)
    return Edited(body, notes, props, core_values, links, code, _comment_notes(remarks, track), note_links,
                  keep=track == "keep", remarks=remarks)


def _comments(body: Any, comments: Any) -> list[str]:
    """Each comment of a comments part as a note naming its author and the text it is on."""
    return _comment_notes(review.read_remarks([body], comments, None), "accept")


def _comment_notes(remarks: dict[str, Remark], track: str) -> list[str]:
    """Each comment as a note naming its author and the text it is on."""
    found = []
    for remark in remarks.values():
        anchor = " ".join(remark.anchor.split())
        short = anchor if len(anchor) <= 60 else anchor[:57] + "…"
        what = "reply" if remark.parent else "comment"
        kept = "kept as CriticMarkup" if track == "keep" else "listed in the review report, not imported"
        found.append(f"{what} by {remark.author or 'someone'} on “{short}”: {remark.text} ({kept})")
    return found


def _was(what: str) -> str:
    return f"{what} {'were' if what.startswith('the credits') else 'was'}"


def _split(name: str) -> tuple[str, str]:
    """A mark's name as (what it marks, its hash), whatever Word or LibreOffice added after it."""
    found = marks.MARK_NAME.match(name)
    return (PREFIX + found.group(1), found.group(2)) if found else (name, "")


def _unwrap(element: Any) -> None:
    parent = element.getparent()
    index = parent.index(element)
    for child in reversed(list(element)):
        parent.insert(index, child)
    parent.remove(element)


def _resolve_changes(root: Any, track: str) -> None:
    """Tracked changes accepted or rejected in place: what remains is the text as it then reads."""
    keep, drop = ((W + "ins", W + "moveTo"), (W + "del", W + "moveFrom")) if track == "accept" else \
                 ((W + "del", W + "moveFrom"), (W + "ins", W + "moveTo"))
    # a paragraph mark deleted (accepted) or inserted (rejected): the paragraph runs on into the next
    for para in list(root.iter(W + "p")):
        mark = para.find(f"{W}pPr/{W}rPr")
        if mark is not None and mark.find(drop[0]) is not None:
            following = para.getnext()
            if following is not None and following.tag == W + "p":
                for child in list(following):
                    if child.tag != W + "pPr":
                        para.append(child)
                following.getparent().remove(following)
    for element in list(root.iter(*drop)):
        if element.getparent() is not None and element.getparent().tag != W + "rPr":
            element.getparent().remove(element)
    for element in list(root.iter(*keep)):
        if element.getparent() is not None and element.getparent().tag != W + "rPr":
            _unwrap(element)
    for text in list(root.iter(W + "delText")):  # rejected deletions read as text again
        text.tag = W + "t"
    for change in list(root.iter(W + "rPrChange", W + "pPrChange")):
        holder = change.getparent()
        if track == "reject":  # the formatting as it was before
            old = change.find(W + "rPr") if change.tag == W + "rPrChange" else change.find(W + "pPr")
            for child in list(holder):
                if child is not change:
                    holder.remove(child)
            for child in list(old) if old is not None else []:
                holder.append(child)
        holder.remove(change)


# -- which paragraphs belong to which mark -----------------------------------
def _groups(body: Any) -> list[tuple[str | None, list[Any]]]:
    """The body's paragraphs (tables' included) in order, grouped by the block or field mark that
    is open in each (the first one, when a merge put two in one paragraph); None for paragraphs in
    none. A mark is open from its first start to the end of any of its ids: LibreOffice writes a
    bookmark over several paragraphs as a start, then a second start of the same name with its end
    in the last paragraph."""
    groups: list[tuple[str | None, list[Any]]] = []
    names: dict[str, str] = {}  # bookmark id -> name
    open_marks: dict[str, None] = {}  # names, in opening order
    owners = (PREFIX + "L", PREFIX + "F")
    # a table's rows belong to the block whose mark starts in them or in a row above: LibreOffice
    # cannot keep a bookmark across cells (it may shrink it to the first), and it joins adjacent tables
    tables = {}
    for table in body.iter(W + "tbl"):
        if table.getparent() is not body:
            continue
        current = None
        for row in table.iter(W + "tr"):
            current = next((b.get(W + "name") for b in row.iter(W + "bookmarkStart")
                            if (b.get(W + "name") or "").startswith(PREFIX + "L")), current)
            for para in row.iter(W + "p") if current else []:
                tables[para] = current
    for para in body.iter(W + "p"):
        owner = tables.get(para) or next(iter(open_marks), None)
        for element in para.iter(W + "bookmarkStart", W + "bookmarkEnd"):
            name = element.get(W + "name") or ""
            if element.tag == W + "bookmarkStart" and name.startswith(owners):
                names[element.get(W + "id", "")] = name
                open_marks.setdefault(name, None)
                owner = owner or name
            elif element.tag == W + "bookmarkEnd" and element.get(W + "id", "") in names:
                open_marks.pop(names[element.get(W + "id", "")], None)
        if groups and groups[-1][0] == owner:
            groups[-1][1].append(para)
        else:
            groups.append((owner, [para]))
    return groups


# -- Markdown from runs ---------------------------------------------------------
@dataclass
class Style:
    """How the source writes its marks: emphasis, strong, which typographic characters it types."""

    emph: str = "*"
    strong: str = "**"
    typed: frozenset[str] = frozenset()
    newline: str = "\n"
    #: a picture's Markdown in the block as the source writes it, by its alt text
    images: dict[str, str] = field(default_factory=dict)
    #: a link target's reference label, where the block refers to it by that label
    references: dict[str, str] = field(default_factory=dict)
    #: the block's longest line when the source wraps it over several (0: one line)
    width: int = 0
    #: each link's target and title in the block as the source writes them, by the target as
    #: compared (Word's w:tooltip does not survive LibreOffice, nor a bare host without its slash)
    targets: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, whole: str) -> Style:
        emph = "_" if re.search(r"(?<![\w_])_[^_\s]", whole) and not re.search(r"(?<![\w*])\*[^*\s]", whole) else "*"
        strong = "__" if "__" in whole and "**" not in whole else "**"
        images = {m.group(1): m.group(0) for m in re.finditer(r"!\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))+(?:\s+\"[^\"]*\")?\)(?:\{[^{}]*\})?", text)}
        used = {m.group(1).lower() for m in re.finditer(r"\]\[([^\]]+)\]", text)}
        defined = {m.group(2): m.group(1) for m in re.finditer(r"(?m)^ {0,3}\[([^\]^][^\]]*)\]:\s*<?(\S+?)>?(?:\s|$)", whole)}
        references = {url: label for url, label in defined.items() if label.lower() in used}
        lines = [line for line in text.rstrip("\r\n").split("\n")]
        width = max(len(line.rstrip("\r")) for line in lines) if len(lines) > 1 else 0
        targets = {marks.normal_target(m.group(1)): (m.group(1), m.group(2) or "")
                   for m in re.finditer(r"\]\(<?([^()\s<>]+)>?(?:\s+\"((?:[^\"\\]|\\.)*)\")?\)", text)}
        return cls(emph, strong, frozenset(c for c in _SMART if c in text), "\r\n" if "\r\n" in whole else "\n",
                   images, references, width, targets)


_ESCAPE = re.compile(r"([\\`*_\[\]<])")


def _plain(text: str, style: Style) -> str:
    text = _ESCAPE.sub(r"\\\1", text)
    for char, typed in _SMART.items():
        if char not in style.typed:
            text = text.replace(char, typed)
    return text.replace("\n", "\\" + "\n")


def inline_markdown(items: marks.Items, style: Style, where: tuple[Path, int],
                    remarks: dict[str, Remark] | None = None, said: set[str] | None = None) -> str:
    """A paragraph's pieces as inline Markdown in the source's style; tracked changes and comments
    (pieces flagged by ``marks.runs`` with ``revisions``) as CriticMarkup, ``remarks`` giving each
    comment's text (``said``: the comments written so far, a reply right after its comment)."""
    out: list[str] = []
    pieces = list(items)
    said = set() if said is None else said
    i = 0
    while i < len(pieces):
        text, flags = pieces[i]
        if text.startswith(OBJECT + "comment:"):
            out.append(_remark(text[len(OBJECT + "comment:"):], remarks or {}, style, said))
            i += 1
            continue
        if text.startswith(OBJECT):
            out.append(_object(text[1:], style, where))
            i += 1
            continue
        link = next((f[5:] for f in flags if f.startswith("link:")), None)
        if link is not None:  # the run of pieces in the same link
            j = i
            while j < len(pieces) and f"link:{link}" in pieces[j][1]:
                j += 1
            inner = [(t, tuple(f for f in fl if not f.startswith("link:"))) for t, fl in pieces[i:j]]
            url, title = style.targets.get(link, (link, ""))
            label = style.references.get(url)
            shown = "".join(t for t, _ in inner)
            if not title and all(not fl for _, fl in inner) and url in (shown, "mailto:" + shown) and " " not in url:
                out.append(f"<{shown}>")  # an autolink, as the source writes a bare address
            elif label and not title:
                out.append(f"[{inline_markdown(inner, style, where, remarks, said)}][{label}]")
            else:
                quoted = f' "{title}"' if title else ""  # as the source escapes it
                out.append(f"[{inline_markdown(inner, style, where, remarks, said)}](<{url}>{quoted})" if " " in url
                           else f"[{inline_markdown(inner, style, where, remarks, said)}]({url}{quoted})")
            i = j
            continue
        change = next((f for f in flags if f.startswith(("ins:", "del:")) or f == "hl"), None)
        if change is not None:  # the run of pieces in the same tracked change, or under a comment
            j = _run_end(pieces, i, change)
            body = inline_markdown(_without(pieces[i:j], change), style, where, remarks, said)
            if change == "hl":
                out.append("{==" + body + "==}")
            elif change.startswith("ins:"):
                out.append("{++" + body + "++}" + review.attributes(*change[4:].split("\t", 1)))
            else:
                following = next((f for f in pieces[j][1] if f.startswith("ins:")), None) if j < len(pieces) else None
                if following is not None and following[4:] == change[4:]:  # a replacement: deleted, then inserted
                    k = _run_end(pieces, j, following)
                    new = inline_markdown(_without(pieces[j:k], following), style, where, remarks, said)
                    out.append("{~~" + body + "~>" + new + "~~}" + review.attributes(*change[4:].split("\t", 1)))
                    j = k
                else:
                    out.append("{--" + body + "--}" + review.attributes(*change[4:].split("\t", 1)))
            i = j
            continue
        out.append(_formatted(text, set(flags), style))
        i += 1
    return "".join(out)


def _run_end(pieces: marks.Items, start: int, flag: str) -> int:
    """Where the run of pieces that all carry ``flag`` from ``start`` ends."""
    j = start
    while j < len(pieces) and flag in pieces[j][1] and not pieces[j][0].startswith(OBJECT):
        j += 1
    return j


def _without(pieces: marks.Items, flag: str) -> marks.Items:
    return [(t, tuple(f for f in fl if f != flag)) for t, fl in pieces]


def _remark(ident: str, remarks: dict[str, Remark], style: Style, said: set[str]) -> str:
    """A Word comment as a CriticMarkup comment with its author and date, its replies after it."""
    remark = remarks.get(ident)
    if remark is None or ident in said:
        return ""
    out = []
    for one in [remark, *remark.replies] if not remark.parent else [remark]:
        if one.ident not in said:
            said.add(one.ident)
            text = _plain(one.text, style)  # its "<" escaped: no "<<}" ends it early
            out.append("{>>" + text + "<<}" + review.attributes(one.author, one.date))
    return "".join(out)


def _object(what: str, style: Style, where: tuple[Path, int]) -> str:
    """A picture or a note reference in an edited paragraph, as the source writes it."""
    kind, _, value = what.partition(":")
    if kind == "note" and value:
        return f"[^{value}]"
    if kind == "img" and value in style.images:
        return style.images[value]
    what = {"note": "a footnote written inline (^[...])", "img": "a picture the block did not have",
            "math": "a formula"}.get(kind, "an object")
    raise ImportRefused(f"{what} is in an edited paragraph; publish import cannot write it back yet: "
                        "make this change in the source", *where)


def _wrapped(text: str, width: int) -> str:
    """A paragraph's Markdown wrapped at the width the source wraps it at (as it is when no line
    could start with something that would begin another block)."""
    import textwrap

    if not width or len(text) <= width:
        return text
    out = []
    for piece in text.split("\\\n"):
        out.append("\n".join(textwrap.wrap(piece, width, break_long_words=False, break_on_hyphens=False)))
    lines = "\\\n".join(out).split("\n")
    # a continuation line may not start a block that can interrupt a paragraph: a heading, a list, a
    # quote, a fence, an HTML block (an autolink may), a setext underline, a footnote definition
    if any(_escape_start(line) != line or line.startswith(("```", "~~~")) or re.match(r"<(?:[!?]|/?[A-Za-z][\w-]*(?:[\s/>]|$))|\[\^[^\]]*\]:|-+\s*$", line)
           for line in lines[1:]):
        return text
    return "\n".join(lines)


def _formatted(text: str, flags: set[str], style: Style) -> str:
    lead = text[: len(text) - len(text.lstrip(" "))]
    trail = text[len(text.rstrip(" ")):]
    core = text.strip(" ")
    if not core:
        return text
    if "code" in flags:
        ticks = "`" * (max((len(m) for m in re.findall(r"`+", core)), default=0) + 1)
        body = f"{ticks} {core} {ticks}" if core.startswith("`") or core.endswith("`") else f"{ticks}{core}{ticks}"
    else:
        body = _plain(core, style)
    for flag, (opening, closing) in (("strike", ("~~", "~~")), ("emph", (style.emph, style.emph)),
                                     ("strong", (style.strong, style.strong)),
                                     ("sub", ("<sub>", "</sub>")), ("sup", ("<sup>", "</sup>"))):
        if flag in flags:
            body = f"{opening}{body}{closing}"
    return lead + body + trail


def _level(para: Any) -> int | None:
    """A list paragraph's level (w:numPr/w:ilvl), None when it is no list item."""
    num = para.find(f"{W}pPr/{W}numPr")
    if num is None:
        return None
    ilvl = num.find(W + "ilvl")
    return int(ilvl.get(W + "val", "0")) if ilvl is not None else 0


def _heading(para: Any) -> int | None:
    style = para.find(f"{W}pPr/{W}pStyle")
    found = re.fullmatch(r"(?i)heading ?(\d)", style.get(W + "val", "")) if style is not None else None
    return int(found.group(1)) if found else None


# -- blocks ---------------------------------------------------------------------
class _Writer:
    def __init__(self, doc_path: Path, edited: Edited, style: Style, target: Any = None) -> None:
        self.path = doc_path
        self.edited = edited
        self.style = style
        self.target = target or edited.target

    def inline(self, para: Any, line: int) -> str:
        items = marks.runs(para, self.edited.code, self.target, self.edited.note_label, revisions=self.edited.keep)
        text = inline_markdown(items, self.style, (self.path, line), self.edited.remarks).strip()
        return text

    def paragraphs(self, paras: list[Any], line: int) -> list[str]:
        """Paragraphs as Markdown blocks by their style: headings, list items, paragraphs."""
        blocks = []
        for para in paras:
            text = self.inline(para, line)
            if not text:
                continue
            level = _heading(para)
            depth = _level(para)
            if level:
                blocks.append("#" * level + " " + text)
            elif depth is not None:
                blocks.append("  " * depth + "- " + text)
            else:
                blocks.append(_wrapped(_escape_start(text), self.style.width))
        return blocks

    def block(self, node: Node, original: list[str], paras: list[Any]) -> list[str]:
        """The block's new Markdown lines (none: it was emptied)."""
        kind, line, nl = node.kind, node.line or 1, self.style.newline
        first, last = original[0].rstrip("\r\n"), original[-1].rstrip("\r\n")
        if kind == "paragraph":
            return self._joined(self.paragraphs(paras, line))
        if kind == "heading":
            attrs = re.search(r"\s+\{[^{}]*\}\s*$", first) if first.lstrip().startswith("#") else None
            if attrs and parse_attrs(attrs.group(0).strip()) is None:
                attrs = None  # a CriticMarkup mark or other braces that end the heading: its text, not its attributes
            texts = self.paragraphs(paras, line)
            if texts and not texts[0].startswith("#"):
                texts[0] = "#" * int(node.attrs.get("level", 1)) + " " + texts[0]
            if texts and attrs and texts[0].startswith("#"):
                texts[0] += attrs.group(0).rstrip()
            return self._joined(texts)
        if kind == "div" and first.lstrip().startswith(":::") and last.strip().startswith(":::") and len(original) > 1:
            inner = self._joined(self.paragraphs(paras, line))
            return [first] + inner + [last] if inner else []
        if kind == "blockquote" and all(not _level(p) and not _heading(p) for p in paras):
            inner = self._joined(self.paragraphs(paras, line))
            return [("> " + text) if text else ">" for text in inner]
        if kind == "code_block" and first.lstrip()[:3] in ("```", "~~~") and len(original) > 1:
            text = "\n".join("".join(t for t, _ in marks.runs(p, self.edited.code, self.edited.target)) for p in paras)
            return [first] + text.split("\n") + [last]
        if kind in ("bullet_list", "ordered_list"):
            texts = self.paragraphs(paras, line)
            if all(t.lstrip().startswith("- ") for t in texts):
                return _list_lines(texts, original, int(node.attrs.get("start", 1) or 1))
        if kind == "table" and len(original) > 1 and _DELIMITER_ROW.match(original[1].rstrip("\r\n")):
            return self.table(node, [text.rstrip("\r\n") for text in original], paras)
        what = kind.replace("_", " ")
        raise ImportRefused(f"this {what} was edited in Word; publish import cannot write an edited {what} back yet: "
                           "make this change in the source (or undo it in the Word copy)", self.path, line)

    def table(self, node: Node, original: list[str], paras: list[Any]) -> list[str]:
        """A pipe table with the cells edited in Word written again, every other cell as it was."""
        line = node.line or 1
        cells: dict[tuple[int, int], tuple[str, list[Any]]] = {}
        for para in paras:
            for start in para.iter(W + "bookmarkStart"):
                head, digest = _split(start.get(W + "name") or "")
                if head.startswith(PREFIX + "T"):
                    _, r, c = head[len(PREFIX) + 1:].split("_")
                    cell = next(para.iterancestors(W + "tc"))
                    cells[(int(r), int(c))] = (digest, list(cell.iter(W + "p")))
        rows = [original[0]] + original[2:]
        split = [_cells(row) for row in rows]
        width = len(split[0][1]) if split else 0
        expected = {(r, c) for r in range(len(rows)) for c in range(width)}
        shape = {}
        for para in paras:
            row = next(para.iterancestors(W + "tr"), None)
            if row is not None:
                shape[row] = len(row.findall(W + "tc"))
        if set(cells) != expected or any(len(found) != width for _, found, _ in split) or \
                len(shape) != len(rows) or any(n != width for n in shape.values()):
            raise ImportRefused("this table's rows or columns were changed in Word; publish import can take back "
                                "edits to its cells only: make this change in the source", self.path, line)
        out = []
        for r, (lead, found, trail) in enumerate(split):
            for c, raw in enumerate(found):
                digest, cell_paras = cells[(r, c)]
                if marks.content_hash(cell_paras, self.edited.code, self.edited.target, self.edited.keep) != digest:
                    text = " ".join(self.inline(p, line) for p in cell_paras).strip().replace("|", "\\|")
                    pad = " " * (len(raw) - len(raw.lstrip(" ")))
                    # as wide as the column was when it fits (an aligned table stays aligned), else one space after
                    found[c] = (pad + text).ljust(len(raw)) if len(pad + text) < len(raw) else pad + text + " "
            out.append(lead + "|".join(found) + trail)
        return [out[0], original[1], *out[1:]]

    @staticmethod
    def _joined(blocks: list[str]) -> list[str]:
        out: list[str] = []
        for block in blocks:
            if out:
                out.append("")
            out.extend(block.split("\n"))
        return out


_DELIMITER_ROW = re.compile(r"\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def _cells(row: str) -> tuple[str, list[str], str]:
    """A pipe-table row as its leading pipe, its cells' raw text (padding kept) and its trailing pipe;
    a pipe escaped with a backslash is text."""
    parts, current, i = [], "", 0
    while i < len(row):
        if row[i] == "\\" and i + 1 < len(row):
            current += row[i: i + 2]
            i += 2
            continue
        if row[i] == "|":
            parts.append(current)
            current = ""
        else:
            current += row[i]
        i += 1
    parts.append(current)
    lead = trail = ""
    if parts and not parts[0].strip() and row.lstrip().startswith("|"):
        lead = parts.pop(0) + "|"
    if len(parts) > 1 and not parts[-1].strip() and row.rstrip().endswith("|"):
        trail = "|" + parts.pop()
    return lead, parts, trail


def _list_lines(texts: list[str], original: list[str], start: int) -> list[str]:
    """List items (``"  " * level + "- " + text``) with the source's own markers and indents at
    each level: its bullet character or numbers (from ``start`` at the top), its indentation."""
    levels: dict[int, tuple[str, str]] = {}  # indent width -> (indent, marker)
    for line in original:
        found = re.match(r"(\s*)([-*+]|\d+[.)])\s", line)
        if found and len(found.group(1)) not in levels:
            levels[len(found.group(1))] = (found.group(1), found.group(2))
    by_depth = [levels[width] for width in sorted(levels)] or [("", "-")]
    counters: dict[int, int] = {}
    out = []
    for text in texts:
        depth = (len(text) - len(text.lstrip())) // 2
        item = text.lstrip()[2:]
        if depth < len(by_depth):
            indent, marker = by_depth[depth]
        else:
            indent, marker = by_depth[-1][0] + "  " * (depth - len(by_depth) + 1), "-"
        for deeper in [d for d in counters if d > depth]:
            del counters[deeper]
        if marker[0].isdigit():
            counters[depth] = counters.get(depth, start if depth == 0 else int(marker[:-1]))
            out.append(f"{indent}{counters[depth]}{marker[-1]} {item}")
            counters[depth] += 1
        else:
            out.append(f"{indent}{marker} {item}")
    return out


#: Paragraphs of the title block that are no text of the article (the abstract's heading, the cover).
_FURNITURE = frozenset({"AbstractTitle", "Abstract Title", "Figure"})


def _style_name(para: Any) -> str:
    style = para.find(f"{W}pPr/{W}pStyle")
    return style.get(W + "val", "") if style is not None else ""


def _escape_start(text: str) -> str:
    """A paragraph's text that would start another block (a heading, a list, a quote) escaped."""
    if re.match(r"(#{1,6}(\s|$)|[-+*>](\s|$)|\d+[.)](\s|$)|=+\s*$|:::)", text):
        match = re.match(r"\d+", text)
        return text[: match.end()] + "\\" + text[match.end():] if match else "\\" + text
    return text


# -- the front matter ---------------------------------------------------------------
def _yaml_value(value: Any, quote: str = "") -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_scalar(v) for v in value) + "]"
    return _yaml_scalar(value, quote)


def _yaml_scalar(value: str, quote: str = "") -> str:
    """A YAML scalar: quoted as the source quoted the value it replaces, else plain when YAML reads
    it back as the same text, else double-quoted."""
    import yaml

    if quote == '"':
        return json.dumps(value, ensure_ascii=False)
    if quote == "'":
        return "'" + value.replace("'", "''") + "'"
    if value and re.fullmatch(r"[\w][\w .,'’()\-–/]*", value) and not value.endswith(" "):
        try:
            if yaml.safe_load(value) == value:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def set_field(lines: list[bytes], key: str, value: Any, newline: str) -> list[bytes]:
    """The source's lines with a top-level YAML field set: its lines (the key's and any continued
    below it) replaced by one ``key: value`` line, or the line added at the end of the front matter;
    every other line, comments included, kept."""
    if not lines or lines[0].rstrip() != b"---":
        raise ImportRefused(f"'{key}' was edited in the Word copy, but the source has no YAML front matter "
                           f"to write it into: add `{key}:` to its front matter by hand")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (b"---", b"...")), None)
    if end is None:
        raise ImportRefused("the front matter is not closed")
    pattern = re.compile(rb"^" + re.escape(key.encode()) + rb"\s*:\s*(['\"]?)")
    for i in range(1, end):
        found = pattern.match(lines[i])
        if found:
            shown = value if key == "date" else _yaml_value(value, found.group(1).decode())  # a date as YAML reads one
            new = f"{key}: {shown}{newline}".encode("utf-8")
            j = i + 1
            while j < end and (lines[j][:1] in (b" ", b"\t") or lines[j][:2] == b"- "  # a value continued, a list's items
                               or (lines[j].strip() == b"" and j + 1 < end and lines[j + 1][:1] in (b" ", b"\t"))):
                j += 1
            comment = re.search(rb"\s#\s.*$", lines[i].rstrip(b"\r\n")) if j == i + 1 else None
            if comment and b'"' not in comment.group(0) and b"'" not in comment.group(0):
                new = new.rstrip(b"\r\n") + comment.group(0) + newline.encode()
            return lines[:i] + [new] + lines[j:]
    shown = value if key == "date" else _yaml_value(value)
    return lines[:end] + [f"{key}: {shown}{newline}".encode("utf-8")] + lines[end:]


# -- the import -------------------------------------------------------------------------
def read_edits(edited_path: Path, project: Path, into: Path | None = None, track_changes: str = "accept",
               accept_notice_changes: bool = False) -> Imported:
    """Read an edited Word copy and give the source with its edits (nothing is written)."""
    if track_changes not in TRACK_CHANGES:
        raise ImportRefused(f"--track-changes takes {' or '.join(TRACK_CHANGES)}, not '{track_changes}'")
    edited = _read_package(edited_path, track_changes)
    recorded = edited.custom.get(marks.SOURCE_PROPERTY)
    if not recorded and "Article 1 Title" in edited.custom:
        raise ImportRefused("this is the Word copy of a collection; publish import takes back an article's Word copy "
                            "(build the edited article alone, or carry the edits into its own file by hand)", edited_path)
    if not recorded or not edited.custom.get(marks.SHA_PROPERTY):
        raise ImportRefused("this Word file was not written by publish (it has no PublishSource property); "
                           "publish import takes back the DOCX that `publish build` made", edited_path)
    source = (project / Path(*posixpath.normpath(recorded).split("/"))) if not Path(recorded).is_absolute() else Path(recorded)
    if not source.is_file():
        raise ImportRefused(f"the source this copy was made from, {recorded}, is not in the project {project}: "
                           "run publish import from the project folder (or give --project)", edited_path)
    before = source.read_bytes()
    if hashlib.sha256(before).hexdigest() != edited.custom[marks.SHA_PROPERTY]:
        raise ImportRefused("has changed since this Word copy was made (its sha256 is not the one the copy records); "
                           "publish import needs the very source it was built from: restore that version or merge by hand",
                           source)
    doc = read_document(source)
    lines = before.splitlines(keepends=True)
    whole = before.decode("utf-8", "replace")
    notes = list(edited.comments)
    groups = _groups(edited.body)
    by_prefix: dict[str, list[Any]] = {}
    names: dict[str, str] = {}
    for name, paras in groups:
        if name:
            head = _split(name)[0]
            by_prefix[head] = paras
            names[head] = name

    # the protected fields and the front matter's fields, in the title block and end matter
    changed_fields: dict[str, list[Any] | None] = {}
    for head in [h for h in names if h.startswith(PREFIX + "F")]:
        paras = by_prefix[head]
        # a comment on the notice or the title is no edit of it (it goes to the review report)
        if marks.content_hash(paras, edited.code, edited.target, edited.keep, comments=False) != _split(names[head])[1]:
            changed_fields[head[len(PREFIX) + 1:]] = paras
    recorded_fields = dict(item.split("=", 1) for item in (edited.custom.get(marks.FIELDS_PROPERTY) or "").split(";") if "=" in item)
    changed_props: dict[str, str] = {}
    for key, digest in recorded_fields.items():
        value = edited.core.get(key[5:], "") if key.startswith("core.") else edited.custom.get(key, "")
        if marks.value_hash(key, value) != digest:
            changed_props[key] = value
    # a field paragraph whose mark is gone was deleted: the written ones are named by the writer's styles
    refused = []
    for label, paras in changed_fields.items():
        base = re.sub(r"\d+$", "", label)
        if base in PROTECTED and not accept_notice_changes:
            text = " ".join("".join(t for t, _ in marks.runs(p, edited.code, edited.target)) for p in paras).strip()
            refused.append(f"{_was(PROTECTED[base])} edited in the Word copy (it now reads “{text[:80]}”)")
    meta = doc.meta
    for label, present in (("rights", meta.rights), ("contact", meta.contact), ("source", meta.source),
                           *((f"credit{i}", c) for i, c in enumerate(meta.credits, 1))):
        if present and f"{PREFIX}F{label}" not in names and not accept_notice_changes:
            refused.append(f"{_was(PROTECTED[re.sub(r'[0-9]+$', '', label)])} removed from the Word copy")
    for key in changed_props:
        if key in PROTECTED and not accept_notice_changes:
            refused.append(f"{_was(PROTECTED[key])} edited in the Word copy")
    if refused:
        raise ImportRefused(refused[0] + f"; publish import leaves the source as it is: undo the edit, or pass {ACCEPT_FLAG} to take it",
                           edited_path)
    for label in changed_fields:
        if re.sub(r"\d+$", "", label) in ("date", "end", "abstract", "affiliation"):
            what = {"date": "the date line", "end": "an end-matter line (publisher, keywords)", "abstract": "the abstract",
                    "affiliation": "the affiliations"}[re.sub(r"\d+$", "", label)]
            raise ImportRefused(f"{what} was edited in the Word copy; publish import cannot write it back yet: "
                               "make this change in the source (or in the document properties: Date, Keywords)", edited_path)

    for note in edited.notes.iter(W + "footnote") if edited.notes is not None else []:
        mark = next((b.get(W + "name") for b in note.iter(W + "bookmarkStart")
                     if (b.get(W + "name") or "").startswith(PREFIX + "N")), None)
        if mark and marks.content_hash(list(note.iter(W + "p")), edited.code, edited.note_target, edited.keep) != _split(mark)[1]:
            number = _split(mark)[0][len(PREFIX) + 1:]
            footnote = next((f for f in doc.footnotes if str(f.n) == number), None)
            if footnote is None or not footnote.label or not footnote.line:
                raise ImportRefused(f"footnote {number} was edited in the Word copy; publish import can write back only a "
                                    "footnote defined as [^label]: ...: make this change in the source", source,
                                    footnote.line if footnote else None)
            _rewrite_note(lines, footnote, list(note.iter(W + "p")), edited, source, whole)
            notes.append(f"{source}:{footnote.line}: footnote [^{footnote.label}] was edited in the Word copy")

    labels = {str(f.n): f.label for f in doc.footnotes}
    for note in edited.notes.iter(W + "footnote") if edited.notes is not None else []:
        mark = next((b.get(W + "name") for b in note.iter(W + "bookmarkStart")
                     if (b.get(W + "name") or "").startswith(PREFIX + "N")), "")
        if mark:
            edited.notes_labels[note.get(W + "id", "")] = labels.get(_split(mark)[0][len(PREFIX) + 1:], "")

    # the body
    spans = marks.block_spans(doc)
    style_text = whole
    out: list[bytes] = []
    nl = "\r\n" if b"\r\n" in before else "\n"
    head_end = spans[0][1] - 1 if spans else len(lines)
    out.extend(lines[:head_end])
    tails: dict[int, list[bytes]] = {}
    for k, (node, first, last) in enumerate(spans):
        stop = spans[k + 1][1] - 1 if k + 1 < len(spans) else len(lines)
        tails[k] = lines[last:stop]
    index = {f"{PREFIX}L{first}_{last}": k for k, (_, first, last) in enumerate(spans)}
    placed: set[int] = set()
    last_put: list[int | None] = [-1]  # the source block put out last (None: new paragraphs)

    def emit(new_lines: list[str]) -> None:
        if out and out[-1].strip() and not out[-1].endswith(b"\n"):
            out[-1] += nl.encode()
        if out and out[-1].strip():
            out.append(nl.encode())
        out.extend((text + nl).encode("utf-8") for text in new_lines)
        out.append(nl.encode())

    present = {index[_split(n)[0]] for n, _ in groups if n and _split(n)[0] in index}
    first_block = next((i for i, (n, _) in enumerate(groups) if n and _split(n)[0] in index), len(groups))

    def deleted_before(k: int) -> None:
        """The tails of the deleted blocks just before block k (reference definitions stay)."""
        j = k - 1
        while j >= 0 and j not in present and j not in placed:
            j -= 1
        for gone in range(j + 1, k):
            placed.add(gone)
            last_put[0] = gone
            node, first, last = spans[gone]
            notes.append(f"{source}:{first}: lines {first}-{last} were deleted in the Word copy")
            out.extend(_kept_tail(tails[gone]))

    for i, (name, paras) in enumerate(groups):
        head = _split(name)[0] if name else None
        if head is not None and head not in index:
            continue  # a field of the title block or the end matter, or a footnote
        if head is None:  # paragraphs added in Word: where they stand, after the block before them
            paras = [p for p in paras if _style_name(p) not in _FURNITURE]
            writer = _Writer(source, edited, Style.of("", style_text))
            texts = writer._joined(writer.paragraphs(paras, len(lines)))
            if texts:
                emit(texts)
                last_put[0] = None
                notes.append(f"{source}: {len([t for t in texts if t])} paragraph(s) added in the Word copy"
                             + (" before the first block" if i < first_block else ""))
            continue
        k = index[head]
        if k in placed:
            continue
        deleted_before(k)
        if last_put[0] != k - 1 and len(out) > head_end and out[-1].strip():  # moved after a block with no blank line
            out[-1] = out[-1] if out[-1].endswith(b"\n") else out[-1] + nl.encode()
            out.append(nl.encode())
        placed.add(k)
        last_put[0] = k
        node, first, last = spans[k]
        original = lines[first - 1: last]
        if marks.content_hash(paras, edited.code, edited.target, edited.keep) == _split(name)[1]:
            out.extend(original)
            out.extend(tails[k])
            continue
        chunk = b"".join(original).decode("utf-8", "replace")
        writer = _Writer(source, edited, Style.of(chunk, style_text))
        new_lines = writer.block(node, [line.decode("utf-8", "replace") for line in original], paras)
        if new_lines:
            out.extend((text + nl).encode("utf-8") for text in new_lines)
            out.extend(tails[k])
        else:
            notes.append(f"{source}:{first}: lines {first}-{last} were emptied in the Word copy")
            out.extend(_kept_tail(tails[k]))
    deleted_before(len(spans))
    after = _tidy(b"".join(out), before)
    credits = [by_prefix[h] for h in sorted((h for h in names if re.fullmatch(PREFIX + r"Fcredit\d+", h)),
                                            key=lambda h: int(h[len(PREFIX) + 7:]))]
    after = _front_matter(after, doc, changed_fields, changed_props, edited, source, nl, credits)
    return Imported(into or source, before, after, notes, _review(edited_path, source, project, edited, groups, doc))


def _review(copy: Path, source: Path, project: Path, edited: Edited, groups: list[tuple[str | None, list[Any]]],
            doc: Any) -> tuple[Path, str] | None:
    """The side report of the copy's comments, each at its paragraph's source line."""
    if not edited.remarks:
        return None
    owner = {id(p): name for name, paras in groups for p in paras}
    try:
        shown = source.resolve().relative_to(project.resolve())
    except ValueError:
        shown = Path(source.name)

    def line_of(paragraph: Any) -> str:
        head = _split(owner.get(id(paragraph)) or "")[0]
        found = re.fullmatch(re.escape(PREFIX) + r"L(\d+)_\d+", head)
        if found:
            return f"{shown.as_posix()}:{found.group(1)}"
        note = _note_line(paragraph, doc)
        if note:
            return f"the footnote at {shown.as_posix()}:{note}"
        return f"the {head[len(PREFIX) + 1:]} field" if head.startswith(PREFIX + "F") else "a paragraph added in Word"
    return review.report_path(copy), review.report(copy, shown, edited.remarks, line_of)


def _note_line(paragraph: Any, doc: Any) -> int | None:
    """The source line of the footnote a paragraph of the notes part belongs to (by the note's mark)."""
    note = next(paragraph.iterancestors(W + "footnote"), None)
    mark = next((b.get(W + "name") for b in note.iter(W + "bookmarkStart")
                 if (b.get(W + "name") or "").startswith(PREFIX + "N")), None) if note is not None else None
    number = _split(mark)[0][len(PREFIX) + 1:] if mark else None
    return next((f.line for f in doc.footnotes if str(f.n) == number), None)


def _rewrite_note(lines: list[bytes], footnote: Any, paras: list[Any], edited: Edited, source: Path, whole: str) -> None:
    """A footnote's definition written again, in place: its first line holds the new text, the other
    lines of the old one are emptied (so no line of any block moves)."""
    first = footnote.line
    end = first
    k = first + 1
    while k <= len(lines):
        text = lines[k - 1]
        if not text.strip():
            following = next((t for t in lines[k:] if t.strip()), b"")
            if following[:1] not in (b" ", b"\t"):
                break
        elif text[:1] in (b" ", b"\t") or lines[k - 2].strip():
            end = k
        else:
            break
        k += 1
    original = b"".join(lines[first - 1: end]).decode("utf-8", "replace")
    head = re.match(r"\s*\[\^[^\]]+\]:[ \t]*", original)
    if head is None:
        raise ImportRefused("this footnote's definition could not be found where the article has it", source, first)
    writer = _Writer(source, edited, Style.of(original, whole), target=edited.note_target)
    if any(_level(p) is not None or _heading(p) for p in paras):
        raise ImportRefused("this footnote has a list or a heading; publish import cannot write it back yet: "
                            "make this change in the source", source, first)
    texts = [t for t in (writer.inline(p, first) for p in paras) if t]
    nl = "\r\n" if "\r\n" in whole else "\n"
    body = (nl + nl).join(("    " + t if i else t) for i, t in enumerate(texts))
    lines[first - 1] = (head.group(0) + body + nl).encode("utf-8")
    for i in range(first, end):
        lines[i] = b""


def _kept_tail(tail: list[bytes]) -> list[bytes]:
    """What followed a deleted block: kept when it is more than blank lines (reference definitions)."""
    return tail if any(line.strip() for line in tail) else []


def _tidy(data: bytes, before: bytes) -> bytes:
    """No run of blank lines the edit made longer than the source had; the source's last newline."""
    nl = b"\r\n" if b"\r\n" in before else b"\n"
    longest = max((len(m) for m in re.findall(rb"(?:" + re.escape(nl) + rb"){3,}", before)), default=0) // len(nl)
    allowed = max(longest, 2)
    data = re.sub(rb"(?:" + re.escape(nl) + rb"){" + str(allowed + 1).encode() + rb",}", nl * allowed, data)
    ending = before[len(before.rstrip(b"\r\n")):]  # the source's own last newlines, as many as it had
    return data.rstrip(b"\r\n") + ending


def _front_matter(data: bytes, doc: Any, fields: dict[str, Any], props: dict[str, str], edited: Edited,
                  source: Path, nl: str, credit_paras: list[list[Any]]) -> bytes:
    """The title block's and the document properties' edits set in the front matter."""
    updates: dict[str, Any] = {}
    writer = _Writer(source, edited, Style.of(data.decode("utf-8", "replace"), data.decode("utf-8", "replace")))
    for key in ("title", "subtitle"):
        if key in fields:
            texts = [writer.inline(p, doc.meta.lines.get(key, 1)) for p in fields[key] or []]
            updates[key] = " ".join(t for t in texts if t)
    if "title" not in updates:
        if "Title" in props or "core.title" in props:
            updates["title"] = props.get("Title") or props["core.title"]
    if "core.creator" in props:
        updates["author"] = [a.strip() for a in props["core.creator"].split(";") if a.strip()]
    elif "author" in fields:
        text = " ".join("".join(t for t, _ in marks.runs(p, edited.code, edited.target)) for p in fields["author"])
        updates["author"] = [a.strip() for a in text.split(",") if a.strip()]
    if "core.keywords" in props or "Keywords" in props:
        text = props.get("Keywords") or props["core.keywords"]
        if not re.search(r"[,;]", text) and any(" " in k for k in doc.meta.keywords):
            raise ImportRefused(f"the keywords were changed in the document properties to '{text}', without commas "
                                "(LibreOffice drops them), so publish cannot tell one keyword from the next: "
                                "set them in the source's front matter", source, doc.meta.lines.get("keywords"))
        updates["keywords"] = [k.strip() for k in text.split(";" if ";" in text else ",") if k.strip()]
    if "core.description" in props:
        updates["description"] = props["core.description"]
    if "Date" in props:
        updates["date"] = props["Date"]
    for key in ("Rights", "Contact", "Publisher"):
        if key in props:
            updates[key.lower()] = props[key]
    if "Credits" in props:
        updates["credits"] = [c.strip() for c in props["Credits"].split(";") if c.strip()]
    if "rights" in fields:
        updates["rights"] = " ".join(writer.inline(p, 1) for p in fields["rights"] or [])
    if "contact" in fields:
        updates["contact"] = " ".join(writer.inline(p, 1) for p in fields["contact"] or [])
    if any(re.fullmatch(r"credit\d+", label) for label in fields):
        updates["credits"] = [" ".join(writer.inline(p, 1) for p in paras) for paras in credit_paras]
    for what in ("Source", "SourceURL", "source", "sourceline"):
        if what in props or what in fields:  # taken (--accept-notice-changes), but a mapping: by hand
            raise ImportRefused("the source was edited in the Word copy; publish import does not write a "
                                "source: mapping back: set `source:` in the front matter by hand", source,
                                doc.meta.lines.get("source"))
    if not updates:
        return data
    lines = data.splitlines(keepends=True)
    for key, value in updates.items():
        if key == "author" and len(value) == 1:
            value = value[0]
        if key == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ImportRefused(f"the document property Date reads '{value}'; give it as YYYY-MM-DD")
        try:
            lines = set_field(lines, key, value, nl)
        except ImportRefused as exc:
            raise ImportRefused(exc.message, source, exc.line) from None
    return b"".join(lines)


def write_source(path: Path, data: bytes) -> None:
    """Replace the source atomically: a temporary file beside it, renamed over it."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def import_docx(edited: Path, project: Path, into: Path | None = None, dry_run: bool = False,
                track_changes: str = "accept", accept_notice_changes: bool = False) -> Imported:
    """``publish import``: the edits of a Word copy into its source (or ``into``), written only when
    the whole import succeeded; with ``dry_run`` nothing is written."""
    result = read_edits(edited, project, into, track_changes, accept_notice_changes)
    if not dry_run and (result.after != result.before or into is not None):
        write_source(result.source, result.after)
    if not dry_run and result.review is not None:
        write_source(result.review[0], result.review[1].encode("utf-8"))
    return result
