"""The Jinja2 side of a theme: the confined template loader, the sandboxed environments for
HTML templates and stylesheets, and where a template error happened."""
from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any, Callable

from jinja2 import BaseLoader, StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError, nodes
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from .errors import ThemeError
from .theme_options import css_font_list, css_mix, css_string
from .themes import _inside


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
            if not _inside(real, root) or not real.is_file():
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


def html_env(template_dirs: list[Path]) -> SandboxedEnvironment:
    """The Jinja2 environment for HTML templates: sandboxed, autoescaped, strict, loading only
    from ``template_dirs`` (child first)."""
    return SandboxedEnvironment(
        loader=ConfinedLoader(template_dirs),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_css(path: Path, options: dict[str, Any]) -> str:
    """A stylesheet rendered with the theme options: a sandboxed template that may use the
    options, never include, import or extend other files."""
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    env.filters["fontlist"] = css_font_list
    env.filters["cssstring"] = css_string
    env.filters["mix"] = css_mix
    try:
        source = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"cannot read the stylesheet: {exc}", path) from None
    try:
        tree = env.parse(source)
        for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            raise ThemeError("a stylesheet may use the theme options, not include, import or extend files", path, node.lineno)
        return env.from_string(source).render(options=options)
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
