"""`publish verify`: the outputs a build left in a folder, read back and checked against their articles."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from ..formats.view import make_view
from ..verifier.compare import DIFFERS, FORMATS, Report, check_output


def verify_outputs(
    sources: Iterable[str | Path] | None = None,
    out: str | Path = "dist",
    formats: Iterable[str] | None = None,
    theme: str | Path | None = None,
    web_folder: bool = False,
    project: str | Path | None = None,
) -> Report:
    """Read the outputs of every source back and check them against the article.

    What was built, with which theme, from which project and where, comes from the build manifest
    in ``out``; ``formats`` and ``theme`` given here override it. Without a manifest entry, every
    format is checked with the default theme. ``web_folder``: the web edition was written as a
    folder, ``OUT/<stem>/index.html`` (the manifest knows it too); ``project`` is where a project
    theme is found (else the build's record, else the working directory)."""
    from .outputs import folder_lock

    out_dir = Path(out)
    with folder_lock(out_dir, shared=True):  # never a set half installed by a build running now
        return _verify(sources, out_dir, formats, theme, web_folder, project)


def _verify(sources: Iterable[str | Path] | None, out_dir: Path, formats: Iterable[str] | None, theme: str | Path | None,
            web_folder: bool, project: str | Path | None) -> Report:
    from .manifest import Manifest
    from .outputs import DEFAULT_SOURCE, output_path
    from ..read.article import read_document
    from ..theme import load

    paths = [Path(s) for s in (sources or [DEFAULT_SOURCE])]
    manifest = Manifest.load(out_dir)
    asked = [f for f in FORMATS if f in list(formats)] if formats else None
    report = Report(formats=list(asked or []))
    themes: dict[tuple[str | None, Path], Any] = {}
    for source in paths:
        label = f"{source.stem}: " if len(paths) > 1 else ""
        built = manifest.built(source, out_dir, {"web_folder": web_folder})  # format -> the build's record
        wanted = asked or [f for f in FORMATS if f in built] or list(FORMATS)
        doc = read_document(source)
        for fmt in wanted:
            record = built.get(fmt, {})
            spec = str(theme) if theme is not None else record.get("theme")
            folder = Path(project or record.get("project") or Path.cwd())
            if (spec, folder) not in themes:
                themes[(spec, folder)] = load(spec, folder)
            loaded = themes[(spec, folder)]
            undrawn = None
            if fmt == "pdf":
                from ..media.fonts import coverage, missing_by_line

                cover = coverage(loaded.chain)
                undrawn = missing_by_line(doc, cover) if cover is not None else None
            where = {"web_folder": web_folder or (record.get("options") or {}).get("web_folder")}
            path = output_path(source, fmt, out_dir, where)
            problems = len(report.problems)
            check_output(doc, make_view(doc, loaded.options), fmt, path, report, label, undrawn)
            if len(report.problems) == problems:  # it shows everything: is it the file the build wrote?
                _check_recorded(record, path, fmt, report, label)
    return report


def _check_recorded(record: dict[str, Any], path: Path, fmt: str, report: Report, label: str) -> None:
    """An output that is not the file the build wrote (its sha256 is not the manifest's) is an error,
    even when it shows every paragraph and field: someone or something replaced it since."""
    from .manifest import sha256_file

    wrote = record.get("output")
    if not wrote or not path.is_file():
        return
    found = sha256_file(path)
    if found != wrote:
        report.set(f"{label}file", fmt, DIFFERS, f"{path} is not the file the build wrote (its sha256 is {str(found)[:12]}…, the "
                                                 f"manifest records {str(wrote)[:12]}…); rebuild it with publish build --force")
