"""The atomic replace, unit by unit: a fresh temporary file beside each target, and an install that puts side files first and the output last, leaving nothing stale."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from publish.builder import pipeline
from publish.errors import OutputError


def test_a_temporary_file_is_new_empty_and_beside_its_target(tmp_path: Path) -> None:
    target = tmp_path / "article.pdf"
    umask = os.umask(0o022)
    os.umask(umask)
    first, second = pipeline._new_temp(target), pipeline._new_temp(target)
    for temp in (first, second):
        assert temp.parent == tmp_path and temp.name.startswith(".article.pdf.") and temp.name.endswith(".tmp")
        assert len(temp.name) == len(".article.pdf.") + 8 + len(".tmp")
        assert temp.read_bytes() == b""
        assert stat.S_IMODE(temp.stat().st_mode) == 0o666 & ~umask
    assert first != second
    assert not target.exists()


def test_a_temporary_name_already_taken_is_never_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "article.pdf"
    taken = tmp_path / ".article.pdf.00000000.tmp"
    taken.write_bytes(b"someone else's")
    import fcntl

    with open(taken, "rb") as held:  # another build, running: it holds its temporary file locked
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        draws = iter([b"\0\0\0\0", b"\0\0\0\1"])
        monkeypatch.setattr(pipeline.os, "urandom", lambda n: next(draws))
        temp = pipeline._new_temp(target)
        assert temp.name == ".article.pdf.00000001.tmp"
        assert taken.read_bytes() == b"someone else's"
    pipeline.release_temp(temp)


def test_the_leftovers_of_a_killed_build_go_with_the_next_build_of_that_output(tmp_path: Path) -> None:
    """A killed build (kill -9 too) leaves its temporaries unlocked; a running build's stay locked."""
    import fcntl

    target = tmp_path / "article.pdf"
    dead = tmp_path / ".article.pdf.0badf00d.tmp"
    dead.write_bytes(b"%PDF half")
    (tmp_path / ".article.pdf.0badf00d.tmp.files" / "assets").mkdir(parents=True)
    orphan = tmp_path / ".article.pdf.feedbeef.tmp.files"
    orphan.mkdir()
    alive = tmp_path / ".article.pdf.12345678.tmp"
    alive.write_bytes(b"being written")
    other = tmp_path / ".notes.pdf.0badf00d.tmp"  # another output's: not this build's to judge
    other.write_bytes(b"x")
    with open(alive, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        temp = pipeline._new_temp(target)
        left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([alive.name, other.name, temp.name]), left
    pipeline.release_temp(temp)


def test_an_output_folder_that_cannot_be_written_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught:
        pipeline._new_temp(tmp_path / "missing" / "article.pdf")
    assert str(caught.value).startswith(f"{tmp_path / 'missing'}: cannot write in the output folder: ")


def _task(tmp_path: Path, content: bytes) -> pipeline._Task:
    target = tmp_path / "article.html"
    temp = pipeline._new_temp(target)
    temp.write_bytes(content)
    return pipeline._Task(0, "html", target, temp)


def test_install_replaces_the_target_with_the_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "article.html").write_bytes(b"old")
    task = _task(tmp_path, b"new")
    pipeline._install(task)
    assert (tmp_path / "article.html").read_bytes() == b"new" and not task.temp.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.html"]


def _hashed(data: bytes, suffix: str) -> str:
    """A side file's name as a build writes it: the start of its content's sha256."""
    import hashlib

    return hashlib.sha256(data).hexdigest()[:16] + suffix


def test_install_moves_side_files_first_and_drops_those_no_page_uses(tmp_path: Path) -> None:
    """Stale side files an earlier build wrote go; the user's own files beside them stay."""
    (tmp_path / "article.html").write_bytes(b"old page")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / _hashed(b"old image", ".png")).write_bytes(b"old image")
    (tmp_path / "assets" / "fig1.png").write_bytes(b"the article's own image")
    (tmp_path / "assets" / "kept.png").write_bytes(b"kept, old copy")
    (tmp_path / "unrelated.txt").write_bytes(b"not ours")
    task = _task(tmp_path, b"new page")
    side = pipeline.side_files_dir(task.temp)
    assert side == task.temp.with_name(task.temp.name + ".files")
    (side / "assets" / "fonts").mkdir(parents=True)
    (side / "assets" / "kept.png").write_bytes(b"kept")
    (side / "assets" / "fonts" / "a.woff2").write_bytes(b"font")
    (side / "top.css").write_bytes(b"css")
    pipeline._install(task)
    found = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert found == {
        "article.html": b"new page",
        "assets/kept.png": b"kept",
        "assets/fonts/a.woff2": b"font",
        "assets/fig1.png": b"the article's own image",
        "top.css": b"css",
        "unrelated.txt": b"not ours",
    }
    assert not side.exists() and not task.temp.exists()


def test_install_creates_the_folders_side_files_need_and_cleans_one_level_folders(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / _hashed(b"stale", ".png")).write_bytes(b"stale")
    task = _task(tmp_path, b"page")
    side = pipeline.side_files_dir(task.temp)
    (side / "media" / "fonts").mkdir(parents=True)
    (side / "media" / "fonts" / "a.woff2").write_bytes(b"font")
    (side / "img").mkdir()
    (side / "img" / "new.png").write_bytes(b"new")
    pipeline._install(task)
    found = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert found == {"article.html", "media/fonts/a.woff2", "img/new.png"}
