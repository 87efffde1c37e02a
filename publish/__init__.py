"""publish: one Markdown article to a print PDF, an EPUB and a Word DOCX, metadata and notice intact."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

if TYPE_CHECKING:  # imported lazily at run time, to keep `import publish` and the CLI's start fast
    from .builder.pipeline import Output
    from .verifier.compare import Report

from .version import __version__

__all__ = ["build", "verify", "__version__"]


def build(
    sources: Iterable[str | Path] | None = None,
    formats: Iterable[str] | None = None,
    theme: str | Path | None = None,
    out: str | Path = "dist",
    project: str | Path | None = None,
    *,
    paper: str | None = None,
    pdf_variant: str | None = None,
    verify: bool = True,
    force: bool = False,
    strict: bool = False,
    report: Callable[[Output], None] | None = None,
) -> list[Output]:
    """Build articles into ``out/<stem>.<ext>``, as ``publish build`` does, and read every output back.

    sources: Markdown files (default ``source/article.md``). formats: any of ``pdf``, ``epub``,
    ``docx`` (default: every format). theme: a theme name or a theme folder (default ``default``).
    project: where project themes are found and what files an article may use (default: the
    nearest folder with a ``publish.yaml`` above the first article, else the working directory if
    it holds the article, else the article's folder). paper, pdf_variant: as the CLI options.
    verify: read each output back and raise :class:`publish.errors.VerifyError` if it lost text
    or metadata (default on, like the CLI). force: render outputs whose inputs did not change.
    strict: turn warnings into errors. report: called with each :class:`Output` as it is done.

    Returns one Output (source, format, path, size, seconds, unchanged) per file. Raises a
    :class:`publish.errors.PublishError` (with path and line) for anything the user can fix;
    the previous outputs are then left as they were.
    """
    from .errors import VerifyError
    from .builder.pipeline import build as run_build
    from .project import find_project

    source_list = [Path(s) for s in sources] if sources is not None else None
    folder = Path(project).resolve() if project is not None else find_project(source_list)
    options: dict[str, Any] = {"paper": paper, "pdf_variant": pdf_variant}
    results = run_build(source_list, list(formats) if formats is not None else None, theme, out, project=folder,
                        options=options, report=report, force=force, strict=strict)
    if verify:
        checked = _verify_report(source_list, out, formats, theme, folder)
        if not checked.ok:
            raise VerifyError(f"verification failed: {checked.summary()}", Path(out))
    return results


def verify(
    sources: Iterable[str | Path] | None = None,
    out: str | Path = "dist",
    formats: Iterable[str] | None = None,
    theme: str | Path | None = None,
    project: str | Path | None = None,
) -> Report:
    """Read the outputs of ``sources`` in ``out`` back and check every paragraph, metadata field
    and the notice against the articles, as ``publish verify`` does.

    theme: the theme the outputs were built with (it decides how dates and labels read).
    Returns the report: ``report.ok`` is True when nothing is missing, ``report.table()`` is the
    field x format table the CLI prints and ``report.summary()`` names what was lost. It does
    not raise for a lost field; a missing output or a broken source raises a PublishError.
    """
    from .project import find_project

    source_list = [Path(s) for s in sources] if sources is not None else None
    folder = Path(project).resolve() if project is not None else find_project(source_list)
    return _verify_report(source_list, out, formats, theme, folder)


def _verify_report(sources: list[Path] | None, out: str | Path, formats: Iterable[str] | None,
                          theme: str | Path | None, project: Path) -> Report:
    """The verify module's report, with the arguments spelled as build() and verify() take them."""
    from .builder.check import verify_outputs

    return verify_outputs(sources, out, formats=list(formats) if formats is not None else None, theme=theme, project=project)
