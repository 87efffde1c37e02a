"""Load-time checks of a theme: options, required files, templates and what they include, the Word reference."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, TemplateNotFound, TemplateSyntaxError, nodes

from ..errors import ThemeError
from .options import validate_options

if TYPE_CHECKING:
    from .chain import Theme

#: Word styles a reference.docx must define: the ones that carry the article's hierarchy and
#: look (publish adds its own styles, such as Kicker or Notice, when the reference lacks them).
WORD_STYLES: tuple[tuple[str, str], ...] = (
    ("paragraph", "Normal"),
    ("paragraph", "Body Text"),
    ("paragraph", "Title"),
    ("paragraph", "Subtitle"),
    *(("paragraph", f"Heading {n}") for n in range(1, 5)),
    ("paragraph", "Caption"),
    ("paragraph", "Quote"),
    ("paragraph", "List Bullet"),
    ("paragraph", "List Number"),
    ("paragraph", "Header"),
    ("paragraph", "Footer"),
)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_REFERENCE_BYTES = 16 * 1024 * 1024


def check(theme: "Theme", lines: dict[str, int]) -> None:
    """Fail now, not halfway through a build: options valid, files present, templates parse
    and include only templates that exist, stylesheets render, the Word reference is usable."""
    from .files import MANIFEST, REQUIRED_CSS, REQUIRED_TEMPLATES

    validate_options(theme)
    check_confined(theme)
    manifest = theme.path / MANIFEST
    # a missing file is the fault of the manifest that did not extend a theme providing it
    where = lines.get("extends") or 1
    for relative in REQUIRED_CSS:
        if theme.find(relative) is None:
            raise ThemeError(f"the theme chain has no {relative} (add it, or extend a theme that has it)", manifest, where)
    for name in REQUIRED_TEMPLATES:
        if theme.find(f"templates/{name}") is None:
            raise ThemeError(f"the theme chain has no templates/{name} (add it, or extend a theme that has it)", manifest, where)
    check_templates(theme)
    for name in ("print", "epub", "web"):
        theme.css(name)
    reference = theme.reference_docx
    if reference is not None:
        check_reference_docx(reference)


def check_confined(theme: "Theme") -> None:
    """No file or folder of a theme is a link that leads out of it."""
    for folder in theme.chain:
        root = folder.resolve()
        for path in sorted(folder.rglob("*")):
            real = path.resolve()
            if real != root and root not in real.parents:
                raise ThemeError("links to a file outside the theme; themes may only use their own files", path)


def check_templates(theme: "Theme") -> None:
    """Every template of the chain parses, and every template it includes, imports or
    extends by name is found inside the chain."""
    env = theme.html_env()
    for folder in theme.template_dirs():
        for path in sorted(folder.rglob("*.html")):
            try:
                tree = env.parse(path.read_text("utf-8"), filename=str(path))
            except UnicodeDecodeError as exc:
                raise ThemeError(f"the template is not UTF-8: {exc.reason}", path) from None
            except TemplateSyntaxError as exc:
                raise ThemeError(f"template syntax error: {exc.message}", path, exc.lineno) from None
            for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
                _check_reference(env, node, path)


def _check_reference(env: Environment, node: nodes.Node, path: Path) -> None:
    target = node.template  # type: ignore[attr-defined]
    if not isinstance(target, (nodes.Const, nodes.List, nodes.Tuple)):
        return  # a name computed at render time is checked when it renders
    names = [target.value] if isinstance(target, nodes.Const) else [
        item.value for item in target.items if isinstance(item, nodes.Const)
    ]
    if getattr(node, "ignore_missing", False) or not all(isinstance(n, str) for n in names):
        return
    found = False
    for name in names:
        try:
            env.get_template(name)
            found = True
            break
        except TemplateNotFound:
            continue
        except TemplateSyntaxError:
            found = True  # reported for that file itself
            break
    if not found:
        tag = type(node).__name__.lower().replace("fromimport", "from … import")
        raise ThemeError(
            f"{tag} of '{names[0]}': no such template in the theme's templates/ folders", path, node.lineno
        )


def check_reference_docx(path: Path) -> None:
    """The reference document is a Word file that defines every style the writer uses."""
    from lxml import etree

    if path.stat().st_size > MAX_REFERENCE_BYTES:
        raise ThemeError("the Word reference document is larger than 16 MiB", path)
    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read("word/styles.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ThemeError(f"not a Word document with styles (word/styles.xml): {exc}", path) from None
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ThemeError(f"the Word styles (word/styles.xml) are not valid XML: {exc}", path) from None
    defined: set[tuple[str, str]] = set()
    for style in root.iter(f"{_W}style"):
        name = style.find(f"{_W}name")
        if name is not None:
            defined.add((style.get(f"{_W}type", "paragraph"), _fold(name.get(f"{_W}val", ""))))
    for kind, name in WORD_STYLES:
        if (kind, _fold(name)) not in defined:
            raise ThemeError(
                f"the Word reference document defines no {kind} style '{name}' "
                "(save a DOCX built by publish as the reference and restyle it in Word)",
                path,
            )


def _fold(name: str) -> str:
    """Word stores built-in style names in lower case ('heading 1'); compare without case."""
    return re.sub(r"\s+", " ", name).strip().lower()
