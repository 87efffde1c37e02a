"""pandoc's grid, simple and multiline tables as a markdown-it block rule (no maintained plugin reads them).

The rule emits markdown-it's own table tokens (``table_open``... ``td_close``), so the reader treats
them as pipe tables. Cells hold inline text (a grid cell's lines are joined by line breaks). A
table whose lines do not line up (row or column spans, ragged borders) becomes one
``table_fallback`` token holding its source, which the reader shows as a code block with a warning.
"""
from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt
from markdown_it.rules_block.state_block import StateBlock

#: Beyond these a table is shown as written (bounds the work one table can cost).
MAX_COLUMNS = 64
MAX_LINES = 5000
_GRID_BORDER = re.compile(r"^\+(?:[-=:]+\+)+\s*$")
_DASHES = re.compile(r"-+")
_DASH_LINE = re.compile(r"^ {0,3}-+(?: +-+)* *$")


def _line(state: StateBlock, n: int) -> str:
    return state.src[state.bMarks[n] : state.eMarks[n]]


def _content(state: StateBlock, n: int) -> str:
    return state.src[state.bMarks[n] + state.tShift[n] : state.eMarks[n]]


def _indent_ok(state: StateBlock, n: int) -> bool:
    return state.sCount[n] - state.blkIndent < 4 and state.sCount[n] >= state.blkIndent


# -- grid tables -------------------------------------------------------------------
def _grid(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if not _indent_ok(state, start):
        return False
    if not _GRID_BORDER.match(_content(state, start)):
        return False
    lines: list[str] = []
    n = start
    while n < end and n - start < MAX_LINES:
        text = _content(state, n).rstrip()
        if not text or text[0] not in "+|":
            break
        lines.append(text)
        n += 1
    if len(lines) < 2 or not _GRID_BORDER.match(lines[-1]):
        return False
    if silent:
        return True
    table = _read_grid(lines)
    if table is None:
        _fallback(state, start, n, lines)
    else:
        header, body, aligns = table
        _emit(state, start, n, header, body, aligns)
    return True


def _read_grid(lines: list[str]) -> tuple[list[list[str]] | None, list[list[str]], list[str | None]] | None:
    """(header row or None, body rows, alignments) of a grid table, or None if it does not line up."""
    border = lines[0]
    cuts = [i for i, c in enumerate(border) if c == "+"]
    columns = len(cuts) - 1
    if columns < 1 or columns > MAX_COLUMNS:
        return None
    aligns: list[str | None] = []
    header_border = next((line for line in lines if "=" in line and _GRID_BORDER.match(line)), None)
    for c in range(columns):
        segment = (header_border or border)[cuts[c] + 1 : cuts[c + 1]]
        left, right = segment.startswith(":"), segment.endswith(":")
        aligns.append("center" if left and right else "right" if right else "left" if left else None)
    rows: list[list[str]] = []
    header: list[list[str]] | None = None
    current: list[list[str]] = [[] for _ in range(columns)]
    for line in lines[1:]:
        if line.startswith("+"):
            if not _GRID_BORDER.match(line) or [i for i, ch in enumerate(line) if ch == "+"] != cuts:
                return None
            row = ["\n".join(part.strip() for part in cell).strip() for cell in current]
            if "=" in line and header is None and not rows:
                header = [row]
            else:
                rows.append(row)
            current = [[] for _ in range(columns)]
            continue
        cells = _between(line, cuts)
        if cells is None:
            return None
        for c in range(columns):
            current[c].append(cells[c])
    if any(any(cell) for cell in current):
        return None
    return (header[0] if header else None), rows, aligns  # type: ignore[return-value]


# -- simple and multiline tables ----------------------------------------------------
def _columns(dash_line: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _DASHES.finditer(dash_line)]


def _columns_of(line: str) -> list[int]:
    """The display column where each character starts (wide CJK characters take two, as in an editor)."""
    out, col = [], 0
    for ch in line:
        out.append(col)
        col += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    out.append(col)
    return out


def _slice(line: str, starts: list[int], a: int, b: int) -> str:
    """The characters of ``line`` that start at display columns a <= column < b."""
    return "".join(ch for ch, col in zip(line, starts) if a <= col < b)


def _between(line: str, cuts: list[int]) -> list[str] | None:
    """A grid row's cells: the text between the ``|`` at each cut (display columns), or None."""
    starts = _columns_of(line)
    at = {col: ch for ch, col in zip(line, starts)}
    if any(at.get(cut) != "|" for cut in cuts):
        return None
    return [_slice(line, starts, cuts[c] + 1, cuts[c + 1]) for c in range(len(cuts) - 1)]


def _split(line: str, columns: list[tuple[int, int]]) -> list[str]:
    starts = _columns_of(line)
    bounds = [0] + [start for start, _ in columns[1:]] + [max(starts[-1], columns[-1][1]) + 1]
    return [_slice(line, starts, a, b).strip() for a, b in zip(bounds, bounds[1:])]


def _aligns(header: list[str], columns: list[tuple[int, int]]) -> list[str | None]:
    """pandoc: flush left with the dashes is left, flush right is right, neither is centre."""
    out: list[str | None] = []
    for (start, end) in columns:
        texts = [h for h in header if h.strip()]
        if not texts:
            out.append(None)
            continue
        left = any(len(h) > start and h[start] != " " and (start == 0 or h[start - 1] == " ") for h in texts)
        right = any(len(h) >= end and h[end - 1] != " " and (len(h) == end or h[end] == " ") for h in texts)
        out.append("left" if left and not right else "right" if right and not left else "center" if not left else None)
    return out


def _simple(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if not _indent_ok(state, start) or start + 1 >= end:
        return False
    first = _line(state, start)
    if _DASH_LINE.match(first):
        return _headerless_or_multiline(state, start, end, silent)
    second = _line(state, start + 1)
    if not first.strip() or not _DASH_LINE.match(second) or not _indent_ok(state, start + 1):
        return False
    columns = _columns(second)
    if len(columns) < 2 or len(columns) > MAX_COLUMNS:
        return False  # one column: a setext heading, as pandoc reads it
    if start + 2 >= end or not _line(state, start + 2).strip():
        return False  # no row: text over a rule (CommonMark's "Foo\n--- -")
    if silent:
        return True
    n = start + 2
    rows: list[list[str]] = []
    while n < end and n - start < MAX_LINES:
        line = _line(state, n)
        if not line.strip():
            break
        if _DASH_LINE.match(line) and _columns(line) == columns:
            n += 1
            break
        rows.append(_split(line, columns))
        n += 1
    header = _split(first, columns)
    _emit(state, start, n, header, rows, _aligns([first], columns))
    return True


def _headerless_or_multiline(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    top = _columns(_line(state, start))
    n = start + 1
    body: list[str] = []
    while n < end and n - start < MAX_LINES:
        line = _line(state, n)
        if _DASH_LINE.match(line):
            break
        body.append(line)
        n += 1
    if n >= end or not body or not body[0].strip():
        return False
    closing = _columns(_line(state, n))
    if len(top) == 1:
        # a multiline table: a full-width rule, header lines, the column dashes, rows separated
        # by blank lines, a closing full-width rule
        columns = closing
        if len(columns) < 2 or len(columns) > MAX_COLUMNS:
            return False
        m = n + 1
        rows_lines: list[str] = []
        while m < end and m - start < MAX_LINES:
            line = _line(state, m)
            if _DASH_LINE.match(line) and len(_columns(line)) == 1:
                break
            rows_lines.append(line)
            m += 1
        if m >= end:
            return False
        if silent:
            return True
        header = _join_rows([body], columns)[0]
        groups: list[list[str]] = [[]]
        for line in rows_lines:
            if line.strip():
                groups[-1].append(line)
            elif groups[-1]:
                groups.append([])
        rows = _join_rows([g for g in groups if g], columns)
        _emit(state, start, m + 1, header, rows, _aligns(body, columns))
        return True
    if len(top) < 2 or closing != top or len(top) > MAX_COLUMNS or any(not line.strip() for line in body):
        return False
    if silent:
        return True
    rows = [_split(line, top) for line in body]
    _emit(state, start, n + 1, None, rows, _aligns(body[:1], top))
    return True


def _join_rows(groups: list[list[str]], columns: list[tuple[int, int]]) -> list[list[str]]:
    out = []
    for group in groups:
        parts = [_split(line, columns) for line in group]
        out.append(["\n".join(p[c] for p in parts if p[c]) for c in range(len(columns))])
    return out


# -- tokens --------------------------------------------------------------------------
def _emit(state: StateBlock, start: int, end: int, header: list[str] | None,
          rows: list[list[str]], aligns: list[str | None]) -> None:
    token = state.push("table_open", "table", 1)
    token.map = [start, end]
    sections = ([("thead", "th", [header])] if header is not None and any(header) else []) + [("tbody", "td", rows)]
    for section, cell_tag, section_rows in sections:
        if not section_rows:
            continue
        state.push(f"{section}_open", section, 1).map = [start, end]
        for row in section_rows:
            state.push("tr_open", "tr", 1).map = [start, end]
            for c, text in enumerate(row):
                cell = state.push(f"{cell_tag}_open", cell_tag, 1)
                if c < len(aligns) and aligns[c]:
                    cell.attrs["style"] = f"text-align:{aligns[c]}"
                inline = state.push("inline", "", 0)
                inline.content = text
                inline.map = [start, end]
                inline.children = []
                state.push(f"{cell_tag}_close", cell_tag, -1)
            state.push("tr_close", "tr", -1)
        state.push(f"{section}_close", section, -1)
    state.push("table_close", "table", -1)
    state.line = end


def _fallback(state: StateBlock, start: int, end: int, lines: list[str]) -> None:
    token = state.push("table_fallback", "pre", 0)
    token.content = "\n".join(lines) + "\n"
    token.map = [start, end]
    state.line = end


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def _broken_pipe_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Lines that look like a pipe table's rows but that the table rule refused (no delimiter
    row, a column count that differs): shown as written, not run together as one paragraph."""
    if not _indent_ok(state, start):
        return False
    n = start
    while n < end and n - start < MAX_LINES and _PIPE_ROW.match(_content(state, n)) and _content(state, n).count("|") >= 2:
        n += 1
    if n - start < 2:
        return False
    if not silent:
        _fallback(state, start, n, [_content(state, i).rstrip() for i in range(start, n)])
    return True


def pandoc_tables_plugin(md: MarkdownIt) -> None:
    """Grid tables (``+---+``), simple tables (a header over dashes) and multiline tables; rows of
    pipes that make no table are kept as written."""
    md.block.ruler.before("table", "grid_table", _grid)
    md.block.ruler.before("table", "simple_table", _simple)
    md.block.ruler.before("paragraph", "broken_pipe_table", _broken_pipe_table)
