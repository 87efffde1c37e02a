"""The comments of an edited Word copy: each with its author, date, replies and the text it is on,
as CriticMarkup (``{>>text<<}{author="…" date=…}``) and as the side report ``<copy>.review.md``."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..formats.docx.marks import W

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"


@dataclass
class Remark:
    """One Word comment: who wrote it, when, its text, the one it replies to, where it stands."""

    ident: str
    author: str
    date: str
    text: str
    parent: str | None = None
    #: the text it is on, and the paragraph that holds its reference (or range), in the body
    anchor: str = ""
    paragraph: Any = None
    replies: list[Remark] = field(default_factory=list)


def short_date(date: str) -> str:
    """Word's xsd:dateTime as the source writes it: a bare date when it is that day's midnight, none
    when it is no date (LibreOffice writes ``0-00-00T00:00:00Z`` for a comment that had none)."""
    if not re.match(r"\d{4}-\d{2}-\d{2}", date) or date.startswith("0000"):
        return ""
    return date[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00(?:\.0+)?Z?", date) else date


def attributes(author: str, date: str) -> str:
    """The attributes after a CriticMarkup mark that say who made it and when ('' when neither is known)."""
    parts = []
    if author:
        parts.append('author="' + author.replace("\\", "\\\\").replace('"', '\\"') + '"')
    if short_date(date):
        parts.append(f"date={short_date(date)}")
    return "{" + " ".join(parts) + "}" if parts else ""


def read_remarks(roots: list[Any], comments: Any, extended: Any) -> dict[str, Remark]:
    """Every comment of comments.xml by its w:id, with its anchor in the body or the notes (``roots``) and its replies
    (commentsExtended.xml's w15:paraIdParent), in the order of the comments part."""
    if comments is None:
        return {}
    found: dict[str, Remark] = {}
    by_para: dict[str, str] = {}
    for comment in comments.iter(W + "comment"):
        ident = comment.get(W + "id", "")
        paras = list(comment.iter(W + "p"))
        text = " ".join("".join(t.text or "" for t in p.iter(W + "t")) for p in paras).strip()
        found[ident] = Remark(ident, comment.get(W + "author", ""), comment.get(W + "date", ""), text)
        if paras and paras[-1].get(W14 + "paraId"):
            by_para[paras[-1].get(W14 + "paraId")] = ident
    for entry in extended.iter(W15 + "commentEx") if extended is not None else []:
        child, parent = by_para.get(entry.get(W15 + "paraId", "")), by_para.get(entry.get(W15 + "paraIdParent", ""))
        if child and parent and child != parent:
            found[child].parent = parent
    for remark in found.values():
        top = remark
        while top.parent and top.parent in found and found[top.parent] is not remark:
            top = found[top.parent]
        if top is not remark:
            top.replies.append(remark)
    for root in roots:
        _anchors(root, found)
    return found


def _anchors(body: Any, found: dict[str, Remark]) -> None:
    """Each comment's text (between its range's start and end, else its paragraph's) and the paragraph it is in."""
    open_ids: set[str] = set()
    for element in body.iter(W + "commentRangeStart", W + "commentRangeEnd", W + "commentReference",
                             W + "t", W + "delText"):
        ident = element.get(W + "id", "")
        if element.tag == W + "commentRangeStart":
            open_ids.add(ident)
            if ident in found and found[ident].paragraph is None:
                found[ident].paragraph = next(element.iterancestors(W + "p"), None)
        elif element.tag == W + "commentRangeEnd":
            open_ids.discard(ident)
        elif element.tag == W + "commentReference":
            if ident in found and found[ident].paragraph is None:
                found[ident].paragraph = next(element.iterancestors(W + "p"), None)
        else:
            for one in open_ids:
                if one in found:
                    found[one].anchor += element.text or ""
    for remark in found.values():  # a comment on no range (a reference alone) is on its paragraph
        if not remark.anchor.strip() and remark.paragraph is not None:
            remark.anchor = "".join(t.text or "" for t in remark.paragraph.iter(W + "t"))


def threads(found: dict[str, Remark]) -> list[Remark]:
    """The comments that reply to none, in order; each carries its replies."""
    return [r for r in found.values() if not r.parent or r.parent not in found]


def report(copy: Path, source: Path, found: dict[str, Remark], line_of: Any) -> str:
    """``<copy>.review.md``: each comment with its author, date, the text it is on, where its
    paragraph is (``line_of(paragraph)``: ``path:line`` in the source, or which paragraph) and its replies."""
    out = [f"# Comments in {copy.name}", "", f"Source: {source.as_posix()}", ""]
    for n, remark in enumerate(threads(found), 1):
        where = line_of(remark.paragraph) if remark.paragraph is not None else "a place Word did not mark"
        on = " ".join(remark.anchor.split())
        head = f"{n}. **{remark.author or 'someone'}**" + (f", {short_date(remark.date)}" if short_date(remark.date) else "")
        out.append(head + (f", on “{on}”" if on else "") + f" ({where}):")
        out.append(f"   {remark.text}")
        for reply in remark.replies:
            when = f", {short_date(reply.date)}" if short_date(reply.date) else ""
            out.append(f"   - **{reply.author or 'someone'}**{when}: {reply.text}")
        out.append("")
    return "\n".join(out)


def report_path(copy: Path) -> Path:
    """Where the side report goes: beside the Word copy, ``article.docx`` -> ``article.review.md``."""
    return copy.with_name(copy.stem + ".review.md")
