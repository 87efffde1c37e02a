"""Worker processes for a parallel build, in lanes, that can always be stopped: the first
failure anywhere, or Ctrl-C, kills every worker and returns at once.

Why not concurrent.futures: ProcessPoolExecutor could hang the build for good when a task failed
while another worker was busy. Terminating the busy worker left the pool's feeder thread blocked
writing a large job into a pipe nobody read, and ``shutdown(wait=True)`` joined that thread
forever (2 runs in 3 with a broken end-matter template). Here each worker has one pipe of its own;
the parent hands a large job to a short-lived sending thread, waits on the pipes and on the
processes' sentinels with a timeout, and stopping is ``kill`` and ``join``, which cannot block.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator

from ..errors import OutputError, PublishError

#: How long stopping waits for a worker to end before killing it (seconds).
JOIN_SECONDS = 2.0


#: The signals that stop a run: the parent's to handle, held back while workers are forked.
_STOPS = {signal.SIGINT, signal.SIGTERM}


class WorkerBug(RuntimeError):
    """An unexpected exception in a worker: a bug in publish; carries the worker's traceback."""


class WorkerDied(OutputError):
    """A worker ended without answering (killed by a signal, out of memory): carries its task."""

    def __init__(self, task: Any, exitcode: int | None) -> None:
        how = f"killed by {signal.Signals(-exitcode).name}" if exitcode and exitcode < 0 and -exitcode in signal.Signals._value2member_map_ \
            else f"ended with exit code {exitcode}"
        super().__init__(f"a worker process {how} while rendering (out of memory?); try building one format at a time")
        self.task = task
        self.how = how


def _die_with_parent() -> None:
    """Make the kernel kill this worker when its parent dies, however it dies (kill -9 too), so
    that no worker goes on rendering for a build nobody waits for (Linux; elsewhere the closed
    pipe ends it after its task)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # it died before the request was made
        os._exit(1)


@dataclass
class _Worker:
    process: Any
    conn: Connection
    lane: str
    busy: Any = None  # the task it is working on
    holds: set[Any] = field(default_factory=set)  # keys of the payloads it has


def _child(conn: Connection, inherited: list[Connection], init: Callable[..., None], init_args: tuple[Any, ...],
           handler: Callable[..., Any]) -> None:
    """A worker's life: initialise, then answer each message with ("ok", result), ("error",
    exception) or ("bug", text), until the parent says stop (None) or closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it kills the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler: a worker told to end ends
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
    _die_with_parent()
    for other in inherited:  # the parent's ends of the pipes, forked along: only the parent may hold them
        other.close()
    try:
        init(*init_args)
    except BaseException:  # reported with the first answer; the parent treats it as a bug
        failure = traceback.format_exc()
        _answer(conn, ("bug", failure))
        return
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        try:
            _answer(conn, ("ok", handler(*message)))
        except PublishError as exc:
            _answer(conn, ("error", exc))
        except BaseException as exc:  # a bug: raised again in the parent, with this worker's traceback
            exc.add_note(f"in a worker process:\n{traceback.format_exc()}")
            _answer(conn, ("error", exc))


def _answer(conn: Connection, message: tuple[str, Any]) -> None:
    try:
        conn.send(message)
    except (OSError, ValueError):  # the parent stopped listening: it is killing us anyway
        os._exit(1)
    except Exception:  # an exception that cannot be pickled: its text and traceback, then
        failed = message[1]
        text = "".join(traceback.format_exception(failed)) if isinstance(failed, BaseException) else repr(failed)
        conn.send(("bug", text))


@contextmanager
def _stops_blocked() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while forking, so that no worker receives them before it has
    set its own handling."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _context() -> Any:
    # fork: workers start in milliseconds, with the parent's imports already done
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)


class Lanes:
    """Worker processes by lane; ``run`` hands out tasks and collects results; ``stop`` always returns."""

    def __init__(self, sizes: dict[str, int], init: Callable[..., None], init_args: dict[str, tuple[Any, ...]],
                 handler: Callable[..., Any]) -> None:
        self.workers: list[_Worker] = []
        self._start = (init, init_args, handler)
        for lane, size in sizes.items():
            self.grow(lane, size)

    def grow(self, lane: str, count: int) -> None:
        """Start ``count`` more workers in ``lane`` (a long document's PDF, once it is known to be long)."""
        init, init_args, handler = self._start
        context = _context()
        with _stops_blocked():
            for _ in range(count):
                parent_end, child_end = context.Pipe(duplex=True)
                inherited = [w.conn for w in self.workers] + [parent_end]
                process = context.Process(target=_child, args=(child_end, inherited, init, init_args[lane], handler), daemon=True)
                process.start()
                child_end.close()
                self.workers.append(_Worker(process, parent_end, lane))

    def __bool__(self) -> bool:
        return bool(self.workers)

    def lanes(self) -> set[str]:
        return {w.lane for w in self.workers}

    def size(self, lane: str) -> int:
        """How many workers ``lane`` has."""
        return sum(w.lane == lane for w in self.workers)

    def run(self, queues: dict[str, list[Any]], message: Callable[[Any, _Worker], tuple[Any, ...]],
            done: Callable[[Any, Any], None], prefer: Callable[[Any, _Worker], bool] | None = None,
            meanwhile: Iterable[Callable[[], None]] = (), failed: Callable[[Any, PublishError], None] | None = None,
            only: Callable[[Any, _Worker], bool] | None = None) -> None:
        """Run every task of each lane's queue on that lane's workers (in queue order; ``prefer``
        picks a task a free worker is best placed for); ``done(task, result)`` as each finishes.
        Once every worker has work, this process runs the ``meanwhile`` calls itself, one by one,
        collecting answers and handing out tasks between them. The first error, a worker's or
        its own, raises at once (the caller then stops the lanes), except a task's PublishError
        when ``failed`` is given: ``failed(task, error)`` decides (it may raise), and the worker goes on.
        With ``only``, a worker takes only the tasks ``only(task, worker)`` allows (a task that
        needs what one worker holds)."""
        local = list(meanwhile)
        pending = {lane: list(tasks) for lane, tasks in queues.items()}
        running = 0
        senders: list[threading.Thread] = []

        def feed(worker: _Worker) -> None:
            nonlocal running
            queue = pending.get(worker.lane)
            if not queue:
                return
            if only is not None:
                allowed = next((t for t in queue if only(t, worker)), None)
                if allowed is None:
                    return
                pick = allowed
            else:
                pick = next((t for t in queue if prefer and prefer(t, worker)), queue[0])
            queue.remove(pick)
            worker.busy = pick
            running += 1
            sender = threading.Thread(target=_send, args=(worker.conn, message(pick, worker)), daemon=True)
            sender.start()
            senders.append(sender)

        for lane in queues:  # lanes in the caller's order: the first lane's workers get work first
            for worker in self.workers:
                if worker.lane == lane:
                    feed(worker)
        if any(pending.get(lane) for lane in pending if lane not in self.lanes()):
            raise OutputError("internal: a task was planned for a lane without workers")
        while running or local:
            waiting = {w.conn: w for w in self.workers}
            waiting.update({w.process.sentinel: w for w in self.workers})
            for ready in wait(list(waiting), timeout=0 if local else 0.5):
                worker = waiting[ready]
                if ready is worker.conn:
                    try:
                        kind, value = worker.conn.recv()
                    except (EOFError, OSError):
                        kind, value = "died", None
                else:
                    if worker.conn.poll():  # it answered, then ended: read the answer first
                        continue
                    kind, value = "died", None
                if kind == "died":
                    worker.process.join(JOIN_SECONDS)
                    raise WorkerDied(worker.busy, worker.process.exitcode)
                if kind == "bug":
                    raise WorkerBug(f"a worker failed unexpectedly:\n{value}")
                if kind == "error":
                    if failed is None or not isinstance(value, PublishError):
                        raise value
                    task, worker.busy = worker.busy, None
                    running -= 1
                    failed(task, value)
                    feed(worker)
                    continue
                task, worker.busy = worker.busy, None
                running -= 1
                done(task, value)
                feed(worker)
            if local:
                local.pop(0)()

    def stop(self, abort: bool) -> None:
        """End every worker: at once on ``abort`` (SIGKILL), else by closing its pipe. Never blocks
        for more than a couple of seconds, whatever the workers are doing."""
        for worker in self.workers:
            if abort and worker.process.is_alive():
                worker.process.kill()
            elif worker.busy is None:
                _send(worker.conn, None)  # idle: it ends at once
            worker.conn.close()
        for worker in self.workers:
            worker.process.join(JOIN_SECONDS)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(JOIN_SECONDS)
        self.workers = []


def _send(conn: Connection, message: tuple[Any, ...]) -> None:
    """Send one task (possibly megabytes: a pickled book) without holding up the parent's loop."""
    try:
        conn.send(message)
    except Exception:  # the worker died or was stopped (its pipe closed under us): the parent's loop reports why
        pass
