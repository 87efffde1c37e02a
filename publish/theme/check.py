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
        check_stylesheet_urls(theme, name)
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


def check_stylesheet_urls(theme: "Theme", target: str) -> None:
    """A theme's stylesheets for a target point at nothing outside the output: no ``@import`` (a
    theme adds sheets with ``extra_css``), and no ``url()`` but a ``data:`` URL or a ``#fragment``
    outside ``@font-face`` (whose fonts are checked and embedded by the font code). A reader's
    local file (``file:``, an absolute path, ``../`` out of the theme) or a remote host would be
    copied verbatim into the EPUB and the web page, or fetched when the PDF is drawn."""
    import tinycss2

    # a collection's sheet (css/collection.css) too: a theme's is checked before any collection uses it
    for (text, _folder), path in zip(theme.stylesheets(target, collection=True), theme.stylesheet_paths(target, collection=True)):
        for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
            if rule.type == "at-rule" and rule.lower_at_keyword == "import":
                raise ThemeError("@import is not allowed in a theme stylesheet (it would be fetched when the page "
                                 "is drawn, or point a reader outside the book); list the sheet under extra_css in "
                                 "theme.yaml instead", path, line_of(path, "@import") or rule.source_line)
            if rule.type == "at-rule" and rule.lower_at_keyword == "font-face":
                continue
            for url, line in _urls([*(rule.prelude or []), *(rule.content or [])]):
                if not url.startswith(("data:", "#")):
                    raise ThemeError(f"url('{url}') is not allowed here: outside @font-face a theme stylesheet may use "
                                     "only data: URLs (a file of the theme, a reader's local file or a remote host "
                                     "would not travel with the EPUB and the web page); inline the image as a data: URL",
                                     path, line_of(path, url) or line)


def _urls(tokens: list) -> list[tuple[str, int]]:
    """Every ``url(...)`` in a list of CSS tokens, nested blocks and functions included, with its line."""
    import tinycss2.ast as css

    found: list[tuple[str, int]] = []
    for token in tokens:
        if isinstance(token, css.URLToken):
            found.append((token.value.strip(), token.source_line))
        elif isinstance(token, css.FunctionBlock):
            if token.lower_name in ("url", "src"):
                strings = [t.value for t in token.arguments if isinstance(t, css.StringToken)]
                found.extend((value.strip(), token.source_line) for value in strings[:1])
            found.extend(_urls(token.arguments))
        elif isinstance(token, (css.SquareBracketsBlock, css.ParenthesesBlock, css.CurlyBracketsBlock)):
            found.extend(_urls(token.content))  # rules nested in @media, @supports, @page margin boxes
    return found


def line_of(path: Path | None, text: str) -> int | None:
    """The line of a stylesheet's source that holds a text (a URL), for the error message."""
    try:
        lines = path.read_text("utf-8").splitlines() if path else []
    except (OSError, UnicodeDecodeError):
        return None
    return next((number for number, line in enumerate(lines, 1) if text in line), None)


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
            for data in tree.find_all(nodes.TemplateData):
                _check_template_resources(data.data, path, data.lineno)


#: A tag of a template that makes a reader load something: its URL may not leave the book.
_LOADS = re.compile(r"<(?P<tag>link|script|img|iframe|object|embed|source|video|audio|track|image|use|input)\b(?P<attrs>[^>]*)>", re.I)
_RESOURCE_URL = re.compile(r"""\b(?:src|href|data|srcset|poster|xlink:href)\s*=\s*["']?\s*(?P<url>(?:https?:|file:|ftp:|//|/)[^\s"'>]*)""", re.I)
_CSS_OUTSIDE = re.compile(r"""url\(\s*["']?\s*(?P<url>(?:https?:|file:|//|/)[^)"'\s]*)|@import\b""", re.I)
#: <link> relations that make a reader load what they name (others, such as canonical, license or
#: schema.dcterms, only name an address).
_LOADING_RELS = re.compile(r"""\brel\s*=\s*["']?[^"'>]*\b(?:stylesheet|preload|prefetch|modulepreload|icon|manifest|import|preconnect|dns-prefetch)\b""", re.I)


def _check_template_resources(text: str, path: Path, first_line: int) -> None:
    """A template's own markup (not the article's, which the reader checks) loads nothing from
    the network or the reader's disk: no <link>, <script>, <img>... naming an http(s):, file:,
    protocol-relative or absolute URL, and no such url() or @import in its inline CSS. EPUBCheck
    counts each as an error, and a web page would call a third party for every reader."""
    for tag in _LOADS.finditer(text):
        if tag.group("tag").lower() == "link" and not _LOADING_RELS.search(tag.group("attrs")):
            continue
        found = _RESOURCE_URL.search(tag.group("attrs"))
        if found:
            line = first_line + text.count("\n", 0, tag.start())
            raise ThemeError(f"<{tag.group('tag')}> loads '{found.group('url')}' from outside the book; a theme may load "
                             "only its own files (fonts through @font-face, images as data: URLs)", path, line)
    for css in _CSS_OUTSIDE.finditer(text):
        line = first_line + text.count("\n", 0, css.start())
        what = f"url('{css.group('url')}')" if css.group("url") else "@import"
        raise ThemeError(f"{what} in a template's CSS points outside the book; a theme may load only its own files", path, line)


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
