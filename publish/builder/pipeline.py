"""The pipeline: read each article once, load the theme once, render the stale formats (in parallel), replace outputs atomically."""
from __future__ import annotations

import gc
import importlib
import os
import re
import signal
import sys
import time
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from ..errors import ArticlesFailed, OutputError, PublishError, VerifyError, collecting, set_strict, warn
from ..formats import WRITERS as FORMATS
from ..read.collection import fingerprint
from .manifest import Inputs, Manifest, environment, options_digest, sha256_bytes, theme_digests, versions
from .outputs import DEFAULT_OUT, DEFAULT_SOURCE, check_stem, check_targets, closed, folder_lock, forget_in_children, output_path

if TYPE_CHECKING:
    from ..formats.job import Job
    from ..theme import Theme
    from .workers import Lanes


@dataclass
class Output:
    """One output of a build: written now, or left as it was because nothing it depends on changed."""

    source: Path
    format: str
    path: Path
    size: int
    seconds: float
    unchanged: bool = False
    #: read back and compared with the article (now, or when it was built, for an unchanged one)
    verified: bool = False
    verify_seconds: float = 0.0


@dataclass
class _Task:
    """One format of one prepared job, rendered into a temporary file beside its target."""

    index: int
    format: str
    target: Path
    temp: Path
    size: int = 0
    sha: str = ""
    seconds: float = 0.0
    #: the read-back's report cells and notes (empty without verification)
    cells: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    verify_seconds: float = 0.0


def prepare(source: Path, theme: Theme, project: Path, options: dict[str, Any] | None = None) -> Job:
    """Read an article and everything it needs, ready for any writer."""
    from ..media import assets as assets_mod
    from ..formats.view import make_view
    from ..formats.job import Job
    from ..read.article import read_document

    doc = read_document(source, project)
    found = assets_mod.collect(doc, project)
    return Job(doc=doc, theme=theme, view=make_view(doc, theme.options), assets=found, project=project, options=dict(options or {}))


def render(job: Job, fmt: str) -> bytes:
    """One format's bytes for a prepared job."""
    module = importlib.import_module(FORMATS[fmt])
    return module.write(job)


def warm_up(formats: Iterable[str] | None = None) -> None:
    """Import the writers now, so that later builds (and the workers they fork) start warm; used by `watch`."""
    for fmt in formats or FORMATS:
        importlib.import_module(FORMATS[fmt])


def cpu_count() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


#: The project's cache of font subsets (see font_embed.CACHE_FOLDER), kept from build to build
#: since an article's characters seldom change from one edit to the next; outside the output
#: folder, which a failed build leaves byte-identical and which is what gets published.
FONT_CACHE = Path(".cache") / "publish" / "fonts"
#: The project's cache of parsed hyphenation patterns (hyphenation.preload), beside the fonts'.
HYPHENATION_CACHE = FONT_CACHE.parent / "hyphenation"


#: The temporary files this process is writing, each held open with an exclusive flock: a build
#: killed by any signal (kill -9 too) loses its locks with its life, so the next build of the
#: same output can tell its leftovers from a running build's files.
_HELD: dict[Path, int] = {}


def _new_temp(target: Path) -> Path:
    """An empty temporary file beside ``target``, with the mode a normal file gets (the umask
    applies), held locked until release_temp; the leftovers of killed builds of ``target`` go first."""
    remove_stale_temps(target)
    while True:
        temp = target.with_name(f".{target.name}.{os.urandom(4).hex()}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"cannot write in the output folder: {exc.strerror}", target.parent) from None
        if _lock(fd):
            _HELD[temp] = fd
            forget_in_children(fd)
        else:
            os.close(fd)
        return temp


def _lock(fd: int) -> bool:
    """Take an exclusive flock on an open file at once; False where locks are not to be had."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): leftovers are not told apart, so none is removed
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def release_temp(temp: Path) -> None:
    """Let go of a temporary file's lock (after it was installed or removed)."""
    fd = _HELD.pop(temp, None)
    if fd is not None:
        closed(fd)
        os.close(fd)


def remove_stale_temps(target: Path) -> None:
    """Remove the temporary files (and side-file folders) that builds of ``target`` left behind when
    they were killed: those no living process holds locked. A running build's are left alone."""
    import shutil

    try:
        import fcntl  # noqa: F401
    except ImportError:
        return
    try:
        leftovers = sorted(target.parent.glob(f".{target.name}.*.tmp"))
        folders = sorted(target.parent.glob(f".{target.name}.*.tmp.files"))
    except OSError:
        return
    for temp in leftovers:
        if temp in _HELD or temp.is_symlink() or not temp.is_file():
            continue
        try:
            fd = os.open(temp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            if _lock(fd):  # nobody holds it: its build is gone
                temp.unlink(missing_ok=True)
        finally:
            os.close(fd)
    for folder in folders:
        owner = folder.with_name(folder.name[: -len(".files")])
        if owner not in _HELD and not owner.exists() and folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Let a writer allocate without Python's cyclic GC rescanning the heap again and again.

    WeasyPrint builds millions of boxes; with the default thresholds the full collections it
    triggers cost a fifth of a book's PDF time (118.9 s against 97.5 s for 150,000 words, for
    ~70 MiB more peak memory). Objects that exist before rendering (the parsed document) are
    frozen out of collection, which also keeps a forked worker from copying the pages they sit on.
    """
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def side_files_dir(temp: Path) -> Path:
    """Where a page written as a folder keeps its assets until it replaces the old page."""
    return temp.with_name(temp.name + ".files")


#: What rendering one task returns: size, sha256, seconds, and the read-back's cells, notes and seconds.
Rendered = tuple[int, str, float, list[Any], list[str], float]


#: The longest one format of one article may take, rendered and read back (seconds; the
#: PUBLISH_FORMAT_SECONDS environment variable sets it): past it the build stops with an error
#: naming the format, instead of never ending. A 171,000-word book's PDF takes about 40 s.
FORMAT_SECONDS = float(os.environ.get("PUBLISH_FORMAT_SECONDS", "900") or 900)


class _Stuck(BaseException):
    """The watchdog's alarm: a BaseException, so that no writer's ``except Exception`` keeps it."""


@contextmanager
def _watchdog(fmt: str, source: Path) -> Iterator[None]:
    """Stop a format that runs past FORMAT_SECONDS with an OutputError naming it (in the process's
    main thread, where the alarm signal is delivered; elsewhere it only runs)."""
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    started = time.monotonic()
    fired = []

    def expired(signum: int, frame: Any) -> None:
        elapsed = time.monotonic() - started
        if elapsed >= FORMAT_SECONDS - 0.01:
            raise _Stuck()
        fired.append(True)  # an alarm someone else had set (a test runner's timeout) is theirs
        signal.setitimer(signal.ITIMER_REAL, FORMAT_SECONDS - elapsed)
        if callable(previous):
            previous(signum, frame)

    previous = signal.signal(signal.SIGALRM, expired)
    # an alarm already set keeps its time: ours comes at the earlier of the two
    their_delay, their_interval = signal.getitimer(signal.ITIMER_REAL)
    signal.setitimer(signal.ITIMER_REAL, min(FORMAT_SECONDS, their_delay) if their_delay else FORMAT_SECONDS)
    try:
        yield
    except _Stuck:
        raise OutputError(f"the {fmt.upper()} did not finish in {FORMAT_SECONDS:g} s: its writer is stuck on this article "
                          "(a bug in publish: please report it with the article); nothing was replaced", source) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if their_delay and not fired:
            left = their_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), their_interval)


def _render_into(job: Job, fmt: str, temp: Path, verify: bool = False) -> Rendered:
    """Render one format into its temporary file (a web page written as a folder puts its
    assets in side_files_dir(temp)), then (with ``verify``) read it back from there and compare
    it with the article; return its size, sha256, seconds and the comparison. A format that
    runs past FORMAT_SECONDS is an OutputError (_watchdog)."""
    with _watchdog(fmt, job.doc.path):
        try:
            return _render_into_now(job, fmt, temp, verify)
        except OSError as exc:  # a full disk, a quota, a folder made read-only meanwhile: one line, not a traceback
            raise _write_error(exc, f"cannot write the {fmt.upper()}", temp.parent) from None


@contextmanager
def _stops_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the outputs are renamed into place and the manifest written,
    then act on them: a signal never leaves half the outputs old and half new. The interruption
    raised afterwards carries ``replaced = True``, so the message can say the new outputs are in."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    stops = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, lambda signum, frame: caught.append(signum)) for number in stops}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if caught:
            try:
                signal.raise_signal(caught[0])
            except KeyboardInterrupt as exc:
                exc.replaced = True  # type: ignore[attr-defined]
                raise


def _write_error(exc: OSError, what: str, folder: Path) -> OutputError:
    """An OSError met while writing outputs, as one line naming the folder (the previous outputs stay)."""
    return OutputError(f"{what}: {exc.strerror or exc}; nothing was replaced", folder)


def _render_into_now(job: Job, fmt: str, temp: Path, verify: bool) -> Rendered:
    from ..media.font_embed import set_cache_folder

    started = time.perf_counter()
    files: dict[str, bytes] = {}
    set_cache_folder(job.font_cache)
    try:
        with _fewer_collections():
            if fmt == "html" and job.options.get("web_folder"):
                from ..formats.web.write import render as render_web

                page = render_web(job, folder=True)
                data, files = page.html, page.files
            else:
                data = render(job, fmt)
        with open(temp, "wb") as handle:
            handle.write(data)
        for relative, blob in files.items():
            path = side_files_dir(temp) / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(blob)
    finally:
        set_cache_folder(None)  # a later render in this process (a test, `watch`) names its own
    seconds = time.perf_counter() - started
    cells: list[Any] = []
    notes: list[str] = []
    if verify:
        from ..verifier.compare import check_file

        with _fewer_collections():  # the comparison makes many small strings; the old heap need not be rescanned
            cells, notes = check_file(job.doc, job.view, fmt, temp, job.undrawn if fmt == "pdf" else None)
    return len(data), sha256_bytes(data), seconds, cells, notes, time.perf_counter() - started - seconds


def _side_files(task: _Task) -> set[Path]:
    """A web folder's side files, relative to the page's folder."""
    side = side_files_dir(task.temp)
    return {p.relative_to(side) for p in side.rglob("*") if p.is_file()} if side.is_dir() else set()


def _install_all(tasks: list[_Task], keep: list[Path]) -> None:
    """Install every verified output, once every target (side files too) has been checked again:
    a folder that appeared where an output goes stops the build before anything is renamed."""
    targets = [t.target for t in tasks] + [t.target.parent / r for t in tasks for r in sorted(_side_files(t))]
    check_targets(targets, keep)
    for task in tasks:
        try:
            _install(task)
        except OSError as exc:
            raise _write_error(exc, f"cannot replace {task.target.name}", task.target.parent) from None


def _install(task: _Task) -> None:
    """Put a rendered output in place: its side files first (their names are content hashes, so
    the old page still finds its own), then the file itself; side files no page uses any more go."""
    import shutil

    side = side_files_dir(task.temp)
    if side.is_dir():
        new = _side_files(task)
        for relative in sorted(new):
            (task.target.parent / relative).parent.mkdir(parents=True, exist_ok=True)
            os.replace(side / relative, task.target.parent / relative)
        os.replace(task.temp, task.target)
        for folder in {r.parts[0] for r in new if len(r.parts) > 1}:
            for old in (task.target.parent / folder).rglob("*"):
                if old.is_file() and old.relative_to(task.target.parent) not in new and _written_by_a_build(old):
                    old.unlink()
        shutil.rmtree(side, ignore_errors=True)
    else:
        os.replace(task.temp, task.target)


#: The content hash a web folder's side file carries at the end of its name (an image
#: ``<16 hex>.png``, a font ``Face-<10 hex>.woff2``, the stylesheet ``web-<10 hex>.css``).
_HASHED_NAME = re.compile(r"(?:^|-)([0-9a-f]{16}|[0-9a-f]{10})$")


def _written_by_a_build(path: Path) -> bool:
    """Whether a file beside a web page is a side file an earlier build wrote: its name ends with
    the start of its own content's sha256. The article's own images, notes or anything else a
    user keeps there never are, so the clean-up of stale side files never deletes them."""
    match = _HASHED_NAME.search(path.name.rsplit(".", 1)[0])
    if match is None or path.is_symlink():
        return False
    try:
        return sha256_bytes(path.read_bytes()).startswith(match.group(1))
    except OSError:
        return False


@dataclass
class _Ahead:
    """What the parent prepares for a PDF worker while it imports WeasyPrint: the HTML page and the hyphenation patterns."""

    print_page: str
    patterns: dict[Path, Any]
    undrawn: dict[int | None, list[str]]

    @classmethod
    def make(cls, job: Job) -> _Ahead:
        from ..media.hyphenation import preload
        from ..formats.pdf.page import print_page

        page = job.print_page if job.print_page is not None else print_page(job)
        return cls(page, preload(job.theme, job.view.lang, job.hyphenation_cache), job.undrawn)


# -- the worker side of a parallel build -----------------------------------------
#: The job a worker last unpickled, by build token and index (one job serves several formats).
_WORKER_JOB: dict[tuple[str, int], Job] = {}


def _init_worker(formats: list[str], strict: bool = False) -> None:
    """Import the writers while the parent is still reading the sources (WeasyPrint alone takes
    about a second), so that rendering starts as soon as a job arrives; with ``strict``, the
    worker's warnings are errors too."""
    set_strict(strict)
    # Ctrl-C is the parent's to handle: it stops the pool and keeps the old outputs
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with _fewer_collections():  # importing WeasyPrint allocates enough to trigger a dozen collections
        warm_up(formats)
        _warm_read_backs(formats)


def _warm_read_backs(formats: list[str]) -> None:
    """Import what reading the outputs back needs (PDFium's binding takes 0.1 s) while waiting for work."""
    from ..verifier import compare as verify
    from ..formats import READ_BACKS

    for fmt in formats:
        importlib.import_module(READ_BACKS[fmt])
    if "pdf" in formats:
        import pypdfium2  # noqa: F401


def _portable(exc: PublishError) -> PublishError:
    """The error itself if it survives pickling intact, else a plain PublishError with the same text, path and line."""
    import pickle

    try:
        copy = pickle.loads(pickle.dumps(exc))
        if type(copy) is type(exc) and str(copy) == str(exc):
            return exc
    except Exception:  # an exception class that cannot be rebuilt from its args
        pass
    return PublishError(exc.message, exc.path, exc.line)


def _worker_task(kind: str, *args: Any) -> Any:
    """A worker's task by its kind: one format of one job ("render"), or a step of a long PDF's part ("part-...")."""
    if kind == "render":
        return _worker_render(*args)
    try:
        return _worker_part(kind, *args)
    except PublishError as exc:
        raise _portable(exc) from None


def _worker_part(kind: str, token: str, *args: Any) -> Any:
    """A step of a long PDF's part (builder/pdf_parts.py); the job comes with the first step a worker gets."""
    import pickle

    from . import pdf_parts

    key = (token, -1)
    if kind == "part-layout":
        payload, patterns, index, page = args
        if payload is not None:
            _WORKER_JOB.clear()
            _WORKER_JOB[key] = pickle.loads(payload)
        from ..media.hyphenation import install

        install(patterns)
        job = _WORKER_JOB[key]
        with _watchdog("pdf", job.doc.path):  # each step of a part within the time a whole format has
            return pdf_parts.lay_out(job, index, page)
    job = _WORKER_JOB[key]
    with _watchdog("pdf", job.doc.path):
        return pdf_parts.finish(job, *args)


def _worker_render(key: tuple[str, int], payload: bytes | None, fmt: str, temp: str, ahead: _Ahead | None, verify: bool) -> Rendered:
    """A worker's task: one format of one job (its pickled payload comes only with the job's first task)."""
    import pickle

    try:
        if payload is not None:
            _WORKER_JOB.clear()
            _WORKER_JOB[key] = pickle.loads(payload)
        job = _WORKER_JOB[key]
        if ahead is not None:
            from ..media.hyphenation import install

            install(ahead.patterns)
            job.print_page = ahead.print_page
            job.undrawn = ahead.undrawn
        return _render_into(job, fmt, Path(temp), verify)
    except PublishError as exc:
        raise _portable(exc) from None


#: Formats whose writer is slow to import and slow to run (WeasyPrint) get worker processes of
#: their own; the light formats are rendered by the parent process meanwhile, which would
#: otherwise only wait (one process fewer: no job to pickle, less memory, no core oversubscribed).
HEAVY_FORMATS = frozenset({"pdf"})


def _lane(fmt: str) -> str:
    return "heavy" if fmt in HEAVY_FORMATS else "light"


def _start_pools(planned: list[str], cores: int, strict: bool = False) -> Lanes | None:
    """Worker processes for the planned heavy formats, already importing their writers (as many
    as cores allow), when the parent has other formats to render meanwhile or more than one core
    to spread them over; None when rendering in this process alone is as fast. With ``strict``,
    the workers' warnings are errors too."""
    from .workers import Lanes

    heavy = [f for f in planned if _lane(f) == "heavy"]
    size = min(cores, len(heavy))
    if not size or cores < 2 or len(planned) < 2:
        return None
    return Lanes({"heavy": size}, _init_worker, {"heavy": (list(dict.fromkeys(heavy)), strict)}, _worker_task)


def _render_parallel(lanes: Lanes, jobs: dict[int, Job], tasks: list[_Task], verify: bool, failures: _Failures,
                     sources: list[Path]) -> None:
    """Render (and read back) the heavy tasks on the workers, PDF first, and the light ones here
    meanwhile; an article's error is its own (``failures``), unless it is the build's only one:
    then, as any other error, it is raised at once, and the caller stops every worker."""
    import pickle

    token = os.urandom(8).hex()
    payloads: dict[int, bytes] = {}
    heavy = [t for t in tasks if _lane(t.format) == "heavy"]
    light = [t for t in tasks if _lane(t.format) != "heavy"]

    def message(task: _Task, worker: Any) -> tuple[Any, ...]:
        key = (token, task.index)
        payload = None
        if key not in worker.holds:
            if task.index not in payloads:
                payloads[task.index] = pickle.dumps(jobs[task.index], protocol=pickle.HIGHEST_PROTOCOL)
            payload = payloads[task.index]
            worker.holds = {key}
        # made here while the PDF worker still imports WeasyPrint
        ahead = ahead_of(task.index) if task.format == "pdf" else None
        return "render", key, payload, task.format, str(task.temp), ahead, verify

    made: dict[int, _Ahead] = {}

    def ahead_of(index: int) -> _Ahead:
        if index not in made:
            made[index] = _Ahead.make(jobs[index])
        return made[index]

    def done(task: _Task, result: Rendered) -> None:
        task.size, task.sha, task.seconds, task.cells, task.notes, task.verify_seconds = result

    def prefer(task: _Task, worker: Any) -> bool:
        return (token, task.index) in worker.holds

    def here(task: _Task) -> Callable[[], None]:
        def render_here() -> None:
            if sources[task.index] not in failures.errors:
                with failures.of(sources[task.index]):
                    done(task, _render_into(jobs[task.index], task.format, task.temp, verify))
        return render_here

    def failed(task: _Task, exc: PublishError) -> None:
        failures.add(sources[task.index], exc)

    from .workers import WorkerDied

    try:
        if _render_in_parts(lanes, jobs, heavy, light, here, ahead_of, verify):
            return
        lanes.run({"heavy": heavy}, message, done, prefer, meanwhile=[here(t) for t in light], failed=failed)
    except WorkerDied as exc:
        if not isinstance(exc.task, _Task):
            raise
        fmt = exc.task.format
        raise OutputError(f"the {fmt.upper()} worker process {exc.how} while it rendered this article "
                          f"(out of memory?); nothing was replaced; try `--format {fmt}` alone, or a smaller article",
                          jobs[exc.task.index].doc.path) from None


def _render_in_parts(lanes: Lanes, jobs: dict[int, Job], heavy: list[_Task], light: list[_Task],
                     here: Callable[[_Task], Callable[[], None]], ahead_of: Callable[[int], _Ahead], verify: bool) -> bool:
    """One long article's PDF laid out in parts on every core (builder/pdf_parts.py) while this
    process renders the other formats, merged and read back here; False (nothing done) when the
    build is not one PDF of one article that pdf_parts.plan cuts into parts."""
    from . import pdf_parts

    if len(jobs) != 1 or len(heavy) != 1 or heavy[0].format != "pdf":
        return False
    task = heavy[0]
    job = jobs[task.index]
    ahead = ahead_of(task.index)
    parts = pdf_parts.plan(job, ahead.print_page, cpu_count())
    if parts is None:
        return False
    data, seconds = pdf_parts.render(lanes, job, parts, ahead.patterns, [here(t) for t in light])
    with open(task.temp, "wb") as handle:
        handle.write(data)
    task.size, task.sha, task.seconds = len(data), sha256_bytes(data), seconds
    if verify:
        from ..verifier.compare import check_file

        started = time.perf_counter()
        with _fewer_collections():
            task.cells, task.notes = check_file(job.doc, job.view, "pdf", task.temp, job.undrawn)
        task.verify_seconds = time.perf_counter() - started
    return True


def _long_pdf_alone(jobs: dict[int, Job], tasks: list[_Task]) -> bool:
    """Whether the build is one long article's PDF alone, which workers lay out in parts (its print
    page is made here for that, once)."""
    from ..formats.pdf.page import print_page
    from . import pdf_parts

    if len(jobs) != 1 or [t.format for t in tasks] != ["pdf"]:
        return False
    job = next(iter(jobs.values()))
    job.print_page = print_page(job)
    return pdf_parts.plan(job, job.print_page, cpu_count()) is not None


def _render_serial(jobs: dict[int, Job], tasks: list[_Task], verify: bool, failures: _Failures, sources: list[Path]) -> None:
    for task in tasks:
        if sources[task.index] in failures.errors:
            continue  # its article failed already: the rest of it is not worth rendering
        with failures.of(sources[task.index]):
            result = _render_into(jobs[task.index], task.format, task.temp, verify)
            task.size, task.sha, task.seconds, task.cells, task.notes, task.verify_seconds = result


def _verdict(tasks: list[_Task], sources: list[Path], failures: _Failures) -> None:
    """A VerifyError with its report for each article an output of which lost anything (before
    anything is replaced)."""
    from ..verifier.compare import Report

    reports: dict[int, Report] = {}
    for task in tasks:
        if sources[task.index] not in failures.errors:
            reports.setdefault(task.index, Report()).add(task.format, task.cells, task.notes, "")
    for index, report in reports.items():
        if not report.ok:
            failures.add(sources[index], VerifyError(
                "verification failed, nothing was replaced: an output lost text or metadata\n" + "\n".join(report.problems[:10])
                + (f"\n(and {len(report.problems) - 10} more)" if len(report.problems) > 10 else ""),
                sources[index] if len(sources) > 1 else None, report=report,
            ))


def build(
    sources: Iterable[str | Path] | None = None,
    formats: Iterable[str] | None = None,
    theme: str | Path | Theme | None = None,
    out: str | Path = DEFAULT_OUT,
    project: str | Path | None = None,
    options: dict[str, Any] | None = None,
    report: Callable[[Output], None] | None = None,
    force: bool = False,
    parallel: bool | None = None,
    strict: bool = False,
    verify: bool = True,
    fail_fast: bool = False,
) -> list[Output]:
    """Build every source in every format; an article's outputs appear only if every one of them succeeded.

    With ``verify`` each output is read back from its temporary file right after it is rendered
    (in its worker) and compared with the article; only if every output of an article passed are
    its temporary files renamed over the targets and the manifest updated, else a VerifyError
    carries the report. An output whose inputs (source, images, theme files, options, versions)
    and bytes match the manifest in ``out`` (and, with ``verify``, that was verified as these very
    bytes) is left alone unless ``force``. More than one output to render renders on worker
    processes unless ``parallel`` is False. Each warning is printed once; with ``strict``, any
    warning is an error (and no output changes).

    With several sources, an article that fails does not stop the others: they are built and
    installed, then ArticlesFailed lists every failure (``fail_fast`` stops at the first instead,
    with nothing installed). One article alone raises its own error.
    """
    with collecting(strict):
        return _build(sources, formats, theme, out, project, options, report, force, parallel, strict, verify, fail_fast)


def _build(
    sources: Iterable[str | Path] | None,
    formats: Iterable[str] | None,
    theme: str | Path | Theme | None,
    out: str | Path,
    project: str | Path | None,
    options: dict[str, Any] | None,
    report: Callable[[Output], None] | None,
    force: bool,
    parallel: bool | None,
    strict: bool,
    verify: bool,
    fail_fast: bool = False,
) -> list[Output]:
    from ..theme import Theme, check_theme, load

    project_dir = Path(project or Path.cwd()).resolve()
    source_paths = [Path(s) for s in (sources or [DEFAULT_SOURCE])]
    wanted = list(formats or FORMATS)
    for fmt in wanted:
        if fmt not in FORMATS:
            raise OutputError(f"unknown format '{fmt}'; choose from {', '.join(FORMATS)}")
    ordered = [f for f in FORMATS if f in wanted]
    # the theme's full check waits until something is stale: a no-op rebuild needs only its files
    loaded = theme if isinstance(theme, Theme) else load(str(theme) if theme else None, project_dir, check=False)
    if options and options.get("paper"):
        loaded.options["paper"] = options["paper"]
    opts = dict(options or {})
    out_dir = Path(out)
    _check_distinct(source_paths, out_dir)
    # one article alone, or --fail-fast: its first error is the build's; else each article on its own
    failures = _Failures(alone=fail_fast or len(source_paths) == 1)
    manifest = Manifest.load(out_dir)

    # 1. what is stale: compare each output's inputs with the manifest, without parsing anything
    theme_sums = theme_digests(loaded.chain, loaded.files())
    env = environment()
    inputs: dict[tuple[Path, str], Inputs] = {}
    stale: dict[Path, list[str]] = {}
    for source in source_paths:
        try:
            # the reader's checks: no FIFO, no device, nothing over the size limit (a collection: its articles too)
            from ..read.article import source_fingerprint

            source_sha = sha256_bytes(source_fingerprint(source))
        except PublishError:
            source_sha = ""  # prepare() reports why it cannot be read
        for fmt in ordered:
            # a strict build re-reads what a lenient one built, so that its warnings are errors now
            digest = options_digest({**opts, "strict": True} if strict else opts, source, project_dir)
            wanted_inputs = Inputs(source_sha, theme_sums, digest, versions(fmt), env)
            inputs[(source, fmt)] = wanted_inputs
            if force or not manifest.is_current(output_path(source, fmt, out_dir, opts), wanted_inputs, verified=verify):
                stale.setdefault(source, []).append(fmt)

    # 2. read and render only what is stale, every format into a temporary file; the workers
    #    fork first and import the writers while this process checks the theme and reads the sources
    planned_formats = [fmt for fmt in ordered for fmts in stale.values() if fmt in fmts]
    cores = cpu_count()
    pools = _start_pools(planned_formats, cores, strict) if parallel is not False else None
    tasks: list[_Task] = []
    jobs: dict[int, Job] = {}
    sources_of = list(stale)
    finished = False
    stops = ExitStack()  # Ctrl-C or SIGTERM waits while the outputs are being put in place
    try:
        if stale and not isinstance(theme, Theme):
            check_theme(loaded)
        for index, source in enumerate(sources_of):
            with failures.of(source):
                job = prepare(source, loaded, project_dir, options)
                job.font_cache = project_dir / FONT_CACHE
                job.hyphenation_cache = project_dir / HYPHENATION_CACHE
                check_targets([output_path(source, fmt, out_dir, opts) for fmt in stale[source]], _read_by(job))
                jobs[index] = job
        if jobs:
            try:
                out_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OutputError(f"cannot create the output folder: {exc.strerror}", out_dir) from None
        for fmt in ordered:  # PDF (the slowest) first, so the pool starts it first
            for index in jobs:
                if fmt not in stale[sources_of[index]]:
                    continue
                target = output_path(sources_of[index], fmt, out_dir, opts)
                if target.parent != out_dir:
                    try:
                        target.parent.mkdir(parents=True, exist_ok=True)
                    except OSError as exc:
                        raise OutputError(f"cannot create the output folder: {exc.strerror}", target.parent) from None
                tasks.append(_Task(index, fmt, target, _new_temp(target)))
        if pools is None and parallel is not False and cores >= 2 and _long_pdf_alone(jobs, tasks):
            from .workers import Lanes

            pools = Lanes({"heavy": 1}, _init_worker, {"heavy": (["pdf"], strict)}, _worker_task)
        if pools:
            _render_parallel(pools, jobs, tasks, verify, failures, sources_of)
        else:
            _render_serial(jobs, tasks, verify, failures, sources_of)
        if verify and tasks:
            _verdict(tasks, sources_of, failures)
        good = [t for t in tasks if sources_of[t.index] not in failures.errors]
        with folder_lock(out_dir) if good else nullcontext():  # one install at a time into a folder: never interleaved halves
            stops.enter_context(_stops_deferred())
            _install_all(good, [p for i in {t.index for t in good} for p in _read_by(jobs[i])])
            finished = True
            # 3. remember what each new output was built from, in the manifest as it is now (another
            #    build may have recorded its own outputs since this one read it)
            manifest = Manifest.load(out_dir)
            for task in good:
                job = jobs[task.index]
                source = sources_of[task.index]
                built_from = inputs[(source, task.format)]
                built_from.source = sha256_bytes(fingerprint(job.doc))
                built_from.images = _image_sums(job, project_dir)
                manifest.record(task.target, source, task.format, project_dir, built_from, task.sha, task.size,
                                theme=_theme_spec(theme, loaded), options=opts, verified=verify)
            if good:
                try:
                    manifest.save()
                except OSError as exc:
                    warn(f"cannot write the build manifest ({exc.strerror}); the next build will render everything", manifest.path)
        stops.close()
    except BaseException:
        stops.close()
        raise
    finally:
        if pools is not None:
            pools.stop(abort=not finished)
        for task in tasks:
            if task.temp.exists():
                task.temp.unlink()
            if side_files_dir(task.temp).exists():
                import shutil

                shutil.rmtree(side_files_dir(task.temp), ignore_errors=True)
            release_temp(task.temp)

    by_key = {(sources_of[t.index], t.format): t for t in good}
    results = []
    for source in source_paths:
        if source in failures.errors:
            continue
        for fmt in ordered:
            task = by_key.get((source, fmt))
            if task is not None:
                results.append(Output(jobs[task.index].doc.path, fmt, task.target, task.size, task.seconds,
                                      verified=verify, verify_seconds=task.verify_seconds))
            else:
                target = output_path(source, fmt, out_dir, opts)
                results.append(Output(source, fmt, target, target.stat().st_size, 0.0, unchanged=True, verified=verify))
    if report:
        for result in results:
            report(result)
    if failures.errors:
        raise ArticlesFailed(failures.errors, len(source_paths), results)
    return results


def _read_by(job: Job) -> list[Path]:
    """The files a job reads: its article and its images (no output may be one of them)."""
    return [job.doc.path, *(p.doc.path for p in job.doc.parts), *(a.path for a in job.assets.values())]


class _Failures:
    """The articles that failed, each with its error; ``alone``: the first failure is raised as it is."""

    def __init__(self, alone: bool) -> None:
        self.alone = alone
        self.errors: dict[Path, PublishError] = {}

    @contextmanager
    def of(self, source: Path) -> Iterator[None]:
        """Record a PublishError of this article's (raise it when the build is about one article)."""
        try:
            yield
        except PublishError as exc:
            self.add(source, exc)

    def add(self, source: Path, exc: PublishError) -> None:
        if self.alone:
            raise exc
        self.errors.setdefault(source, exc)


def _theme_spec(theme: str | Path | Theme | None, loaded: Theme) -> str | None:
    """The theme as the manifest records it: None for the default, a name as given, a folder as an absolute path."""
    if theme is None:
        return None
    if isinstance(theme, (str, Path)) and not any(sep in str(theme) for sep in ("/", "\\")) and str(theme) != ".":
        return str(theme)
    return str(loaded.chain[0])


def _check_distinct(sources: list[Path], out: Path) -> None:
    """Two sources with the same stem would overwrite each other's outputs, and a stem of ``..``
    would write outside the output folder: refuse before rendering."""
    seen: dict[str, Path] = {}
    for source in sources:
        check_stem(source)
        other = seen.setdefault(source.stem, source)
        if other is not source and other.resolve() != source.resolve():
            raise OutputError(f"{other} and {source} would both be written to {output_path(source, '<format>', out)}; rename one", source)


def _image_sums(job: Job, project: Path) -> dict[str, str | None]:
    """Each image's sha256 by its path relative to the project (what the manifest re-checks)."""
    sums = {}
    for asset in job.assets.values():
        try:
            key = asset.path.relative_to(project).as_posix()
        except ValueError:
            key = str(asset.path)
        sums[key] = asset.file_sha256 or sha256_bytes(asset.data)  # the file's, as the manifest re-reads it
    return dict(sorted(sums.items()))
