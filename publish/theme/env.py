"""The Jinja2 side of a theme: the confined template loader, the sandboxed environments for
HTML templates and stylesheets, and where a template error happened."""
from __future__ import annotations

import re
import traceback
from pathlib import Path
from typing import Any, Callable

from jinja2 import BaseLoader, StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError, nodes
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from ..errors import ThemeError
from .options import css_folio, css_font_list, css_mix, css_string
from .files import inside


class ConfinedLoader(BaseLoader):
    """Loads templates by name from a list of folders, first match wins, serving only regular
    files whose real path stays inside their folder: no ``..``, no absolute names, no symlink
    out of the theme."""

    def __init__(self, searchpath: list[Path]) -> None:
        self._roots = [p.resolve() for p in searchpath]

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # raises TemplateNotFound for '..' segments
        for root in self._roots:
            candidate = root.joinpath(*pieces)
            real = candidate.resolve()
            if not inside(real, root) or not real.is_file():
                continue
            try:
                source = real.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            mtime = real.stat().st_mtime_ns
            return source, str(candidate), lambda: real.is_file() and real.stat().st_mtime_ns == mtime
        raise TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        found = set()
        for root in self._roots:
            found.update(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        return sorted(found)


_MARK = "publish-template\u2063"  # brackets each included template's output in a marked render
_MARK_RE = re.compile(r"<!--" + _MARK + r"([+-])([^\n]*?)-->")


class _MarkingLoader(ConfinedLoader):
    """A ConfinedLoader that brackets every template but ``top`` in comments naming its file
    (no newline added, so the rendered page keeps its line numbers)."""

    def __init__(self, searchpath: list[Path], top: str) -> None:
        super().__init__(searchpath)
        self._top = top

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if template == self._top or "-->" in filename:
            return source, filename, uptodate
        return f"<!--{_MARK}+{filename}-->{source}<!--{_MARK}-{filename}-->", filename, uptodate


def html_env(template_dirs: list[Path], mark_includes_of: str | None = None) -> SandboxedEnvironment:
    """The Jinja2 environment for HTML templates: sandboxed, autoescaped, strict, loading only
    from ``template_dirs`` (child first). With ``mark_includes_of`` (a template name), every
    other template's output is bracketed in comments naming its file, for :func:`page_line_where`."""
    loader = ConfinedLoader(template_dirs) if mark_includes_of is None else _MarkingLoader(template_dirs, mark_includes_of)
    return SandboxedEnvironment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_css(path: Path, options: dict[str, Any], target: str | None = None, direction: str = "ltr") -> str:
    """A stylesheet rendered with the theme options, the ``target`` it is for (``print``,
    ``epub`` or ``web``) and the article's direction (``dir``: ``ltr`` or ``rtl``): a sandboxed
    template that may use them, never include, import or extend other files."""
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    env.filters["fontlist"] = css_font_list
    env.filters["cssstring"] = css_string
    env.filters["mix"] = css_mix
    env.filters["folio"] = css_folio
    try:
        source = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"cannot read the stylesheet: {exc}", path) from None
    try:
        tree = env.parse(source)
        for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            raise ThemeError("a stylesheet may use the theme options, not include, import or extend files", path, node.lineno)
        return env.from_string(tree).render(options=options, target=target, dir=direction)  # compiled from the tree just checked, not parsed again
    except TemplateSyntaxError as exc:
        raise ThemeError(f"template syntax error: {exc.message}", path, exc.lineno) from None
    except TemplateError as exc:
        raise ThemeError(f"cannot render the stylesheet: {exc}", path, template_line(exc)) from None


def template_where(exc: BaseException) -> tuple[str | None, int | None]:
    """The template file and line a Jinja2 error happened on: syntax errors carry them;
    for runtime errors Jinja rewrites the traceback so template frames show template lines."""
    if isinstance(exc, TemplateSyntaxError) and exc.lineno:
        return exc.filename, exc.lineno
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == "<template>" or frame.filename.endswith((".html", ".css", ".xhtml")):
            return (None if frame.filename == "<template>" else frame.filename), frame.lineno
    return None, None


def template_line(exc: BaseException) -> int | None:
    """The template line of a Jinja2 error (see template_where)."""
    return template_where(exc)[1]


def page_line_where(marked: str, line: int) -> tuple[str | None, int | None]:
    """Which included template wrote ``line`` (1-based) of a page rendered with a marking
    environment (``html_env(..., mark_includes_of=...)``), and on which of its lines: (None, None)
    when the top template itself wrote it. Of several templates on that line, the last one that
    wrote more than blanks. The template line counts the output lines since the template began,
    less those its own includes wrote (exact for template text, not for a value that spans lines)."""
    stack: list[list[Any]] = []  # [filename, first output line, lines written by its includes]
    current, position = 1, 0
    found: tuple[str | None, int | None] = (None, None)
    for match in [*_MARK_RE.finditer(marked), None]:
        end = len(marked) if match is None else match.start()
        segment = marked[position:end]
        if current <= line <= current + segment.count("\n"):
            text = segment.split("\n")[line - current]
            if text.strip():
                found = (stack[-1][0], line - stack[-1][1] + 1 - stack[-1][2]) if stack else (None, None)
        current += segment.count("\n")
        if match is None or current > line:
            break
        position = match.end()
        if match.group(1) == "+":
            stack.append([match.group(2), current, 0])
        elif stack and stack[-1][0] == match.group(2):
            closed = stack.pop()
            if stack:
                stack[-1][2] += current - closed[1]
    return found
