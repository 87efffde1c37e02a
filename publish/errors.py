"""The one error family: every expected failure is a PublishError with a path and line."""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator


class PublishError(Exception):
    """An error the user can fix; rendered as ``path:line: message``."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled whole (path and line too), so that an error raised in a worker process arrives intact
        return (type(self), (self.message, self.path, self.line))

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
    """An output lost text or metadata that the article has; ``report`` is the verification's table."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None, report: object = None) -> None:
        super().__init__(message, path, line)
        self.report = report


class SeveralErrors(SourceError):
    """Several problems found in one pass (e.g. every bad field of a front matter), reported together,
    one ``path:line: message`` line each, so that one run shows them all."""

    def __init__(self, errors: list[PublishError]) -> None:
        first = errors[0]
        super().__init__(first.message, first.path, first.line)
        self.errors = list(errors)

    def __str__(self) -> str:
        return "\n".join(PublishError.__str__(e) for e in self.errors)

    def __reduce__(self) -> tuple[Any, ...]:
        return (SeveralErrors, (self.errors,))


class ArticlesFailed(PublishError):
    """Some articles of a build of several failed; the others were built. ``errors`` by source,
    ``total`` the articles of the build, ``outputs`` what was built (or found up to date)."""

    def __init__(self, errors: dict[Path, PublishError], total: int, outputs: list[Any] | None = None) -> None:
        first = next(iter(errors.values()))
        super().__init__(first.message, first.path, first.line)
        self.errors = dict(errors)
        self.total = total
        self.outputs = list(outputs or [])

    def __str__(self) -> str:
        lines = [_with_path(source, error) for source, error in self.errors.items()]
        built = self.total - len(self.errors)
        lines.append(f"{len(self.errors)} of {self.total} articles failed and were left as they were; "
                     f"the other {built} {'was' if built == 1 else 'were'} built")
        return "\n".join(lines)

    def __reduce__(self) -> tuple[Any, ...]:
        return (ArticlesFailed, (self.errors, self.total, self.outputs))


def _with_path(source: Path, error: PublishError) -> str:
    """An article's error as ``path:line: message``, naming the article when the error names no file."""
    text = str(error)
    return text if error.path else f"{source}: {text}"


def raise_all(errors: list[PublishError]) -> None:
    """Raise the collected errors, if any: one as itself, several as one SeveralErrors."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise SeveralErrors(errors)


_logger = logging.getLogger("publish")


class Terminated(KeyboardInterrupt):
    """SIGTERM (a cancelled CI job, ``timeout``, ``kill``): it stops a run as Ctrl-C does, cleaning
    up on its way out, so that no temporary file is left and the previous outputs stay."""


@dataclass(frozen=True)
class Notice:
    """Something the user should know that does not stop the build: a ``warning`` (``--strict``
    makes it an error) or a ``note`` (how something was read, e.g. an alias; never an error)."""

    message: str
    path: str | None = None
    line: int | None = None
    level: str = "warning"

    def __str__(self) -> str:
        return str(PublishError(f"{self.level}: {self.message}", self.path, self.line))

    def as_error(self) -> PublishError:
        return SourceError(f"{self.message} (an error with --strict)", self.path, self.line)


class WarningLog:
    """The warnings of one build (and its verification): each printed once, in order; with
    ``strict``, a warning is raised as an error instead (notes stay notes)."""

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.items: list[Notice] = []
        self._seen: set[Notice] = set()

    def add(self, warnings: list[Notice]) -> None:
        fresh = [w for w in dict.fromkeys(warnings) if w not in self._seen]
        if self.strict:
            errors = [w.as_error() for w in fresh if w.level == "warning"]
            fresh = [w for w in fresh if w.level != "warning"]
        else:
            errors = []
        for item in fresh:
            self._seen.add(item)
            self.items.append(item)
            _emit(item)
        raise_all(errors)


def _emit(item: Notice) -> None:
    _logger.log(logging.WARNING if item.level == "warning" else logging.INFO, "%s", item)


#: The log of the build in progress; None outside a build (then every warning is printed as it comes).
_current: WarningLog | None = None


@contextmanager
def collecting(strict: bool = False) -> Iterator[WarningLog]:
    """Collect (and print once) the warnings of what runs inside; a nested call joins the outer
    log, which becomes strict if either asks for it."""
    global _current
    if _current is not None:
        outer_strict = _current.strict
        _current.strict = outer_strict or strict
        try:
            yield _current
        finally:
            _current.strict = outer_strict
        return
    _current = WarningLog(strict)
    try:
        yield _current
    finally:
        _current = None


def set_strict(strict: bool) -> None:
    """Make this process's warnings errors (a worker process of a strict build)."""
    global _current
    if strict:
        _current = _current or WarningLog()
        _current.strict = True


def warn_all(warnings: list[Notice]) -> None:
    """Print several warnings at once; with ``--strict``, raise all of them as one error."""
    if _current is not None:
        _current.add(warnings)
    else:
        for item in dict.fromkeys(warnings):
            _emit(item)


def warn(message: str, path: str | Path | None = None, line: int | None = None, *, note: bool = False) -> None:
    """Report something the user should fix that does not stop the build (``path:line: warning: ...``);
    a ``note`` says how something was read (``path:line: note: ...``)."""
    warn_all([Notice(message, str(path) if path is not None else None, line, "note" if note else "warning")])
