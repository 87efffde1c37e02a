"""The files of a new user theme (`publish theme new NAME`): a manifest that extends a theme, extra CSS, a README."""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import ThemeError

MANIFEST_TEMPLATE = """\
name: {name}
description: My theme, based on {extends}.
extends: {extends}
# Options set fonts, sizes and colours once for the PDF, the EPUB, the DOCX and the web page.
# Uncomment and change any of them (publish checks each when the theme loads).
options:
  color_accent: "#1f5f8b"
  # color_text: "#1a1a1a"
  # color_muted: "#5c5c5c"
  # color_tint: "#f4f2ee"
  # font_body: ["DejaVu Serif", "serif"]
  # font_heading: ["DejaVu Sans", "sans-serif"]
  # font_size: 10.5
  # line_height: 1.4
  # heading_scale: [1.9, 1.35, 1.15, 1.0]
  # paper: a4
  # date_format: "{{day}} {{month}} {{year}}"  # unset: the article's language's own long date
  # hyphenation: {{en: en-GB}}  # the PDF hyphenates English articles with British patterns
  # schema_type: Article  # the web page's schema.org type (auto: NewsArticle for a dated article from a source)
  # cover_page: false  # a cover-image stays the EPUB's cover only, not a first page of the PDF and DOCX
  # a11y_certified_by: "Your Press Accessibility Desk"  # who certifies the EPUB's accessibility (else no claim)
# Stylesheets added after {extends}'s, for the PDF, the EPUB and the web page.
extra_css: [extra.css]
"""

EXTRA_CSS = """\
/* Added after the parent theme's stylesheets, for the PDF, the EPUB and the web page.
   It is rendered like the theme's own CSS, so options can be used:
   {% raw %}{{ options.color_accent }}{% endraw %} prints the accent colour.
   Rules inside @media print apply to the PDF (and to the web page when printed). The web
   page has a dark scheme too: set a text colour together with its background, as here,
   so that it reads the same on a dark screen as on paper. Name sides logically
   (margin-inline-start, padding-inline-end, border-inline-start, text-align: start) and
   one rule serves left-to-right and right-to-left articles alike; where CSS has no logical
   form (@page margin boxes), {% raw %}{{ dir }}{% endraw %} is the article's direction, ltr or rtl. */
h1.title { color: #ffffff; background-color: {{ options.color_accent }}; padding: 0.15em 0.35em; }

@media print {
  /* @page { margin: 20mm; } */
}
"""

README = """\
# {name}

A publish theme extending `{extends}`: build with `publish build --theme {path}`; edit `theme.yaml` (options) and `extra.css` (styles); copy any file of `{extends}` (for example `templates/title_block.html`) to the same place here to override it.
"""


def files(name: str, extends: str, path: str | None = None) -> dict[str, str]:
    """Relative path -> text of each file of the new theme."""
    values = {"name": name, "extends": extends, "path": path or name}
    return {
        "theme.yaml": MANIFEST_TEMPLATE.format(**values),
        "extra.css": EXTRA_CSS,
        "README.md": README.format(**values),
    }


_THEME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def is_shipped_themes_folder(folder: Path) -> bool:
    """Whether a folder is where publish's own themes live: inside the installed package, or the
    ``themes/`` of a publish source checkout (which the package is built from)."""
    from .files import bundled_themes_dir

    resolved = folder.resolve()
    if resolved == bundled_themes_dir().resolve():
        return True
    checkout = resolved.parent
    pyproject = checkout / "pyproject.toml"
    try:
        declares = 'name = "publish"' in pyproject.read_text("utf-8")
    except OSError:
        return False
    return resolved.name == "themes" and declares and (checkout / "publish" / "__init__.py").is_file()


def create(name: str, parent_dir: Path, extends: str = "default") -> Path:
    """Create the theme folder PARENT_DIR/NAME; refuse to touch one that already exists."""
    if not _THEME_NAME.match(name):
        raise ThemeError(f"'{name}' is not a usable theme name: use letters, digits, '-' and '_'", name)
    if is_shipped_themes_folder(parent_dir):
        raise ThemeError(
            "this is publish's own shipped themes folder: a theme made here would be installed with publish "
            "and break its tests; create it in your project instead (for example --dir my-themes, or run "
            "the command from your project's folder)", parent_dir)
    folder = parent_dir / name
    if folder.exists() or folder.is_symlink():
        raise ThemeError("already exists; choose another name or remove it first", folder)
    shown = name if parent_dir.name == "themes" else str(folder)
    try:
        folder.mkdir(parents=True)
        for relative, text in files(name, extends, shown).items():
            with open(folder / relative, "x", encoding="utf-8") as handle:
                handle.write(text)
    except OSError as exc:
        raise ThemeError(f"cannot create the theme: {exc.strerror}", folder) from None
    return folder
