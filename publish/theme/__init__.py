"""Themes: finds and loads a theme, its manifest, its `extends` chain and its options.

``files`` (where themes are, what they must hold), ``chain`` (the loaded Theme), ``options``
(fonts, sizes, colours for every format), ``env`` (the Jinja2 side), ``check`` (load-time
checks), ``scaffold`` (``publish theme new``). Themes are data: this package may import only
``publish.errors``; every format imports it."""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml

from ..errors import ThemeError
from .chain import Theme
from .files import DEFAULT_THEME, MANIFEST, REFERENCE_DOCX, REQUIRED_CSS, REQUIRED_TEMPLATES, bundled_themes_dir, inside, search_path
from .options import MERGED_KEY_BY_KEY

_MANIFEST_KEYS = {"name", "description", "extends", "options", "extra_css"}


def resolve(name_or_path: str | None, project: Path | None = None) -> Path:
    """The folder of a theme given by name or by path."""
    wanted = name_or_path or DEFAULT_THEME
    as_path = Path(wanted)
    if (as_path / MANIFEST).is_file():
        return as_path.resolve()
    if _is_name(wanted):
        for folder in search_path(project):
            if (folder / wanted / MANIFEST).is_file():
                return (folder / wanted).resolve()
    raise ThemeError(f"no theme named '{wanted}' (a folder with {MANIFEST}); {_hint(wanted, project)}", wanted)


def _is_name(wanted: str) -> bool:
    return "/" not in wanted and "\\" not in wanted and wanted not in (".", "..")


def _hint(wanted: str, project: Path | None) -> str:
    known = sorted(available(project))
    near = difflib.get_close_matches(wanted, known, n=1)
    return f"did you mean '{near[0]}'?" if near else f"available themes: {', '.join(known)}"


def _resolve_parent(parent: str, folder: Path, project: Path | None) -> Path:
    """A parent named in `extends`: a path relative to the child's folder, else a sibling
    theme, else one on the search path; a theme never finds itself (so a project's
    themes/default may extend the bundled default)."""
    if not _is_name(parent) or Path(parent).is_absolute():
        candidate = (folder / parent).resolve()
        if (candidate / MANIFEST).is_file():
            return candidate
        raise ThemeError(f"the parent theme folder '{parent}' has no {MANIFEST}")
    roots = [folder.parent.resolve(), *search_path(project)]
    for root in roots:
        candidate = (root / parent).resolve()
        if candidate != folder.resolve() and (candidate / MANIFEST).is_file():
            return candidate
    if parent == folder.name:
        raise ThemeError(f"themes extend each other in a cycle: {parent} -> {parent}")
    raise ThemeError(f"'extends' names an unknown theme '{parent}'; {_hint(parent, project)}")


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
        raise ThemeError("the manifest must be a mapping (name, description, extends, options, extra_css)", path, 1)
    for key in data:
        if key not in _MANIFEST_KEYS:
            near = difflib.get_close_matches(str(key), _MANIFEST_KEYS, n=1)
            hint = f"did you mean '{near[0]}'?" if near else f"known keys: {', '.join(sorted(_MANIFEST_KEYS))}"
            raise ThemeError(f"unknown manifest key '{key}'; {hint}", path, lines.get(str(key)))
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            raise ThemeError(f"'{key}' must be a string", path, lines.get(key))
    return data, lines


def _merge_options(into: dict[str, Any], opts: dict[str, Any]) -> None:
    """A child's options over its parent's; mappings such as `labels` merge key by key."""
    for key, value in opts.items():
        if key in MERGED_KEY_BY_KEY and isinstance(value, dict) and isinstance(into.get(key), dict):
            into[key] = {**into[key], **value}
        else:
            into[key] = value


def load(name_or_path: str | None = None, project: Path | None = None, check: bool = True) -> Theme:
    """Load a theme and its parents, and check it is complete (with ``check`` False, the caller
    calls check_theme() before writing anything)."""
    folder = resolve(name_or_path, project)
    chain: list[Path] = []
    manifests: list[tuple[Path, dict[str, Any], dict[str, int]]] = []
    while True:
        data, lines = _read_manifest(folder)
        chain.append(folder)
        manifests.append((folder, data, lines))
        parent = data.get("extends")
        if parent is None:
            break
        where = (folder / MANIFEST, lines.get("extends"))
        if not isinstance(parent, str) or not parent.strip():
            raise ThemeError("'extends' must be the name of a theme or a path to one", *where)
        try:
            folder = _resolve_parent(parent, folder, project)
        except ThemeError as exc:
            raise ThemeError(exc.message, *where) from None
        if folder in chain:
            cycle = " -> ".join(p.name for p in chain + [folder])
            raise ThemeError(f"themes extend each other in a cycle: {cycle}", *where)
    options: dict[str, Any] = {}
    extra_css: list[Path] = []
    for folder, data, lines in reversed(manifests):
        opts = data.get("options") or {}
        if not isinstance(opts, dict):
            raise ThemeError("'options' must be a mapping", folder / MANIFEST, lines.get("options"))
        _merge_options(options, opts)
        extras = data.get("extra_css") or []
        if not isinstance(extras, list) or not all(isinstance(e, str) for e in extras):
            raise ThemeError("'extra_css' must be a list of file names", folder / MANIFEST, lines.get("extra_css"))
        for extra in extras:
            path = (folder / extra).resolve()
            if not inside(path, folder.resolve()) or not path.is_file():
                raise ThemeError(f"extra_css file '{extra}' is not a file inside the theme", folder / MANIFEST, lines.get("extra_css"))
            extra_css.append(path)
    top = manifests[0][1]
    theme = Theme(
        name=str(top.get("name") or chain[0].name),
        description=str(top.get("description") or ""),
        chain=chain,
        options=options,
        extra_css=extra_css,
        manifest_lines=manifests[0][2],
    )
    if check:
        check_theme(theme)
    return theme


def check_theme(theme: Theme) -> None:
    """Fail now, not halfway through a build, if the theme is incomplete or broken (see theme_check)."""
    from .check import check

    check(theme, theme.manifest_lines)
