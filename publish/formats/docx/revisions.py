"""CriticMarkup as Word revisions: insertions and deletions as tracked changes (``w:ins``,
``w:del`` with ``w:author`` and ``w:date``), comments and their replies as Word comments
(``word/comments.xml``, threaded by ``word/commentsExtended.xml``), and the legend paragraph."""
from __future__ import annotations

import re
from typing import Any

from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn

from .ooxml import element

#: The legend's paragraph style, made when an article has revisions (marks.FIELD_STYLES: not text to import).
LEGEND_STYLE = "Revisions Legend"

#: Word's date for a revision or comment is an xsd:dateTime; a bare date is its midnight, UTC.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_EXTENDED_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"
_EXTENDED_REL = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"


def word_date(date: str) -> str | None:
    """A source's date as Word writes a revision's: ``2026-12-01`` -> ``2026-12-01T00:00:00Z``."""
    if _DATE.fullmatch(date):
        return date + "T00:00:00Z"
    return date if re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?", date) else None


def _stamp(holder: Any, ident: int, author: str, date: str) -> None:
    holder.set(qn("w:id"), str(ident))
    holder.set(qn("w:author"), author)
    when = word_date(date)
    if when:
        holder.set(qn("w:date"), when)


def _deleted(run: Any) -> None:
    """A run's text as deleted text (Word keeps it in w:delText)."""
    for text in run.iter(qn("w:t")):
        text.tag = qn("w:delText")
    for text in run.iter(qn("w:instrText")):
        text.tag = qn("w:delInstrText")


def mark(added: list[Any], kind: str, author: str, date: str, next_id: Any) -> None:
    """The elements just written into a paragraph (``added``) made a tracked insertion or deletion: each run of
    consecutive runs (and the runs inside each link) wrapped in one ``w:ins`` or ``w:del``."""
    tag = "w:ins" if kind == "insert" else "w:del"

    def wrap(runs: list[Any]) -> None:
        if not runs:
            return
        holder = element(tag)
        _stamp(holder, next_id(), author, date)
        runs[0].addprevious(holder)
        for run in runs:
            if kind == "delete":
                _deleted(run)
            holder.append(run)

    group: list[Any] = []
    for child in added:
        if child.tag == qn("w:r"):
            group.append(child)
            continue
        wrap(group)
        group = []
        if child.tag == qn("w:hyperlink"):
            wrap([r for r in child if r.tag == qn("w:r")])
    wrap(group)


class Comments:
    """The document's Word comments: each anchored on a range of runs, replies threaded under the first."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.threads: list[tuple[Any, Any]] = []  # (reply's w:comment, parent's w:comment)
        self._para = 0
        self._reference: Any = None  # the last comment's reference run

    def add(self, paragraph: Any, first: Any, last: Any, text: str, author: str, date: str, parent: Any = None) -> Any:
        """A comment of ``text`` on the runs from ``first`` to ``last`` (none: at the paragraph's end), its element."""
        comment = self.document.comments.add_comment(text=text, author=author, initials="")
        elm = comment._comment_elm
        when = word_date(date)
        elm.attrib.pop(qn("w:date"), None)  # python-docx stamps the clock's time: the source's date, or none
        if when:
            elm.set(qn("w:date"), when)
        ident = str(comment.comment_id)
        self._para += 1
        for para in elm.iter(qn("w:p")):  # the id commentsExtended threads it by
            para.set(f"{{{W14}}}paraId", f"{0x10000000 + self._para:08X}")
        start = element("w:commentRangeStart", id=ident)
        end = element("w:commentRangeEnd", id=ident)
        if parent is not None and self._reference is not None:  # a reply: on its thread's text, ending after the last reply
            (first if first is not None else self._reference).addprevious(start)
            self._reference.addnext(end)
        elif first is not None:
            first.addprevious(start)
            last.addnext(end)
        else:
            paragraph.append(start)
            paragraph.append(end)
        reference = element("w:r")
        rpr = element("w:rPr")
        rpr.append(element("w:rStyle", val="CommentReference"))
        reference.append(rpr)
        reference.append(element("w:commentReference", id=ident))
        end.addnext(reference)
        self._reference = reference
        if parent is not None:
            self.threads.append((elm, parent))
        return elm

    def finish(self) -> None:
        """The replies' threads, in word/commentsExtended.xml (Word 2013 and later; LibreOffice reads it too)."""
        if not self.threads:
            return
        from lxml import etree

        root = etree.Element(f"{{{W15}}}commentsEx", nsmap={"w15": W15})
        comments = self.document.comments._comments_elm
        for elm in comments.iter(qn("w:comment")):
            para = list(elm.iter(qn("w:p")))[-1]
            child = etree.SubElement(root, f"{{{W15}}}commentEx")
            child.set(f"{{{W15}}}paraId", para.get(f"{{{W14}}}paraId"))
            parent = next((p for r, p in self.threads if r is elm), None)
            if parent is not None:
                child.set(f"{{{W15}}}paraIdParent", list(parent.iter(qn("w:p")))[-1].get(f"{{{W14}}}paraId"))
            child.set(f"{{{W15}}}done", "0")
        blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        package = self.document.part.package
        part = Part(PackURI("/word/commentsExtended.xml"), _EXTENDED_TYPE, blob, package)
        self.document.part.relate_to(part, _EXTENDED_REL)


def legend_style(document: Any) -> str:
    """The legend's paragraph style (the end matter's look), added when the document lacks it; its id."""
    from docx.enum.style import WD_STYLE_TYPE

    styles = document.styles
    try:
        return str(styles[LEGEND_STYLE].style_id)
    except KeyError:
        style = styles.add_style(LEGEND_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["End Matter"]
        return str(style.style_id)
