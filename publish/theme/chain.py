"""A loaded theme: its chain of folders (child first), merged options, files, stylesheets and templates."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ThemeError
from .files import MANIFEST, REFERENCE_DOCX, inside

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment


@dataclass
class Theme:
    """A loaded theme: its chain of folders (child first), merged options and environments."""

    name: str
    description: str
    chain: list[Path]
    options: dict[str, Any]
    extra_css: list[Path] = field(default_factory=list)
    #: Rendered stylesheets by file and options: the load-time check renders them, writers reuse them.
    _css_cache: dict[tuple[Path, str, str | None], str] = field(default_factory=dict, repr=False, compare=False)
    #: The line of each key of the child's theme.yaml, for the errors check_theme() finds.
    manifest_lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def path(self) -> Path:
        return self.chain[0]

    @property
    def reference_docx(self) -> Path | None:
        """The Word reference document (``docx/reference.docx``) along the chain, if any."""
        return self.find(REFERENCE_DOCX)

    def find(self, relative: str) -> Path | None:
        """The first file of that relative path along the chain (a child overrides its parent)."""
        for folder in self.chain:
            candidate = folder / relative
            if candidate.is_file() and inside(candidate.resolve(), folder.resolve()):
                return candidate
        return None

    def files(self) -> list[Path]:
        """Every file of every theme in the chain, for hashing."""
        found = []
        for folder in self.chain:
            found.extend(sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts))
        return found

    def template_dirs(self) -> list[Path]:
        """The templates/ folders of the chain, child first."""
        return [folder / "templates" for folder in self.chain if (folder / "templates").is_dir()]

    def html_env(self) -> SandboxedEnvironment:
        """The Jinja2 environment for HTML templates: sandboxed, autoescaped, strict,
        loading only from the chain's templates/ folders."""
        from .env import html_env

        return html_env(self.template_dirs())

    def stylesheet_paths(self, name: str, collection: bool = False) -> list[Path]:
        """The files of a target's stylesheets, in order: the theme's css/NAME.css, the shared
        sheet of the pandoc and GitHub extensions for print and EPUB if the chain has one
        (css/NAME-extensions.css for that target alone, else css/extensions.css, rendered for
        each target; a web.css carries its own rules), for a ``collection`` the chain's
        css/collection.css (its title page, contents, sections and permissions page, rendered for
        each target), then each extra_css."""
        relative = f"css/{name}.css"
        path = self.find(relative)
        if path is None:
            raise ThemeError(f"the theme has no {relative}", self.path / MANIFEST)
        shared = self.find(f"css/{name}-extensions.css") or (self.find("css/extensions.css") if name != "web" else None)
        together = self.find("css/collection.css") if collection else None
        return [path, *([shared] if shared is not None else []), *([together] if together is not None else []), *self.extra_css]

    def stylesheets(self, name: str, overrides: dict[str, Any] | None = None, direction: str = "ltr",
                    collection: bool = False) -> list[tuple[str, Path]]:
        """A stylesheet (``print``, ``epub`` or ``web``) rendered with the theme options (and
        ``overrides`` of some of them, e.g. the CJK fonts for an article's language) and the
        article's ``direction`` (``dir``: what logical properties cannot say, such as which page
        margin box holds the running head), then the shared extensions sheet and each
        extra_css, each with the folder its relative URLs resolve against."""
        options = {**self.options, **overrides} if overrides else self.options
        return [(self._render_css(path, options, name, direction), path.parent)
                for path in self.stylesheet_paths(name, collection)]

    def css(self, name: str) -> str:
        """All of a target's stylesheets as one text."""
        return "\n".join(text for text, _ in self.stylesheets(name))

    def _render_css(self, path: Path, options: dict[str, Any] | None = None, target: str | None = None,
                    direction: str = "ltr") -> str:
        options = self.options if options is None else options
        key = (path, json.dumps(options, sort_keys=True, default=str), target, direction)
        if key not in self._css_cache:
            self._css_cache[key] = self._render_css_now(path, options, target, direction)
        return self._css_cache[key]

    def _render_css_now(self, path: Path, options: dict[str, Any] | None = None, target: str | None = None,
                        direction: str = "ltr") -> str:
        from .env import render_css

        return render_css(path, self.options if options is None else options, target, direction)
