"""Reproducible builds: the same source and theme give the same PDF, EPUB, DOCX and web page bytes whatever the clock and time zone."""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from publish.formats.zipfiles import normalize

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "constructs"
FORMATS = ("pdf", "epub", "docx", "html")


def _build_in_a_fresh_process(project: Path, out: str, tz: str, epoch: str | None) -> dict[str, str]:
    """Build every format with --force in a new interpreter under the given TZ and SOURCE_DATE_EPOCH."""
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "TZ")}
    env.update({"PYTHONPATH": str(ROOT), "TZ": tz})
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    command = [sys.executable, "-m", "publish", "build", "constructs.md", "--out", out, "--no-verify", "--force"]
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return {fmt: hashlib.sha256((project / out / f"constructs.{fmt}").read_bytes()).hexdigest() for fmt in FORMATS}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reproducible")
    shutil.copytree(FIXTURE, folder, dirs_exist_ok=True)
    return folder


@pytest.mark.parametrize("epoch", [None, "1700000000"], ids=["SOURCE_DATE_EPOCH-unset", "SOURCE_DATE_EPOCH-set"])
def test_two_builds_at_different_times_and_zones_are_byte_identical(project: Path, epoch: str | None) -> None:
    started = time.time()
    first = _build_in_a_fresh_process(project, "a", "UTC", epoch)
    time.sleep(max(0.0, 1.1 - (time.time() - started)))  # the clock has moved on by at least a second
    second = _build_in_a_fresh_process(project, "b", "Pacific/Kiritimati", epoch)  # UTC+14
    assert first == second
    assert _manifest(project / "a") == _manifest(project / "b")  # no times in the manifest either


def test_the_same_project_in_two_folders_gives_byte_identical_files(project: Path, tmp_path: Path) -> None:
    """A checkout elsewhere (another CI runner, another editor's machine) gives the same bytes: the
    PDF named each image after a hash of its file: URL, so moving the project changed the PDF."""
    moved = tmp_path / "elsewhere" / "deeper"
    shutil.copytree(project, moved, ignore=shutil.ignore_patterns("a", "b", "c"))
    first = _build_in_a_fresh_process(project, "c", "UTC", None)
    assert first == _build_in_a_fresh_process(moved, "c", "UTC", None)


def _manifest(out: Path) -> dict:
    """The manifest, less the digest of publish's code (which a concurrent edit of a module may change)."""
    data = json.loads((out / ".publish-manifest.json").read_text("utf-8"))
    for entry in data["outputs"].values():
        entry["inputs"]["versions"].pop("publish-code")
    return data


def _zip(members: list[tuple[str, bytes]], when: tuple[int, ...], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, date_time=when), data)
    return out.getvalue()


def test_normalize_gives_the_same_bytes_whatever_the_timestamps_and_compression() -> None:
    members = [("META-INF/container.xml", b"<container/>"), ("mimetype", b"application/epub+zip"), ("a.xhtml", b"<p/>" * 100)]
    one = _zip(members, (2031, 5, 6, 7, 8, 10))
    two = _zip(members, (1999, 1, 2, 3, 4, 6), zipfile.ZIP_STORED)
    assert one != two
    assert normalize(one) == normalize(two)
    with zipfile.ZipFile(io.BytesIO(normalize(one))) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert [info.filename for info in archive.infolist()][1:] == ["META-INF/container.xml", "a.xhtml"]


def test_normalize_uses_the_given_build_date() -> None:
    import datetime as dt

    data = normalize(_zip([("mimetype", b"x")], (2000, 1, 1, 0, 0, 0)), dt.datetime(2024, 3, 15, 12, 30, 44))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.infolist()[0].date_time == (2024, 3, 15, 12, 30, 44)
