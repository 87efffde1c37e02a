"""The pipeline: read each article once, load the theme once, write every format, replace outputs atomically."""
from __future__ import annotations

import importlib
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from . import assets as assets_mod
from .context import make_view
from .errors import OutputError
from .job import Job
from .reader import read_document
from .themes import Theme, load

#: Output formats in the order they are written (the slowest first), and their writer modules.
FORMATS: dict[str, str] = {
    "pdf": "publish.writers.pdf",
    "epub": "publish.writers.epub",
    "docx": "publish.writers.docx",
}
DEFAULT_SOURCE = Path("source/article.md")
DEFAULT_OUT = Path("dist")


@dataclass
class Output:
    """One file written by a build."""

    source: Path
    format: str
    path: Path
    size: int
    seconds: float


def output_path(source: Path, fmt: str, out: Path) -> Path:
    """Where a source's output of a format goes: ``OUT/<stem>.<ext>``."""
    return out / f"{source.stem}.{fmt}"


def prepare(source: Path, theme: Theme, project: Path, options: dict[str, Any] | None = None) -> Job:
    """Read an article and everything it needs, ready for any writer."""
    doc = read_document(source)
    found = assets_mod.collect(doc, project)
    return Job(doc=doc, theme=theme, view=make_view(doc, theme.options), assets=found, project=project, options=dict(options or {}))


def render(job: Job, fmt: str) -> bytes:
    """One format's bytes for a prepared job."""
    module = importlib.import_module(FORMATS[fmt])
    return module.write(job)


def _write_temp(target: Path, data: bytes) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return Path(name)


def build(
    sources: Iterable[str | Path] | None = None,
    formats: Iterable[str] | None = None,
    theme: str | Path | Theme | None = None,
    out: str | Path = DEFAULT_OUT,
    project: str | Path | None = None,
    options: dict[str, Any] | None = None,
    report: Callable[[Output], None] | None = None,
) -> list[Output]:
    """Build every source in every format; outputs appear only if every one of them succeeded."""
    project_dir = Path(project or Path.cwd()).resolve()
    source_paths = [Path(s) for s in (sources or [DEFAULT_SOURCE])]
    wanted = list(formats or FORMATS)
    for fmt in wanted:
        if fmt not in FORMATS:
            raise OutputError(f"unknown format '{fmt}'; choose from {', '.join(FORMATS)}")
    ordered = [f for f in FORMATS if f in wanted]
    loaded = theme if isinstance(theme, Theme) else load(str(theme) if theme else None, project_dir)
    if options and options.get("paper"):
        loaded.options["paper"] = options["paper"]
    jobs = [prepare(source, loaded, project_dir, options) for source in source_paths]
    out_dir = Path(out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder: {exc.strerror}", out_dir) from None
    pending: list[tuple[Path, Path, Output]] = []
    try:
        for job in jobs:
            for fmt in ordered:
                started = time.perf_counter()
                data = render(job, fmt)
                target = output_path(job.doc.path, fmt, out_dir)
                temp = _write_temp(target, data)
                result = Output(job.doc.path, fmt, target, len(data), time.perf_counter() - started)
                pending.append((temp, target, result))
        for temp, target, _ in pending:
            os.replace(temp, target)
    finally:
        for temp, _, _ in pending:
            if temp.exists():
                temp.unlink()
    results = [result for _, _, result in pending]
    if report:
        for result in results:
            report(result)
    return results
