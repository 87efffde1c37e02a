"""A build never hangs: a failure in any worker, in any lane, at any moment stops the others and the
command exits 1 with the error within seconds. Real broken themes and inputs, in subprocesses, repeated
to catch races: 3 runs of each by default, PUBLISH_HANG_RUNS=20 for the 20 the promise is measured by."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ARTICLE, ROOT

RUNS = int(os.environ.get("PUBLISH_HANG_RUNS", "3"))
#: A hung build is killed after this; a good one ends in about a second on an idle machine.
LIMIT = 30.0
#: What counts as "within seconds" on a loaded 2-core machine.
PROMPT = 10.0


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hang")
    (root / "source").mkdir()
    shutil.copy(ARTICLE, root / "source" / "article.md")
    broken = root / "themes" / "broken" / "templates"
    broken.mkdir(parents=True)
    (broken.parent / "theme.yaml").write_text("name: broken\nextends: default\n", "utf-8")
    (broken / "end_matter.html").write_text('<section id="end-matter">\n<p>unclosed\n</section>', "utf-8")
    (root / "source" / "no-image.md").write_text(
        "---\ntitle: An article whose image is missing\n---\n\nText.\n\n![A picture](missing.png)\n", "utf-8"
    )
    return root


def _run(project: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "publish", *args], cwd=project, env=env, capture_output=True,
                              text=True, timeout=LIMIT)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"publish {' '.join(args)} hung (killed after {LIMIT:.0f}s): {exc.stderr!r}")
    return done, time.monotonic() - started


CASES = {
    # the EPUB fails on the theme's XHTML in the parent while the PDF worker renders
    "broken end matter": (("build", "source/article.md", "--theme", "broken", "--force"), "does not give well-formed XHTML"),
    # the PDF worker fails while the parent writes EPUB and DOCX
    "bad PDF variant": (("build", "source/article.md", "--pdf-variant", "pdf/nonsense", "--force"), "unknown PDF variant"),
    # the parent fails reading the source while the PDF worker imports WeasyPrint
    "missing image": (("build", "source/no-image.md", "--force"), "missing.png"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_failing_build_exits_1_with_its_error_within_seconds_every_time(project: Path, case: str) -> None:
    args, message = CASES[case]
    for attempt in range(RUNS):
        done, seconds = _run(project, *args)
        assert done.returncode == 1, (attempt, done.stdout, done.stderr)
        assert message in done.stderr, (attempt, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        assert seconds < PROMPT, f"run {attempt + 1}: {seconds:.1f}s"
    leftovers = [p.name for p in (project / "dist").glob(".*.tmp")] if (project / "dist").exists() else []
    assert not leftovers, "no temporary file left behind"


def _sleep_forever(_: object) -> None:
    time.sleep(3600)


def test_stopping_after_a_failure_kills_busy_workers_before_waiting_for_any(monkeypatch: pytest.MonkeyPatch) -> None:
    """stop(abort=True) sends SIGKILL to every busy worker first; only then does it join them. Were
    the kill skipped, each busy worker would be waited for (JOIN_SECONDS) first."""
    import signal

    from publish.builder import workers

    monkeypatch.setattr(workers, "JOIN_SECONDS", 5.0)
    lanes = workers.Lanes({"pdf": 2}, init=lambda: None, init_args={"pdf": ()}, handler=_sleep_forever)
    events: list[tuple[str, int]] = []
    for worker in lanes.workers:
        process = worker.process
        for name in ("kill", "join"):
            def spy(*args: object, _real=getattr(process, name), _name=name, _pid=process.pid) -> object:
                events.append((_name, _pid))
                return _real(*args)
            monkeypatch.setattr(process, name, spy)
    processes = [w.process for w in lanes.workers]

    def fail() -> None:
        raise RuntimeError("another format failed")

    with pytest.raises(RuntimeError, match="another format failed"):
        lanes.run({"pdf": ["a", "b"]}, message=lambda task, worker: (task,), done=lambda task, result: None, meanwhile=[fail])
    assert all(w.busy is not None for w in lanes.workers), "both workers had a task when the build failed"
    lanes.stop(abort=True)
    pids = [p.pid for p in processes]
    assert events[:2] == [("kill", pid) for pid in pids], events
    assert all(name == "join" for name, _ in events[2:]), events
    assert [p.exitcode for p in processes] == [-signal.SIGKILL] * 2


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "parallel"])
@pytest.mark.parametrize("stuck", ["epub", "pdf"])
def test_a_writer_that_never_ends_is_stopped_by_the_watchdog_with_an_error_naming_its_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stuck: str, parallel: bool
) -> None:
    """A writer stuck in a loop (the DOCX bookmark loop was one) must not hang the build: past
    FORMAT_SECONDS its format is an error, named, and nothing is replaced."""
    import importlib

    from publish.builder import pipeline
    from publish.errors import OutputError

    def forever(job: object) -> bytes:
        while True:
            pass

    monkeypatch.setattr(pipeline, "FORMAT_SECONDS", 2.0)
    monkeypatch.setattr(importlib.import_module(f"publish.formats.{stuck}.write"), "write", forever)
    shutil.copy(ARTICLE, tmp_path / "article.md")
    started = time.monotonic()
    with pytest.raises(OutputError, match=f"the {stuck.upper()} did not finish in 2 s"):
        pipeline.build([tmp_path / "article.md"], formats=[stuck, "html"], out=tmp_path / "out", project=ROOT, parallel=parallel)
    assert time.monotonic() - started < LIMIT
    assert not (tmp_path / "out").exists() or not [p for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")]
