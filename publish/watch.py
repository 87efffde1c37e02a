"""`publish watch`: rebuild whenever a source, one of its images or the theme changes, in one warm interpreter."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

from .errors import PublishError
from .builder.manifest import Manifest
from .builder.outputs import DEFAULT_OUT, DEFAULT_SOURCE
from .builder.pipeline import Output, build, warm_up

Echo = Callable[[str], None]
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif")


def require_watchfiles() -> Any:
    """The watchfiles module, or a PublishError saying how to install it."""
    try:
        import watchfiles
    except ImportError:
        raise PublishError("publish watch needs watchfiles: pip install 'publish[watch]'") from None
    return watchfiles


class Watcher:
    """Rebuilds on relevant changes; a failing build prints its error and the watch goes on."""

    def __init__(
        self,
        sources: Iterable[str | Path] | None = None,
        out: str | Path = DEFAULT_OUT,
        theme: str | None = None,
        formats: Iterable[str] | None = None,
        project: str | Path | None = None,
        options: dict[str, Any] | None = None,
        echo: Echo = print,
        error: Echo | None = None,
        report: Callable[[Output], None] | None = None,
    ) -> None:
        self.sources = [Path(s) for s in (sources or [DEFAULT_SOURCE])]
        self.out = Path(out)
        self.theme = theme
        self.formats = list(formats) if formats else None
        self.project = Path(project or Path.cwd()).resolve()
        self.options = dict(options or {})
        self.echo = echo
        self.error = error or echo
        self.report = report
        self.files: set[Path] = set()
        self.theme_folders: list[Path] = []
        self.ok = False
        self.builds = 0

    # -- what to watch -------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute the watched files: the sources, the images the manifest lists, the theme's folders."""
        from .read.article import article_paths

        files = {s.resolve() for s in self.sources}
        for source in self.sources:  # a collection's articles are its sources too
            try:
                files.update(p.resolve() for p in article_paths(source) or [])
            except PublishError:
                pass  # the build says why the collection cannot be read
        manifest = Manifest.load(self.out)
        ours = {str(s.resolve()) for s in self.sources}
        for entry in manifest.outputs.values():
            if not isinstance(entry, dict) or entry.get("source") not in ours:
                continue
            images = entry.get("inputs", {}).get("images", {})
            project = Path(str(entry.get("project", self.project)))
            files.update((project / key).resolve() for key in images)
        self.files = files
        try:
            from .theme import load

            self.theme_folders = [folder.resolve() for folder in load(self.theme, self.project).chain]
        except PublishError:
            pass  # a broken theme: keep watching the folders it had

    def roots(self) -> list[Path]:
        """The folders to watch: those of the sources and images, and the theme's."""
        folders = {f.parent for f in self.files} | set(self.theme_folders)
        return sorted(f for f in folders if not any(other in f.parents for other in folders))

    def relevant(self, changes: Iterable[tuple[Any, str]]) -> list[Path]:
        """The changed paths that should trigger a rebuild (never the outputs themselves)."""
        out = self.out.resolve()
        found = []
        for _, name in changes:
            path = Path(name).resolve()
            if path == out or out in path.parents or path.name.endswith(".tmp"):
                continue
            in_theme = any(folder in path.parents for folder in self.theme_folders)
            # after a failed build, a new or changed image may be the fix (one that was missing)
            maybe_fix = not self.ok and path.suffix.lower() in IMAGE_SUFFIXES
            if path in self.files or in_theme or maybe_fix:
                found.append(path)
        return found

    # -- what to do ----------------------------------------------------------------
    def rebuild(self) -> bool:
        """One incremental build; returns whether it succeeded."""
        self.builds += 1
        try:
            build(self.sources, self.formats, self.theme, self.out, project=self.project, options=self.options, report=self.report)
        except PublishError as exc:
            self.error(str(exc))
            self.ok = False
        else:
            self.ok = True
        self.refresh()
        return self.ok

    def on_change(self, changes: Iterable[tuple[Any, str]]) -> bool:
        """Handle one batch of file-system changes; returns whether it rebuilt."""
        paths = self.relevant(changes)
        if not paths:
            return False
        shown = ", ".join(sorted({_short(p, self.project) for p in paths}))
        self.echo(f"changed: {shown}")
        self.rebuild()
        return True

    def run(self, stop_event: Any = None) -> None:
        """Build once, then watch until interrupted (or until ``stop_event`` is set)."""
        watchfiles = require_watchfiles()
        warm_up(self.formats)
        self.rebuild()
        while stop_event is None or not stop_event.is_set():
            roots = self.roots()
            self.echo(f"watching {', '.join(_short(r, self.project) for r in roots)} (Ctrl-C stops)")
            for changes in watchfiles.watch(*roots, stop_event=stop_event, raise_interrupt=False):
                if self.on_change(changes) and self.roots() != roots:
                    break  # a new image folder or theme: watch the new set of folders
            else:
                return


def _short(path: Path, project: Path) -> str:
    try:
        return path.relative_to(project).as_posix() or "."
    except ValueError:
        return str(path)
