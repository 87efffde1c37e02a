"""Reads an article file once: front matter (PyYAML safe loader) plus Markdown body -> Document."""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import SourceError, warn
from .collection import entries, is_collection, joined_inputs
from .metadata import complete, parse_metadata
from ..model import Document, Node, plain_text

MAX_SOURCE_BYTES = 2 * 1024 * 1024
#: The longest paragraph (or table cell, or list item's paragraph) and heading publish lays out,
#: in characters: a real paragraph has a few thousand; one of 2 MB took the PDF past two minutes.
MAX_PARAGRAPH_CHARS = 200_000
MAX_HEADING_CHARS = 20_000
MAX_FRONT_MATTER_BYTES = 64 * 1024
#: The front matter's YAML nests at most this deep, and expands (aliases followed)
#: to at most this many values: a "billion laughs" is refused before it is built.
MAX_YAML_DEPTH = 32
MAX_YAML_VALUES = 10_000
_FENCE = "---"
_TOML_FENCE = "+++"
_BOMS = {b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}
#: Characters XML (so EPUB and DOCX) cannot hold: C0 controls but tab and line ends, U+FFFE, U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _decode(data: bytes, path: Path) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = next((f" (it looks like {name})" for bom, name in _BOMS.items() if data.startswith(bom)), "")
        raise SourceError(
            f"invalid UTF-8 at byte offset {exc.start}{hint}; save the file as UTF-8", path, line
        ) from None
    bad = NOT_XML.search(text)
    if bad:
        before = text[: bad.start()]
        line, offset = before.count("\n") + 1, len(before.encode("utf-8"))
        if "\x00" in text:
            at = text.index("\x00")
            raise SourceError(f"the file contains a NUL byte (byte offset {len(text[:at].encode('utf-8'))}); is it a text file?",
                              path, text[:at].count("\n") + 1)
        # a stray control character (a backspace pasted into a README) no reader sees and no XML
        # format can carry: it goes, and the warning says where (--strict makes it an error)
        count = len(NOT_XML.findall(text))
        more = f", and {count - 1} more" if count > 1 else ""
        warn(f"the control character U+{ord(bad.group()):04X} (byte offset {offset}{more}) was removed: no format can "
             "carry it", path, line)
        text = NOT_XML.sub("", text)
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class FrontMatter:
    """What precedes the body: its fields (as loaded, unvalidated), each top-level key's line, and the body."""

    kind: str  # "yaml", "toml", "pandoc" (a % title block) or "none"
    raw: Any
    lines: dict[str, int]
    body: str
    offset: int  # lines of the file before the body
    start_line: int  # the first line of the fields


def split_front_matter(text: str, path: Path) -> FrontMatter:
    """Find the front matter: YAML between ``---`` and ``---`` (or ``...``), TOML between
    ``+++`` lines, a pandoc ``%`` title block, or none (the whole file is the body)."""
    lines = text.split("\n")
    first = lines[0].rstrip() if lines else ""
    if first == _FENCE and len(lines) > 1 and lines[1].strip():
        for i in range(1, len(lines)):
            if lines[i].rstrip() in (_FENCE, "..."):
                raw, keys = _load_yaml("\n".join(lines[1:i]), path)
                return FrontMatter("yaml", raw, keys, "\n".join(lines[i + 1 :]), i + 1, 2)
        raise SourceError("the front matter is not closed: add a '---' line after the last field", path, 1)
    if first == _TOML_FENCE:
        for i in range(1, len(lines)):
            if lines[i].rstrip() == _TOML_FENCE:
                raw, keys = _load_toml(lines[1:i], path)
                return FrontMatter("toml", raw, keys, "\n".join(lines[i + 1 :]), i + 1, 2)
        raise SourceError("the TOML front matter is not closed: add a '+++' line after the last field", path, 1)
    if first.startswith("%"):
        return _pandoc_title_block(lines)
    return FrontMatter("none", {}, {}, text, 0, 1)


def _pandoc_title_block(lines: list[str]) -> FrontMatter:
    """pandoc's title block: ``% title``, ``% author; author``, ``% date``, each continued on indented lines."""
    parts: list[tuple[str, list[str], int]] = []
    i = 0
    while i < len(lines) and len(parts) < 3 and lines[i].startswith("%"):
        start, texts = i + 1, [lines[i][1:].strip()]
        i += 1
        while i < len(lines) and lines[i][:1] in (" ", "\t") and lines[i].strip():
            texts.append(lines[i].strip())
            i += 1
        parts.append((" ".join(t for t in texts if t), texts, start))
    raw: dict[str, Any] = {}
    keys: dict[str, int] = {}
    for name, (joined, texts, line) in zip(("title", "author", "date"), parts):
        if not joined:
            continue
        if name == "author":
            raw[name] = [a.strip() for t in texts for a in t.split(";") if a.strip()]
        else:
            raw[name] = joined
        keys[name] = line
    return FrontMatter("pandoc", raw, keys, "\n".join(lines[i:]), i, 1)


_TOML_KEY = re.compile(r"""^\s*(?:\[\[?\s*)?(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))""")


def _load_toml(lines: list[str], path: Path) -> tuple[object, dict[str, int]]:
    """TOML front matter (stdlib tomllib), with each top-level key's line."""
    import tomllib

    text = "".join(f"{line}\n" for line in lines)  # each line ended, so that tomllib names the line of an error
    if len(text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise SourceError(f"the front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB", path, 2)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)$", message)
        line = int(found.group(1)) + 1 if found else len(lines) + 2  # the end of the TOML: its closing +++
        problem = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)$", "", message)
        raise SourceError(f"the front matter is not valid TOML: {problem}", path, line) from None
    except RecursionError:
        raise SourceError("the front matter nests too deeply", path, 2) from None
    keys: dict[str, int] = {}
    in_table = False
    for number, line_text in enumerate(lines, start=2):
        stripped = line_text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        is_header = stripped.startswith("[")
        if in_table and not is_header:
            continue
        match = _TOML_KEY.match(line_text)
        if match and (is_header or "=" in line_text):
            keys.setdefault(next(g for g in match.groups() if g), number)
        in_table = in_table or is_header
    return raw, keys


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, with a depth limit, and bad dates and huge numbers kept as text
    (so the schema reports them with their key) instead of raising ValueError."""

    def __init__(self, text: str, path: Path) -> None:
        super().__init__(text)
        self.path = path
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise SourceError(f"the front matter nests more than {MAX_YAML_DEPTH} levels deep", self.path, mark.line + 2)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def _as_text(self, node: yaml.Node, construct: Any) -> Any:
        try:
            return construct(self, node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda self, node: self._as_text(node, yaml.SafeLoader.construct_yaml_timestamp))
_Loader.add_constructor("tag:yaml.org,2002:int", lambda self, node: self._as_text(node, yaml.SafeLoader.construct_yaml_int))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expansion(root: yaml.Node, lines: dict[str, int], path: Path) -> None:
    """Refuse aliases that loop or expand the front matter beyond MAX_YAML_VALUES values,
    by counting on the node graph (each alias is one shared node), before anything is built."""
    sizes: dict[int, int] = {}
    total = 1
    pairs = root.value if isinstance(root, yaml.MappingNode) else [(root, root)]
    for key, value in pairs:
        line = lines.get(str(key.value), key.start_mark.line + 2) if isinstance(key, yaml.ScalarNode) else 2
        open_: set[int] = set()
        stack: list[tuple[yaml.Node, bool]] = [(key, False), (value, False)] if key is not value else [(value, False)]
        while stack:
            node, done = stack.pop()
            ident = id(node)
            if done:
                size = 1 + sum(sizes[id(c)] for c in _children(node))
                sizes[ident] = min(size, MAX_YAML_VALUES + 1)
                open_.discard(ident)
                continue
            if ident in sizes:
                continue
            if ident in open_:
                raise SourceError("a YAML alias in the front matter refers to itself", path, line)
            open_.add(ident)
            stack.append((node, True))
            stack.extend((c, False) for c in _children(node) if id(c) not in sizes)
        total += sizes[id(value)] + (sizes[id(key)] if key is not value else 0)
        if total > MAX_YAML_VALUES:
            raise SourceError(
                f"the front matter expands to more than {MAX_YAML_VALUES} values (YAML aliases?)", path, line
            )


def _key_lines(node: yaml.Node, path: Path) -> dict[str, int]:
    """Each top-level key's line in the file; a key given twice is an error."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key, line = str(key_node.value), key_node.start_mark.line + 2
                if key in lines:
                    raise SourceError(f"'{key[:60]}' is given twice (first on line {lines[key]}); keep one", path, line)
                lines[key] = line
    return lines


def _load_yaml(text: str, path: Path) -> tuple[object, dict[str, int]]:
    if len(text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise SourceError(f"the front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB", path, 2)
    loader = _Loader(text, path)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines = _key_lines(node, path)
        _check_expansion(node, lines, path)
        return loader.construct_document(node), lines
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc)
        raise SourceError(f"the front matter is not valid YAML: {problem}", path, line) from None
    except (RecursionError, ValueError, OverflowError) as exc:  # a PyYAML corner the checks above missed
        raise SourceError(f"the front matter cannot be read: {type(exc).__name__}", path, 2) from None
    finally:
        loader.dispose()


def read_bytes(path: Path) -> bytes:
    """The article's bytes, refusing what is not a regular, reasonably sized file (never blocking on a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise SourceError("the article does not exist; give the path of a Markdown file", path) from None
    except IsADirectoryError:
        raise SourceError("the article is not a regular file; give the path of a Markdown file", path) from None
    except OSError as exc:
        raise SourceError(f"cannot read the article: {exc.strerror}", path) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError("the article is not a regular file; give the path of a Markdown file", path)
        if info.st_size > MAX_SOURCE_BYTES:
            raise SourceError(f"the article is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB", path)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
        if len(data) > MAX_SOURCE_BYTES:
            raise SourceError(f"the article is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB", path)
        return data
    except OSError as exc:
        raise SourceError(f"cannot read the article: {exc.strerror}", path) from None
    finally:
        os.close(fd)


def _check_block_lengths(blocks: list[Node], path: Path) -> None:
    """Refuse, within seconds, a paragraph or heading too long to lay out in a reasonable time."""
    for block in blocks:
        for node in block.walk():
            limit = MAX_HEADING_CHARS if node.kind == "heading" else MAX_PARAGRAPH_CHARS if node.kind == "paragraph" else 0
            if limit:
                size = len(plain_text(node.children))
                if size > limit:
                    what = "heading" if node.kind == "heading" else "paragraph"
                    raise SourceError(f"this {what} is {size:,} characters long; publish lays out {what}s of up to "
                                      f"{limit:,}: split it with blank lines", path, node.line)


def read_document(path: str | Path, project: Path | None = None, nested: bool = False) -> Document:
    """Parse one article (or a collection and each of its articles) into the document model;
    a collection's articles must be inside ``project`` when it is given."""
    from .collection import check_not_nested, complete_collection, is_collection, read_parts, strip_fields

    path = Path(path)
    data = read_bytes(path)
    text = _decode(data, path)
    if not text.strip():
        raise SourceError("the article is empty; it needs a title and some text", path, 1)
    front = split_front_matter(text, path)
    collection = is_collection(front.raw)
    raw, keys = front.raw, front.lines
    if collection:
        check_not_nested(path, nested)
        raw, keys = strip_fields(front.raw, front.lines)
    meta = parse_metadata(raw, keys, path, front.start_line)
    from .dialects import clean, notes_near
    from .markdown import parse_blocks

    notes = notes_near(path) if "[[" in front.body else frozenset()
    blocks, footnotes = parse_blocks(clean(front.body, mdx=path.suffix.lower() == ".mdx", notes=notes), front.offset, path)
    complete(meta, blocks, path, front.start_line)
    _check_block_lengths(blocks, path)
    doc = Document(
        path=path,
        root=path.resolve().parent,
        meta=meta,
        blocks=blocks,
        footnotes=footnotes,
        source_bytes=data,
    )
    if collection:
        complete_collection(doc, front.raw, front.lines)
        front_text = "\n".join(text.split("\n")[1 : front.offset - 1])
        doc.parts = read_parts(front.raw, front.lines, front_text, path, project, read_document)
    return doc


def article_paths(path: Path, data: bytes | None = None) -> list[Path] | None:
    """The articles a collection lists, as paths, read from its front matter alone (no article is
    parsed); None when ``path`` is no collection, or its list cannot be read (the build says why)."""
    data = read_bytes(path) if data is None else data
    if b"articles" not in data:
        return None
    try:
        front = split_front_matter(_decode(data, path), path)
        if not is_collection(front.raw):
            return None
        return [path.parent / name for name, _ in entries(front.raw.get("articles"), path, None)]
    except SourceError:
        return None


def source_fingerprint(path: Path) -> bytes:
    """``fingerprint`` of the document at ``path`` without parsing its Markdown (what a no-op rebuild
    compares with the manifest): the file's bytes, and for a collection each listed article's too.
    A file that cannot be read gives what can be read; the build's reading then says what is wrong."""
    data = read_bytes(path)
    listed = article_paths(path, data)
    if listed is None:
        return data
    inputs = [(path.as_posix(), data)]
    for target in listed:
        try:
            inputs.append((target.as_posix(), read_bytes(target)))
        except SourceError:
            inputs.append((target.as_posix(), b""))
    return joined_inputs(inputs)
