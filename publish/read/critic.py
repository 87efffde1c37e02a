"""CriticMarkup for markdown-it: ``{++ ++}``, ``{-- --}``, ``{~~ ~> ~~}``, ``{== ==}``, ``{>> <<}``.

Each mark may be followed at once by pandoc attributes naming who made it and when,
``{++text++}{author="Ana Ruiz" date=2026-12-01T10:00:00Z}``: that is how ``publish import
--track-changes keep`` writes a Word copy's tracked changes and comments, and how the DOCX writer
gives them back to Word. A substitution is a deletion then an insertion with the same attributes;
comments right after one another are a comment and its replies. The text between the marks is
inline Markdown, kept exactly (no space is trimmed), within one paragraph, never nested.
"""
from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline.state_inline import StateInline

from .extensions import META_KEY, parse_attrs

#: Opening mark -> (token name, closing mark); the model's node kinds are in markdown.py.
MARKS = {"{++": ("critic_ins", "++}"), "{--": ("critic_del", "--}"), "{~~": ("critic_sub", "~~}"),
         "{==": ("critic_mark", "==}"), "{>>": ("critic_comment", "<<}")}
#: A mark longer than this is not one (bounds the scan for its end).
MAX_MARK_LENGTH = 20_000


def _push(state: StateInline, name: str, start: int, end: int, attrs: dict[str, Any] | None) -> None:
    token = state.push(name + "_open", "", 1)
    if attrs:
        token.meta[META_KEY] = attrs
    maximum = state.posMax
    state.pos, state.posMax = start, end
    state.md.inline.tokenize(state)
    state.posMax = maximum
    state.push(name + "_close", "", -1)


def _critic(state: StateInline, silent: bool) -> bool:
    opening = state.src[state.pos: state.pos + 3]
    if opening not in MARKS:
        return False
    name, closing = MARKS[opening]
    start = state.pos + 3
    end = state.src.find(closing, start, min(state.posMax, start + MAX_MARK_LENGTH))
    if end < 0:
        return False
    middle = state.src.find("~>", start, end) if name == "critic_sub" else -1
    if name == "critic_sub" and middle < 0:
        return False
    after = end + 3
    parsed = parse_attrs(state.src, after, state.posMax)
    attrs = parsed[1] if parsed is not None else None
    if not silent:
        if name == "critic_sub":
            _push(state, "critic_del", start, middle, attrs)
            _push(state, "critic_ins", middle + 2, end, attrs)
        else:
            _push(state, name, start, end, attrs)
    state.pos = parsed[0] if parsed is not None else after
    return True


def critic_plugin(md: MarkdownIt) -> None:
    """Read CriticMarkup's five marks (and the attributes after each) as inline tokens."""
    md.inline.ruler.before("emphasis", "critic", _critic)


def has_revisions(nodes: list[Any]) -> bool:
    """Whether any of these nodes (or those below them) is a revision or a comment."""
    return any(n.kind in REVISION_KINDS for node in nodes for n in node.walk())


#: The model's kinds of CriticMarkup: inserted, deleted, highlighted text and comments.
REVISION_KINDS = frozenset({"insert", "delete", "highlight", "comment"})


def who(node: Any) -> tuple[str, str]:
    """A revision's or comment's author and date, as its attributes give them ('' when not)."""
    kv = node.attrs.get("kv") or {}
    return str(kv.get("author", "")), str(kv.get("date", ""))
