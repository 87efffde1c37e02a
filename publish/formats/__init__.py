"""Formats: a Document in a theme -> each output's bytes, and each output read back.

One package per format, its writer (``write``) and its read-back (``read``) side by side:
``pdf``, ``epub``, ``docx``, ``web``. Shared by them: ``job`` (what every writer is given),
``view`` (what every format shows of the metadata), ``html`` (the body as HTML, which the PDF,
EPUB and web page reuse), ``page`` (the themed article page), ``zipfiles`` (reproducible
containers) and ``readback`` (what a read-back returns). This module holds the two registries,
WRITERS and READ_BACKS: one line a format.
May import: ``publish.errors``, ``publish.model``, ``publish.theme``, ``publish.media``,
``publish.read``; never ``publish.verifier`` or ``publish.builder``. A format's library (WeasyPrint, ebooklib,
python-docx) is imported by its own package only.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from pathlib import Path

    from .readback import Extracted

#: Each format's writer (``write(job) -> bytes``), in the order a build starts them (the slowest
#: first). A new format adds its line here and in READ_BACKS.
WRITERS: dict[str, str] = {
    "pdf": "publish.formats.pdf.write",
    "epub": "publish.formats.epub.output",
    "docx": "publish.formats.docx.output",
    "html": "publish.formats.web.write",
}

#: Each format's read-back (beside its writer): ``read_back(path) -> Extracted``.
READ_BACKS: dict[str, str] = {
    "pdf": "publish.formats.pdf.read",
    "epub": "publish.formats.epub.read",
    "docx": "publish.formats.docx.read",
    "html": "publish.formats.web.read",
}


def reader(fmt: str) -> Callable[[Path], Extracted]:
    """The read-back function of a format."""
    return importlib.import_module(READ_BACKS[fmt]).read_back  # type: ignore[no-any-return]
