"""A paragraph's runs as publish's inline Markdown: text escaped, emphasis, strong, strikethrough,
sub/superscript and code spans opened and closed around the runs they cover, links and notes kept."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

#: The marks a run may carry, outermost first, and how each is written.
MARKS = ("strong", "emph", "strike", "sup", "sub")
_DELIMITER = {"strong": "**", "emph": "*", "strike": "~~", "sup": "^", "sub": "~"}
#: Characters escaped wherever they stand: each would otherwise start some inline syntax.
_ESCAPE = re.compile(r"([\\`*_\[\]<>~^$|{}&])")
#: Line starts that would make a block (heading, list, quote, div, definition, admonition, rule).
_BLOCK_START = re.compile(r"^(#{1,6}(?=\s|$)|[-+*](?=\s|$)|\d{1,9}(?=[.)](?:\s|$))|[>:=]|!!!|\?\?\?|-{3,}\s*$)")
_SPACE = re.compile(r"[ \t\u00a0]+")


@dataclass
class Piece:
    """One stretch of a paragraph: ``text`` or ``code`` (its characters as they read), or an ``atom``
    already written as Markdown (a note reference, an image, a line break, an anchor), or a ``link``
    holding pieces of its own."""

    kind: str
    text: str = ""
    marks: frozenset[str] = frozenset()
    target: str = ""
    children: list[Piece] = field(default_factory=list)


def escape(text: str) -> str:
    """Text as Markdown that reads back as exactly this text."""
    return _ESCAPE.sub(r"\\\1", text)


def escape_line_start(line: str) -> str:
    """A line of a paragraph that would otherwise start a block (``# x``, ``1. x``, ``> x``): escaped."""
    found = _BLOCK_START.match(line)
    if not found:
        return line
    if found.group(1)[0].isdigit():
        at = len(found.group(1))
        return line[:at] + "\\" + line[at:]
    return "\\" + line


def code_span(text: str) -> str:
    """``text`` as a code span, fenced by more backticks than it holds in a row."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ") and text.strip()) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _split_space(pieces: list[Piece]) -> list[Piece]:
    """Spaces at the edges of a marked run are moved outside its marks (``** bold**`` is no emphasis):
    a space keeps only the marks both its neighbours share."""
    parts: list[Piece] = []
    for piece in pieces:
        if piece.kind not in ("text", "code") or not piece.text:
            parts.append(piece)
            continue
        core = piece.text.strip(" ")
        lead = piece.text[: len(piece.text) - len(piece.text.lstrip(" "))]
        trail = piece.text[len(piece.text.rstrip(" ")):] if core else ""
        if lead:
            parts.append(Piece("space", lead))
        if core:
            parts.append(Piece(piece.kind, core, piece.marks))
        if trail:
            parts.append(Piece("space", trail))
    for i, part in enumerate(parts):
        if part.kind == "space":
            before = next((p.marks for p in reversed(parts[:i]) if p.kind != "space"), frozenset())
            after = next((p.marks for p in parts[i + 1:] if p.kind != "space"), frozenset())
            part.marks = before & after - {"sup", "sub"}
    return parts


def _merged(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        last = out[-1] if out else None
        if last is not None and last.marks == piece.marks and (last.kind, piece.kind) in (
                ("text", "text"), ("text", "space"), ("space", "text"), ("space", "space"), ("code", "code")):
            last.text += piece.text
            last.kind = "code" if last.kind == "code" else "text"
        else:
            out.append(Piece(piece.kind if piece.kind != "space" else "text", piece.text, piece.marks,
                             piece.target, piece.children))
    return out


def _written(piece: Piece) -> str:
    if piece.kind == "code":
        return code_span(piece.text)
    if piece.kind == "link":
        inner = render(piece.children) or escape(piece.target)
        return f"[{inner}]({_destination(piece.target)})"
    if piece.kind == "atom":
        return piece.text
    text = escape(piece.text)
    if piece.marks & {"sup", "sub"}:
        text = text.replace(" ", "\\ ")
    return text


def _destination(target: str) -> str:
    if re.search(r"[\s()<>]", target):
        return "<" + target.replace("<", "%3C").replace(">", "%3E") + ">"
    return target


def render(pieces: list[Piece]) -> str:
    """The pieces as inline Markdown, each mark opened where its run starts and closed where it ends."""
    out: list[str] = []
    stack: list[str] = []
    for piece in _merged(_split_space(pieces)):
        wanted = piece.marks
        while stack and not set(stack) <= wanted:
            out.append(_DELIMITER[stack.pop()])
        for mark in MARKS:
            if mark in wanted and mark not in stack:
                stack.append(mark)
                out.append(_DELIMITER[mark])
        out.append(_written(piece))
    while stack:
        out.append(_DELIMITER[stack.pop()])
    return "".join(out)


def tidy(markdown: str) -> str:
    """A paragraph's Markdown with runs of spaces as one, no space at its ends, and each line that
    would start a block escaped."""
    lines = [_SPACE.sub(" ", line).strip() for line in markdown.split("\n")]
    return "\n".join(escape_line_start(line) for line in lines)
