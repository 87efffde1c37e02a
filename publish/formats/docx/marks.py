"""Marks that let ``publish import`` find the article's parts in an edited Word copy.

Each top-level block of the body is wrapped in a hidden bookmark (a name that starts with ``_``:
Word lists it only when asked to show hidden bookmarks, LibreOffice keeps it, no reader sees it)
named ``_pub_L<first>_<last>_<hash>``: the block's first and last source line and a hash of what
the writer put there (text and inline formatting, by ``content_hash``). Each cell of a table gets
``_pub_T<first>_<row>_<column>_<hash>``, the title block and the end matter
``_pub_F<field>_<hash>``, each footnote ``_pub_N<number>_<hash>``. Custom document
properties name the source (its path inside the project and its sha256) and hash the core and
custom property values as written, so an import tells an edited field from an untouched one.

``runs`` reads a paragraph's text with its inline structure from WordprocessingML; the writer
hashes with it and the importer reads the edited paragraphs with it, so both see the same thing.
Plain lxml: the importer gives it a saved file's XML, the writer python-docx's elements.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable

from ...model import Document, Node

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
PREFIX = "_pub_"
#: Custom properties: the source's path (inside the project, '/'-separated), its sha256, and
#: ``name=hash`` of each core or custom property value as written.
SOURCE_PROPERTY, SHA_PROPERTY, FIELDS_PROPERTY = "PublishSource", "PublishSourceSHA256", "PublishFields"
#: The object replacement character stands for what is not text: a picture, a note reference, a formula.
OBJECT = "\ufffc"
#: Title-block and end-matter paragraph styles and the field each shows.
FIELD_STYLES = {
    "Kicker": "source", "Title": "title", "Subtitle": "subtitle", "Author": "author", "Affiliation": "affiliation",
    "Date": "date", "Source Line": "sourceline", "Contact": "contact", "Notice": "rights", "Credit": "credit",
    "End Matter": "end", "Abstract": "abstract", "Revisions Legend": "legend",
}

Items = list[tuple[str, tuple[str, ...]]]


def _on(rpr: Any, tag: str) -> bool:
    found = rpr.find(W + tag) if rpr is not None else None
    return found is not None and found.get(W + "val", "true") not in ("0", "false", "off", "none")


def _run_flags(run: Any, code_styles: frozenset[str]) -> set[str]:
    rpr = run.find(W + "rPr")
    flags = set()
    if rpr is None:
        return flags
    style = rpr.find(W + "rStyle")
    if style is not None and style.get(W + "val") in code_styles:
        flags.add("code")
    for tag, flag in (("b", "strong"), ("i", "emph"), ("strike", "strike")):
        if _on(rpr, tag):
            flags.add(flag)
    align = rpr.find(W + "vertAlign")
    if align is not None and align.get(W + "val") in ("superscript", "subscript"):
        flags.add("sup" if align.get(W + "val") == "superscript" else "sub")
    return flags


def normal_target(target: str) -> str:
    """A link's target as compared: percent-escapes decoded, a bare host without its slash
    (LibreOffice writes both so)."""
    from urllib.parse import unquote

    target = unquote(target)
    return target[:-1] if re.fullmatch(r"(?i)https?://[^/?#]+/", target) else target


def _first_row(table: Any) -> int:
    return next((i for i, child in enumerate(table) if child.tag == W + "tr"), -1)


def _field_target(instruction: str) -> str:
    """A HYPERLINK field's target (``HYPERLINK "url" \\l "fragment"``), '' for any other field."""
    found = re.match(r'\s*HYPERLINK\s+(?:"([^"]*)")?\s*(?:\\l\s+"([^"]*)")?', instruction)
    if not found:
        return ""
    return normal_target((found.group(1) or "") + ("#" + found.group(2) if found.group(2) else ""))


def runs(para: Any, code_styles: frozenset[str], link_target: Callable[[str], str],
         note_name: Callable[[str], str] | None = None, revisions: bool = False) -> Items:
    """A paragraph's content as (text, formatting) pieces, adjacent pieces of the same formatting
    joined: formatting is a sorted tuple of ``emph``, ``strong``, ``code``, ``strike``, ``sup``,
    ``sub`` and ``link:<target>`` (not its title: LibreOffice drops w:tooltip); a picture,
    a note reference or a formula is OBJECT followed by what it is (``img:<alt>``, ``note``, or
    ``note:<name>`` with ``note_name`` given the reference's w:id, ``math:<text>``) as a piece of its own.
    With ``revisions``, tracked changes and comments are read as they stand (else a deletion is not
    text and an insertion is): inserted and deleted text (moves too) are flagged ``ins:<author>``
    or ``del:<author>``, a tab and the date after it; text a comment is on ``hl``; a comment's
    reference is OBJECT ``comment:<w:id>``."""
    out: Items = []
    # LibreOffice writes the bold its table style gives a first or header row into the cells' runs
    row = next(para.iterancestors(W + "tr"), None)
    header = row is not None and (row.find(f"{W}trPr/{W}tblHeader") is not None
                                  or row.getparent() is not None and row.getparent().index(row) == _first_row(row.getparent())
                                  # the first row of its own table, in a table LibreOffice joined to the one before
                                  or any(re.match(PREFIX + r"T\d+_0_", b.get(W + "name") or "") for b in row.iter(W + "bookmarkStart")))
    fields: list[dict[str, Any]] = []  # complex fields open here: LibreOffice writes a link with a #fragment as one

    ended: dict[str, str] = {}  # the link a HYPERLINK field just ended and its runs' character style

    def field_link(run: Any) -> set[str]:
        style = run.find(f"{W}rPr/{W}rStyle")
        style_id = style.get(W + "val") if style is not None else None
        found = {"link:" + f["link"] for f in fields if f.get("link")}
        for f in fields:
            if f.get("link") and style_id:
                f["style"] = style_id
        # LibreOffice ends a link's field after its first run where the script changes (何故|Promises);
        # the runs after it in the link's character style are still the link
        if not fields and ended and style_id == ended.get("style"):
            found.add("link:" + ended["link"])
        elif not fields:
            ended.clear()
        return found

    def add(text: str, flags: Iterable[str], alone: bool = False) -> None:
        key = tuple(sorted(flags))
        if out and not alone and out[-1][1] == key and not out[-1][0].startswith(OBJECT):
            out[-1] = (out[-1][0] + text, key)
        elif text:
            out.append((text, key))

    commented: set[str] = set()  # the comments whose range is open

    def walk(element: Any, inherited: frozenset[str]) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if revisions and tag in _REVISIONS:
                kind = "ins" if tag in (W + "ins", W + "moveTo") else "del"
                walk(child, inherited | {f"{kind}:{child.get(W + 'author') or ''}\t{child.get(W + 'date') or ''}"})
                continue
            if revisions and tag in (W + "commentRangeStart", W + "commentRangeEnd"):
                (commented.add if tag == W + "commentRangeStart" else commented.discard)(child.get(W + "id") or "")
                continue
            if tag == W + "r":
                flags = inherited | _run_flags(child, code_styles) | field_link(child) | ({"hl"} if commented else set())
                if header:
                    flags = flags - {"strong"}
                for part in child:
                    ptag = part.tag
                    if ptag == W + "fldChar":
                        kind = part.get(W + "fldCharType")
                        if kind == "begin":
                            fields.append({"instr": "", "shown": False})
                        elif kind == "separate" and fields:
                            fields[-1]["shown"] = True
                            fields[-1]["link"] = _field_target(fields[-1]["instr"])
                        elif kind == "end" and fields:
                            done = fields.pop()
                            if done.get("link") and done.get("style"):
                                ended.update(link=done["link"], style=done["style"])
                        flags = inherited | _run_flags(child, code_styles) | field_link(child)
                    elif ptag == W + "instrText" and fields:
                        fields[-1]["instr"] += part.text or ""
                    elif fields and not fields[-1]["shown"]:
                        continue  # a field's instruction, not its text
                    elif ptag == W + "t" or (revisions and ptag == W + "delText"):
                        add(part.text or "", flags)
                    elif revisions and ptag == W + "commentReference":
                        add(OBJECT + "comment:" + (part.get(W + "id") or ""), (), alone=True)
                    elif ptag == W + "tab":
                        add("\t", flags)
                    elif ptag in (W + "br", W + "cr"):
                        add("\n", flags)
                    elif ptag == W + "noBreakHyphen":
                        add("\u2011", flags)
                    elif ptag == W + "footnoteReference":
                        name = f":{note_name(part.get(W + 'id') or '')}" if note_name else ""
                        add(OBJECT + "note" + name, (), alone=True)
                    elif ptag == W + "drawing":
                        described = next(part.iter(WP + "docPr"), None)
                        add(OBJECT + "img:" + (described.get("descr", "") if described is not None else ""), (), alone=True)
            elif tag == W + "hyperlink":
                target = link_target(child.get(R + "id") or "") if child.get(R + "id") else "#" + (child.get(W + "anchor") or "")
                target = normal_target(target)
                walk(child, inherited | {"link:" + target})
            elif tag in (M + "oMath", M + "oMathPara"):
                # its letters: LibreOffice writes a formula's brackets as delimiters (m:d), not text
                letters = re.sub(r"[\s()\[\]{}]", "", "".join(t.text or "" for t in child.iter(M + "t")))
                add(OBJECT + "math:" + letters, (), alone=True)
            elif tag == W + "fldSimple" and _field_target(child.get(W + "instr") or ""):
                walk(child, inherited | {"link:" + _field_target(child.get(W + "instr") or "")})
            elif tag in (W + "pPr", W + "rPr", W + "del", W + "moveFrom"):
                continue
            else:  # w:ins, w:smartTag, w:sdt, w:fldSimple...: their runs
                walk(child, inherited)

    walk(para, frozenset())
    return out


#: Tracked changes whose runs ``runs`` reads, with ``revisions``, as inserted or deleted text.
_REVISIONS = frozenset({W + "ins", W + "del", W + "moveTo", W + "moveFrom"})


def paragraphs_of(elements: Iterable[Any]) -> list[Any]:
    """Every w:p in body-level elements (paragraphs, tables), in document order."""
    found = []
    for element in elements:
        found.extend([element] if element.tag == W + "p" else element.iter(W + "p"))
    return found


def content_hash(paras: list[Any], code_styles: frozenset[str], link_target: Callable[[str], str],
                 revisions: bool = False, comments: bool = True) -> str:
    """Eight hex digits of the paragraphs' text and inline formatting (with ``revisions``, their
    tracked changes and where their comments are, not which number Word gives a comment; without
    ``comments``, as if the paragraphs had none: a comment is no edit of the text)."""
    data = [[(OBJECT + "comment" if text.startswith(OBJECT + "comment:") else text, flags)
             for text, flags in runs(p, code_styles, link_target, revisions=revisions)] for p in paras]
    if not comments:
        data = [_uncommented(items) for items in data]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()[:8]


def _uncommented(items: Items) -> Items:
    """A paragraph's pieces without its comments: their references gone, the text they were on
    joined again with its neighbours of the same formatting (as ``runs`` joins them)."""
    out: Items = []
    for text, flags in items:
        if text == OBJECT + "comment":
            continue
        key = tuple(f for f in flags if f != "hl")
        if out and out[-1][1] == key and not text.startswith(OBJECT) and not out[-1][0].startswith(OBJECT):
            out[-1] = (out[-1][0] + text, key)
        else:
            out.append((text, key))
    return out


def value_hash(name: str, text: str) -> str:
    """Eight hex digits of a document property's value; keywords by their words alone (LibreOffice
    writes them again without their commas)."""
    if name in ("core.keywords", "Keywords"):
        text = " ".join(re.split(r"[\s,;]+", text)).strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def block_spans(doc: Document) -> list[tuple[Node, int, int]]:
    """Each top-level block of the body with its first and last source line (1-based, inclusive).
    A paragraph or heading ends at its first blank line (what follows it before the next block,
    reference definitions or comments, is not its own); other blocks run to the next block or
    footnote definition, blank lines at their end left out."""
    lines = doc.source_bytes.splitlines()
    starts = sorted({n.line for n in doc.blocks if n.line} | {f.line for f in doc.footnotes if f.line})
    spans = []
    for node in doc.blocks:
        if not node.line:
            continue
        later = [s for s in starts if s > node.line]
        end = (later[0] - 1) if later else len(lines)
        if node.kind in ("paragraph", "heading"):
            for n in range(node.line, end + 1):
                if not lines[n - 1].strip():
                    end = n - 1
                    break
        while end > node.line and not lines[end - 1].strip():
            end -= 1
        spans.append((node, node.line, end))
    return spans


def source_path(doc: Document, project: Path) -> str:
    """The source's path inside the project, '/'-separated (its name alone when it lies outside)."""
    try:
        return doc.path.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return doc.path.name


def _targets(part: Any) -> Callable[[str], str]:
    """A python-docx part's relationship targets, by id (a note's links are the notes part's)."""
    return lambda rid: part.rels[rid].target_ref if rid in part.rels else ""


#: A mark's name: what it marks and the hash; Word and LibreOffice may add to it (``_Copy_1``).
MARK_NAME = re.compile(PREFIX + r"([LFNT][^_]*(?:_[0-9]+)*)_([0-9a-f]{8})")


class BlockMarks:
    """Collects where each top-level block starts among the body's elements while the writer
    appends them, then bookmarks each block, the title block's and end matter's fields and the
    footnotes (``apply``)."""

    def __init__(self, body: Any) -> None:
        self.body = body
        self.starts: list[tuple[Node | None, int]] = []

    def _count(self) -> int:
        return sum(1 for child in self.body if child.tag in (W + "p", W + "tbl"))

    def block(self, node: Node | None) -> None:
        """A top-level block is about to be written (None: the body's blocks are done)."""
        self.starts.append((node, self._count()))

    def properties(self, doc: Document, project: Path, core: dict[str, str], custom: dict[str, str | None]) -> dict[str, str | None]:
        """The custom properties with the source's and the fields' marks added."""
        # every core property, empty ones too (a description added in Word is an edit); the custom ones written
        fields = {f"core.{k}": v or "" for k, v in core.items()} | {k: v for k, v in custom.items() if v}
        return {
            **custom,
            SOURCE_PROPERTY: source_path(doc, project),
            SHA_PROPERTY: hashlib.sha256(doc.source_bytes).hexdigest(),
            FIELDS_PROPERTY: ";".join(f"{k}={value_hash(k, v)}" for k, v in fields.items()),
        }

    def apply(self, doc: Document, style_ids: dict[str, str], body_part: Any, first_id: int,
              notes_part: Any, notes: list[tuple[int, int]]) -> None:
        """Bookmark the blocks, fields and footnotes (python-docx's parts of the body and the notes;
        ``notes``: each w:footnote's id and the model's number of its note)."""
        link_target = _targets(body_part)
        notes_root = notes_part.element if notes_part is not None else None
        code = frozenset(style_ids[n] for n in ("Verbatim Char",) if n in style_ids)
        elements = [child for child in self.body if child.tag in (W + "p", W + "tbl")]
        spans = {id(node): (first, last) for node, first, last in block_spans(doc)}
        ident = [first_id]

        def mark(paras: list[Any], name: str) -> None:
            if not paras:
                return
            start = self.body.makeelement(W + "bookmarkStart", {W + "id": str(ident[0]), W + "name": name})
            end = self.body.makeelement(W + "bookmarkEnd", {W + "id": str(ident[0])})
            ident[0] += 1
            ppr = paras[0].find(W + "pPr")
            mark_run = next((r for r in paras[0].iter(W + "r") if r.find(W + "footnoteRef") is not None), None)
            before = paras[0].getprevious()
            first_run = paras[0].find(W + "r")
            if mark_run is not None:  # a note's number and the space after it stay first (pandoc drops that space only there)
                (mark_run.getnext() if mark_run.getnext() is not None else mark_run).addnext(start)
            elif before is not None and before.tag == W + "tbl" and first_run is not None:
                first_run.addnext(start)  # LibreOffice loses a bookmark that starts a paragraph right after a table
            elif ppr is not None:
                ppr.addnext(start)
            else:
                paras[0].insert(0, start)
            paras[-1].append(end)

        bounds = self.starts or [(None, len(elements))]  # the last is (None, where the body's blocks end)
        body_start, body_end = bounds[0][1], bounds[-1][1]
        names = {v: k for k, v in style_ids.items()}
        seen: dict[str, int] = {}
        for para in paragraphs_of(elements[:body_start] + elements[body_end:]):
            style = para.find(f"{W}pPr/{W}pStyle")
            key = FIELD_STYLES.get(names.get(style.get(W + "val") if style is not None else "", ""))
            if key is None:
                continue
            seen[key] = seen.get(key, 0) + 1
            label = key + (str(seen[key]) if key in ("credit", "end", "abstract") else "")
            mark([para], f"{PREFIX}F{label}_{content_hash([para], code, link_target, True)}")
        for (node, start), (_, stop) in zip(bounds, bounds[1:]):
            if node is None or id(node) not in spans:
                continue
            paras = paragraphs_of(elements[start:stop])
            first, last = spans[id(node)]
            mark(paras, f"{PREFIX}L{first}_{last}_{content_hash(paras, code, link_target, True)}")
            for table in (e for e in elements[start:stop] if e.tag == W + "tbl"):  # and each cell of a table
                for r, row in enumerate(table.iter(W + "tr")):
                    for c, cell in enumerate(row.iter(W + "tc")):
                        inside = list(cell.iter(W + "p"))
                        mark(inside, f"{PREFIX}T{first}_{r}_{c}_{content_hash(inside, code, link_target, True)}")
        by_id = {el.get(W + "id"): el for el in notes_root.iter(W + "footnote")} if notes_root is not None else {}
        for note_id, n in notes:
            paras = list(by_id[str(note_id)].iter(W + "p")) if str(note_id) in by_id else []
            mark(paras, f"{PREFIX}N{n}_{content_hash(paras, code, _targets(notes_part), True)}")
