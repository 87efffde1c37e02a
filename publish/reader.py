"""Reads an article file once: front matter (PyYAML safe loader) plus Markdown body -> Document."""
from __future__ import annotations

from pathlib import Path

import yaml

from .errors import SourceError
from .markdown import parse_blocks
from .metadata import parse_metadata
from .model import Document

MAX_SOURCE_BYTES = 8 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 64 * 1024
_FENCE = "---"


def _decode(data: bytes, path: Path) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"invalid UTF-8 at byte offset {exc.start}; save the file as UTF-8", path, line
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SourceError("the file contains a NUL byte; is it a text file?", path, line)
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (yaml text, body text, number of lines before the body)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        raise SourceError(
            "no front matter: the file must start with a '---' line, then 'title: ...', then '---'",
            path,
            1,
        )
    for i in range(1, len(lines)):
        if lines[i].rstrip() in (_FENCE, "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 1
    raise SourceError("the front matter is not closed: add a '---' line after the last field", path, 1)


def _load_yaml(text: str, path: Path) -> tuple[object, dict[str, int]]:
    if len(text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise SourceError(f"the front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB", path, 2)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[str, int] = {}
        if isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    lines[str(key_node.value)] = key_node.start_mark.line + 2
        if _count_aliases(node) > 100:
            raise SourceError("the front matter uses too many YAML aliases", path, 2)
        return loader.construct_document(node), lines
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc)
        raise SourceError(f"the front matter is not valid YAML: {problem}", path, line) from None
    finally:
        loader.dispose()


def _count_aliases(node: yaml.Node) -> int:
    seen: set[int] = set()
    count = 0
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            count += 1
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.extend((k, v))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return count


def read_bytes(path: Path) -> bytes:
    """The article's bytes, refusing what is not a regular, reasonably sized file."""
    try:
        if not path.is_file():
            what = "does not exist" if not path.exists() else "is not a regular file"
            raise SourceError(f"the article {what}; give the path of a Markdown file", path)
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise SourceError(f"the article is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB", path)
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read the article: {exc.strerror}", path) from None


def read_document(path: str | Path) -> Document:
    """Parse one article into the document model."""
    path = Path(path)
    data = read_bytes(path)
    text = _decode(data, path)
    if not text.strip():
        raise SourceError("the article is empty; it needs front matter with a title", path, 1)
    yaml_text, body, offset = split_front_matter(text, path)
    raw, lines = _load_yaml(yaml_text, path)
    meta = parse_metadata(raw, lines, path, start_line=2)
    blocks, footnotes = parse_blocks(body, offset)
    return Document(
        path=path,
        root=path.resolve().parent,
        meta=meta,
        blocks=blocks,
        footnotes=footnotes,
        source_bytes=data,
    )
