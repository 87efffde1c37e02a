"""Where a build puts what it makes: the default article and output folder, and each format's output path."""
from __future__ import annotations

from pathlib import Path
from typing import Any

DEFAULT_SOURCE = Path("source/article.md")
DEFAULT_OUT = Path("dist")


def output_path(source: Path, fmt: str, out: Path, options: dict[str, Any] | None = None) -> Path:
    """Where a source's output of a format goes: ``OUT/<stem>.<ext>``, or with the
    ``web_folder`` option the web edition's ``OUT/<stem>/index.html`` (its assets beside it)."""
    if fmt == "html" and options and options.get("web_folder"):
        return out / source.stem / "index.html"
    return out / f"{source.stem}.{fmt}"
