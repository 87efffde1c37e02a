"""pandoc's attribute syntax for markdown-it: ``{#id .class key=value}`` after headings, images,
links, code and bracketed spans, fenced divs and code fences, and pandoc's heading identifiers.

mdit-py-plugins' ``attrs`` plugin reads djot's stricter syntax, which refuses the values
pandoc documents most often (``{width=50%}``, ``{height=2.5cm}``, ``{-}``); its rules are
followed here with pandoc's grammar (Text.Pandoc.Readers.Markdown ``attributes``).
"""
from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.rules_core.state_core import StateCore
from markdown_it.rules_inline.state_inline import StateInline

#: Where parsed attributes are kept on a token (never in ``token.attrs``, which
#: would let ``{href=...}`` or ``{src=...}`` replace a link's or image's target).
META_KEY = "pandoc_attrs"
#: Attribute blocks longer than this are not attributes (bounds the scan).
MAX_ATTR_LENGTH = 1000
_NAME = re.compile(r"[^\W\d_][\w\-:.]*")
_KEY = re.compile(r"[^\W\d][\w\-:.]*")
_SPACE = " \t\n\r"


def parse_attrs(text: str, start: int = 0, end: int | None = None) -> tuple[int, dict[str, Any]] | None:
    """Parse ``{#id .class key=value key2="quoted value" -}`` at ``text[start]``.

    Returns (index just past the closing brace, {"id", "classes", "kv"}) or None when
    the text there is not an attribute block as pandoc reads it."""
    if start >= len(text) or text[start] != "{":
        return None
    end_limit = min(len(text) if end is None else end, start + MAX_ATTR_LENGTH)
    pos = start + 1
    ident: str | None = None
    classes: list[str] = []
    kv: dict[str, str] = {}
    while pos < end_limit:
        while pos < end_limit and text[pos] in _SPACE:
            pos += 1
        if pos >= end_limit:
            return None
        ch = text[pos]
        if ch == "}":
            if ident is None and not classes and not kv:
                return None  # "{}" is text
            return pos + 1, {"id": ident, "classes": classes, "kv": kv}
        if ch in "#.":
            match = _NAME.match(text, pos + 1, end_limit)
            if not match:
                return None
            if ch == "#":
                ident = match.group()
            else:
                classes.append(match.group())
            pos = match.end()
        elif ch == "-" and pos + 1 < end_limit and (text[pos + 1] in _SPACE or text[pos + 1] == "}"):
            classes.append("unnumbered")
            pos += 1
        else:
            match = _KEY.match(text, pos, end_limit)
            if not match or match.end() >= end_limit or text[match.end()] != "=":
                return None
            key = match.group()
            pos = match.end() + 1
            if pos < end_limit and text[pos] in "\"'":
                quote = text[pos]
                close = pos + 1
                value_chars: list[str] = []
                while close < end_limit and text[close] != quote:
                    if text[close] == "\\" and close + 1 < end_limit:
                        close += 1
                    value_chars.append(text[close])
                    close += 1
                if close >= end_limit:
                    return None
                value = "".join(value_chars)
                pos = close + 1
            else:
                begin = pos
                while pos < end_limit and text[pos] not in _SPACE and text[pos] != "}":
                    pos += 1
                if pos == begin:
                    return None
                value = text[begin:pos]
            kv[key] = value
        if pos < end_limit and text[pos] not in _SPACE and text[pos] != "}":
            return None
    return None


def merge_attrs(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Two attribute sets as one (later ids and values win, classes add up)."""
    if not old:
        return new
    return {
        "id": new.get("id") or old.get("id"),
        "classes": list(old.get("classes") or []) + list(new.get("classes") or []),
        "kv": {**(old.get("kv") or {}), **(new.get("kv") or {})},
    }


def info_attrs(info: str) -> tuple[str, dict[str, Any] | None]:
    """A fence's info string, unescaped as CommonMark says (``foo\\+bar`` is ``foo+bar``),
    as (language, attributes): ```` ```python ````, ```` ```{.python #id} ````, ```` ```python {.numberLines} ````."""
    info = info.strip()
    attrs = None
    brace = info.find("{")
    if brace != -1:
        parsed = parse_attrs(info, brace)
        if parsed is not None and not info[parsed[0]:].strip():
            attrs = parsed[1]
            info = info[:brace].strip()
    words = unescapeAll(info).split()
    language = words[0] if words else ""
    if not language and attrs and attrs["classes"]:
        language = attrs["classes"][0]
        attrs = {**attrs, "classes": attrs["classes"][1:]}
    return language, attrs


def div_attrs(info: str) -> dict[str, Any]:
    """A fenced div's opening line after the colons: ``note``, ``{.note #id}``, ``note {#id}``."""
    info = info.strip()
    brace = info.find("{")
    attrs: dict[str, Any] = {"id": None, "classes": [], "kv": {}}
    if brace != -1:
        parsed = parse_attrs(info, brace)
        if parsed is not None:
            attrs = parsed[1]
            info = info[:brace] + info[parsed[0]:]
    words = [w.lstrip(".") for w in info.split() if w.strip(":") and not w.startswith("#")]
    attrs["classes"] = words + list(attrs["classes"])
    return attrs


# -- markdown-it rules -----------------------------------------------------------
_AFTER = ("image", "code_inline", "link_close", "span_close")


def _opening(tokens: list[Any], index: int) -> int | None:
    level = 0
    while index >= 0:
        level += tokens[index].nesting
        if level == 0:
            return index
        index -= 1
    return None


def _inline_attrs(state: StateInline, silent: bool) -> bool:
    """``{...}`` right after an image, inline code, a link or a span."""
    if state.src[state.pos] != "{" or state.pending or not state.tokens:
        return False
    last = state.tokens[-1]
    if last.type not in _AFTER:
        return False
    parsed = parse_attrs(state.src, state.pos, state.posMax)
    if parsed is None:
        return False
    index = _opening(state.tokens, len(state.tokens) - 1)
    if index is None:
        return False
    if not silent:
        target = state.tokens[index]
        target.meta[META_KEY] = merge_attrs(target.meta.get(META_KEY), parsed[1])
    state.pos = parsed[0]
    return True


def _span(state: StateInline, silent: bool) -> bool:
    """A bracketed span ``[text]{.smallcaps}`` (a link reference, tried first, wins)."""
    if state.src[state.pos] != "[":
        return False
    label_end = state.md.helpers.parseLinkLabel(state, state.pos, False)
    if label_end < 0 or label_end + 1 >= state.posMax:
        return False
    parsed = parse_attrs(state.src, label_end + 1, state.posMax)
    if parsed is None:
        return False
    if not silent:
        maximum = state.posMax
        state.pos = state.pos + 1
        state.posMax = label_end
        token = state.push("span_open", "span", 1)
        token.meta[META_KEY] = parsed[1]
        state.md.inline.tokenize(state)
        state.push("span_close", "span", -1)
        state.posMax = maximum
    state.pos = parsed[0]
    return True


def _heading_attrs(state: StateCore) -> None:
    """pandoc's ``# Heading {#id .class}``: the trailing attributes leave the heading's text."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or i + 1 >= len(tokens) or tokens[i + 1].type != "inline":
            continue
        inline = tokens[i + 1]
        content = inline.content.rstrip()
        if not content.endswith("}"):
            continue
        brace = content.rfind("{", max(0, len(content) - MAX_ATTR_LENGTH))
        while brace != -1:
            parsed = parse_attrs(content, brace)
            if parsed is not None and parsed[0] == len(content) and (brace == 0 or content[brace - 1] != "\\"):
                token.meta[META_KEY] = parsed[1]
                inline.content = content[:brace].rstrip()
                break
            brace = content.rfind("{", 0, brace)


def attributes_plugin(md: MarkdownIt) -> None:
    """Read pandoc's attribute blocks on headings, images, links, code and spans."""
    md.inline.ruler.after("link", "pandoc_span", _span)
    md.inline.ruler.push("pandoc_attrs", _inline_attrs)
    md.core.ruler.before("inline", "pandoc_heading_attrs", _heading_attrs)


# -- identifiers ------------------------------------------------------------------
def pandoc_identifier(text: str) -> str:
    """pandoc's ``auto_identifiers``: lower case, keep letters, digits, ``_-.``, spaces become
    hyphens, drop everything before the first letter; ``section`` when nothing is left."""
    kept = "".join(c for c in text.lower() if c.isspace() or c.isalnum() or c in "_-.")
    ident = "-".join(kept.split())
    while ident and not ident[0].isalpha():
        ident = ident[1:]
    return ident or "section"


def unique_identifier(base: str, used: set[str]) -> str:
    """pandoc's ``uniqueIdent``: ``base``, else ``base-1``, ``base-2``... the first one not used."""
    if base not in used:
        return base
    n = 1
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


# -- fenced divs ----------------------------------------------------------------------
_FENCE = re.compile(r"^(:{3,})[ \t]*(.*?)[ \t]*$")


def _fence_at(state: Any, line: int) -> tuple[int, str] | None:
    """(colons, info) when the line is a div fence (``::: info`` opens, bare ``:::`` closes)."""
    if state.sCount[line] - state.blkIndent >= 4:
        return None
    match = _FENCE.match(state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]])
    if not match:
        return None
    info = match.group(2).rstrip(":").strip()
    return len(match.group(1)), info


def fenced_div(state: Any, start: int, end: int, silent: bool) -> bool:
    """pandoc's fenced divs: ``::: class`` or ``::: {#id .class}`` ... ``:::``, nested by counting
    openings and closings (a closing fence is bare; its length does not matter, as in pandoc)."""
    fence = _fence_at(state, start)
    if fence is None or not fence[1]:
        return False
    if silent:
        return True
    depth, line, close = 1, start + 1, None
    while line < end:
        if state.sCount[line] < state.blkIndent and state.src[state.bMarks[line]:state.eMarks[line]].strip():
            break  # the parent container (a list item) ends here
        found = _fence_at(state, line)
        if found is not None:
            depth += 1 if found[1] else -1
            if depth == 0:
                close = line
                break
        line += 1
    stop = close if close is not None else line
    old_parent, old_max = state.parentType, state.lineMax
    state.parentType = "container"
    state.lineMax = stop
    token = state.push("container_div_open", "div", 1)
    token.info = fence[1]
    token.markup = ":" * fence[0]
    token.block = True
    token.map = [start, stop]
    state.md.block.tokenize(state, start + 1, stop)
    token = state.push("container_div_close", "div", -1)
    token.markup = ":" * fence[0]
    token.block = True
    state.parentType = old_parent
    state.lineMax = old_max
    state.line = stop + 1 if close is not None else stop
    return True
