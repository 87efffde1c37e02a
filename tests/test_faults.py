"""The fault suite: real `publish build` processes killed, interrupted, run two at once, filled
up, made read-only and changed under. After each, the output folder holds, file by file, the
previous good outputs or the new verified ones, byte for byte; no temporary; no process left;
and the next build leaves a clean folder that `publish verify` passes."""
from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT

PNG = ROOT / "tests" / "fixtures" / "constructs" / "images" / "diagram.png"
ARTICLE = "---\ntitle: Faults\ndate: 2025-10-30\nrights: \u201cReprinted by permission.\u201d\n---\n\nVersion {n}.\n\n![A diagram](images/d.png)\n"
OUTPUTS = ("article.pdf", "article.epub", "article.docx", "article.html")
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
#: the seed of the random delays: the rounds differ from each other, not from run to run
SEED = 31
#: How many moments a kill is tried at (half as many for each signal and for the concurrent pairs):
#: a quick pass by default, `PUBLISH_FAULT_RUNS=10` (or more) for the thorough one
RUNS = max(2, int(os.environ.get("PUBLISH_FAULT_RUNS", "4")))


def _outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS if (out / name).is_file()}


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.rglob("*") if ".tmp" in p.name)


def _in_session(session: int) -> list[int]:
    """The processes still running in a session (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _start(project: Path, *args: str) -> subprocess.Popen[str]:
    """`publish build` of the project's article into out/, in a session of its own."""
    return subprocess.Popen([sys.executable, "-m", "publish", "build", "article.md", "--out", "out", *args],
                            cwd=project, env=ENV, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, list[int]]:
    """Its exit code, its stderr, and the processes of its session still alive a moment later."""
    try:
        _, stderr = process.communicate(timeout=120)
        time.sleep(0.2)
        return process.returncode, stderr, _in_session(process.pid)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _run(project: Path, *args: str, command: str = "build") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "publish", command, "article.md", "--out", "out", *args],
                          cwd=project, env=ENV, capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A project built from version 1 of the article, and the outputs of versions 1 and 2 (built
    in the same folder, so that they are the very bytes any later build there writes)."""
    project = tmp_path_factory.mktemp("faults") / "project"
    (project / "images").mkdir(parents=True)
    shutil.copy(PNG, project / "images" / "d.png")
    (project / "article.md").write_text(ARTICLE.format(n=2), "utf-8")
    assert _run(project).returncode == 0
    new = _outputs(project / "out")
    (project / "article.md").write_text(ARTICLE.format(n=1), "utf-8")
    assert _run(project).returncode == 0
    old = _outputs(project / "out")
    assert set(old) == set(new) == set(OUTPUTS) and all(old[n] != new[n] for n in OUTPUTS)
    return project, old, new


@pytest.fixture
def project(versions: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path) -> Path:
    """A copy of the built project at the same path every time (outputs depend on no path, but the
    copy keeps each test's faults to itself), its article now version 2."""
    source = versions[0]
    copy = source.parent / f"copy-{tmp_path.name}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source, copy, symlinks=True)
    (copy / "article.md").write_text(ARTICLE.format(n=2), "utf-8")
    yield copy
    shutil.rmtree(copy, ignore_errors=True)


def _each_old_or_new(out: Path, old: dict[str, bytes], new: dict[str, bytes]) -> None:
    now = _outputs(out)
    assert set(now) == set(OUTPUTS), "no output lost"
    for name, data in now.items():
        assert data in (old[name], new[name]), f"{name} is neither the previous output nor the new one"


def _clean_rebuild(project: Path, new: dict[str, bytes]) -> None:
    """The next build (no --force) leaves the new outputs, no temporary, and verify passes."""
    done = _run(project)
    assert done.returncode == 0, done.stderr
    out = project / "out"
    assert _leftovers(out) == []
    assert _outputs(out) == new
    checked = _run(project, command="verify")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_kill_9_at_random_moments_loses_nothing_and_the_next_build_cleans_up(project: Path, versions) -> None:
    _, old, new = versions
    out = project / "out"
    moments = random.Random(SEED).sample([i / 20 for i in range(2, 46)], RUNS)  # 0.1 s to 2.3 s into the build
    for delay in sorted(moments):
        process = _start(project, "--force")
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)  # the parent and its workers, at once, no handler runs
        _, _, alive = _finish(process)
        assert alive == [], f"killed at {delay} s: a process of the build lives on"
        _each_old_or_new(out, old, new)
    _clean_rebuild(project, new)


def test_kill_9_of_the_parent_alone_takes_its_pdf_worker_with_it(project: Path, versions) -> None:
    """`kill -9 PID` (an OOM kill of the parent) runs no clean-up: the PDF worker is ended by the
    kernel with it, instead of finishing a page layout nobody waits for."""
    _, old, new = versions
    slow_pdf = ("import time, publish.formats.pdf.write as p\n"
                "p.write = lambda job: time.sleep(60) or b''\n"
                "from publish.cli import main\n"
                "main(['build', 'article.md', '--out', 'out', '--force'])\n")
    process = subprocess.Popen([sys.executable, "-c", slow_pdf], cwd=project, env=ENV, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(_in_session(process.pid)) < 2 and time.monotonic() < deadline:  # the PDF worker is up
        time.sleep(0.05)
    assert len(_in_session(process.pid)) >= 2
    time.sleep(1.0)
    process.kill()
    process.wait(timeout=10)  # the parent is gone (the worker would keep its pipes open for a minute)
    time.sleep(0.3)
    alive = _in_session(process.pid)
    _finish(process)
    assert alive == [], "the worker died with its parent"
    _each_old_or_new(project / "out", old, new)
    _clean_rebuild(project, new)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_sigint_and_sigterm_at_random_moments_exit_with_one_line_and_leave_no_temporary(project: Path, versions, stop: signal.Signals) -> None:
    _, old, new = versions
    out = project / "out"
    code = {signal.SIGINT: 130, signal.SIGTERM: 143}[stop]
    word = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}[stop]
    for delay in sorted(random.Random(SEED + stop).sample([i / 20 for i in range(1, 60)], RUNS // 2)):
        before = _outputs(out)
        process = _start(project, "--force")
        time.sleep(delay)
        os.killpg(process.pid, stop)  # Ctrl-C in a terminal / a CI job cancelled: the whole group
        returncode, stderr, alive = _finish(process)
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert alive == [], f"{stop.name} at {delay} s: a process lives on"
        assert _leftovers(out) == [], f"{stop.name} at {delay} s left temporaries"
        if returncode == 0:  # it had finished
            assert _outputs(out) == new
            continue
        if returncode == 128 + stop and lines == []:  # it came while the command line was still being imported
            assert _outputs(out) == before
            continue
        assert returncode == code, stderr
        assert len(lines) == 1, f"one line, no traceback: {stderr}"
        if lines[0] == f"{word}; the previous outputs are unchanged":
            assert _outputs(out) == before
        else:
            assert lines[0] == f"{word} once the new outputs were in place", stderr
            assert _outputs(out) == new
    _clean_rebuild(project, new)


def test_pairs_of_concurrent_builds_never_interleave(project: Path, versions) -> None:
    """Two builds into one folder at once, the second of the other version of the article (it was
    edited meanwhile): each installs its whole set under the folder's lock, the manifest read
    again there, so the files are one build's set, whole, never half of each, and the manifest's
    checksums are those very files (verify compares them)."""
    _, old, new = versions
    out = project / "out"
    for round_ in range(RUNS // 2):
        first_version, second_version = (1, 2) if round_ % 2 == 0 else (2, 1)
        (project / "article.md").write_text(ARTICLE.format(n=first_version), "utf-8")
        first = _start(project, "--force")
        deadline = time.monotonic() + 30
        while not _leftovers(out) and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)  # the first has read its article and renders
        (project / "article.md").write_text(ARTICLE.format(n=second_version), "utf-8")
        second = _start(project, "--force")
        results = [_finish(first), _finish(second)]
        for returncode, stderr, alive in results:
            assert returncode == 0 and alive == [], stderr
        assert _outputs(out) in (old, new), f"round {round_}: the outputs are one build's set, whole"
        assert _leftovers(out) == []
        if _outputs(out) != (new if second_version == 2 else old):  # the first installed last: now stale
            rebuilt = _run(project)
            assert rebuilt.returncode == 0 and "wrote" in rebuilt.stdout, "the manifest knows they are stale"
        checked = _run(project, command="verify")
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_source_that_changes_while_it_builds_is_rebuilt_by_the_next_build(project: Path, versions) -> None:
    """The manifest records the bytes the build read, not the file's bytes at the end: an edit
    made meanwhile is seen by the next build, which renders it."""
    _, old, new = versions
    (project / "article.md").write_text(ARTICLE.format(n=3), "utf-8")
    process = _start(project, "--force")
    time.sleep(0.8)  # reading done, rendering under way
    (project / "article.md").write_text(ARTICLE.format(n=2), "utf-8")
    returncode, stderr, _ = _finish(process)
    assert returncode == 0, stderr
    _clean_rebuild(project, new)


def _mount(kind: str, target: Path, options: str) -> bool:
    """Mount a tmpfs (root only, where the container allows it); False when it cannot be had."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", kind, "-o", options, kind, str(target)], capture_output=True)
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Path:
    """A real 1 MiB filesystem (a tmpfs), unmounted afterwards."""
    disk = tmp_path / "disk"
    if not _mount("tmpfs", disk, "size=1m"):
        pytest.skip("mounting a small tmpfs needs root and a container that allows mount")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_full_disk_is_one_line_and_the_previous_outputs_stay(project: Path, small_disk: Path, versions) -> None:
    """The outputs (about 240 KiB) fit the 1 MiB disk once; filled up but for 100 KiB, the new
    temporaries cannot all be written beside the old outputs: exit 1, one line, nothing changed."""
    out = small_disk / "out"
    (project / "article.md").write_text(ARTICLE.format(n=1), "utf-8")
    done = subprocess.run([sys.executable, "-m", "publish", "build", "article.md", "--out", str(out)],
                          cwd=project, env=ENV, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    before = _outputs(out)
    free = shutil.disk_usage(small_disk).free
    (small_disk / "ballast").write_bytes(b"\0" * max(0, free - 100 * 1024))
    (project / "article.md").write_text(ARTICLE.format(n=2), "utf-8")
    done = subprocess.run([sys.executable, "-m", "publish", "build", "article.md", "--out", str(out)],
                          cwd=project, env=ENV, capture_output=True, text=True, timeout=180)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 1, done.stderr
    assert len(lines) == 1 and "No space left on device; nothing was replaced" in lines[0], done.stderr
    assert _outputs(out) == before
    assert _leftovers(out) == []


def test_a_full_disk_injected_at_the_write_is_one_line(project: Path, versions, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same without root: ENOSPC raised where the rendered bytes are written."""
    import builtins
    import errno

    from publish.cli import main

    _, old, _ = versions
    real_open = builtins.open

    def full_disk(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if "w" in str(mode) and str(file).endswith(".tmp"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", full_disk)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", "article.md", "--out", "out", "--project", str(project)])
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert result.output.strip().count("\n") == 0, result.output
    assert re.fullmatch(r"out: cannot write the (PDF|EPUB|DOCX|HTML): No space left on device; nothing was replaced\n", result.output)
    assert _outputs(project / "out") == old
    assert _leftovers(project / "out") == []


def test_a_read_only_output_folder_is_one_line_and_nothing_changes(project: Path, tmp_path: Path, versions) -> None:
    disk = tmp_path / "ro"
    if not _mount("tmpfs", disk, "size=2m"):
        pytest.skip("mounting a tmpfs needs root and a container that allows mount")
    try:
        (project / "article.md").write_text(ARTICLE.format(n=1), "utf-8")
        done = subprocess.run([sys.executable, "-m", "publish", "build", "article.md", "--out", str(disk / "out")],
                              cwd=project, env=ENV, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
        before = _outputs(disk / "out")
        assert subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True).returncode == 0
        (project / "article.md").write_text(ARTICLE.format(n=2), "utf-8")
        done = subprocess.run([sys.executable, "-m", "publish", "build", "article.md", "--out", str(disk / "out")],
                              cwd=project, env=ENV, capture_output=True, text=True, timeout=180)
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert done.returncode == 1 and len(lines) == 1 and "Read-only file system" in lines[0], done.stderr
        assert _outputs(disk / "out") == before
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def _slow_build(project: Path, *options: str) -> subprocess.Popen[str]:
    """`publish build` of the project's article in its own process group, its EPUB writer asleep
    for a minute, returned once its temporary files are in out/ (the PDF then renders)."""
    slow_epub = (
        "import time, publish.formats.epub.write as e\n"
        "e.write = lambda job: time.sleep(60) or b''\n"
        "from publish.cli import main\n"
        f"main(['build', 'article.md', '--out', 'out', '--no-verify', *{list(options)!r}])\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", slow_epub], cwd=project, env=ENV, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".tmp") for p in (project / "out").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return process


@pytest.mark.parametrize(("stop", "group", "code", "message"), [
    (signal.SIGINT, True, 130, "interrupted; the previous outputs are unchanged"),  # Ctrl-C in a terminal
    (signal.SIGTERM, True, 143, "terminated; the previous outputs are unchanged"),  # a CI job cancelled
    (signal.SIGTERM, False, 143, "terminated; the previous outputs are unchanged"),  # `timeout`, `kill PID`
], ids=["ctrl-c", "sigterm-group", "sigterm-parent"])
def test_interrupting_the_cli_leaves_previous_outputs_and_no_temporary_file(
    project: Path, stop: signal.Signals, group: bool, code: int, message: str
) -> None:
    """A real Ctrl-C or SIGTERM while the formats render: exit 130 or 143, outputs as they were."""
    out = project / "out"
    before = _outputs(out)
    process = _slow_build(project)
    try:
        time.sleep(1.0)  # the PDF is rendering, the EPUB sleeping
        if group:
            os.killpg(process.pid, stop)
        else:
            process.send_signal(stop)
        stdout, stderr = process.communicate(timeout=60)
        time.sleep(0.5)
        left = _in_session(process.pid)  # the parent stops its workers before it exits
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert process.returncode == code, stderr
    assert stderr.strip().endswith(message)
    assert _outputs(out) == before
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    extra = [line for line in stderr.splitlines() if line.strip() and line != message]
    assert not extra, "no traceback from any process (workers leave stopping to the parent from the moment they are forked)"
    assert not left, "no worker left running"
