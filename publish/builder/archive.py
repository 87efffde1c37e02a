"""Many articles at once: the local pool in batches, or one Dask task an article; each article's
failure its own, progress told as articles finish."""
from __future__ import annotations

import os
import threading
import time
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from ..errors import ArticlesFailed, OutputError, PublishError
from .outputs import DEFAULT_SOURCE

#: Articles one local pipeline run takes at a time: their parsed documents and images are held
#: in memory until they are installed, so an archive of thousands is built batch after batch
#: (the worker pool's start, about a second, is paid once a batch).
BATCH = 32

#: The seconds one article may take on a Dask worker (``PUBLISH_DASK_TIME_LIMIT`` sets another;
#: 0: none). Past it the article is stopped and reported, and its worker takes the next article:
#: Dask has no time limit of its own for a task (dask/distributed#391), so an article whose layout
#: never ends would hold its worker, and the archive, forever. The slowest real document measured
#: takes a few seconds; the 171,000-word Rust book about 40 s.
TIME_LIMIT = 900.0


@dataclass
class Progress:
    """Where an archive build stands: articles finished (built or up to date), failed, of how many."""

    total: int
    done: int = 0
    failed: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        """Articles a second so far."""
        elapsed = time.monotonic() - self.started
        return (self.done + self.failed) / elapsed if elapsed > 0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        """The time the remaining articles should take at the rate so far (None before the first)."""
        finished = self.done + self.failed
        return (self.total - finished) / self.rate if finished and self.rate else None


def build_archive(
    sources: Iterable[str | Path] | None = None,
    executor: str = "local",
    fail_fast: bool = False,
    progress: Callable[[Progress], None] | None = None,
    report: Callable[[Any], None] | None = None,
    time_limit: float | None = None,
    **build_args: Any,
) -> list[Any]:
    """Build many articles with an executor: ``local`` (this machine's worker pool, batch after
    batch), ``dask`` (a Dask LocalCluster, one worker process a core) or ``dask://HOST:PORT`` (a
    running Dask scheduler; every worker must see the project and output folders at the same
    paths). Each article's outputs are replaced once all of them verified, exactly as in a build
    of one article; an article that fails leaves its outputs as they were and the others go on,
    and ArticlesFailed lists every failure at the end (``fail_fast``: the first error stops the
    build). On Dask an article past ``time_limit`` seconds (default: PUBLISH_DASK_TIME_LIMIT, or
    TIME_LIMIT) is stopped and is one of the failures. ``build_args`` are pipeline.build's."""
    from .pipeline import _check_distinct

    paths = [Path(s) for s in (sources or [DEFAULT_SOURCE])]
    _check_distinct(paths, Path(build_args.get("out", "dist")))
    state = Progress(len(paths))
    if executor == "local":
        return _local(paths, fail_fast, state, progress, report, build_args)
    if executor == "dask" or executor.startswith(("dask://", "tcp://", "tls://")):
        return _dask(paths, executor, fail_fast, state, progress, report, build_args, time_limit)
    raise OutputError(f"unknown executor '{executor}'; choose local, dask, or dask://HOST:PORT for a running scheduler")


def _local(paths: list[Path], fail_fast: bool, state: Progress, progress: Callable[[Progress], None] | None,
           report: Callable[[Any], None] | None, build_args: dict[str, Any]) -> list[Any]:
    from .pipeline import build

    outputs: list[Any] = []
    errors: dict[Path, PublishError] = {}
    for start in range(0, len(paths), BATCH):
        batch = paths[start:start + BATCH]
        try:
            outputs.extend(build(batch, report=report, fail_fast=fail_fast, **build_args))
            state.done += len(batch)
        except ArticlesFailed as exc:
            outputs.extend(exc.outputs)
            errors.update(exc.errors)
            state.done += len(batch) - len(exc.errors)
            state.failed += len(exc.errors)
        except PublishError as exc:
            if fail_fast or len(batch) > 1:
                raise
            errors[batch[0]] = exc
            state.failed += 1
        if progress:
            progress(state)
    return _outcome(paths, outputs, errors)


class TimeLimitExceeded(BaseException):
    """Raised in a task's thread by its watchdog; a BaseException, as KeyboardInterrupt is, so that
    no ``except Exception`` in the build (a font fallback, a reader's guess) swallows it."""


def _raise_in(thread: int, exc: type[BaseException] | None) -> None:
    """Raise ``exc`` in another thread at its next Python instruction (None: forget one pending)."""
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exc) if exc else None)


class _Watchdog:
    """Stops the thread that entered it ``seconds`` later, if it is still inside: the build unwinds
    as from Ctrl-C (temporary files removed, locks released, nothing installed). A build stuck in
    one long C call is stopped when that call returns to Python."""

    def __init__(self, seconds: float) -> None:
        self.thread = threading.get_ident()
        self.lock = threading.Lock()
        self.inside = True
        self.timer = threading.Timer(seconds, self._stop)
        self.timer.daemon = True

    def _stop(self) -> None:
        with self.lock:
            if self.inside:
                _raise_in(self.thread, TimeLimitExceeded)

    def __enter__(self) -> _Watchdog:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()
        with self.lock:
            self.inside = False
            _raise_in(self.thread, None)  # a stop that came as the build ended is dropped


def article_task(source: str, build_args: dict[str, Any], time_limit: float | None = None) -> tuple[str, Any]:
    """One Dask task: build one article in this worker process (no pool of its own: the cluster
    has a worker a core); ("ok", outputs) or ("error", its PublishError), so that Dask retries
    only what really went wrong (a lost worker), never an article's own error. Past
    ``time_limit`` seconds the build is stopped: an error of its own, not retried."""
    from .pipeline import build

    try:
        with _Watchdog(time_limit) if time_limit else nullcontext():
            return "ok", build([Path(source)], parallel=False, **build_args)
    except PublishError as exc:
        return "error", exc
    except TimeLimitExceeded:
        return "error", OutputError(f"stopped after {time_limit:g} s, the time limit of an article on a Dask worker"
                                    " (PUBLISH_DASK_TIME_LIMIT); its outputs were left as they were", source)


def _dask(paths: list[Path], executor: str, fail_fast: bool, state: Progress, progress: Callable[[Progress], None] | None,
          report: Callable[[Any], None] | None, build_args: dict[str, Any], time_limit: float | None = None) -> list[Any]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise OutputError("--executor dask needs Dask's distributed scheduler: pip install 'publish[dask]'") from None
    from .pipeline import cpu_count

    # the workers may run elsewhere or in another folder: every path absolute
    args = dict(build_args)
    for name in ("out", "project"):
        if args.get(name) is not None:
            args[name] = str(Path(args[name]).resolve())
    if args.get("theme") is not None and any(sep in str(args["theme"]) for sep in "/\\"):
        args["theme"] = str(Path(args["theme"]).resolve())
    outputs: list[Any] = []
    errors: dict[Path, PublishError] = {}
    with ExitStack() as stack:
        if executor == "dask":
            import logging

            workers = int(os.environ.get("PUBLISH_DASK_WORKERS") or cpu_count())  # (the benchmark's 1-worker run)
            cluster = stack.enter_context(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                       dashboard_address=None, silence_logs=logging.ERROR))
            client = stack.enter_context(Client(cluster))
        else:
            address = executor.removeprefix("dask://")
            try:
                client = stack.enter_context(Client(address if "://" in address else f"tcp://{address}", timeout="10s"))
            except OSError as exc:
                raise OutputError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        if time_limit is None:
            time_limit = float(os.environ.get("PUBLISH_DASK_TIME_LIMIT") or TIME_LIMIT) or None
        futures = {client.submit(article_task, str(p.resolve()), args, time_limit, key=f"publish-{i}-{p.stem}", pure=False,
                                 retries=1): p
                   for i, p in enumerate(paths)}
        for future in as_completed(futures):
            source = futures[future]
            try:
                kind, value = future.result()
            except Exception as exc:  # the task's worker kept dying (KilledWorker), or a bug in publish
                kind, value = "error", OutputError(f"its Dask task failed: {type(exc).__name__}: {exc}", source)
            if kind == "ok":
                state.done += 1
                value = [_as_given(o) for o in value]
                outputs.extend(value)
                for output in value:
                    if report:
                        report(output)
            else:
                state.failed += 1
                if getattr(value, "path", None):
                    value.path = _relative(Path(value.path))
                errors[source] = value
                if fail_fast:
                    for other in futures:
                        other.cancel()
                    raise value
            if progress:
                progress(state)
    order = {p.resolve(): i for i, p in enumerate(paths)}
    return _outcome(paths, sorted(outputs, key=lambda o: order.get(Path(o.source).resolve(), len(order))), errors)


def _outcome(paths: list[Path], outputs: list[Any], errors: dict[Path, PublishError]) -> list[Any]:
    """The outputs, or the failures: one article's own error, several as one ArticlesFailed."""
    if errors:
        if len(paths) == 1:
            raise errors[paths[0]]
        raise ArticlesFailed(errors, len(paths), outputs)
    return outputs


def _relative(path: Path) -> Path:
    """A path the workers were given absolute, as the user would write it: relative to the
    working folder when it is inside it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _as_given(output: Any) -> Any:
    output.path, output.source = _relative(Path(output.path)), _relative(Path(output.source))
    return output
