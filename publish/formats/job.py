"""What every writer is given: the document, its theme, the shared view, its assets and options."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..media.assets import Asset
from .view import View
from ..model import Document
from ..theme import Theme


@dataclass
class Job:
    """One document to write in one theme; writers read it and return the file's bytes."""

    doc: Document
    theme: Theme
    view: View
    assets: dict[str, Asset]
    project: Path
    options: dict[str, Any] = field(default_factory=dict)
    #: The PDF's HTML page when it was made ahead (a parallel build makes it in the parent process)
    print_page: str | None = None
    #: Characters no font can draw, by source line (found while making the print page; the PDF's read-back reports them)
    undrawn: dict[int | None, list[str]] = field(default_factory=dict)
    #: Where the build keeps font subsets between builds (font_embed.set_cache_folder); None: none
    font_cache: Path | None = None
    #: Where the build keeps parsed hyphenation patterns between builds (hyphenation.preload); None: none
    hyphenation_cache: Path | None = None
