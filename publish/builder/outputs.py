"""Where a build puts what it makes: the default article and output folder, each format's output
path, the checks that every target is a file publish may replace, and the lock on the output folder."""
from __future__ import annotations

import errno
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import OutputError

DEFAULT_SOURCE = Path("source/article.md")
DEFAULT_OUT = Path("dist")


def output_path(source: Path, fmt: str, out: Path, options: dict[str, Any] | None = None) -> Path:
    """Where a source's output of a format goes: ``OUT/<stem>.<ext>``, or with the
    ``web_folder`` option the web edition's ``OUT/<stem>/index.html`` (its assets beside it)."""
    if fmt == "html" and options and options.get("web_folder"):
        return out / source.stem / "index.html"
    return out / f"{source.stem}.{fmt}"


def check_stem(source: Path) -> None:
    """Refuse an article whose name would put its outputs outside the output folder: a stem of
    ``.`` or ``..`` (``...md`` is ``..`` and ``.md``), or an empty one."""
    stem = source.stem
    if stem in ("", ".", "..") or "/" in stem or "\\" in stem:
        raise OutputError(f"the article's name '{source.name}' would put its outputs outside the output folder "
                          f"(as '{stem}.pdf'); rename it, e.g. to 'article.md'", source)


def check_targets(targets: Iterable[Path], keep: Iterable[Path] = ()) -> None:
    """Before anything is rendered or replaced: every target is a file publish may replace (not a
    folder, not behind a file where a folder must be), and none is a file the build reads (the
    article itself, one of its images), so a clash stops the build with nothing changed."""
    kept = {_resolved(p) for p in keep}
    for target in targets:
        if _resolved(target) in kept:
            raise OutputError("is both a file this build reads and one it would write; choose another --out", target)
        if target.is_dir() and not target.is_symlink():
            raise OutputError(f"is a folder, where publish writes the {target.suffix.lstrip('.').upper() or 'output'}; "
                              "move it away or choose another --out", target)
        for parent in target.parents:
            if parent.exists() or parent.is_symlink():
                if not parent.is_dir():
                    raise OutputError("is a file, where publish needs a folder for its outputs; move it away or choose another --out", parent)
                break


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


@contextmanager
def folder_lock(out: Path, shared: bool = False) -> Iterator[None]:
    """Hold the output folder for one build at a time: a second build into the same folder waits
    (saying so once) until the first has installed its outputs and written the manifest, so the
    two never interleave halves. The lock is an flock on the folder itself, no file in it; a
    killed build's lock goes with its process. The folder is made here if needed, and removed
    again if the build leaves it empty. ``shared``: a reader's hold (verify), which many may
    have at once and an installing build waits for."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): builds into one folder are not kept apart
        yield
        return
    if shared and not out.is_dir():  # a reader (verify) of a folder that is not there: nothing to hold
        yield
        return
    made = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise OutputError(f"cannot create the output folder: {exc.strerror}", out) from None
    forget_in_children(fd)
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX  # readers share it; an installing build holds it alone
    try:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise OutputError(f"cannot lock the output folder: {exc.strerror}", out) from None
            print(f"{out}: another build is writing here; waiting for it to finish", file=sys.stderr, flush=True)
            fcntl.flock(fd, mode)
        yield
    finally:
        closed(fd)
        os.close(fd)
        if made:
            try:
                out.rmdir()  # only if this build left it empty
            except OSError:
                pass


#: File descriptors a forked worker must not keep: the folder lock (a worker outliving its
#: parent would otherwise hold the folder for good) and the temporaries' locks.
_FORKED_AWAY: set[int] = set()


def _close_in_child() -> None:
    for fd in list(_FORKED_AWAY):
        try:
            os.close(fd)
        except OSError:
            pass
    _FORKED_AWAY.clear()


def forget_in_children(fd: int) -> None:
    """Close ``fd`` in every process forked from now on (a worker has no use for it)."""
    _FORKED_AWAY.add(fd)


def closed(fd: int) -> None:
    """``fd`` was closed here: forked workers need not close it any more."""
    _FORKED_AWAY.discard(fd)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)
