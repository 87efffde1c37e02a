"""Finds and loads a theme: its manifest, its `extends` chain, its options and its Jinja2 environments."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from .errors import ThemeError
from .theme_options import css_font_list

DEFAULT_THEME = "default"
MANIFEST = "theme.yaml"
#: Templates every theme chain must provide (a child may inherit them).
REQUIRED_TEMPLATES = ("article.html", "title_block.html", "end_matter.html")
REQUIRED_CSS = ("css/print.css", "css/epub.css")
_MANIFEST_KEYS = {"name", "description", "extends", "options", "extra_css"}


def bundled_themes_dir() -> Path:
    """Where the themes shipped with publish live (inside the installed package)."""
    here = Path(__file__).resolve().parent
    packaged = here / "_themes"
    return packaged if packaged.is_dir() else here.parent / "themes"


def search_path(project: Path | None = None) -> list[Path]:
    """Folders searched for a theme by name: the project's themes/ first, then the bundled ones."""
    dirs = []
    if project is not None and (project / "themes").is_dir():
        dirs.append((project / "themes").resolve())
    bundled = bundled_themes_dir()
    if bundled not in dirs:
        dirs.append(bundled)
    return dirs


@dataclass
class Theme:
    """A loaded theme: its chain of folders (child first), merged options and environments."""

    name: str
    description: str
    chain: list[Path]
    options: dict[str, Any]
    extra_css: list[Path] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.chain[0]

    def find(self, relative: str) -> Path | None:
        """The first file of that relative path along the chain (a child overrides its parent)."""
        for folder in self.chain:
            candidate = folder / relative
            if candidate.is_file():
                return candidate
        return None

    def files(self) -> list[Path]:
        """Every file of every theme in the chain, for hashing."""
        found = []
        for folder in self.chain:
            found.extend(sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts))
        return found

    def html_env(self) -> SandboxedEnvironment:
        """The Jinja2 environment for HTML templates: sandboxed, autoescaped, strict."""
        dirs = [str(folder / "templates") for folder in self.chain if (folder / "templates").is_dir()]
        return SandboxedEnvironment(
            loader=FileSystemLoader(dirs),
            autoescape=True,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )

    def stylesheets(self, name: str) -> list[tuple[str, Path]]:
        """A stylesheet (``print`` or ``epub``) rendered with the theme options, then each
        extra_css, each with the folder its relative URLs resolve against."""
        relative = f"css/{name}.css"
        path = self.find(relative)
        if path is None:
            raise ThemeError(f"the theme has no {relative}", self.path / MANIFEST)
        sheets = [(self._render_css(path), path.parent)]
        sheets.extend((self._render_css(extra), extra.parent) for extra in self.extra_css)
        return sheets

    def css(self, name: str) -> str:
        """All of a target's stylesheets as one text."""
        return "\n".join(text for text, _ in self.stylesheets(name))

    def _render_css(self, path: Path) -> str:
        env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
        env.filters["fontlist"] = css_font_list
        try:
            return env.from_string(path.read_text("utf-8")).render(options=self.options)
        except TemplateSyntaxError as exc:
            raise ThemeError(f"template syntax error: {exc.message}", path, exc.lineno) from None
        except TemplateError as exc:
            raise ThemeError(f"cannot render the stylesheet: {exc}", path) from None


def resolve(name_or_path: str | None, project: Path | None = None) -> Path:
    """The folder of a theme given by name or by path."""
    wanted = name_or_path or DEFAULT_THEME
    as_path = Path(wanted)
    if (as_path / MANIFEST).is_file():
        return as_path.resolve()
    if "/" not in wanted and "\\" not in wanted and wanted not in (".", ".."):
        for folder in search_path(project):
            if (folder / wanted / MANIFEST).is_file():
                return (folder / wanted).resolve()
    known = sorted(available(project))
    near = difflib.get_close_matches(wanted, known, n=1)
    hint = f"did you mean '{near[0]}'?" if near else f"available themes: {', '.join(known)}"
    raise ThemeError(f"no theme named '{wanted}' (a folder with {MANIFEST}); {hint}", wanted)


def available(project: Path | None = None) -> dict[str, Path]:
    """Every theme found by name, first one wins."""
    found: dict[str, Path] = {}
    for folder in search_path(project):
        for manifest in sorted(folder.glob(f"*/{MANIFEST}")):
            found.setdefault(manifest.parent.name, manifest.parent)
    return found


def _read_manifest(folder: Path) -> tuple[dict[str, Any], dict[str, int]]:
    path = folder / MANIFEST
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"cannot read the theme manifest: {exc}", path) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines = {}
        if isinstance(node, yaml.MappingNode):
            lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
        data = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ThemeError(f"not valid YAML: {getattr(exc, 'problem', exc)}", path, mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ThemeError("the manifest must be a mapping (name, description, extends, options)", path, 1)
    for key in data:
        if key not in _MANIFEST_KEYS:
            near = difflib.get_close_matches(str(key), _MANIFEST_KEYS, n=1)
            hint = f"did you mean '{near[0]}'?" if near else f"known keys: {', '.join(sorted(_MANIFEST_KEYS))}"
            raise ThemeError(f"unknown manifest key '{key}'; {hint}", path, lines.get(str(key)))
    return data, lines


def load(name_or_path: str | None = None, project: Path | None = None) -> Theme:
    """Load a theme and its parents, and check it is complete before anything is written."""
    folder = resolve(name_or_path, project)
    chain: list[Path] = []
    manifests: list[tuple[Path, dict[str, Any], dict[str, int]]] = []
    while True:
        if folder in chain:
            cycle = " -> ".join(p.name for p in chain + [folder])
            raise ThemeError(f"themes extend each other in a cycle: {cycle}", chain[-1] / MANIFEST)
        data, lines = _read_manifest(folder)
        chain.append(folder)
        manifests.append((folder, data, lines))
        parent = data.get("extends")
        if parent is None:
            break
        if not isinstance(parent, str):
            raise ThemeError("'extends' must be a theme name", folder / MANIFEST, lines.get("extends"))
        try:
            folder = resolve(parent, folder.parent) if not Path(parent).is_absolute() else resolve(parent)
        except ThemeError as exc:
            raise ThemeError(exc.message, folder / MANIFEST, lines.get("extends")) from None
    options: dict[str, Any] = {}
    extra_css: list[Path] = []
    for folder, data, lines in reversed(manifests):
        opts = data.get("options") or {}
        if not isinstance(opts, dict):
            raise ThemeError("'options' must be a mapping", folder / MANIFEST, lines.get("options"))
        options.update(opts)
        extras = data.get("extra_css") or []
        if not isinstance(extras, list) or not all(isinstance(e, str) for e in extras):
            raise ThemeError("'extra_css' must be a list of file names", folder / MANIFEST, lines.get("extra_css"))
        for extra in extras:
            path = (folder / extra).resolve()
            if folder.resolve() not in path.parents or not path.is_file():
                raise ThemeError(f"extra_css file '{extra}' is not a file inside the theme", folder / MANIFEST, lines.get("extra_css"))
            extra_css.append(path)
    top = manifests[0][1]
    theme = Theme(
        name=str(top.get("name") or chain[0].name),
        description=str(top.get("description") or ""),
        chain=chain,
        options=options,
        extra_css=extra_css,
    )
    _check(theme)
    return theme


def _check(theme: Theme) -> None:
    """Fail now, not halfway through a build: templates parse, required files exist."""
    from .theme_options import validate_options

    validate_options(theme)
    for relative in REQUIRED_CSS:
        if theme.find(relative) is None:
            raise ThemeError(f"the theme chain has no {relative}", theme.path / MANIFEST)
    env = theme.html_env()
    for name in REQUIRED_TEMPLATES:
        if theme.find(f"templates/{name}") is None:
            raise ThemeError(f"the theme chain has no templates/{name}", theme.path / MANIFEST)
    for folder in theme.chain:
        for path in sorted((folder / "templates").glob("*.html")) if (folder / "templates").is_dir() else []:
            try:
                env.parse(path.read_text("utf-8"))
            except TemplateSyntaxError as exc:
                raise ThemeError(f"template syntax error: {exc.message}", path, exc.lineno) from None
    for name in ("print", "epub"):
        theme.css(name)
