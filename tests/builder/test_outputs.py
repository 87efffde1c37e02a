"""Where outputs go and what a build may replace: names that escape the output folder, folders
and sources where an output goes, one build at a time per folder, signals held while installing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from publish.builder.outputs import folder_lock
from publish.builder.pipeline import _stops_deferred, build
from publish.cli import main
from publish.errors import OutputError

ARTICLE = "---\ntitle: Outputs\ndate: 2025-10-30\n---\n\nVersion {n}.\n"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _hold(folder: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the folder's lock, as an installing build does, for ``seconds``."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, time\n"
         f"fd = os.open({str(folder)!r}, os.O_RDONLY)\nfcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep({seconds})\n"],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("name", ["...md", "..md"])
def test_an_article_whose_name_escapes_the_output_folder_is_refused_and_nothing_is_written(tmp_path: Path, name: str) -> None:
    """``...md`` has the stem ``..``: its outputs would be ``dist/../.pdf`` and, as a web folder,
    ``dist/../index.html`` in the project itself, whose own ``assets/`` the clean-up would empty."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "mine.png").write_bytes(b"the user's")
    source = tmp_path / name
    source.write_text(ARTICLE.format(n=1), "utf-8")
    before = _files(tmp_path)
    for extra in ([], ["--web-folder"]):
        code, output = _cli("build", str(source), "--out", str(tmp_path / "dist"), "--project", str(tmp_path), *extra)
        assert code == 1, output
        assert f"{source}: the article's name '{name}' would put its outputs outside the output folder" in output
        assert "Traceback" not in output
        assert _files(tmp_path) == before
        assert not (tmp_path / "dist").exists(), "not even an empty output folder is left"


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "parallel"])
def test_a_folder_where_an_output_goes_stops_the_build_before_anything_is_replaced(tmp_path: Path, parallel: bool) -> None:
    source = tmp_path / "article.md"
    source.write_text(ARTICLE.format(n=1), "utf-8")
    out = tmp_path / "dist"
    build(sources=[source], out=out, project=tmp_path, parallel=parallel)
    (out / "article.html").unlink()
    (out / "article.html").mkdir()  # a folder where the web page goes
    (out / "article.html" / "keep.txt").write_text("mine")
    before = _files(out)
    source.write_text(ARTICLE.format(n=2), "utf-8")
    with pytest.raises(OutputError, match="is a folder, where publish writes the HTML") as refused:
        build(sources=[source], out=out, project=tmp_path, parallel=parallel)
    assert Path(refused.value.path) == out / "article.html"
    assert _files(out) == before, "the PDF, EPUB and DOCX were not replaced before the clash was found"
    assert not [p for p in out.rglob("*.tmp")]


def test_a_file_where_the_web_folder_goes_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "guide.md"
    source.write_text(ARTICLE.format(n=1), "utf-8")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "guide").write_text("a file, not a folder")
    code, output = _cli("build", str(source), "--out", str(tmp_path / "dist"), "--project", str(tmp_path), "--web-folder",
                        "--format", "html")
    assert code == 1 and "is a file, where publish needs a folder for its outputs" in output, output
    assert (tmp_path / "dist" / "guide").read_text() == "a file, not a folder"


def test_an_output_that_would_overwrite_the_article_itself_is_refused(tmp_path: Path) -> None:
    """``publish build page.html --format html --out .`` reads page.html as Markdown and would write page.html."""
    source = tmp_path / "page.html"
    source.write_text(ARTICLE.format(n=1), "utf-8")
    code, output = _cli("build", str(source), "--format", "html", "--out", str(tmp_path), "--project", str(tmp_path))
    assert code == 1 and "is both a file this build reads and one it would write" in output, output
    assert source.read_text("utf-8") == ARTICLE.format(n=1)


def test_a_second_build_into_the_same_folder_waits_for_the_first(tmp_path: Path) -> None:
    """The folder lock: a build that finds another one writing into its output folder says so and
    waits until the lock is let go, then builds (never interleaved halves)."""
    source = tmp_path / "article.md"
    source.write_text(ARTICLE.format(n=1), "utf-8")
    out = tmp_path / "dist"
    out.mkdir()
    holder = _hold(out, 5.0)  # longer than a loaded machine takes to start the build and reach the lock
    try:
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "publish", "build", str(source), "--out", str(out), "--format", "html",
                                 "--project", str(tmp_path)], env={**os.environ, "PYTHONPATH": str(ROOT)},
                                capture_output=True, text=True, timeout=120)
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 0, result.stderr
    assert f"{out}: another build is writing here; waiting for it to finish" in result.stderr
    assert waited >= 1.0, "it waited for the holder to let go"
    assert (out / "article.html").is_file()


def test_the_folder_lock_is_not_kept_by_a_forked_worker(tmp_path: Path) -> None:
    """A worker forked while a build holds the folder must not hold it too: a worker that outlived
    its build would otherwise keep every later build waiting."""
    import fcntl

    with folder_lock(tmp_path):
        child = os.fork()
        if child == 0:  # the worker: sleeps holding whatever it inherited
            time.sleep(3)
            os._exit(0)
    time.sleep(0.5)  # the child is up and past its fork hooks
    try:
        fd = os.open(tmp_path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises BlockingIOError if the child held it
        finally:
            os.close(fd)
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


def test_a_signal_while_outputs_are_installed_waits_until_all_are_in_place() -> None:
    """Ctrl-C during the renames is held, then raised once they are done, marked ``replaced``."""
    with pytest.raises(KeyboardInterrupt) as stopped:
        with _stops_deferred():
            signal.raise_signal(signal.SIGINT)
            installed = True  # reached: the signal did not interrupt the installing
    assert installed and getattr(stopped.value, "replaced", False)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler, "the handler is restored"


def test_a_worker_killed_by_a_signal_is_an_error_naming_the_format_and_the_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    source = tmp_path / "article.md"
    source.write_text(ARTICLE.format(n=1), "utf-8")
    out = tmp_path / "dist"
    build(sources=[source], out=out, project=tmp_path)
    before = _files(out)
    source.write_text(ARTICLE.format(n=2), "utf-8")
    # the PDF renders in a worker process (the parallel build's heavy lane): it dies as the OOM killer would kill it
    monkeypatch.setattr(importlib.import_module("publish.formats.pdf.write"), "write",
                        lambda job: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(OutputError, match="the PDF worker process killed by SIGKILL while it rendered this article") as failed:
        build(sources=[source], out=out, project=tmp_path, parallel=True)
    assert Path(failed.value.path) == source
    assert _files(out) == before


def test_verify_waits_while_a_build_installs_into_the_folder(tmp_path: Path) -> None:
    """verify takes the folder's lock shared: it never reads a set a build is halfway through
    renaming into place, and many verifies may read at once."""
    source = tmp_path / "article.md"
    source.write_text(ARTICLE.format(n=1), "utf-8")
    out = tmp_path / "dist"
    build(sources=[source], out=out, project=tmp_path, formats=["html"])
    holder = _hold(out, 1.5)
    try:
        result = subprocess.run([sys.executable, "-m", "publish", "verify", str(source), "--out", str(out), "--project", str(tmp_path)],
                                env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "another build is writing here; waiting for it to finish" in result.stderr
