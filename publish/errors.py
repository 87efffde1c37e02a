"""The one error family: every expected failure is a PublishError with a path and line."""
from __future__ import annotations

import logging
from pathlib import Path


class PublishError(Exception):
    """An error the user can fix; rendered as ``path:line: message``."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class SourceError(PublishError):
    """The article (front matter, Markdown, or a file it points at) is wrong."""


class MetadataError(SourceError):
    """A front-matter field has a wrong name, type or value."""


class ThemeError(PublishError):
    """A theme is missing, malformed, or asks for something unsafe."""


class OutputError(PublishError):
    """An output could not be written."""


class VerifyError(PublishError):
    """An output lost text or metadata that the article has."""


_warnings = logging.getLogger("publish")


def warn(message: str, path: str | Path | None = None, line: int | None = None) -> None:
    """Report something the user should fix that does not stop the build (``path:line: warning: ...``)."""
    _warnings.warning("%s", str(PublishError(f"warning: {message}", path, line)))
