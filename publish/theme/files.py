"""Where themes are and what a theme folder holds: the manifest's name, the files every theme
chain must provide, the bundled themes' folder and the folders searched for a theme by name."""
from __future__ import annotations

from pathlib import Path

DEFAULT_THEME = "default"
MANIFEST = "theme.yaml"
REFERENCE_DOCX = "docx/reference.docx"
#: Templates every theme chain must provide (a child may inherit them).
REQUIRED_TEMPLATES = ("article.html", "title_block.html", "end_matter.html", "web.html")
REQUIRED_CSS = ("css/print.css", "css/epub.css", "css/web.css")


def bundled_themes_dir() -> Path:
    """Where the themes shipped with publish live (inside the installed package)."""
    here = Path(__file__).resolve().parent.parent  # the publish package (this file is publish/theme/files.py)
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


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` is ``root`` or lies inside it (both resolved)."""
    return path == root or root in path.parents
