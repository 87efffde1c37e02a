"""The command line: thin click commands that turn flags into calls of build() and verify()."""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

import click

from .version import __version__
from .errors import PublishError, Terminated

FORMAT_CHOICES = ("pdf", "epub", "docx", "html")


def _human(size: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if size < 1024 or unit == "MiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def _run(ctx: click.Context, action: Callable[[], Any]) -> Any:
    """Run a command; a PublishError becomes `path:line: message` and exit 1."""
    try:
        return action()
    except PublishError as exc:
        if ctx.obj.get("debug"):
            raise
        click.echo(f"{exc}", err=True)
        sys.exit(1)
    except OSError as exc:  # a full disk or a vanished folder outside the build's own checks: one line
        if ctx.obj.get("debug"):
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"{where}{exc.strerror or exc}; the previous outputs are unchanged", err=True)
        sys.exit(1)
    except MemoryError:
        if ctx.obj.get("debug"):
            raise
        click.echo("out of memory; the previous outputs are unchanged (build one format at a time: --format pdf)", err=True)
        sys.exit(1)
    except KeyboardInterrupt as exc:
        stopped = "terminated" if isinstance(exc, Terminated) else "interrupted"
        if getattr(exc, "replaced", False):  # it came while the new outputs were put in place: they are
            click.echo(f"{stopped} once the new outputs were in place", err=True)
        else:
            click.echo(f"{stopped}; the previous outputs are unchanged", err=True)
        sys.exit(143 if isinstance(exc, Terminated) else 130)


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated()


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(dict)
        ctx.obj["debug"] = True  # one dict, shared by the group and its commands


def debug_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--debug`` on a subcommand too: ``publish build --debug`` as well as ``publish --debug build``."""
    return click.option("--debug", is_flag=True, expose_value=False, callback=_set_debug,
                        help="Show the full traceback of an error.")(command)


def project_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--project DIR``: where project themes are found and what files an article may use."""
    return click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="Project folder (themes, allowed files); default: the nearest folder with a publish.yaml "
                             "above the article, else the working directory if it holds the article, else the article's folder.")(command)


def _choice(*choices: str) -> click.Choice:
    """A choice that takes any case (``--format PDF``, ``--paper A4``) and gives the canonical spelling."""
    return click.Choice(choices, case_sensitive=False)


def _project(project: Path | None, sources: tuple[Path, ...]) -> Path:
    from .project import find_project

    return project.resolve() if project is not None else find_project(list(sources) or None)


def _expand(sources: tuple[Path, ...]) -> tuple[Path, ...]:
    """The articles named: each SOURCE as given, or, for a pattern no file is named like, the files
    it matches (``**`` for any depth of folders), sorted."""
    import glob

    found: list[Path] = []
    for source in sources:
        text = str(source)
        if any(c in text for c in "*?[") and not source.exists():
            matches = sorted(Path(m) for m in glob.glob(text, recursive=True) if Path(m).is_file())
            if not matches:
                raise PublishError(f"no article matches '{text}'")
            found.extend(matches)
        else:
            found.append(source)
    return tuple(dict.fromkeys(found))


def _progress_printer() -> Callable[[Any], None]:
    """Show an archive build's progress: a bar with counts, rate and time left on a terminal, a
    plain line at each step otherwise (a log, CI)."""
    bar: list[Any] = []

    def show(state: Any) -> None:
        finished = state.done + state.failed
        if sys.stderr.isatty():
            if not bar:
                from tqdm import tqdm

                bar.append(tqdm(total=state.total, unit="article", file=sys.stderr, leave=False, dynamic_ncols=True))
            bar[0].n = finished
            bar[0].set_postfix_str(f"{state.failed} failed" if state.failed else "", refresh=True)
            if finished >= state.total:
                bar[0].close()
            return
        left = state.seconds_left
        eta = f", about {left:.0f} s left" if left is not None and finished < state.total else ""
        failed = f" ({state.failed} failed)" if state.failed else ""
        click.echo(f"{finished}/{state.total} articles{failed}, {state.rate:.1f}/s{eta}", err=True)

    return show


def _warn_theme_switch(sources: tuple[Path, ...], formats: tuple[str, ...], theme: str | None, out: Path,
                       project: Path) -> None:
    """Warn when this build replaces outputs the folder holds from another theme (the manifest knows)."""
    from . import theme as themes_mod
    from .errors import warn
    from .builder.manifest import Manifest
    from .builder.outputs import DEFAULT_SOURCE
    from .builder.pipeline import FORMATS

    manifest = Manifest.load(out)
    if not manifest.outputs:
        return
    try:
        new = themes_mod.load(theme, project, check=False).chain[0].name
    except PublishError:
        return  # the build itself reports the theme's problem
    for source in list(sources) or [DEFAULT_SOURCE]:
        for fmt in formats or FORMATS:
            target = out / f"{Path(source).stem}.{fmt}"
            old = manifest.theme_of(target.name)
            if old is not None and old != new and target.exists():
                warn(f"replaces {target.name}, built with the theme '{old}', by one in the theme '{new}'; "
                     f"give --out another folder (e.g. --out {out}/{new}) to keep both", target)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="publish")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error (also accepted after the command).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn a Markdown article into a print PDF, an EPUB, a Word DOCX and a web page, metadata and notice intact."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)  # cleaned up like Ctrl-C: no .tmp file left behind
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # __main__ held it quiet while importing
            signal.signal(signal.SIGINT, signal.default_int_handler)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("publish")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("dist"), show_default=True, help="Output folder.")
@click.option("--format", "-f", "formats", multiple=True, type=_choice(*FORMAT_CHOICES), help="Format to build (repeatable); default: all.")
@click.option("--theme", "-t", default=None, help="Theme name or path to a theme folder; default: default.")
@click.option("--paper", type=_choice("a4", "letter"), default=None, help="Paper size for the PDF and DOCX (overrides the theme).")
@click.option("--pdf-variant", default=None, help="A WeasyPrint PDF variant such as pdf/a-3b or pdf/ua-1.")
@click.option("--web-folder", is_flag=True, help="Write the web edition as OUT/<stem>/index.html with its assets beside it, not one file.")
@click.option("--verify/--no-verify", default=True, show_default=True,
              help="Read each output back before it replaces the old one, and replace nothing if any lost text or metadata.")
@click.option("--force", is_flag=True, help="Render every output, even those whose inputs have not changed.")
@click.option("--strict", is_flag=True, help="Treat every warning as an error: exit 1 and leave the outputs as they were.")
@click.option("--executor", default="local", show_default=True, metavar="local|dask|dask://HOST:PORT",
              help="Where many articles are built: this machine's worker pool, a Dask LocalCluster (one process a core), "
                   "or a running Dask scheduler (pip install 'publish[dask]').")
@click.option("--fail-fast", is_flag=True, help="With several articles, stop at the first that fails (by default the others are built).")
@project_option
@debug_option
@click.pass_context
def build(ctx: click.Context, sources: tuple[Path, ...], out: Path, formats: tuple[str, ...], theme: str | None,
          paper: str | None, pdf_variant: str | None, web_folder: bool, verify: bool, force: bool, strict: bool,
          executor: str, fail_fast: bool, project: Path | None) -> None:
    """Build SOURCES (default: source/article.md) into OUT/<stem>.<ext>.

    A SOURCE may be a pattern (quoted, so that the shell leaves it): 'archive/**/*.md'."""
    from .builder.pipeline import Output
    from .builder.pipeline import build as run_build

    def report(result: Output) -> None:
        if result.unchanged:
            click.echo(f"unchanged {result.path}")
        else:
            checked = f" (read back {result.verify_seconds:.2f}s)" if result.verified else ""
            click.echo(f"wrote {result.path}  {_human(result.size)}  {result.seconds:.2f}s{checked}")

    def action() -> None:
        from .errors import collecting

        with collecting(strict):  # one log for the build and its verification: each warning printed once
            checked()

    def checked() -> None:
        from .errors import VerifyError

        started = time.perf_counter()
        options: dict[str, Any] = {"pdf_variant": pdf_variant, "paper": paper, "web_folder": web_folder or None}
        articles = _expand(sources)
        folder = _project(project, articles)
        if ctx.get_parameter_source("out") == click.core.ParameterSource.DEFAULT:
            _warn_theme_switch(articles, formats, theme, out, folder)
        try:
            if len(articles) > 1 or executor != "local":
                from .builder.archive import build_archive

                results = build_archive(list(articles) or None, executor=executor, fail_fast=fail_fast,
                                        progress=_progress_printer(), report=report, formats=list(formats) or None,
                                        theme=theme, out=out, project=folder, options=options, force=force,
                                        strict=strict, verify=verify)
            else:
                results = run_build(list(articles) or None, list(formats) or None, theme, out, project=folder, options=options,
                                    report=report, force=force, strict=strict, verify=verify)
        except VerifyError as exc:
            if exc.report is not None:
                click.echo(exc.report.table(), err=True)  # type: ignore[attr-defined]
            raise
        if verify:
            fresh = sum(1 for r in results if not r.unchanged)
            click.echo(f"verified {fresh} file(s): every field and paragraph found" if fresh
                       else "nothing new to verify: every output is the file verified when it was built")
        click.echo(f"done in {time.perf_counter() - started:.2f}s")

    _run(ctx, action)


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("dist"), show_default=True, help="Output folder.")
@click.option("--format", "-f", "formats", multiple=True, type=_choice(*FORMAT_CHOICES), help="Format to build (repeatable); default: all.")
@click.option("--theme", "-t", default=None, help="Theme name or path to a theme folder; default: default.")
@project_option
@debug_option
@click.pass_context
def watch(ctx: click.Context, sources: tuple[Path, ...], out: Path, formats: tuple[str, ...], theme: str | None,
          project: Path | None) -> None:
    """Build SOURCES, then rebuild on every change of a source, its images or the theme (Ctrl-C stops)."""
    from .builder.pipeline import Output
    from .watch import Watcher

    def report(result: Output) -> None:
        if result.unchanged:
            click.echo(f"unchanged {result.path}")
        else:
            click.echo(f"wrote {result.path}  {_human(result.size)}  {result.seconds:.2f}s")

    def error(message: str) -> None:
        click.echo(message, err=True)

    _run(ctx, lambda: Watcher(list(sources) or None, out, theme, list(formats) or None, project=_project(project, sources),
                              echo=click.echo, error=error, report=report).run())


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("dist"), show_default=True, help="Folder of the outputs to check.")
@click.option("--format", "-f", "formats", multiple=True, type=_choice(*FORMAT_CHOICES), help="Format to check (repeatable); default: all.")
@click.option("--theme", "-t", default=None, help="Check against this theme (default: the one the build manifest records).")
@click.option("--web-folder", is_flag=True, help="The web edition was built with --web-folder (check OUT/<stem>/index.html).")
@project_option
@debug_option
@click.pass_context
def verify(ctx: click.Context, sources: tuple[Path, ...], out: Path, formats: tuple[str, ...], theme: str | None,
           web_folder: bool, project: Path | None) -> None:
    """Read the outputs back and check every paragraph, metadata field and the notice
    (the formats, theme and options the build recorded, unless given)."""
    from .builder.check import verify_outputs

    def action() -> None:
        result = verify_outputs(list(sources) or None, out, formats=list(formats) or None, theme=theme,
                                web_folder=web_folder, project=_project(project, sources))
        click.echo(result.table())
        if not result.ok:
            raise PublishError(f"verification failed: {result.summary()}")

    _run(ctx, action)


@main.command()
@debug_option
@click.pass_context
def themes(ctx: click.Context) -> None:
    """List the available themes: one line each, name first, then description."""
    from . import theme as themes_mod

    def action() -> None:
        found = themes_mod.available(Path.cwd())
        width = max((len(name) for name in found), default=0)
        for name, folder in sorted(found.items()):
            try:
                description = themes_mod.load(str(folder), Path.cwd()).description
            except PublishError as exc:
                description = f"(broken: {exc})"
            click.echo(f"{name:<{width}}  {description}".rstrip())

    _run(ctx, action)


@main.group()
@debug_option
def theme() -> None:
    """Create and manage user themes."""


@theme.command("new")
@click.argument("name")
@click.option("--dir", "parent_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("themes"), show_default=True,
              help="Folder to create the theme in.")
@click.option("--extends", "parent", default="default", show_default=True, help="Theme the new one extends.")
@debug_option
@click.pass_context
def theme_new(ctx: click.Context, name: str, parent_dir: Path, parent: str) -> None:
    """Create a user theme NAME (theme.yaml, extra.css, README.md) that extends another; never overwrites."""
    from . import theme as themes_mod
    from .theme.scaffold import create

    def action() -> None:
        themes_mod.resolve(parent, Path.cwd())
        folder = create(name, parent_dir, parent)
        shown = name if parent_dir.resolve() == (Path.cwd() / "themes").resolve() else str(folder)
        click.echo(f"created {folder}: theme.yaml, extra.css, README.md")
        click.echo(f"build with: publish build --theme {shown}")

    _run(ctx, action)


@main.command("import")
@click.argument("edited", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--into", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the edited source here instead of over the source the copy was made from.")
@click.option("--dry-run", is_flag=True, help="Print the change as a unified diff; write nothing.")
@click.option("--track-changes", type=_choice("accept", "reject", "keep"), default="accept", show_default=True,
              help="Take the copy's tracked changes (accept), leave them out (reject), or keep them and its comments "
                   "in the source as CriticMarkup (keep).")
@click.option("--accept-notice-changes", is_flag=True,
              help="Take edits to the rights notice, the source, the credits and the contact (refused otherwise).")
@click.option("--force", is_flag=True, help="A Word file publish did not write: replace the article --into names if it exists.")
@project_option
@debug_option
@click.pass_context
def import_(ctx: click.Context, edited: Path, into: Path | None, dry_run: bool, track_changes: str,
            accept_notice_changes: bool, force: bool, project: Path | None) -> None:
    """Take the edits of a Word copy publish wrote (saved by Word or LibreOffice) back into its Markdown source,
    or make a new article (--into) from any other Word file."""

    def action() -> None:
        from .importer.docx import import_docx
        from .importer.foreign import import_foreign, written_by_publish
        from .project import find_project

        if not edited.is_file():
            raise PublishError("no such file: give the Word copy that `publish build` made", edited)
        if not written_by_publish(edited):
            made = import_foreign(edited, into, track_changes.lower(), force, dry_run)
            for note in made.notes:
                click.echo(f"{edited}: warning: {note}", err=True)
            click.echo(made.text if dry_run else f"wrote {made.source}" + (f" and {len(made.images)} picture{'s' if len(made.images) > 1 else ''}" if made.images else ""),
                       nl=not dry_run)
            return
        folder = project.resolve() if project is not None else find_project(None)
        result = import_docx(edited, folder, into, dry_run, track_changes.lower(), accept_notice_changes)
        for note in result.notes:
            click.echo(f"{edited}: {note}" if not note.startswith(str(result.source)) else note, err=True)
        if dry_run:
            click.echo(result.diff(), nl=False)
        elif result.after == result.before and into is None:
            click.echo(f"{result.source}: unchanged (the Word copy has no edits to take)")
        else:
            click.echo(f"wrote {result.source}")
        if result.review is not None:
            click.echo(f"{result.review[0]}: not written (--dry-run)" if dry_run else f"wrote {result.review[0]} (the copy's comments)",
                       err=dry_run)

    _run(ctx, action)


def run() -> None:
    """The ``publish`` command: main(), then an exit without Python's teardown.

    Freeing every module and object one by one took 40-50 ms after a full build and 10-15 ms
    after a no-op one, and there is nothing to tear down: outputs are written and closed, worker pools
    are shut down. Streams are flushed first. An unexpected exception still ends as usual.
    """
    try:
        returned = main(standalone_mode=False)  # a command's return value (None), or --help's exit code
        code: Any = returned if isinstance(returned, int) else 0
    except SystemExit as exc:
        code = exc.code
    except click.ClickException as exc:  # a usage error: click's own message and code
        exc.show()
        code = exc.exit_code
    except click.Abort as exc:  # a signal before a command's own handler: nothing was written yet
        stopped = exc.__cause__
        if isinstance(stopped, KeyboardInterrupt):
            word = "terminated" if isinstance(stopped, Terminated) else "interrupted"
            print(f"{word}; the previous outputs are unchanged", file=sys.stderr)
            code = 143 if isinstance(stopped, Terminated) else 130
        else:
            print("Aborted!", file=sys.stderr)
            code = 1
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (publish build | head): nothing left to say
            code = code or 1
    os._exit(code)
