"""What other tools put in a Markdown body that is theirs, not the article's: MDX's ``import`` and
``export`` lines and its component tags, mkdocstrings' ``::: module.Name`` directives, the Liquid, Nunjucks and Hugo tags that only prefix a link with the site's
base address, and Obsidian's wiki links (``[[Note|text]]``, ``![[image.png]]``). Each is taken out before the Markdown is parsed, line for line, so every line number
stays the file's; code blocks are left as they are (there, such lines are the article's text)."""
from __future__ import annotations

import re
from pathlib import Path

#: An MDX module line: ``import X from "y"``, ``import { A, B } from 'y';``, ``import "y"``.
_IMPORT = re.compile(r"""^import\s+(?:[\w$*{}\s,]+?\s+from\s+)?(["'])[^"'\n]+\1;?\s*$""")
#: An MDX export: ``export const x = ...``, ``export default ...``, ``export function f() {``.
_EXPORT = re.compile(r"^export\s+(?:const|let|var|function|default|async\s+function)\b")
#: A template expression that stands for the site's base address, which a published page puts in
#: front of its own links: Jekyll's ``{{ site.baseurl }}`` / ``{{ site.url }}``, MkDocs' and
#: Nunjucks' ``{{ base_url }}``, Hugo's ``{{ .Site.BaseURL }}``.
_BASE = re.compile(r"\{\{-?\s*(?:site\.baseurl|site\.url|site\.base_url|base_url|baseurl|\.Site\.BaseURL|site\.BaseURL)\s*-?\}\}")
#: A path passed through a URL filter: ``{{ "/x" | relative_url }}`` (Jekyll), ``{{ '/x' | url }}``
#: (Eleventy), ``{{ "x" | relURL }}`` (Hugo): the path is the link.
_FILTERED = re.compile(r"""\{\{-?\s*(["'])([^"'{}\n]*)\1\s*\|\s*(?:relative_url|absolute_url|url|relURL|absURL|relLangURL|absLangURL)\s*-?\}\}""")
_FENCE = re.compile(r"^\s*(?:>\s*)*(?:[-*+]\s+|\d+[.)]\s+)?(`{3,}|~{3,})")  # in a list item or a quote too
#: An Obsidian wiki link or embed: ``[[Note]]``, ``[[Note#Heading|shown text]]``, ``![[picture.png|300]]``.
_WIKI = re.compile(r"(!?)\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]*))?\]\]")
_PICTURE = re.compile(r"\.(png|jpe?g|gif|svg|webp|avif|bmp)$", re.I)
#: A line that is only an MDX component's tag (``<Fragment slot="react">``, ``</Tabs>``, ``<Steps>``):
#: structure, not text. Left in, it opens an HTML block that swallows the Markdown after it (a
#: fenced code block whose ``<img src={x}>`` then read as an image), where MDX reads Markdown.
_COMPONENT_LINE = re.compile(r"^\s*</?[A-Z][\w.]*(?:\s+[^<>]*?)?/?>\s*$")
_SHOWN_ATTRIBUTE = re.compile(r"\b(?:title|label|heading)\s*=")
#: mkdocstrings' directive ``::: package.module.Name`` (the API documentation the site generates
#: there), and its indented ``options:`` block: not a pandoc fenced div, which it would open and
#: never close.
_AUTODOC = re.compile(r"^:::\s+([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\s*$")


def _wiki(match: re.Match[str], notes: frozenset[str]) -> str:
    """A wiki link as Obsidian shows it: its text (the note's name, "Note > Heading" for a
    heading in it); an embedded picture as a Markdown image of that file. A ``[[name]]`` that
    names no note of ``notes`` is text ("[[Prototype]]", as the ECMAScript spec writes)."""
    embed, target, shown = match.group(1), match.group(2).strip(), match.group(3)
    if embed and _PICTURE.search(target):
        alt = "" if shown is None or shown.strip().isdigit() or re.fullmatch(r"\d+x\d+", shown.strip()) else shown.strip()
        return f"![{alt}](<{target}>)"
    note, _, heading = target.partition("#")
    # a note is named by its path in the vault too ("[[folder/Note]]", "[[Note.md]]"): its file's name is what counts
    name = note.strip().replace("\\", "/").rsplit("/", 1)[-1]
    name = name[:-3] if name.casefold().endswith(".md") else name
    if name.casefold() not in notes:
        return match.group(0)
    if shown is not None and shown.strip():
        return shown.strip()
    return f"{note} > {heading.lstrip('^')}" if note and heading else (note or heading.lstrip("^"))


#: How many files are looked through for the notes a wiki link may name.
MAX_NOTES = 20_000


def notes_near(article: Path) -> frozenset[str]:
    """The names of the Markdown notes a wiki link in ``article`` may name: those in its folder and
    below its grandparent (a vault's notes link across folders), casefolded, without ``.md``."""
    import os

    top = article.resolve().parent.parent.parent
    found: set[str] = set()
    seen = 0
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.update(name[:-3].casefold() for name in files if name.endswith(".md"))
        seen += len(files)
        if seen > MAX_NOTES:
            break
    return frozenset(found)


def _outside_code(line: str, change: "re.Pattern[str]", by: "object") -> str:
    """The line with ``change`` made outside its inline code spans."""
    parts = re.split(r"(`+[^`]*`+)", line)
    return "".join(part if part.startswith("`") else change.sub(by, part) for part in parts)  # type: ignore[arg-type]


def clean(body: str, mdx: bool, notes: frozenset[str] = frozenset()) -> str:
    """The body without other tools' module lines and base-address tags, with as many lines as
    before. ``mdx``: the file is MDX, where every top-level ``import``/``export`` line is code
    and a line that is only a component's tag is structure;
    elsewhere only lines that are exactly an ES module import are (react.dev writes MDX in .md).
    ``notes``: the note names a wiki link may name (notes_near)."""
    lines = body.split("\n")
    fence: str | None = None
    exporting = 0  # open braces of a multi-line export still to close
    for i, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) and not line.strip(" `~"):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        if exporting:
            exporting = max(0, exporting + line.count("{") - line.count("}"))
            lines[i] = ""
            continue
        if _IMPORT.match(line) or (mdx and line.startswith("import ") and " from " in line):
            lines[i] = ""
            continue
        autodoc = _AUTODOC.match(line)
        if autodoc:
            lines[i] = f"`{autodoc.group(1)}`"  # the page names what it documents
            options = i + 1
            while options < len(lines) and lines[options].startswith("    ") and lines[options].strip():
                lines[options] = ""  # (the loop then meets them empty)
                options += 1
            continue
        if mdx and _COMPONENT_LINE.match(line) and not _SHOWN_ATTRIBUTE.search(line):
            lines[i] = ""  # (a title or label is text the page shows: rawhtml keeps those tags)
            continue
        if mdx and _EXPORT.match(line):
            exporting = max(0, line.count("{") - line.count("}"))
            lines[i] = ""
            continue
        if "{{" in line:
            line = lines[i] = _FILTERED.sub(lambda m: m.group(2), _BASE.sub("", line))
        if "[[" in line:
            lines[i] = _outside_code(line, _WIKI, lambda m: _wiki(m, notes))
    return "\n".join(lines)
